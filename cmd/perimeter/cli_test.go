package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// runCLI drives run() in-process the way a shell would.
func runCLI(t *testing.T, environ []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, testEnv(environ, &out, &errOut))
	return out.String(), errOut.String(), code
}

// testEnv is a process environment of the given variables, writing to out
// and errOut.
func testEnv(environ []string, out, errOut *bytes.Buffer) env {
	getenv := func(k string) string {
		for _, kv := range environ {
			if name, v, ok := strings.Cut(kv, "="); ok && name == k {
				return v
			}
		}
		return ""
	}
	return env{stdout: out, stderr: errOut, getenv: getenv, environ: func() []string { return environ }}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage:"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"bad account", []string{"scan", "--account", "12345", dir}, `account "12345" is not a 12-digit AWS account ID`},
		{"bad org", []string{"scan", "--org-id", "org-1", dir}, `organization ID "org-1" is not of the form o-xxxxxxxxxx`},
		{"unknown format", []string{"scan", "--format", "xml", dir}, `unknown format "xml" (valid: codequality, input, json, markdown, sarif, text)`},
		{"two formats to stdout", []string{"scan", "--format", "text", "--format", "json", dir}, "both write to standard output"},
		{"bad var", []string{"scan", "--var", "novalue", dir}, `--var "novalue": want NAME=VALUE`},
		{"bad parameter", []string{"scan", "--parameter", "=x", dir}, `--parameter "=x": want KEY=VALUE`},
		{"unknown flag", []string{"scan", "--frob"}, "unknown flag: --frob"},
		{"missing rules dir", []string{"scan", "--rules", filepath.Join(dir, "nope"), dir}, "--rules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, nil, tt.args...)
			if code != exitError {
				t.Errorf("exit code = %d, want %d", code, exitError)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
		})
	}
}

func TestConfigUnknownKeyNamesTheLine(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ConfigName), []byte("accounts: [\"111122223333\"]\naccount_ids: [1]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, nil, "scan", dir)
	if code != exitError || !strings.Contains(stderr, "line 2: field account_ids not found") {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
}

func TestConfigSetsTheZoneAndFlagsOverrideIt(t *testing.T) {
	dir := t.TempDir()
	cfg := "accounts: [\"111122223333\", \"444455556666\"]\norg_id: o-abcdefghij\nvars:\n  b: \"2\"\n  a: \"1\"\nparameters:\n  P: x\n"
	if err := os.WriteFile(filepath.Join(dir, ConfigName), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "infra", "app")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	e := env{getenv: func(string) string { return "" }, environ: func() []string { return []string{"TF_VAR_region=eu-west-1", "HOME=/root"} }}

	s, err := settingsFrom(&scanFlags{}, []string{sub}, e)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.zone.Accounts, ","); got != "111122223333,444455556666" || s.zone.OrgID != "o-abcdefghij" || !s.zone.Declared {
		t.Errorf("zone from config = %+v", s.zone)
	}
	if s.opts.OwnAccount != "111122223333" {
		t.Errorf("own account = %q", s.opts.OwnAccount)
	}
	if len(s.opts.Vars) != 2 || s.opts.Vars[0].Name != "a" || s.opts.Parameters["P"] != "x" || s.opts.EnvVars["region"] != "eu-west-1" {
		t.Errorf("options = %+v", s.opts)
	}

	s, err = settingsFrom(&scanFlags{accounts: []string{"999988887777"}, orgID: "o-zyxwvutsrq", parameters: []string{"P=y"}}, []string{sub}, e)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.zone.Accounts, ","); got != "999988887777" || s.zone.OrgID != "o-zyxwvutsrq" || s.opts.Parameters["P"] != "y" {
		t.Errorf("flags did not override the config: %+v %+v", s.zone, s.opts.Parameters)
	}

	s, err = settingsFrom(&scanFlags{noConfig: true}, []string{sub}, e)
	if err != nil {
		t.Fatal(err)
	}
	if s.zone.Declared || s.opts.OwnAccount != "self" {
		t.Errorf("--no-config still declared a zone: %+v", s.zone)
	}
}

