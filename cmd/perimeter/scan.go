package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/report"
	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/suppress"
	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/cloudformation"
	"github.com/perimeter-iac/perimeter/loaders/terraform"
	"github.com/perimeter-iac/perimeter/loaders/tfplan"
	"github.com/perimeter-iac/perimeter/rules"
)

// scanFlags are the flags of `perimeter scan`; the README lists each.
type scanFlags struct {
	accounts    []string
	orgID       string
	config      string
	noConfig    bool
	vars        []string
	varFiles    []string
	workspace   string
	parameters  []string
	paramFiles  []string
	formats     []string
	output      string
	ruleDirs    []string
	partition   string
	region      string
	maxFileSize int64
	limits      loaders.Limits
	maxMemory   int64 // MiB
	stats       bool
	noColor     bool

	failOn         string
	failLevel      string
	showSuppressed bool
	archive        string
	newSince       string
	// writingArchive: baseline creates the --archive file when missing.
	writingArchive bool
}

func (f *scanFlags) register(fs *pflag.FlagSet) {
	fs.StringSliceVar(&f.accounts, "account", nil, "an account of the zone of trust (repeatable or comma-separated); the first is the account the templates deploy to")
	fs.StringVar(&f.orgID, "org-id", "", "widen the zone of trust to this AWS Organization (o-...)")
	fs.StringVar(&f.config, "config", "", "read this config file instead of looking for "+ConfigName)
	fs.BoolVar(&f.noConfig, "no-config", false, "do not read "+ConfigName)
	fs.StringArrayVar(&f.vars, "var", nil, "Terraform root module variable NAME=VALUE (repeatable)")
	fs.StringArrayVar(&f.varFiles, "var-file", nil, "Terraform variables file applied to root modules (repeatable)")
	fs.StringVar(&f.workspace, "workspace", "", `Terraform workspace name for terraform.workspace (default "default")`)
	fs.StringArrayVar(&f.parameters, "parameter", nil, "CloudFormation parameter override KEY=VALUE (repeatable)")
	fs.StringArrayVar(&f.paramFiles, "parameter-file", nil, `CloudFormation parameters file, AWS CLI ([{"ParameterKey":..}]) or template-configuration ({"Parameters":{..}}) format (repeatable)`)
	fs.StringArrayVar(&f.formats, "format", nil, "output format, optionally to a file: "+strings.Join(report.FormatNames(), ", ")+", as NAME or NAME=FILE (repeatable; default text)")
	fs.StringVarP(&f.output, "output", "o", "", "write the report to FILE instead of standard output")
	fs.StringArrayVar(&f.ruleDirs, "rules", nil, "also load custom Rego rules from this directory (repeatable)")
	fs.StringVar(&f.partition, "partition", "", `AWS partition for ARNs the configuration leaves open (default "aws")`)
	fs.StringVar(&f.region, "region", "", "AWS region for ARNs the configuration leaves open (default: the provider's, else any region)")
	fs.Int64Var(&f.maxFileSize, "max-file-size", loaders.DefaultMaxFileSize, "skip (and report) files larger than this many bytes")
	fs.IntVar(&f.limits.MaxDepth, "max-depth", loaders.DefaultMaxDepth, "refuse (and report) files nesting deeper than this (docs/limits.md)")
	fs.IntVar(&f.limits.MaxNodes, "max-nodes", loaders.DefaultMaxNodes, "refuse (and report) files of more syntax elements than this: HCL tokens, JSON values, YAML nodes")
	fs.IntVar(&f.limits.MaxAliasExpansion, "max-alias-expansion", loaders.DefaultMaxAliasExpansion, "refuse (and report) YAML whose aliases add more values than this")
	fs.IntVar(&f.limits.MaxStatements, "max-statements", loaders.DefaultMaxStatements, "analyse at most this many statements of one policy; the rest are reported unresolved")
	fs.Int64Var(&f.maxMemory, "max-memory", defaultMaxMemory, "stop the scan (exit 2) if its memory passes this many MiB; 0 for no limit")
	fs.BoolVar(&f.stats, "stats", false, "print counts and the time of each stage to standard error")
	fs.BoolVar(&f.noColor, "no-color", false, "never colour text output (NO_COLOR is honoured too)")
	fs.StringVar(&f.failOn, "fail-on", "", "exit 1 only for findings at least this exposed: public, external, unresolved (default) or none")
	fs.StringVar(&f.failLevel, "fail-level", "", "exit 1 only for findings of at least this severity: info (default), low, medium, high, critical")
	fs.BoolVar(&f.showSuppressed, "show-suppressed", false, "list suppressed findings in text and markdown output (JSON and SARIF always carry them)")
	fs.StringVar(&f.archive, "archive", "", "read archive rules and accepted findings from FILE (default: "+suppress.ArchiveFileName+" found like "+ConfigName+")")
	fs.StringVar(&f.newSince, "new-since", "", "report only findings not present at git revision REF (pull-request mode)")
}

