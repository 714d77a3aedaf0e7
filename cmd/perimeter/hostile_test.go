package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The hostile-input corpus (docs/limits.md): testdata/hostile/<case>/ holds
// the small cases; the big ones (a 50 MB template, 10,000-deep nesting, a
// policy of 100,000 statements) are generated here rather than committed.
// Each case is scanned through the whole CLI, in a separate process whose
// time and peak memory are measured, beside two known-public neighbours
// (testdata/hostile/_neighbours) whose findings must survive whatever the
// hostile file does.

// Bounds every hostile case must stay within. They are generous (the
// machines that run the tests are shared and slow); docs/limits.md gives
// the measured values.
const (
	hostileMaxTime = 60 * time.Second
	hostileMaxRSS  = 1 << 30
)

var hostileCases = flag.String("hostile", "", "run only the hostile cases whose name contains this")

// wantDiag is an error the scan must report: in file, at line (0: any).
type wantDiag struct {
	file string
	line int
	text string
}

// wantFinding is a finding the scan must report.
type wantFinding struct {
	file     string
	line     int
	exposure string
	text     string // in the message or reason
}

type hostileCase struct {
	name string
	// static copies testdata/hostile/<name>; build writes generated files.
	static bool
	build  func(d caseDir)
	args   []string // before the paths
	paths  []string // default "."
	code   int
	errs   []wantDiag
	finds  []wantFinding
	// maxErrs bounds the errors reported for one file (0: no bound).
	maxErrs map[string]int
	// unprivileged runs perimeter without the privilege to read files it
	// has no permission for (root has it: then perimeter runs in a user
	// namespace, where it has none).
	unprivileged bool
	// stopped is set for a case that stops the scan (no report): the texts
	// standard error must hold.
	stopped []string
}

// The findings of testdata/hostile/_neighbours.
var neighbourFindings = []wantFinding{
	{file: "public.tf", line: 9, exposure: "public"},
	{file: "public.yaml", line: 12, exposure: "public"},
}