func TestRulesCommand(t *testing.T) {
	stdout, stderr, code := runCLI(t, nil, "rules")
	if code != exitClean {
		t.Fatalf("code %d: %s", code, stderr)
	}
	for _, want := range []string{"PERIM001", "aws_s3_bucket_policy", "AWS::SQS::QueuePolicy", "IAM role assumable"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("rules output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestRulesCommandReadsTheConfig: `perimeter rules` lists the custom
// rules .perimeter.yml names, as a scan of the same directory loads them.
func TestRulesCommandReadsTheConfig(t *testing.T) {
	custom, err := filepath.Abs("../../testdata/custom-rules")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".perimeter.yml"), []byte("rules:\n  - "+custom+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{nil, true},
		{[]string{"--no-config"}, false},
		{[]string{"--config", filepath.Join(dir, ".perimeter.yml")}, true},
	} {
		stdout, stderr, code := runCLI(t, nil, append([]string{"rules"}, tt.args...)...)
		if code != exitClean {
			t.Fatalf("rules %v: code %d: %s", tt.args, code, stderr)
		}
		if got := strings.Contains(stdout, "ACME001"); got != tt.want {
			t.Errorf("rules %v lists ACME001: %v, want %v", tt.args, got, tt.want)
		}
	}
}

func TestCustomRulesFromTheREADME(t *testing.T) {
	stdout, stderr, code := runCLI(t, nil, "test", "-v", "../../testdata/custom-rules")
	if code != exitClean {
		t.Fatalf("perimeter test: code %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "3 passed, 0 failed") {
		t.Errorf("stdout = %q", stdout)
	}
	stdout, _, code = runCLI(t, nil, "rules", "--rules", "../../testdata/custom-rules")
	if code != exitClean || !strings.Contains(stdout, "ACME001") {
		t.Errorf("rules --rules: code %d\n%s", code, stdout)
	}
}

func TestFailingCustomRuleTestExitsOne(t *testing.T) {
	dir := t.TempDir()
	src := "package perimeter.rules.x_test\n\ntest_fails if { 1 == 2 }\n"
	if err := os.WriteFile(filepath.Join(dir, "x_test.rego"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, _, code := runCLI(t, nil, "test", dir)
	if code != exitFindings || !strings.Contains(stdout, "x_test.rego:3: data.perimeter.rules.x_test.test_fails: FAIL") {
		t.Errorf("code %d, stdout %q", code, stdout)
	}
}

// TestREADMEIsTrue keeps the README honest: every scan flag is documented,
// and the custom rule it shows is the one the test suite runs.
func TestREADMEIsTrue(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	(&scanFlags{}).register(fs)
	fs.VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(string(readme), "| `--"+f.Name) && !strings.Contains(string(readme), "| `-"+f.Shorthand+"`, `--"+f.Name) {
			t.Errorf("the README's flag table lacks --%s", f.Name)
		}
	})
	// The conformance score it states is the one the conformance test
	// last wrote.
	score, err := os.ReadFile("../../testdata/conformance/score.txt")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(score)) {
		if f := strings.Fields(line); len(f) == 5 && f[0] == "total" {
			if stated := f[1] + " / " + f[3] + " (" + f[4] + ")"; !strings.Contains(string(readme), stated) {
				t.Errorf("the README does not state the conformance score %s", stated)
			}
		}
	}
	engine, err := newEngine(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range engine.Rules() {
		// SARIF's helpUri points at this anchor.
		if !strings.Contains(string(readme), `<a id="`+strings.ToLower(r.ID)+`"></a>`+r.ID+" | "+r.Title+" |") {
			t.Errorf("README's rule table lacks %s (%s) with its anchor", r.ID, r.Title)
		}
	}
	rule, err := os.ReadFile("../../testdata/custom-rules/kms_decrypt.rego")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```rego\n"+string(rule)+"```") {
		t.Error("the README's custom rule differs from testdata/custom-rules/kms_decrypt.rego")
	}
}

// TestColourAndOutputFile: colour only on a terminal, never with NO_COLOR
// or --no-color, never into a file; -o and --output write the report to a
// file and leave standard output empty.
func TestColourAndOutputFile(t *testing.T) {
	t.Chdir("../..")
	const esc = "\x1b["
	scan := func(environ []string, terminal bool, args ...string) (string, int) {
		t.Helper()
		var out, errOut bytes.Buffer
		e := testEnv(environ, &out, &errOut)
		e.isTerminal = func() bool { return terminal }
		code := run(context.Background(), append([]string{"scan", "--no-config", "--account", "111122223333"}, append(args, "testdata/examples")...), e)
		return out.String(), code
	}
	for _, tt := range []struct {
		name     string
		environ  []string
		terminal bool
		args     []string
		colour   bool
	}{
		{"terminal", nil, true, nil, true},
		{"pipe", nil, false, nil, false},
		{"NO_COLOR", []string{"NO_COLOR=1"}, true, nil, false},
		{"--no-color", nil, true, []string{"--no-color"}, false},
		{"json on a terminal", nil, true, []string{"--format", "json"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, code := scan(tt.environ, tt.terminal, tt.args...)
			if code != exitFindings {
				t.Fatalf("exit %d", code)
			}
			if got := strings.Contains(out, esc); got != tt.colour {
				t.Errorf("colour %v, want %v:\n%s", got, tt.colour, out)
			}
		})
	}
	for _, flag := range []string{"-o", "--output"} {
		t.Run(flag, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "report.txt")
			out, code := scan(nil, true, flag, file)
			if code != exitFindings || out != "" {
				t.Fatalf("exit %d, stdout %q", code, out)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), "PERIM001") || strings.Contains(string(data), esc) {
				t.Errorf("the report file lacks findings or has colour:\n%s", data)
			}
		})
	}
}
