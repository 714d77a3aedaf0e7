package loaders

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestDiscoverSkipsOnlyCaches: VCS metadata, Terraform's download cache
// and JavaScript dependencies are not walked; cdk.out (synthesized
// templates) and every other directory are. A file given by name is read
// wherever it is.
func TestDiscoverSkipsOnlyCaches(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{
		"main.tf", "notes.txt",
		".git/config.json",
		".terraform/modules/x/main.tf",
		"node_modules/pkg/template.yaml",
		"cdk.out/App.template.json",
		"nested/.hidden/policy.json",
		"vendor/stack.yml",
	} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name  string
		paths []string
		want  []string
	}{
		{"tree", []string{"."}, []string{"cdk.out/App.template.json", "main.tf", "nested/.hidden/policy.json", "vendor/stack.yml"}},
		{"a skipped directory named", []string{".terraform/modules/x/main.tf", "node_modules/pkg"}, []string{".terraform/modules/x/main.tf", "node_modules/pkg/template.yaml"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(dir)
			files, diags := Discover(tt.paths, DiscoverOptions{})
			if len(diags) > 0 {
				t.Errorf("diagnostics: %v", diags)
			}
			var got []string
			for _, f := range files {
				got = append(got, filepath.ToSlash(f.Path))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}