func hostileCorpus() []hostileCase {
	const n = 10_000 // nesting depth of the deep cases
	return []hostileCase{
		// Malformed and truncated files.
		{
			name: "malformed-hcl", static: true, code: exitError,
			errs: []wantDiag{{"broken.tf", 3, "Invalid expression"}},
		},
		{
			name: "malformed-tfjson", static: true, code: exitError,
			errs: []wantDiag{{"broken.tf.json", 4, "Invalid start of value"}},
		},
		{
			name: "malformed-json", static: true, code: exitError,
			errs: []wantDiag{{"template.json", 4, "JSON syntax error"}},
		},
		{
			name: "malformed-yaml", static: true, code: exitError,
			errs: []wantDiag{{"template.yaml", 5, "YAML syntax error"}},
		},
		{
			name: "truncated-hcl", static: true, code: exitError,
			errs: []wantDiag{{"cut.tf", 4, "Unterminated object constructor"}},
		},
		{
			name: "truncated-json", static: true, code: exitError,
			errs: []wantDiag{{"cut.json", 6, "unexpected end of input"}},
		},
		{
			name: "truncated-yaml", static: true, code: exitError,
			errs: []wantDiag{{"cut.yaml", 9, "end of stream"}},
		},

		// Encodings.
		{name: "invalid-utf8", code: exitError, build: func(d caseDir) {
			d.write("bad.tf", "locals {\n  a = \"\xff\xfe\"\n}\n")
			d.write("bad.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: \"\xc0\xaf\"}\n")
		}, errs: []wantDiag{{"bad.tf", 2, "UTF-8"}, {"bad.yaml", 0, "UTF-8"}}},
		{
			name: "utf16", code: exitError, build: func(d caseDir) {
				d.write("u16.tf", utf16Text("resource \"aws_sqs_queue_policy\" \"q\" {\n  queue_url = \"q\"\n  policy = \"{}\"\n}\n", false))
				d.write("u16.yaml", utf16Text("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Q: {Type: AWS::SQS::Queue}\n", true))
				d.write("notes.json", utf16Text(`{"not": "a template"}`, false)) // not ours: no error
			}, errs: []wantDiag{{"u16.tf", 0, "UTF-16 encoded"}, {"u16.yaml", 0, "UTF-16 encoded"}},
			maxErrs: map[string]int{"u16.tf": 1, "u16.yaml": 1, "notes.json": 0},
		},
		{
			name: "binary-tf", code: exitError, build: func(d caseDir) {
				d.write("blob.tf", randomBytes(1<<20, false))
				d.write("blob.json", randomBytes(1<<20, false)) // not ours: no error
				d.write("noise.tf", randomBytes(1<<20, true))   // no NUL: HCL reports it, in bounds
			}, errs: []wantDiag{{"blob.tf", 0, "binary, not text"}, {"noise.tf", 0, ""}},
			maxErrs: map[string]int{"blob.tf": 1, "blob.json": 0, "noise.tf": maxDiagnosticsPerFile},
		},

		// Size.
		{name: "template-50mb", code: exitError, build: func(d caseDir) {
			d.write("huge.yaml", bigTemplate(50<<20))
		}, errs: []wantDiag{{"huge.yaml", 0, "over the 20971520-byte limit (raise it with --max-file-size)"}}},
		{name: "template-50mb-limit-raised", code: exitError, args: []string{"--max-file-size", "60000000"}, build: func(d caseDir) {
			d.write("huge.yaml", bigTemplate(50<<20))
		}, errs: []wantDiag{{"huge.yaml", 0, "more than 500000 YAML nodes (raise the limit with --max-nodes)"}}},
		{name: "tokens-hcl", code: exitError, build: func(d caseDir) {
			d.write("tokens.tf", "locals {\n  a = ["+strings.Repeat("[],", 3_000_000)+"]\n}\n")
		}, errs: []wantDiag{{"tokens.tf", 2, "more than 500000 tokens (raise the limit with --max-nodes)"}}},
		{name: "values-json", code: exitError, build: func(d caseDir) {
			d.write("values.json", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": [`+strings.Repeat("[],", 3_000_000)+"[]]}}")
		}, errs: []wantDiag{{"values.json", 1, "more than 500000 values (raise the limit with --max-nodes)"}}},

		// Nesting, 10,000 deep.
		{name: "deep-hcl", code: exitError, build: func(d caseDir) {
			d.write("deep.tf", "locals {\n  a = "+strings.Repeat("[", n)+strings.Repeat("]", n)+"\n}\n")
		}, errs: []wantDiag{{"deep.tf", 2, "nest deeper than 200 levels (raise the limit with --max-depth)"}}},
		{name: "deep-hcl-operators", code: exitError, build: func(d caseDir) {
			d.write("deep.tf", "locals {\n  a = "+strings.Repeat("!", n)+"true\n  b = 1"+strings.Repeat(" + 1", n)+"\n}\n")
		}, errs: []wantDiag{{"deep.tf", 2, "nest deeper than 200 levels"}}},
		{name: "deep-tfjson", code: exitError, build: func(d caseDir) {
			d.write("deep.tf.json", `{"locals": {"a": `+strings.Repeat("[", n)+strings.Repeat("]", n)+"}}")
		}, errs: []wantDiag{{"deep.tf.json", 1, "JSON nests deeper than 200 levels (raise the limit with --max-depth)"}}},
		{name: "deep-json", code: exitError, build: func(d caseDir) {
			d.write("deep.json", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": `+strings.Repeat("[", n)+strings.Repeat("]", n)+"}}")
		}, errs: []wantDiag{{"deep.json", 1, "JSON nests deeper than 200 levels (raise the limit with --max-depth)"}}},
		{name: "deep-yaml", code: exitError, build: func(d caseDir) {
			d.write("deep.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  A: "+strings.Repeat("[", n)+strings.Repeat("]", n)+"\n")
		}, errs: []wantDiag{{"deep.yaml", 3, "nests deeper than 200 levels (raise the limit with --max-depth)"}}},
		{
			name: "deep-policy-heredoc", code: exitError, build: func(d caseDir) {
				d.write("deep.tf", "resource \"aws_sqs_queue_policy\" \"deep\" {\n  queue_url = \"q\"\n  policy = <<EOT\n{\"Statement\": "+strings.Repeat("[", n)+strings.Repeat("]", n)+"}\nEOT\n}\n")
			}, errs: []wantDiag{{"deep.tf", 3, "the policy nests deeper than 200 levels (raise the limit with --max-depth)"}},
			finds: []wantFinding{{file: "deep.tf", line: 3, exposure: "unresolved", text: "the policy nests deeper than 200 levels"}},
		},

		// Expansion.
		{name: "yaml-alias-bomb", code: exitError, build: func(d caseDir) {
			d.write("laughs.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n"+aliasBomb("  "))
		}, errs: []wantDiag{{"laughs.yaml", 0, "YAML aliases expand to too many values"}}},
		{
			name: "yaml-alias-bomb-in-hcl", code: exitError, build: func(d caseDir) {
				d.write("laughs.tf", "resource \"aws_sqs_queue_policy\" \"lol\" {\n  queue_url = \"q\"\n  policy = jsonencode(yamldecode(<<EOT\n"+aliasBomb("")+"EOT\n  ))\n}\n")
			}, errs: []wantDiag{{"laughs.tf", 0, "YAML nests too deeply or expands too much"}},
			finds: []wantFinding{{file: "laughs.tf", exposure: "unresolved", text: "expands too much"}},
		},
		{
			name: "statements-100k-cfn", code: exitError, args: []string{"--max-nodes", "2000000"}, build: func(d caseDir) {
				d.write("big.json", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Q": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": ["q"], "PolicyDocument": `+bigPolicy(100_000)+"}}}}")
			}, errs: []wantDiag{{"big.json", 1, "the policy has 100000 statements; statements 501 to 100000 were not analysed (over the limit of 500: raise it with --max-statements)"}},
			finds: []wantFinding{
				{file: "big.json", exposure: "external", text: "account 100000000000, outside the zone"},
				{file: "big.json", exposure: "external", text: "account 100000000499, outside the zone"},
				{file: "big.json", exposure: "unresolved", text: "statements 501 to 100000 were not analysed"},
			},
		},
		{name: "statements-100k-cfn-default-limits", code: exitError, build: func(d caseDir) {
			d.write("big.json", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Q": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": ["q"], "PolicyDocument": `+bigPolicy(100_000)+"}}}}")
		}, errs: []wantDiag{{"big.json", 1, "more than 500000 values"}}},
		{
			name: "statements-2000-heredoc", code: exitError, build: func(d caseDir) {
				d.write("big.tf", "resource \"aws_sqs_queue_policy\" \"big\" {\n  queue_url = \"q\"\n  policy = <<EOT\n"+bigPolicy(2000)+"\nEOT\n}\n")
			}, errs: []wantDiag{{"big.tf", 4, "the policy has 2000 statements; statements 501 to 2000 were not analysed (over the limit of 500: raise it with --max-statements)"}},
			finds: []wantFinding{
				{file: "big.tf", line: 4, exposure: "external", text: "account 100000000000, outside the zone"},
				{file: "big.tf", line: 4, exposure: "external", text: "account 100000000499, outside the zone"},
				{file: "big.tf", line: 4, exposure: "unresolved", text: "statements 501 to 2000 were not analysed"},
			},
		},
		{
			name: "statements-100k-heredoc-default-limits", code: exitError, build: func(d caseDir) {
				d.write("big.tf", "resource \"aws_sqs_queue_policy\" \"big\" {\n  queue_url = \"q\"\n  policy = <<EOT\n"+bigPolicy(100_000)+"\nEOT\n}\n")
			}, errs: []wantDiag{{"big.tf", 3, "the policy holds more than 500000 values (raise the limit with --max-nodes)"}},
			finds: []wantFinding{{file: "big.tf", exposure: "unresolved", text: "the policy holds more than 500000 values"}},
		},
		{
			name: "statements-range-hcl", code: exitError, build: func(d caseDir) {
				d.write("range.tf", `resource "aws_sqs_queue_policy" "r" {
  queue_url = "q"
  policy = jsonencode({Statement = [for i in range(100000) : {Effect = "Allow", Principal = {AWS = format("%012d", i)}, Action = "sqs:*", Resource = "*"}]})
}
`)
			}, errs: []wantDiag{{"range.tf", 3, "more than 1024 values"}},
			finds: []wantFinding{{file: "range.tf", exposure: "unresolved", text: "more than 1024 values"}},
		},
		{name: "nested-json-strings", static: true, code: exitFindings, finds: []wantFinding{
			{file: "main.tf", line: 4, exposure: "public"},
			{file: "main.tf", line: 11, exposure: "public"},
		}},

		// Evaluation cycles.
		{
			name: "cyclic-locals", static: true, code: exitError,
			errs:  []wantDiag{{"main.tf", 3, "cycle: local.a -> local.b -> local.a"}},
			finds: []wantFinding{{file: "main.tf", exposure: "unresolved", text: "refers to itself"}},
		},
		{
			name: "cyclic-modules", static: true, code: exitError,
			errs:  []wantDiag{{"b/main.tf", 1, "module.b.module.a: module call cycle: a -> b -> a"}},
			finds: []wantFinding{{file: "a/main.tf", line: 8, exposure: "public"}},
		},
		{
			name: "self-module", static: true, code: exitError,
			errs:  []wantDiag{{"main.tf", 1, "module.me: module call cycle: . -> ."}},
			finds: []wantFinding{{file: "main.tf", line: 8, exposure: "public"}},
		},

		// Policies that do not parse are unresolved findings, not silence.
		{
			name: "invalid-json-heredoc", static: true, code: exitFindings,
			finds: []wantFinding{{file: "main.tf", line: 4, exposure: "unresolved", text: "policy is not valid JSON: main.tf:10:3"}},
		},
		{
			name: "cfn-malformed-policy-string", static: true, code: exitFindings,
			finds: []wantFinding{{file: "template.yaml", line: 7, exposure: "unresolved", text: "policy is not valid JSON"}},
		},

		// A value computed by Terraform expressions, beyond any syntax
		// limit: the memory watchdog stops the scan.
		{name: "terraform-value-bomb", code: exitError, args: []string{"--max-memory", "300"}, build: func(d caseDir) {
			d.write("bomb.tf", `locals {
  big = [for x in setproduct(range(300), range(300), range(300)) : join("-", [for v in x : tostring(v)])]
}

resource "aws_sqs_queue_policy" "q" {
  queue_url = "q"
  policy    = jsonencode({Statement = [{Effect = "Allow", Principal = "*", Action = "sqs:*", Resource = "*", Sid = length(local.big)}]})
}
`)
		}, stopped: []string{"perimeter: stopped: memory use passed the --max-memory limit of 300 MiB while reading ", "module ."}},

		// Terraform plans.
		{
			name: "plan-truncated", static: true, code: exitError,
			errs: []wantDiag{{"plan.json", 3, "the plan is not valid JSON: unexpected end of JSON input"}},
		},
		{
			name: "plan-policy-not-json", static: true, code: exitFindings,
			finds: []wantFinding{{file: "plan.json", line: 5, exposure: "unresolved", text: "policy is not valid JSON"}},
		},
		{name: "plan-deep", code: exitError, build: func(d caseDir) {
			d.write("plan.json", `{"format_version": "1.2", "planned_values": {"root_module": {"resources": [], "x": `+
				strings.Repeat("[", n)+strings.Repeat("]", n)+"}}}")
		}, errs: []wantDiag{{"plan.json", 1, "the plan is not valid JSON: invalid character '[' exceeded max depth"}}},

		// The file system.
		{
			name: "symlink-loops", code: exitError, build: func(d caseDir) {
				d.symlink("loop2.tf", "loop1.tf")
				d.symlink("loop1.tf", "loop2.tf")
				d.symlink("..", "sub/up")
				d.symlink("../public.tf", "sub/linked.tf")
			}, errs: []wantDiag{{"loop1.tf", 0, "too many levels of symbolic links"}, {"loop2.tf", 0, "too many levels of symbolic links"}},
			finds: []wantFinding{{file: "sub/linked.tf", line: 9, exposure: "public"}},
		},
		{
			name: "unreadable", code: exitError, build: func(d caseDir) {
				d.write("secret.tf", "locals {}\n")
				d.write("locked/inside.tf", "locals {}\n")
				d.chmod("secret.tf", 0)
				d.chmod("locked", 0)
			}, errs: []wantDiag{{"secret.tf", 0, "permission denied"}, {"locked", 0, "permission denied"}},
			unprivileged: true,
		},
		{
			name: "missing-path", code: exitError, paths: []string{".", "no/such/dir", "gone.tf"},
			errs: []wantDiag{{"no/such/dir", 0, "no such file or directory"}, {"gone.tf", 0, "no such file or directory"}},
		},
	}
}

