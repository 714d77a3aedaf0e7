package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// End-to-end tests through the real Terraform and CloudFormation loaders.

// runReal drives run() with the real loaders and the fixed clock.
func runReal(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := env{
		stdout: &out, stderr: &errOut,
		getenv:  func(string) string { return "" },
		environ: func() []string { return nil },
		now:     func() time.Time { return testNow },
	}
	code = run(context.Background(), args, e)
	return out.String(), errOut.String(), code
}

func scanRealJSON(t *testing.T, args ...string) (jsonOut, int) {
	t.Helper()
	stdout, stderr, code := runReal(t, append([]string{"scan", "--no-config", "--format", "json"}, args...)...)
	var out jsonOut
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("exit %d, stderr %s, not JSON: %v", code, stderr, err)
	}
	return out, code
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestE2ESuppressionForms covers every inline form on real Terraform and
// CloudFormation: a trailing # comment at the principal, // above the
// resource block, # above an identifier inside an aws_iam_policy_document,
// a YAML comment above the resource, YAML and JSON Metadata entries.
func TestE2ESuppressionForms(t *testing.T) {
	t.Chdir("testdata/e2e")
	out, code := scanRealJSON(t, "--account", "111122223333", "suppressions")
	var active []string
	for _, f := range out.Findings {
		active = append(active, f.Rule+" "+f.Location.File)
	}
	if code != exitFindings || !slices.Equal(active, []string{"PERIM004 suppressions/main.tf", "PERIM002 suppressions/stack.yaml"}) {
		t.Errorf("exit %d, active %v, errors %+v", code, active, out.Errors)
	}
	var got []string
	for _, s := range out.Suppressed {
		got = append(got, s.Suppressed.Source+" "+s.Suppressed.Kind+": "+s.Suppressed.Reason)
	}
	want := []string{
		"suppressions/main.tf:11 inline: the website bucket is public by design",
		"suppressions/main.tf:18 inline: the auditors' account, reviewed in SEC-12",
		"suppressions/main.tf:37 inline: partner sends orders",
		"suppressions/stack.json:6 inline: the backup account decrypts",
		"suppressions/stack.yaml:5 inline: the reports bucket is shared with the partner",
		"suppressions/stack.yaml:23 inline: the partner's scheduler sends jobs",
	}
	if !slices.Equal(got, want) {
		t.Errorf("suppressed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(out.Errors) != 0 || out.Summary.Suppressed != 6 {
		t.Errorf("errors %+v, summary %+v", out.Errors, out.Summary)
	}
}

func TestE2EBaselineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "../../testdata/examples/terraform/main.tf", filepath.Join(dir, "infra", "main.tf"))
	copyFile(t, "../../testdata/examples/cloudformation/stack.yaml", filepath.Join(dir, "infra", "stack.yaml"))
	t.Chdir(dir)
	before, code := scanRealJSON(t, "--account", "111122223333")
	if code != exitFindings || before.Summary.Findings < 4 {
		t.Fatalf("before: exit %d %+v", code, before.Summary)
	}
	stdout, stderr, code := runReal(t, "baseline", "--no-config", "--account", "111122223333")
	if code != exitClean || !strings.Contains(stdout, ".perimeter-archive.yml:") {
		t.Fatalf("baseline: exit %d %s %s", code, stdout, stderr)
	}
	after, code := scanRealJSON(t, "--account", "111122223333")
	if code != exitClean || after.Summary.Findings != 0 || after.Summary.Suppressed != before.Summary.Findings {
		t.Fatalf("after baseline: exit %d %+v", code, after.Summary)
	}
	// A new grant in a new file: exactly one finding.
	writeTree(t, dir, map[string]string{"infra/new.tf": `resource "aws_lambda_permission" "partner" {
  statement_id  = "AllowPartner"
  action        = "lambda:InvokeFunction"
  function_name = "resize"
  principal     = "999988887777"
}
`})
	added, code := scanRealJSON(t, "--account", "111122223333")
	if code != exitFindings || added.Summary.Findings != 1 || added.Findings[0].Location.File != "infra/new.tf" || added.Findings[0].Location.Line != 5 {
		t.Errorf("after a new grant: exit %d %+v", code, added.Findings)
	}
}

