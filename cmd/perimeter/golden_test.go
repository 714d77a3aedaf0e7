package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenCases are end-to-end scans of the repository's testdata, run from
// the repository root so paths in the output are the ones users see.
var goldenCases = []struct {
	name string
	args []string
	code int
}{
	{"examples.txt", []string{"scan", "--account", "111122223333", "--no-config", "testdata/examples"}, exitFindings},
	{"examples.json", []string{"scan", "--account", "111122223333", "--no-config", "--format", "json", "testdata/examples"}, exitFindings},
	{"examples-undeclared.txt", []string{"scan", "--no-config", "testdata/examples"}, exitFindings},
	{"plan.json", []string{"scan", "--account", "111122223333", "--no-config", "--format", "json", "testdata/plan"}, exitFindings},
	{"plan-only.txt", []string{"scan", "--account", "111122223333", "--no-config", "testdata/plan/plan.json"}, exitFindings},
	{"plan-sources.txt", []string{"scan", "--account", "111122223333", "--no-config", "testdata/plan/main.tf"}, exitFindings},
	{"examples-org.json", []string{"scan", "--account", "111122223333", "--account", "444455556666", "--org-id", "o-abcdefghij", "--no-config", "--format", "json", "testdata/examples"}, exitFindings},
	// Real CDK output (testdata/cdk/README.md says how it was made): the
	// construct paths, nested stacks, cross-stack references and stages.
	{"cdk.txt", []string{"scan", "--account", "111122223333", "--no-config", "testdata/cdk"}, exitFindings},
	// The messages of the fixture-driven cases (TestCases checks which
	// findings they give).
	{"cases-cloudformation.txt", []string{"scan", "--account", "111122223333", "--no-config", "testdata/cases/cloudformation"}, exitFindings},
	{"cases-cloudformation-org.txt", []string{"scan", "--account", "111122223333", "--org-id", "o-abcdefghij", "--no-config", "testdata/cases/cloudformation-org"}, exitFindings},
	{"cases-terraform.txt", []string{"scan", "--account", "111122223333", "--no-config", "testdata/cases/terraform"}, exitFindings},
	{"cases-terraform-org.txt", []string{"scan", "--account", "111122223333", "--org-id", "o-abcdefghij", "--no-config", "testdata/cases/terraform-org"}, exitFindings},
}

func TestGolden(t *testing.T) {
	t.Chdir("../..")
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, nil, tc.args...)
			if code != tc.code {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			checkGolden(t, filepath.Join("testdata", "golden", tc.name), stdout)
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/perimeter -run TestGolden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the scan's output; diff them with -update and git diff.\ngot:\n%s", path, got)
	}
}

// TestOutputIsDeterministic scans the same tree with different parallelism
// and expects byte-identical output in every format (written from one scan
// each, as a CI job writes them).
func TestOutputIsDeterministic(t *testing.T) {
	t.Chdir("../..")
	formats := []string{"text", "json", "input", "sarif", "markdown", "codequality"}
	outputs := map[string][]string{}
	for _, procs := range []int{1, 2, 8} {
		dir := t.TempDir()
		args := []string{"scan", "--no-config", "--account", "111122223333"}
		for _, format := range formats {
			args = append(args, "--format", format+"="+filepath.Join(dir, format))
		}
		prev := runtime.GOMAXPROCS(procs)
		runCLI(t, nil, append(args, "testdata/examples", "loaders")...)
		runtime.GOMAXPROCS(prev)
		for _, format := range formats {
			data, err := os.ReadFile(filepath.Join(dir, format))
			if err != nil {
				t.Fatal(err)
			}
			outputs[format] = append(outputs[format], string(data))
		}
	}
	for _, format := range formats {
		out := outputs[format]
		for i := 1; i < len(out); i++ {
			if out[i] != out[0] {
				t.Errorf("%s output with different GOMAXPROCS differs", format)
			}
		}
		if !strings.Contains(out[0], "testdata/examples") {
			t.Errorf("%s output does not mention the scanned files", format)
		}
	}
}

func TestTFVarFromTheEnvironment(t *testing.T) {
	t.Chdir("../..")
	stdout, _, _ := runCLI(t, []string{"TF_VAR_partner_account=555566667777"}, "scan", "--no-config", "--account", "111122223333", "testdata/examples/terraform")
	if !strings.Contains(stdout, "account 555566667777, outside the zone of trust, can sqs:SendMessage") {
		t.Errorf("TF_VAR_partner_account was not applied:\n%s", stdout)
	}
}

// TestFingerprintsDoNotDependOnTheWorkingDirectory: a baseline written at
// the repository root must match a scan run from a subdirectory.
func TestFingerprintsDoNotDependOnTheWorkingDirectory(t *testing.T) {
	repo := t.TempDir()
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	infra := filepath.Join(repo, "infra", "app")
	if err := os.MkdirAll(infra, 0o755); err != nil {
		t.Fatal(err)
	}
	src := `resource "aws_sqs_queue_policy" "q" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/q"
  policy    = jsonencode({Statement = [{Effect = "Allow", Principal = "*", Action = "sqs:SendMessage"}]})
}
`
	if err := os.WriteFile(filepath.Join(infra, "main.tf"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ids := func(dir string, path string) string {
		t.Chdir(dir)
		stdout, _, _ := runCLI(t, nil, "scan", "--no-config", "--format", "json", path)
		var out struct {
			Findings []struct {
				ID string `json:"id"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil || len(out.Findings) != 1 {
			t.Fatalf("scan of %s from %s: %v\n%s", path, dir, err, stdout)
		}
		return out.Findings[0].ID
	}
	fromRoot := ids(repo, "infra/app")
	fromSub := ids(infra, ".")
	fromMiddle := ids(filepath.Join(repo, "infra"), "app")
	if fromRoot != fromSub || fromRoot != fromMiddle {
		t.Errorf("finding IDs differ by working directory: root %s, subdirectory %s, middle %s", fromRoot, fromSub, fromMiddle)
	}
}