// TestHostileInput scans each case of the corpus and checks what the
// README promises: the error names the file (and line), the neighbours'
// findings survive, the exit code says what happened, and the scan stays
// within time and memory bounds. go test -v logs each case's time and peak
// memory; -hostile=NAME runs some of them.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the hostile corpus generates large files; skipped in -short mode")
	}
	for _, tc := range hostileCorpus() {
		if *hostileCases != "" && !strings.Contains(tc.name, *hostileCases) {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			copyTree(t, filepath.Join("..", "..", "testdata", "hostile", "_neighbours"), dir)
			if tc.static {
				copyTree(t, filepath.Join("..", "..", "testdata", "hostile", tc.name), dir)
			}
			if tc.build != nil {
				tc.build(caseDir{t, dir})
			}
			t.Cleanup(func() { restorePermissions(dir) })
			var wrapper []string
			binary := os.Args[0]
			if tc.unprivileged {
				if _, err := os.ReadFile(filepath.Join(dir, "secret.tf")); err == nil {
					wrapper, binary = unprivileged(t, dir)
				}
			}
			paths := tc.paths
			if len(paths) == 0 {
				paths = []string{"."}
			}
			args := append([]string{"scan", "--no-config", "--account", "111122223333", "--format", "json"}, tc.args...)
			res := runChildIn(t, dir, 2*time.Minute, wrapper, binary, append(args, paths...)...)
			t.Logf("%-40s %6.2f s %5d MiB", tc.name, res.elapsed.Seconds(), res.maxRSS>>20)
			checkHostile(t, tc, res)
		})
	}
}