func TestE2ENewSince(t *testing.T) {
	dir, git := gitRepo(t)
	copyFile(t, "../../testdata/examples/terraform/main.tf", filepath.Join(dir, "infra", "main.tf"))
	git("add", ".")
	git("commit", "-q", "-m", "first")
	// Second commit: move every line down, and add one grant.
	data, err := os.ReadFile(filepath.Join(dir, "infra", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	grant := "\nresource \"aws_lambda_permission\" \"partner\" {\n  action        = \"lambda:InvokeFunction\"\n  function_name = \"resize\"\n  principal     = \"999988887777\"\n}\n"
	writeTree(t, dir, map[string]string{"infra/main.tf": "# moved\n\n" + string(data) + grant})
	git("commit", "-q", "-am", "second")
	t.Chdir(dir)
	out, code := scanRealJSON(t, "--account", "111122223333", "--new-since", "HEAD~1", "infra")
	if code != exitFindings || out.Summary.Findings != 1 || out.Summary.Existing < 3 {
		t.Fatalf("exit %d, %+v", code, out.Summary)
	}
	if f := out.Findings[0]; f.Rule != "PERIM004" || f.Location.File != "infra/main.tf" {
		t.Errorf("new finding %+v", f)
	}
	// SARIF keeps the findings already present, marked unchanged, so that
	// code scanning does not close their alerts.
	sarif, _, _ := runReal(t, "scan", "--no-config", "--account", "111122223333", "--new-since", "HEAD~1", "--format", "sarif", "infra")
	if n, u := strings.Count(sarif, `"baselineState": "new"`), strings.Count(sarif, `"baselineState": "unchanged"`); n != 1 || u != out.Summary.Existing {
		t.Errorf("SARIF has %d new and %d unchanged results, want 1 and %d", n, u, out.Summary.Existing)
	}
	full, _ := scanRealJSON(t, "--account", "111122223333", "infra")
	if full.Summary.Findings != out.Summary.Findings+out.Summary.Existing {
		t.Errorf("full scan has %d findings, new-since %d + %d existing", full.Summary.Findings, out.Summary.Findings, out.Summary.Existing)
	}
}

// TestE2ESARIF keeps the SARIF of the example scan as a golden file, which
// scripts/validate-sarif checks with the official validator.
func TestE2ESARIF(t *testing.T) {
	golden, err := filepath.Abs(filepath.Join("testdata", "examples.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if resolved, err := filepath.EvalSymlinks(root); err == nil {
		root = resolved
	}
	t.Chdir("../..")
	stdout, stderr, code := runReal(t, "scan", "--no-config", "--account", "111122223333", "--format", "sarif", "testdata/examples")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The repository's place on this machine is the only varying part.
	got := strings.ReplaceAll(stdout, "file://"+filepath.ToSlash(root)+"/", "file:///work/repo/")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("SARIF differs from %s (go test -update):\n%s", golden, got)
	}
	if !strings.Contains(got, `"uri": "testdata/examples/terraform/main.tf"`) {
		t.Error("artifact URIs are not relative to the repository root")
	}
}

// TestE2EModules: a directive above a module call suppresses the findings of
// that instance only, and SARIF relates each finding to its module call.
func TestE2EModules(t *testing.T) {
	t.Chdir("testdata/e2e/modules")
	out, code := scanRealJSON(t, "--account", "111122223333", ".")
	if code != exitFindings || out.Summary.Findings != 1 || out.Summary.Suppressed != 1 || out.Suppressed[0].Suppressed.Source != "main.tf:6" {
		t.Fatalf("exit %d, %+v, suppressed %+v", code, out.Summary, out.Suppressed)
	}
	stdout, _, _ := runReal(t, "scan", "--no-config", "--account", "111122223333", "--format", "sarif", ".")
	var log struct {
		Runs []struct {
			Results []struct {
				Properties struct {
					Resource string `json:"resource"`
				} `json:"properties"`
				RelatedLocations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"relatedLocations"`
				Suppressions []struct {
					Kind string `json:"kind"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range log.Runs[0].Results {
		var locs []string
		for _, l := range r.RelatedLocations {
			// URIs are relative to the repository root (this checkout's).
			uri := strings.TrimPrefix(l.PhysicalLocation.ArtifactLocation.URI, "cmd/perimeter/testdata/e2e/modules/")
			locs = append(locs, uri+":"+strconv.Itoa(l.PhysicalLocation.Region.StartLine))
		}
		kind := ""
		if len(r.Suppressions) > 0 {
			kind = " " + r.Suppressions[0].Kind
		}
		got[r.Properties.Resource] = strings.Join(locs, " ") + kind
	}
	want := map[string]string{
		"module.site.aws_s3_bucket_policy.this": "modules/site/main.tf:9 main.tf:1",
		"module.docs.aws_s3_bucket_policy.this": "modules/site/main.tf:9 main.tf:7 inSource",
	}
	if len(got) != 2 || got["module.site.aws_s3_bucket_policy.this"] != want["module.site.aws_s3_bucket_policy.this"] || got["module.docs.aws_s3_bucket_policy.this"] != want["module.docs.aws_s3_bucket_policy.this"] {
		t.Errorf("related locations %v, want %v", got, want)
	}
}

// TestE2ENewSinceModuleOutsideThePath: envs/prod calls ../../modules/site;
// a grant added in the module is new for envs/prod, read at the old
// revision through the module too.
func TestE2ENewSinceModuleOutsideThePath(t *testing.T) {
	dir, git := gitRepo(t)
	module, err := os.ReadFile("testdata/e2e/modules/modules/site/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{
		"modules/site/main.tf": string(module),
		"envs/prod/main.tf":    "module \"site\" {\n  source = \"../../modules/site\"\n  name   = \"prod-site\"\n}\n",
	})
	git("add", ".")
	git("commit", "-q", "-m", "first")
	writeTree(t, dir, map[string]string{"modules/site/extra.tf": `resource "aws_lambda_permission" "partner" {
  action        = "lambda:InvokeFunction"
  function_name = "resize"
  principal     = "999988887777"
}
`})
	git("add", ".")
	git("commit", "-q", "-m", "second")
	t.Chdir(dir)
	out, code := scanRealJSON(t, "--account", "111122223333", "--new-since", "HEAD~1", "envs/prod")
	if code != exitFindings || out.Summary.Findings != 1 || out.Summary.Existing != 1 || out.Findings[0].Rule != "PERIM004" {
		t.Errorf("exit %d, %+v %+v, errors %+v", code, out.Summary, out.Findings, out.Errors)
	}
}
