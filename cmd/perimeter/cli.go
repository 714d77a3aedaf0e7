package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/rules"
)

// Exit codes.
const (
	exitClean    = 0 // no findings
	exitFindings = 1 // findings at or above the failure threshold
	exitError    = 2 // an error prevented part of the analysis, or bad usage
)

// env is the process around run: the only place perimeter touches stdout,
// stderr and the environment, so tests can drive run() in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	environ        func() []string
	// isTerminal reports whether stdout is a terminal (for colour); nil
	// means "ask the OS about os.Stdout".
	isTerminal func() bool
	// now is the clock archive expiry dates are compared with; nil means
	// time.Now. Tests fix it.
	now func() time.Time
	// loaders are the input languages; nil means allLoaders(). Tests
	// give their own.
	loaders func() []loaders.Loader
}

func (e env) clock() time.Time {
	if e.now != nil {
		return e.now()
	}
	return time.Now()
}

// version is set at build time with -ldflags "-X main.version=..."; a
// `go install` build reports its module version instead.
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

const usage = `perimeter finds every grant in Terraform and CloudFormation that lets a principal
outside your zone of trust reach a resource, before it is deployed.

Usage:
  perimeter scan [flags] [PATH...]       scan files and directories (default ".")
  perimeter baseline [flags] [PATH...]   accept the current findings into .perimeter-archive.yml
  perimeter precommit [flags] FILE...    scan the directories of the given files (the pre-commit hook)
  perimeter rules [--rules DIR]          list the rules
  perimeter test DIR...                  run the Rego tests (*_test.rego) of custom rules
  perimeter version                      print the version

Run "perimeter scan --help" for the scan flags.
`

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitError
	}
	switch args[0] {
	case "scan":
		return runScan(ctx, args[1:], e)
	case "baseline":
		return runBaseline(ctx, args[1:], e)
	case "precommit":
		return runPrecommit(ctx, args[1:], e)
	case "rules":
		return runRules(ctx, args[1:], e)
	case "test":
		return runTest(ctx, args[1:], e)
	case "version", "--version":
		fmt.Fprintf(e.stdout, "perimeter %s\n", toolVersion())
		return exitClean
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return exitClean
	default:
		fmt.Fprintf(e.stderr, "perimeter: unknown command %q\n\n%s", args[0], usage)
		return exitError
	}
}

// parseFlags parses a subcommand's flags. --help prints header and the
// flags to standard output; a bad flag is an error on standard error.
func parseFlags(fs *pflag.FlagSet, args []string, e env, header string) (ok bool, code int) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printUsage(e.stdout, fs, header)
			return false, exitClean
		}
		fmt.Fprintf(e.stderr, "perimeter: %v (see --help)\n", err)
		return false, exitError
	}
	return true, 0
}

func printUsage(w io.Writer, fs *pflag.FlagSet, header string) {
	// pflag marks boolean flags "[=true|false]"; they are plain switches.
	flags := strings.ReplaceAll(fs.FlagUsages(), "[=true|false]", "             ")
	fmt.Fprintf(w, "%s\nFlags:\n%s", header, flags)
}

func runRules(ctx context.Context, args []string, e env) int {
	fs := pflag.NewFlagSet("perimeter rules", pflag.ContinueOnError)
	var f scanFlags
	fs.StringArrayVar(&f.ruleDirs, "rules", nil, "also load custom rules from this directory (repeatable)")
	fs.StringVar(&f.config, "config", "", "read this config file instead of looking for .perimeter.yml")
	fs.BoolVar(&f.noConfig, "no-config", false, "do not read .perimeter.yml")
	format := fs.String("format", "text", "output format: text or json")
	if ok, code := parseFlags(fs, args, e, "Usage: perimeter rules [flags]\n\nLists the built-in rules and any custom ones: those of --rules, and those\nthe rules: list of .perimeter.yml names (found as perimeter scan . finds it).\n"); !ok {
		return code
	}
	cfg, err := configFor(&f, []string{"."})
	if err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	engine, err := newEngine(ctx, append(slices.Clone(cfg.Rules), f.ruleDirs...))
	if err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(engine.Rules()); err != nil {
			fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
			return exitError
		}
	case "text":
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSEVERITY\tRESOURCE TYPES\tDESCRIPTION")
		for _, r := range engine.Rules() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, strings.Join(r.ResourceTypes, ", "), r.Title)
		}
		if err := tw.Flush(); err != nil {
			return exitError
		}
	default:
		fmt.Fprintf(e.stderr, "perimeter: unknown format %q (valid: json, text)\n", *format)
		return exitError
	}
	return exitClean
}

// newEngine compiles the built-in rules plus the rules in dirs.
func newEngine(ctx context.Context, dirs []string) (*rules.Engine, error) {
	sources := []rules.Source{rules.Builtin()}
	for _, d := range dirs {
		st, err := os.Stat(d)
		if err != nil {
			return nil, fmt.Errorf("--rules %s: %w", d, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("--rules %s: not a directory", d)
		}
		sources = append(sources, rules.Source{FS: os.DirFS(d), Dir: ".", Display: d})
	}
	return rules.New(ctx, sources...)
}

func runTest(ctx context.Context, args []string, e env) int {
	fs := pflag.NewFlagSet("perimeter test", pflag.ContinueOnError)
	verbose := fs.BoolP("verbose", "v", false, "print every test, not only failures")
	const header = "Usage: perimeter test [flags] DIR...\n\nRuns the test_* rules of the *_test.rego files in each DIR, with the built-in\nlibrary (data.perimeter.lib.grants) and the same offline builtins as a scan.\n"
	if ok, code := parseFlags(fs, args, e, header); !ok {
		return code
	}
	if fs.NArg() == 0 {
		printUsage(e.stderr, fs, header)
		return exitError
	}
	b := rules.Builtin()
	b.NoTests = true
	sources := []rules.Source{b}
	for _, d := range fs.Args() {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			fmt.Fprintf(e.stderr, "perimeter: %s is not a directory\n", d)
			return exitError
		}
		sources = append(sources, rules.Source{FS: os.DirFS(d), Dir: ".", Display: d})
	}
	results, err := rules.RunTests(ctx, sources...)
	if err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	failed := 0
	for _, r := range results {
		if !r.Passed && !r.Skipped {
			failed++
		}
		if *verbose || (!r.Passed && !r.Skipped) {
			fmt.Fprintln(e.stdout, r.String())
		}
	}
	fmt.Fprintf(e.stdout, "%d passed, %d failed\n", len(results)-failed, failed)
	switch {
	case len(results) == 0:
		fmt.Fprintln(e.stderr, "perimeter: no tests found (tests are test_* rules in *_test.rego files)")
		return exitError
	case failed > 0:
		return exitFindings
	}
	return exitClean
}