func checkHostile(t *testing.T, tc hostileCase, res childResult) {
	t.Helper()
	if strings.Contains(res.stderr, "fatal error") || strings.Contains(res.stderr, "goroutine ") {
		t.Fatalf("perimeter crashed:\n%.2000s", res.stderr)
	}
	if len(tc.stopped) > 0 {
		for _, want := range tc.stopped {
			if res.code != tc.code || !strings.Contains(res.stderr, want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", res.code, res.stderr, tc.code, want)
			}
		}
		if res.elapsed > hostileMaxTime || res.maxRSS > hostileMaxRSS {
			t.Errorf("stopped after %v at %d MiB", res.elapsed, res.maxRSS>>20)
		}
		return
	}
	var rep hostileReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("output is not JSON (%v); exit %d, stderr:\n%.2000s", err, res.code, res.stderr)
	}
	if res.code != tc.code {
		t.Errorf("exit code %d, want %d; errors: %+v", res.code, tc.code, rep.Errors)
	}
	for _, w := range tc.errs {
		if !slices.ContainsFunc(rep.Errors, func(e hostileError) bool {
			return e.File == w.file && (w.line == 0 || e.Line == w.line) && strings.Contains(e.Message, w.text) && e.Severity == "error"
		}) {
			t.Errorf("no error at %s:%d containing %q; errors:\n%s", w.file, w.line, w.text, rep.errorList())
		}
	}
	perFile := map[string]int{}
	for _, e := range rep.Errors {
		if e.File == "" {
			t.Errorf("an error names no file: %+v", e)
		}
		perFile[e.File]++
	}
	for file, limit := range tc.maxErrs {
		if perFile[file] > limit {
			t.Errorf("%d errors for %s, want at most %d:\n%s", perFile[file], file, limit, rep.errorList())
		}
	}
	for _, w := range append(slices.Clone(neighbourFindings), tc.finds...) {
		if !slices.ContainsFunc(rep.Findings, func(f hostileFinding) bool {
			return f.Location.File == w.file && (w.line == 0 || f.Location.Line == w.line) && f.Exposure == w.exposure &&
				strings.Contains(f.Message+" "+f.Reason, w.text)
		}) {
			t.Errorf("no %s finding at %s:%d mentioning %q; findings:\n%s", w.exposure, w.file, w.line, w.text, rep.findingList())
		}
	}
	if res.elapsed > hostileMaxTime {
		t.Errorf("took %v, over the %v bound", res.elapsed, hostileMaxTime)
	}
	if res.maxRSS > hostileMaxRSS {
		t.Errorf("peak memory %d MiB, over the %d MiB bound", res.maxRSS>>20, hostileMaxRSS>>20)
	}
}

