package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"
)

// Fixtures for the fake loader (fakeloader_test.go): bucket policies.
const (
	publicPolicy = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::public/*"
  }]
}
`
	partnerPolicy = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
    "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": "*"
  }]
}
`
	writerPolicy = `{
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "555566667777"},
    "Action": "s3:PutObject",
    "Resource": "*"
  }]
}
`
)

// testNow is the clock of every CLI test.
var testNow = time.Date(2025, 6, 15, 9, 0, 0, 0, time.UTC)

// runFake drives run() with the fake loader and the fixed clock.
func runFake(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := env{
		stdout: &out, stderr: &errOut,
		getenv:  func(string) string { return "" },
		environ: func() []string { return nil },
		now:     func() time.Time { return testNow },
		loaders: func() []loaders.Loader { return []loaders.Loader{fakeLoader{}} },
	}
	code = run(context.Background(), args, e)
	return out.String(), errOut.String(), code
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// jsonOut is the part of the JSON report the tests read.
type jsonOut struct {
	NewSince string `json:"new_since"`
	Findings []struct {
		ID       string `json:"id"`
		Rule     string `json:"rule"`
		Exposure string `json:"exposure"`
		Severity string `json:"severity"`
		Location struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"location"`
	} `json:"findings"`
	Suppressed []struct {
		ID         string `json:"id"`
		Suppressed struct {
			Kind   string `json:"kind"`
			Reason string `json:"reason"`
			Source string `json:"source"`
		} `json:"suppressed"`
	} `json:"suppressed_findings"`
	Errors []struct {
		Severity string `json:"severity"`
		File     string `json:"file"`
		Line     int    `json:"line"`
		Message  string `json:"message"`
	} `json:"errors"`
	Summary struct {
		Findings   int `json:"findings"`
		Suppressed int `json:"suppressed"`
		Existing   int `json:"existing"`
	} `json:"summary"`
}

func scanJSON(t *testing.T, args ...string) (jsonOut, string, int) {
	t.Helper()
	stdout, stderr, code := runFake(t, append([]string{"scan", "--format", "json"}, args...)...)
	var out jsonOut
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("exit %d, stderr %s, not JSON: %v\n%s", code, stderr, err, stdout)
	}
	return out, stderr, code
}

func TestSeveralFormatsInOneRun(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"tree/public.fake.yml": publicPolicy, "tree/partner.fake.yml": partnerPolicy})
	t.Chdir(dir)
	stdout, stderr, code := runFake(t, "scan", "--account", "111122223333",
		"--format", "text", "--format", "sarif=out.sarif", "--format", "markdown=out.md", "--format", "codequality=cq.json", "tree")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "2 findings (1 public, 1 external, 0 unresolved)") {
		t.Errorf("text:\n%s", stdout)
	}
	md, err := os.ReadFile("out.md")
	if err != nil || !strings.Contains(string(md), "| 🟠 high | public | PERIM001 | `tree/public.fake.yml:5` |") {
		t.Errorf("markdown (%v):\n%s", err, md)
	}
	cq, err := os.ReadFile("cq.json")
	if err != nil || !strings.Contains(string(cq), `"path": "tree/partner.fake.yml"`) {
		t.Errorf("code quality (%v):\n%s", err, cq)
	}
	data, err := os.ReadFile("out.sarif")
	if err != nil {
		t.Fatal(err)
	}
	// Keep the SARIF of a real scan as a golden file (scripts/validate-sarif
	// checks it with the official validator); the temporary directory is
	// the only thing that differs between runs.
	resolved, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.ReplaceAll(data, []byte(filepath.ToSlash(resolved)), []byte("/work/repo"))
	golden := filepath.Join(testdataDir(t), "scan.sarif")
	if *update {
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("SARIF differs from %s (go test -update):\n%s", golden, data)
	}
	for _, s := range []string{`"startLine": 5`, `"startColumn": 18`, `"uri": "tree/public.fake.yml"`, `"uriBaseId": "%SRCROOT%"`, `"perimeterFindingId/v1"`} {
		if !bytes.Contains(data, []byte(s)) {
			t.Errorf("SARIF lacks %s", s)
		}
	}
}

// testdataDir is cmd/perimeter/testdata, whatever the working directory.
func testdataDir(t *testing.T) string {
	t.Helper()
	_, file, _, ok := callerFile()
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Join(filepath.Dir(file), "testdata")
}

func TestInlineSuppressionEndToEnd(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a/public.fake.yml":  "# perimeter:ignore PERIM001 the website bucket is public by design\n" + publicPolicy,
		"a/partner.fake.yml": "# perimeter:ignore external\n" + partnerPolicy, // no reason
	})
	out, stderr, code := scanJSON(t, "--account", "111122223333", dir)
	if code != exitFindings || out.Summary.Findings != 1 || out.Summary.Suppressed != 1 {
		t.Fatalf("exit %d, summary %+v, stderr %s", code, out.Summary, stderr)
	}
	s := out.Suppressed[0].Suppressed
	if s.Kind != "inline" || s.Reason != "the website bucket is public by design" || !strings.HasSuffix(s.Source, "a/public.fake.yml:1") {
		t.Errorf("suppression %+v", s)
	}
	if len(out.Errors) != 1 || out.Errors[0].Severity != "warning" || out.Errors[0].Line != 1 || !strings.Contains(out.Errors[0].Message, "has no reason") {
		t.Errorf("errors %+v", out.Errors)
	}
	// Text hides suppressed findings unless asked, but counts them.
	text, _, _ := runFake(t, "scan", "--account", "111122223333", dir)
	if !strings.Contains(text, "1 suppressed (--show-suppressed lists them)") || strings.Contains(text, "by design") {
		t.Errorf("text:\n%s", text)
	}
	text, _, _ = runFake(t, "scan", "--account", "111122223333", "--show-suppressed", dir)
	if !strings.Contains(text, "suppressed (inline, ") || !strings.Contains(text, "the website bucket is public by design") {
		t.Errorf("text --show-suppressed:\n%s", text)
	}
	// Suppressed only: exit 0.
	writeTree(t, dir, map[string]string{"a/partner.fake.yml": "# perimeter:ignore external partner reads reports\n" + partnerPolicy})
	if _, _, code := scanJSON(t, "--account", "111122223333", dir); code != exitClean {
		t.Errorf("all suppressed: exit %d", code)
	}
}

func TestArchiveFileEndToEnd(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"public.fake.yml":  publicPolicy,
		"partner.fake.yml": partnerPolicy,
		".perimeter-archive.yml": `rules:
  - name: partner
    reason: the partner account reads reports
    expires: 2025-06-30
    filter:
      principal.AWS: {contains: ["444455556666"]}
      isPublic: {eq: [false]}
      condition.aws:SourceIp: {exists: false}
`,
	})
	out, stderr, code := scanJSON(t, "--account", "111122223333", dir)
	if code != exitFindings || out.Summary.Findings != 1 || out.Summary.Suppressed != 1 || out.Findings[0].Exposure != "public" {
		t.Fatalf("exit %d, %+v, %s", code, out.Summary, stderr)
	}
	if s := out.Suppressed[0].Suppressed; s.Kind != "archive" || !strings.HasSuffix(s.Source, ".perimeter-archive.yml:2") {
		t.Errorf("suppression %+v", s)
	}
	// After the date: reported again, and a warning names the rule.
	var buf bytes.Buffer
	e := env{
		stdout: &buf, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }, environ: func() []string { return nil },
		now:     func() time.Time { return time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC) },
		loaders: func() []loaders.Loader { return []loaders.Loader{fakeLoader{}} },
	}
	code = run(context.Background(), []string{"scan", "--format", "json", "--account", "111122223333", dir}, e)
	var later jsonOut
	if err := json.Unmarshal(buf.Bytes(), &later); err != nil {
		t.Fatal(err)
	}
	if code != exitFindings || later.Summary.Findings != 2 || later.Summary.Suppressed != 0 {
		t.Errorf("after expiry: exit %d, %+v", code, later.Summary)
	}
	if len(later.Errors) != 1 || !strings.Contains(later.Errors[0].Message, `archive rule "partner" expired on 2025-06-30`) {
		t.Errorf("after expiry: errors %+v", later.Errors)
	}
	// A typo in a filter key is an error, never a wider suppression.
	writeTree(t, dir, map[string]string{".perimeter-archive.yml": "rules:\n  - reason: x\n    filter:\n      principal.Aws.arn: {eq: [x]}\n"})
	_, stderr, code = runFake(t, "scan", dir)
	if code != exitError || !strings.Contains(stderr, `line 4: unknown filter key "principal.Aws.arn"`) {
		t.Errorf("typo: exit %d, %s", code, stderr)
	}
}

func TestArchiveSectionInConfig(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"public.fake.yml": publicPolicy,
		".perimeter.yml": `accounts: ["111122223333"]
fail_on: external
archive:
  rules:
    - reason: public assets bucket
      filter:
        resource: {eq: [aws_s3_bucket.public]}
`,
	})
	out, stderr, code := scanJSON(t, dir)
	if code != exitClean || out.Summary.Suppressed != 1 || !strings.HasSuffix(out.Suppressed[0].Suppressed.Source, ".perimeter.yml:5") {
		t.Errorf("exit %d, %+v %+v, %s", code, out.Summary, out.Suppressed, stderr)
	}
}

func TestBaselineRoundTripEndToEnd(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"infra/public.fake.yml": publicPolicy, "infra/partner.fake.yml": partnerPolicy})
	t.Chdir(dir)
	out, _, code := scanJSON(t, "--account", "111122223333")
	if code != exitFindings || out.Summary.Findings != 2 {
		t.Fatalf("before: exit %d %+v", code, out.Summary)
	}
	stdout, stderr, code := runFake(t, "baseline", "--account", "111122223333")
	if code != exitClean || !strings.Contains(stdout, ".perimeter-archive.yml: 2 findings accepted (2 new, 0 kept, 0 removed as fixed)") {
		t.Fatalf("baseline: exit %d\n%s%s", code, stdout, stderr)
	}
	archive, err := os.ReadFile(".perimeter-archive.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{out.Findings[0].ID, out.Findings[1].ID} {
		if !strings.Contains(string(archive), "id: "+id) {
			t.Errorf("archive lacks %s:\n%s", id, archive)
		}
	}
	if !strings.Contains(string(archive), "reason: accepted by perimeter baseline on 2025-06-15") {
		t.Errorf("archive:\n%s", archive)
	}
	out, _, code = scanJSON(t, "--account", "111122223333")
	if code != exitClean || out.Summary.Findings != 0 || out.Summary.Suppressed != 2 {
		t.Fatalf("after baseline: exit %d %+v", code, out.Summary)
	}
	// Moving lines does not change fingerprints.
	writeTree(t, dir, map[string]string{"infra/public.fake.yml": "\n\n\n" + publicPolicy})
	if out, _, code = scanJSON(t, "--account", "111122223333"); code != exitClean || out.Summary.Findings != 0 {
		t.Fatalf("after moving lines: exit %d %+v", code, out.Summary)
	}
	// A new grant: exactly one finding.
	writeTree(t, dir, map[string]string{"infra/writer.fake.yml": writerPolicy})
	out, _, code = scanJSON(t, "--account", "111122223333")
	if code != exitFindings || out.Summary.Findings != 1 || out.Findings[0].Location.File != "infra/writer.fake.yml" {
		t.Fatalf("after a new grant: exit %d %+v", code, out.Findings)
	}
	// --archive names a new file for baseline, and a missing one for scan
	// is an error.
	if stdout, stderr, code := runFake(t, "baseline", "--account", "111122223333", "--archive", "other.yml"); code != exitClean || !strings.Contains(stdout, "other.yml: 3 findings accepted") {
		t.Errorf("baseline --archive other.yml: exit %d %s %s", code, stdout, stderr)
	}
	if _, stderr, code := runFake(t, "scan", "--archive", "missing.yml"); code != exitError || !strings.Contains(stderr, "missing.yml") {
		t.Errorf("scan --archive missing.yml: exit %d %s", code, stderr)
	}
	// Baseline of part of the tree keeps the rest; a fixed grant drops out.
	if err := os.Remove("infra/partner.fake.yml"); err != nil {
		t.Fatal(err)
	}
	stdout, _, code = runFake(t, "baseline", "--account", "111122223333", "infra")
	if code != exitClean || !strings.Contains(stdout, "2 findings accepted (1 new, 1 kept, 1 removed as fixed)") {
		t.Errorf("second baseline: exit %d %s", code, stdout)
	}
}

// gitRepo makes a scratch repository with an identity and no hooks.
func gitRepo(t *testing.T) (dir string, git func(args ...string) string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir = t.TempDir()
	git = func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	return dir, git
}

func TestNewSince(t *testing.T) {
	dir, git := gitRepo(t)
	writeTree(t, dir, map[string]string{"infra/public.fake.yml": publicPolicy, "infra/partner.fake.yml": partnerPolicy, "README.md": "x\n"})
	git("add", ".")
	git("commit", "-q", "-m", "first")
	// Second commit: lines move in one file, a grant is added, one is fixed.
	writeTree(t, dir, map[string]string{"infra/public.fake.yml": "\n\n" + publicPolicy, "infra/writer.fake.yml": writerPolicy})
	if err := os.Remove(filepath.Join(dir, "infra", "partner.fake.yml")); err != nil {
		t.Fatal(err)
	}
	git("add", "-A")
	git("commit", "-q", "-m", "second")
	// An uncommitted change in the working tree counts too.
	writeTree(t, dir, map[string]string{"infra/new/uncommitted.fake.yml": partnerPolicy})

	tests := []struct {
		name    string
		chdir   string
		args    []string
		want    []string // files of the reported findings
		existed int
	}{
		{"absolute path", "", []string{filepath.Join(dir, "infra")}, []string{"infra/new/uncommitted.fake.yml", "infra/writer.fake.yml"}, 1},
		{"from the repository root", dir, []string{"infra"}, []string{"infra/new/uncommitted.fake.yml", "infra/writer.fake.yml"}, 1},
		{"from a subdirectory", filepath.Join(dir, "infra"), []string{"."}, []string{"new/uncommitted.fake.yml", "writer.fake.yml"}, 1},
		{"a path new since REF", dir, []string{"infra/new"}, []string{"infra/new/uncommitted.fake.yml"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.chdir != "" {
				t.Chdir(tt.chdir)
			}
			out, stderr, code := scanJSON(t, append([]string{"--account", "111122223333", "--new-since", "HEAD~1"}, tt.args...)...)
			var got []string
			for _, f := range out.Findings {
				rel := f.Location.File
				if filepath.IsAbs(rel) {
					rel, _ = filepath.Rel(dir, rel)
				}
				got = append(got, filepath.ToSlash(rel))
			}
			if code != exitFindings || !slices.Equal(got, tt.want) || out.Summary.Existing != tt.existed || out.NewSince != "HEAD~1" {
				t.Errorf("exit %d, findings %v, existing %d (want %v, %d); stderr %s", code, got, out.Summary.Existing, tt.want, tt.existed, stderr)
			}
		})
	}
	// Nothing new since HEAD once the working tree is committed.
	git("add", "-A")
	git("commit", "-q", "-m", "third")
	t.Chdir(dir)
	out, _, code := scanJSON(t, "--account", "111122223333", "--new-since", "HEAD", "infra")
	if code != exitClean || out.Summary.Findings != 0 || out.Summary.Existing != 3 {
		t.Errorf("since HEAD: exit %d %+v", code, out.Summary)
	}
	// A bad revision is a usage error.
	_, stderr, code := runFake(t, "scan", "--new-since", "no-such-ref", "infra")
	if code != exitError || !strings.Contains(stderr, "--new-since no-such-ref: not a commit") {
		t.Errorf("bad ref: exit %d %s", code, stderr)
	}
	// The working tree is untouched.
	if status := git("status", "--porcelain"); status != "" {
		t.Errorf("git status after --new-since:\n%s", status)
	}
}

func TestFailOnAndFailLevel(t *testing.T) {
	dir := t.TempDir()
	// public critical? No: public read is high; external read is medium.
	writeTree(t, dir, map[string]string{"public.fake.yml": publicPolicy, "partner.fake.yml": partnerPolicy})
	tests := []struct {
		args []string
		code int
	}{
		{nil, exitFindings},
		{[]string{"--fail-on", "public"}, exitFindings},
		{[]string{"--fail-on", "none"}, exitClean},
		{[]string{"--fail-level", "critical"}, exitClean},
		{[]string{"--fail-level", "high"}, exitFindings},
		{[]string{"--fail-on", "external", "--fail-level", "medium"}, exitFindings},
		{[]string{"--fail-on", "bogus"}, exitError},
		{[]string{"--fail-level", "severe"}, exitError},
	}
	for _, tt := range tests {
		_, stderr, code := runFake(t, append(append([]string{"scan", "--account", "111122223333"}, tt.args...), dir)...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.code, stderr)
		}
	}
	// Only the partner grant: below --fail-on public.
	only := t.TempDir()
	writeTree(t, only, map[string]string{"partner.fake.yml": partnerPolicy})
	_, stderr, code := runFake(t, "scan", "--account", "111122223333", "--fail-on", "public", only)
	if code != exitClean || !strings.Contains(stderr, "1 of 1 findings are below --fail-on public and do not fail the run") {
		t.Errorf("fail-on public: exit %d %s", code, stderr)
	}
	// An error still wins.
	writeTree(t, only, map[string]string{"broken.fake.yml": "{"})
	if _, _, code := runFake(t, "scan", "--fail-on", "none", only); code != exitError {
		t.Errorf("error with --fail-on none: exit %d", code)
	}
}

func TestThresholdOrder(t *testing.T) {
	type f = struct{ exposure, severity string }
	tests := []struct {
		t    threshold
		f    f
		want bool
	}{
		{threshold{}, f{"unresolved", "info"}, true},
		{threshold{failOn: "unresolved"}, f{"unresolved", "medium"}, true},
		{threshold{failOn: "external"}, f{"unresolved", "medium"}, false},
		{threshold{failOn: "external"}, f{"external", "low"}, true},
		{threshold{failOn: "external"}, f{"public", "high"}, true},
		{threshold{failOn: "public"}, f{"external", "high"}, false},
		{threshold{failOn: "none"}, f{"public", "critical"}, false},
		{threshold{failLevel: "high"}, f{"public", "high"}, true},
		{threshold{failLevel: "high"}, f{"external", "medium"}, false},
		{threshold{failOn: "external", failLevel: "high"}, f{"unresolved", "critical"}, false},
	}
	for _, tt := range tests {
		fd := fakeFinding(tt.f.exposure, tt.f.severity)
		if got := tt.t.fails(&fd); got != tt.want {
			t.Errorf("%+v fails %+v = %v", tt.t, tt.f, got)
		}
	}
}

func TestPrecommitDirs(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a/b/x.tf": "", "a/y.tf": "", "c/z.yaml": "", "d/e/w.json": ""})
	t.Chdir(dir)
	got := precommitDirs([]string{"a/b/x.tf", "c/z.yaml", "a/y.tf", "d/e/w.json", "d/e/v.json", "gone/f.tf", ".terraform/modules/m/main.tf", "c/z.yaml"})
	if want := []string{"a", "c", "d/e"}; !slices.Equal(got, want) {
		t.Errorf("dirs = %v, want %v", got, want)
	}
	if got := precommitDirs([]string{"main.tf", "a/y.tf"}); !slices.Equal(got, []string{"."}) {
		t.Errorf("root file: %v", got)
	}
	if got := precommitDirs(nil); len(got) != 0 {
		t.Errorf("no files: %v", got)
	}
}

func TestPrecommitCommand(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"mod/public.fake.yml": publicPolicy, "mod/sub/partner.fake.yml": partnerPolicy, "other/partner.fake.yml": partnerPolicy})
	t.Chdir(dir)
	stdout, _, code := runFake(t, "precommit", "--account", "111122223333", "mod/public.fake.yml")
	if code != exitFindings || !strings.Contains(stdout, "2 findings") || strings.Contains(stdout, "other/") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	if _, _, code := runFake(t, "precommit"); code != exitClean {
		t.Errorf("no files: exit %d", code)
	}
}
