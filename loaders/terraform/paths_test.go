package terraform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

// TestPathsAsTerraformSeesThem: path.cwd, path.root, path.module and
// abspath agree with each other as in Terraform (abspath(path.root) ==
// path.cwd), and file functions given them read the root's and the
// module's files, whether the scanned path is relative or absolute.
func TestPathsAsTerraformSeesThem(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("infra/app/main.tf", `
resource "aws_sqs_queue_policy" "p" {
  queue_url = "q"
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "sqs:SendMessage", Resource = "*", Principal = { AWS = abspath(path.root) == path.cwd ? "444455556666" : "*" } },
    { Effect = "Allow", Action = "sqs:ReceiveMessage", Resource = "*", Principal = { AWS = trimspace(file("${path.cwd}/partner.txt")) } },
    { Effect = "Allow", Action = "sqs:DeleteMessage", Resource = "*", Principal = { AWS = trimspace(file("${abspath(path.module)}/partner.txt")) } },
  ] })
}
module "m" {
  source = "./mod"
}
`)
	write("infra/app/partner.txt", "555566667777\n")
	write("infra/app/mod/main.tf", `
resource "aws_sns_topic_policy" "t" {
  arn = "t"
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "sns:Publish", Resource = "*", Principal = { AWS = trimspace(file("${path.module}/partner.txt")) } },
  ] })
}
`)
	write("infra/app/mod/partner.txt", "666677778888\n")
	for _, tt := range []struct{ name, scan string }{
		{"relative", "infra/app"},
		{"absolute", filepath.Join(dir, "infra", "app")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(dir)
			res, diags := loadDirs(t, loaders.Options{OwnAccount: "111122223333"}, tt.scan)
			for _, d := range diags {
				t.Errorf("diagnostic: %v", d)
			}
			var got []string
			for _, r := range res {
				for _, doc := range r.Documents {
					for _, st := range doc.Policy.Statements {
						for _, p := range st.Principals {
							got = append(got, p.Value)
						}
					}
				}
			}
			want := []string{"444455556666", "555566667777", "555566667777", "666677778888"}
			if len(got) != len(want) {
				t.Fatalf("principals %q, want %q", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("principal %d: %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
}