// hostileReport is the part of the JSON report the corpus checks.
type hostileReport struct {
	Findings []hostileFinding `json:"findings"`
	Errors   []hostileError   `json:"errors"`
}

type hostileFinding struct {
	Exposure string `json:"exposure"`
	Message  string `json:"message"`
	Reason   string `json:"reason"`
	Location struct {
		File string `json:"file"`
		Line int    `json:"line"`
	} `json:"location"`
}

type hostileError struct {
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Message  string `json:"message"`
}

func (r hostileReport) errorList() string {
	var b strings.Builder
	for _, e := range r.Errors[:min(len(r.Errors), 30)] {
		fmt.Fprintf(&b, "  %s %s:%d: %.300s\n", e.Severity, e.File, e.Line, e.Message)
	}
	return b.String()
}

func (r hostileReport) findingList() string {
	var b strings.Builder
	for _, f := range r.Findings[:min(len(r.Findings), 30)] {
		fmt.Fprintf(&b, "  %s:%d %s %.200s %.200s\n", f.Location.File, f.Location.Line, f.Exposure, f.Message, f.Reason)
	}
	return b.String()
}

// Generators.

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// caseDir is the directory a hostile case builds its files in.
type caseDir struct {
	t   *testing.T
	dir string
}

func (d caseDir) path(name string) string { return filepath.Join(d.dir, filepath.FromSlash(name)) }