var (
	accountPattern = regexp.MustCompile(`^\d{12}$`)
	orgPattern     = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

// scanSettings is the merge of config file and flags.
type scanSettings struct {
	zone       rules.Zone
	opts       loaders.Options
	ruleDirs   []string
	configPath string

	// Suppressions and thresholds (ux.go).
	archive     *suppress.Archive // config section and file, merged; never nil
	archiveFile string            // the archive file read, or where baseline writes
	fileArchive *suppress.Archive // the archive file alone; nil when it does not exist
	threshold   threshold
	// workDir is what discovery shows paths relative to ("" = the working
	// directory); --new-since sets it to scan another revision's tree.
	workDir string
	loaders []loaders.Loader
	// keepResources keeps every resource with its policies for the
	// report (--format input); otherwise each resource's policies are
	// released once it is judged.
	keepResources bool
}

func settingsFrom(f *scanFlags, paths []string, e env) (*scanSettings, error) {
	cfg, err := configFor(f, paths)
	if err != nil {
		return nil, err
	}
	s := &scanSettings{configPath: cfg.path, loaders: allLoaders()}
	if e.loaders != nil {
		s.loaders = e.loaders()
	}
	if s.zone, err = zoneFrom(f, cfg); err != nil {
		return nil, err
	}
	if s.opts, err = loaderOptionsFrom(f, cfg, paths, e); err != nil {
		return nil, err
	}
	s.opts.OwnAccount = s.zone.OwnAccount()
	s.opts.Limits = f.limits
	s.opts.Limits.MaxFileSize = f.maxFileSize
	s.opts.Limits = s.opts.Limits.OrDefaults()
	s.opts.OnStart = testLoaderHook
	s.ruleDirs = append(slices.Clone(cfg.Rules), f.ruleDirs...)
	if s.threshold, err = thresholdFrom(f, cfg); err != nil {
		return nil, err
	}
	if err := s.loadArchive(f, cfg, paths); err != nil {
		return nil, err
	}
	return s, nil
}

// configFor reads --config, or the .perimeter.yml above the first path.
func configFor(f *scanFlags, paths []string) (*Config, error) {
	switch {
	case f.noConfig:
		return &Config{}, nil
	case f.config != "":
		return loadConfig(f.config)
	}
	if p, ok := findConfig(paths[0]); ok {
		return loadConfig(p)
	}
	return &Config{}, nil
}

func zoneFrom(f *scanFlags, cfg *Config) (rules.Zone, error) {
	var z rules.Zone
	accounts := cfg.Accounts
	if len(f.accounts) > 0 {
		accounts = f.accounts
	}
	for _, a := range accounts {
		a = strings.TrimSpace(a)
		if !accountPattern.MatchString(a) {
			return z, fmt.Errorf("account %q is not a 12-digit AWS account ID", a)
		}
		if !slices.Contains(z.Accounts, a) {
			z.Accounts = append(z.Accounts, a)
		}
	}
	z.OrgID = firstNonEmpty(f.orgID, cfg.OrgID)
	if z.OrgID != "" && !orgPattern.MatchString(z.OrgID) {
		return z, fmt.Errorf("organization ID %q is not of the form o-xxxxxxxxxx", z.OrgID)
	}
	z.Declared = len(z.Accounts) > 0 || z.OrgID != ""
	return z, nil
}

func loaderOptionsFrom(f *scanFlags, cfg *Config, paths []string, e env) (loaders.Options, error) {
	opts := loaders.Options{
		Partition:  firstNonEmpty(f.partition, cfg.Partition, "aws"),
		Region:     firstNonEmpty(f.region, cfg.Region),
		Workspace:  firstNonEmpty(f.workspace, e.getenv("TF_WORKSPACE")),
		Parameters: maps.Clone(cfg.Parameters),
		EnvVars:    map[string]string{},
		Roots:      paths,
		VarFiles:   append(slices.Clone(cfg.VarFiles), f.varFiles...),

		ParameterFiles: append(slices.Clone(cfg.ParameterFiles), f.paramFiles...),
	}
	if opts.Parameters == nil {
		opts.Parameters = map[string]string{}
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.Vars)) {
		opts.Vars = append(opts.Vars, loaders.Var{Name: k, Value: cfg.Vars[k]})
	}
	for _, v := range f.vars {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return opts, fmt.Errorf("--var %q: want NAME=VALUE", v)
		}
		opts.Vars = append(opts.Vars, loaders.Var{Name: name, Value: value})
	}
	for _, p := range f.parameters {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return opts, fmt.Errorf("--parameter %q: want KEY=VALUE", p)
		}
		opts.Parameters[k] = v
	}
	for _, kv := range e.environ() {
		if name, value, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(name, "TF_VAR_") {
			opts.EnvVars[strings.TrimPrefix(name, "TF_VAR_")] = value
		}
	}
	return opts, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// destination is one --format entry.