func (d caseDir) write(name, content string) {
	d.t.Helper()
	write(d.t, d.dir, name, content)
}

func (d caseDir) symlink(target, link string) {
	d.t.Helper()
	if err := os.MkdirAll(filepath.Dir(d.path(link)), 0o755); err != nil {
		d.t.Fatal(err)
	}
	if err := os.Symlink(target, d.path(link)); err != nil {
		d.t.Skipf("cannot make symbolic links here: %v", err)
	}
}

func (d caseDir) chmod(name string, mode os.FileMode) {
	d.t.Helper()
	if err := os.Chmod(d.path(name), mode); err != nil {
		d.t.Fatal(err)
	}
}

// restorePermissions lets t.TempDir's cleanup remove what a case locked.
func restorePermissions(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if d != nil && d.IsDir() || errors.Is(err, fs.ErrPermission) {
			_ = os.Chmod(p, 0o755)
		} else {
			_ = os.Chmod(p, 0o644)
		}
		return nil
	})
	_ = os.Chmod(dir, 0o755)
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// utf16Text encodes ASCII text as UTF-16 with a byte order mark.
func utf16Text(s string, bigEndian bool) string {
	var b bytes.Buffer
	if bigEndian {
		b.Write([]byte{0xFE, 0xFF})
	} else {
		b.Write([]byte{0xFF, 0xFE})
	}
	for _, c := range []byte(s) {
		if bigEndian {
			b.Write([]byte{0, c})
		} else {
			b.Write([]byte{c, 0})
		}
	}
	return b.String()
}