type destination struct {
	format string
	writer report.Writer
	file   string // "" = standard output (or --output)
}

func parseFormats(specs []string, output string) ([]destination, error) {
	if len(specs) == 0 {
		specs = []string{"text"}
	}
	var dests []destination
	seen := map[string]string{}
	for _, spec := range specs {
		name, file, _ := strings.Cut(spec, "=")
		w, err := report.Lookup(name)
		if err != nil {
			return nil, err
		}
		if file == "" {
			file = output
		}
		key := file
		if key == "" {
			key = "standard output"
		}
		if other, dup := seen[key]; dup {
			return nil, fmt.Errorf("--format %s and --format %s both write to %s; give one of them a file (NAME=FILE)", other, name, key)
		}
		seen[key] = name
		dests = append(dests, destination{format: name, writer: w, file: file})
	}
	return dests, nil
}

const scanHeader = `Usage: perimeter scan [flags] [PATH...]

Scans Terraform (.tf, .tf.json, .tfvars; plan JSON from terraform show -json)
and CloudFormation (YAML/JSON templates, recognised by content) under each
PATH (default ".") and reports every grant that reaches outside the zone of
trust.

Exit status: 0 no findings, 1 findings (at or above --fail-on and
--fail-level; suppressed ones never count), 2 an error prevented part of the
analysis (the rest is still reported).
`