// randomBytes is n reproducible random bytes; noNUL keeps them free of
// NUL bytes (so the file is not recognised as binary).
func randomBytes(n int, noNUL bool) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
		if noNUL && b[i] == 0 {
			b[i] = 0xFF
		}
	}
	return string(b)
}

// bigTemplate is a CloudFormation template of about size bytes: queue
// policies, one after another.
func bigTemplate(size int) string {
	var b strings.Builder
	b.Grow(size + 512)
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "  Q%d:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [q%d]\n      PolicyDocument:\n        Statement:\n          - {Effect: Allow, Principal: {AWS: \"%012d\"}, Action: \"sqs:SendMessage\", Resource: \"*\"}\n", i, i, i)
	}
	return b.String()
}

// bigPolicy is a policy of n statements on one line, each granting a
// different account (100000000000 + i).
func bigPolicy(n int) string {
	var b strings.Builder
	b.WriteString(`{"Version": "2012-10-17", "Statement": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"Sid": "S%d", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%d:root"}, "Action": "sqs:SendMessage", "Resource": "*"}`, i, 100000000000+i)
	}
	b.WriteString("]}")
	return b.String()
}

// aliasBomb is a "billion laughs" YAML mapping: nine levels of nine
// aliases expand to 9^9 strings. indent prefixes each line.
func aliasBomb(indent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%sa: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n", indent)
	prev := "a"
	for _, c := range "bcdefghi" {
		refs := strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", ")
		fmt.Fprintf(&b, "%s%c: &%c [%s]\n", indent, c, c, refs)
		prev = string(c)
	}
	return b.String()
}

// unprivileged prepares to run perimeter, as root, without root's power to
// read any file: in a new user namespace (unshare -U), where it is an
// unmapped user. The test binary is copied where that user can run it, and
// dir is opened to it (its files keep their permissions). It skips the test
// where user namespaces are not allowed.
func unprivileged(t *testing.T, dir string) (wrapper []string, binary string) {
	t.Helper()
	unshare, err := exec.LookPath("unshare")
	if err != nil || exec.Command(unshare, "-U", "true").Run() != nil {
		t.Skip("running as root, where chmod 000 does not stop reading, and user namespaces (unshare -U) are not available")
	}
	bin := t.TempDir()
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	binary = filepath.Join(bin, "perimeter.test")
	if err := os.WriteFile(binary, data, 0o755); err != nil {
		t.Fatal(err)
	}
	// A process that another parallel test forks while the copy is open
	// for writing holds it open until its own exec: running the copy then
	// fails with "text file busy" (golang/go#22315). Wait that out.
	for try := 0; ; try++ {
		err := exec.Command(binary, "-test.run=^$").Run()
		if !errors.Is(err, syscall.ETXTBSY) {
			break
		}
		if try == 100 {
			t.Fatalf("%s stays busy: %v", binary, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, d := range []string{bin, filepath.Dir(bin), dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return []string{unshare, "-U"}, binary
}