func runScan(ctx context.Context, args []string, e env) int {
	var f scanFlags
	fs := pflag.NewFlagSet("perimeter scan", pflag.ContinueOnError)
	f.register(fs)
	if ok, code := parseFlags(fs, args, e, scanHeader); !ok {
		return code
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	return scanAndReport(ctx, &f, paths, e)
}

// scanAndReport is `perimeter scan` after flag parsing: scan, apply
// suppressions and --new-since, write every format, and pick the exit code.
func scanAndReport(ctx context.Context, f *scanFlags, paths []string, e env) int {
	settings, err := settingsFrom(f, paths, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	dests, err := parseFormats(f.formats, f.output)
	if err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	settings.keepResources = slices.ContainsFunc(dests, func(d destination) bool { return d.format == "input" })
	wd := startWatchdog(f.maxMemory<<20, e.stderr)
	defer wd.stop()
	settings.opts.OnStart = wd.onStart(settings.opts.OnStart)

	timer := newStageTimer()
	// The rules compile on one core while discovery and loading use the
	// other: on a pre-commit run compiling is most of the work.
	pending := compileRules(ctx, settings.ruleDirs)
	rep, files, err := scan(ctx, pending, paths, settings, f.maxFileSize, timer)
	if err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	engine, _ := pending.wait()
	applySuppressions(rep, files, settings, e)
	timer.done("suppress")
	if f.newSince != "" {
		if err := filterNewSince(ctx, engine, rep, f.newSince, paths, settings, f.maxFileSize, e); err != nil {
			fmt.Fprintf(e.stderr, "perimeter: --new-since %s: %v\n", f.newSince, err)
			return exitError
		}
		timer.done("new-since")
	}
	rep.Errors.Sort()
	placeSources(rep, dests, e)

	color := !f.noColor && e.getenv("NO_COLOR") == "" && isTerminal(e)
	for _, d := range dests {
		opts := report.Options{Color: color && d.file == "", ShowSuppressed: f.showSuppressed}
		if err := writeReport(d, rep, opts, e.stdout); err != nil {
			fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
			return exitError
		}
	}
	timer.done("output")
	if f.stats {
		timer.print(e.stderr, rep)
	}
	return exitCode(rep, settings.threshold, e)
}

func writeReport(d destination, rep *report.Report, opts report.Options, stdout io.Writer) error {
	if d.file == "" {
		return d.writer(stdout, rep, opts)
	}
	out, err := os.Create(d.file)
	if err != nil {
		return err
	}
	if err := d.writer(out, rep, opts); err != nil {
		_ = out.Close()
		return fmt.Errorf("%s: %w", d.file, err)
	}
	return out.Close()
}

func isTerminal(e env) bool {
	if e.isTerminal != nil {
		return e.isTerminal()
	}
	if e.stdout != os.Stdout {
		return false
	}
	st, err := os.Stdout.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// allLoaders is the explicit wiring of the input languages, in the order
// they are offered each file.
func allLoaders() []loaders.Loader {
	return []loaders.Loader{terraform.New(), tfplan.New(), cloudformation.New()}
}

// pendingEngine is a rules engine being compiled in the background.
type pendingEngine struct {
	done   chan struct{}
	engine *rules.Engine
	err    error
	took   time.Duration
}

// compileRules starts compiling the built-in rules plus the rules in dirs.
func compileRules(ctx context.Context, dirs []string) *pendingEngine {
	p := &pendingEngine{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		start := time.Now()
		p.engine, p.err = newEngine(ctx, dirs)
		p.took = time.Since(start)
	}()
	return p
}

// readyEngine wraps an engine already compiled.
func readyEngine(e *rules.Engine) *pendingEngine {
	p := &pendingEngine{done: make(chan struct{}), engine: e}
	close(p.done)
	return p
}

func (p *pendingEngine) wait() (*rules.Engine, error) {
	<-p.done
	return p.engine, p.err
}

// scan runs discovery, loading and judgement. It also returns the files
// the loaders claimed, for suppression comments. The error is the rules'
// failure to compile.
func scan(ctx context.Context, pending *pendingEngine, paths []string, s *scanSettings, maxFileSize int64, timer *stageTimer) (*report.Report, map[string][]byte, error) {
	files, diags := loaders.Discover(paths, loaders.DiscoverOptions{MaxFileSize: maxFileSize, WorkDir: s.workDir})
	timer.done("discover")

	ls := s.loaders
	claimed := make([][]loaders.File, len(ls))
	for _, file := range files {
		i := claimant(ls, file.Path, file.Data)
		if i < 0 {
			continue
		}
		if problem := loaders.TextProblem(file.Data); problem != "" {
			// Only files a loader would read are errors: a binary .json is
			// not a template, but a UTF-16 template is one perimeter cannot
			// read.
			diags.Errorf(loaders.Range{File: file.Path}, "%s; the file is not analysed", problem)
			continue
		}
		claimed[i] = append(claimed[i], file)
	}

	// One loader after the other: each already spreads its files over
	// every core, and running them together would only add their peaks of
	// memory (parsed files, module instances) together.
	var resources []loaders.Resource
	for i, l := range ls {
		if len(claimed[i]) == 0 {
			continue
		}
		res, ds := loadSafely(ctx, l, claimed[i], s.opts)
		resources = append(resources, res...)
		diags = append(diags, ds...)
	}
	// A plan and the configuration it was made from list the same grants:
	// the plan's win.
	resources = tfplan.Supersede(resources)
	diags = append(diags, loaders.CapStatements(resources, s.opts.Limits.MaxStatements)...)
	timer.done("load")

	engine, err := pending.wait()
	if err != nil {
		return nil, nil, err
	}
	timer.done("compile rules")
	timer.compiled = pending.took
	policies := 0
	for _, r := range resources {
		policies += len(r.Documents)
	}
	var judged func(i int)
	if !s.keepResources {
		// Only findings are reported: a resource's policies, most of the
		// memory a scan holds, are not needed once it is judged, so memory
		// falls as evaluation goes instead of peaking at the end of it.
		judged = func(i int) { resources[i].Documents = nil }
	}
	findings, evalDiags := engine.EvaluateEach(ctx, s.zone, resources, judged)
	root := repoRoot()
	for i := range findings {
		findings[i].ID = findingID(&findings[i], s.workDir, root)
	}
	diags = append(diags, evalDiags...)
	diags.Sort()
	diags = capPerFile(diags, maxDiagnosticsPerFile)
	timer.done("evaluate")

	nFiles := 0
	contents := map[string][]byte{}
	for _, c := range claimed {
		nFiles += len(c)
		for _, file := range c {
			contents[file.Path] = file.Data
		}
	}
	return &report.Report{
		Tool:     "perimeter",
		Version:  toolVersion(),
		Zone:     s.zone,
		Findings: findings,
		Errors:   diags,
		Rules:    engine.Rules(),
		Stats:    report.Stats{Files: nFiles, Resources: len(resources), Policies: policies},

		Resources: keptResources(resources, s.keepResources),
	}, contents, nil
}

// keptResources is the report's resources: all of them, with their
// policies, for --format input; none otherwise (their policies were
// released as they were judged).
func keptResources(resources []loaders.Resource, keep bool) []loaders.Resource {
	if keep {
		return resources
	}
	return nil
}

// loadSafely runs one loader. Each loader isolates its files (a panic while
// reading a file or evaluating a Terraform module becomes an error naming
// it, and the other files are analysed); this is the last resort for a
// panic outside those points, so that the other loaders' findings survive.
func loadSafely(ctx context.Context, l loaders.Loader, files []loaders.File, opts loaders.Options) (res []loaders.Resource, diags loaders.Diagnostics) {
	defer func() {
		if p := recover(); p != nil {
			names := make([]string, 0, 3)
			for _, f := range files[:min(3, len(files))] {
				names = append(names, f.Path)
			}
			if len(files) > 3 {
				names = append(names, fmt.Sprintf("and %d more", len(files)-3))
			}
			res = nil
			diags = loaders.Diagnostics{loaders.PanicError(loaders.Range{}, fmt.Sprintf("in the %s loader (%d files not analysed: %s)", l.Name(), len(files), strings.Join(names, ", ")), p, debug.Stack())}
		}
	}()
	return l.Load(ctx, files, opts)
}

// stageTimer measures the wall time of each stage for --stats.
type stageTimer struct {
	last     time.Time
	start    time.Time
	lastCPU  time.Duration
	startCPU time.Duration
	stages   []stage
	// compiled is how long compiling the rules took, alongside discovery
	// and loading; the "compile rules" stage is only the wait after them.
	compiled time.Duration
}

type stage struct {
	name string
	d    time.Duration
	cpu  time.Duration // CPU time of the whole process during the stage
}

func newStageTimer() *stageTimer {
	now, cpu := time.Now(), processCPU()
	return &stageTimer{last: now, start: now, lastCPU: cpu, startCPU: cpu}
}

func (t *stageTimer) done(name string) {
	now, cpu := time.Now(), processCPU()
	t.stages = append(t.stages, stage{name, now.Sub(t.last), cpu - t.lastCPU})
	t.last, t.lastCPU = now, cpu
}

func (t *stageTimer) print(w io.Writer, r *report.Report) {
	s := r.Summarize()
	fmt.Fprintf(w, "files %d  resources %d  policies %d  findings %d  errors %d\n", s.Files, s.Resources, s.Policies, s.Findings, s.Errors)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	// CPU time is the whole process's (both cores, the garbage collector
	// and, during discovery and loading, the rules compiling alongside).
	fmt.Fprintf(w, "%-14s %8s %11s\n", "stage", "wall", "cpu")
	for _, st := range t.stages {
		fmt.Fprintf(w, "%-14s %8.1f ms %8.1f ms", st.name, ms(st.d), ms(st.cpu))
		if st.name == "compile rules" && t.compiled > 0 {
			fmt.Fprintf(w, "  (waited; compiling took %.1f ms alongside discovery and loading)", ms(t.compiled))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%-14s %8.1f ms %8.1f ms\n", "total", ms(time.Since(t.start)), ms(processCPU()-t.startCPU))
}
