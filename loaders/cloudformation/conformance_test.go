package cloudformation

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/perimeter-iac/perimeter/loaders"

	"github.com/perimeter-iac/perimeter/internal/conformance"
)

// conformanceFiles returns the KICS CloudFormation fixtures and the
// templates embedded in the Trivy examples (cloudformation.good/bad).
func conformanceFiles(t *testing.T) []loaders.File {
	t.Helper()
	root := conformance.Require(t)
	var files []loaders.File
	kics := filepath.Join(root, "kics", "cloudformation")
	err := filepath.WalkDir(kics, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		base := d.Name()
		if !strings.HasPrefix(base, "positive") && !strings.HasPrefix(base, "negative") || strings.HasSuffix(base, "_expected_result.json") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files = append(files, loaders.File{Path: filepath.ToSlash(rel), Data: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	trivy, _ := filepath.Glob(filepath.Join(root, "trivy", "*", "*.yaml"))
	for _, path := range trivy {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			CloudFormation struct {
				Good []string `yaml:"good"`
				Bad  []string `yaml:"bad"`
			} `yaml:"cloudformation"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rel, _ := filepath.Rel(root, path)
		for label, list := range map[string][]string{"good": doc.CloudFormation.Good, "bad": doc.CloudFormation.Bad} {
			for i, tmpl := range list {
				files = append(files, loaders.File{Path: fmt.Sprintf("%s#cloudformation.%s[%d]", filepath.ToSlash(rel), label, i), Data: []byte(tmpl)})
			}
		}
	}
	slices.SortFunc(files, func(a, b loaders.File) int { return strings.Compare(a.Path, b.Path) })
	return files
}

// TestConformance loads every KICS and Trivy CloudFormation fixture: each
// is claimed, none gives an error or a panic, and a few principals are
// checked against the labels in CASES.tsv.
func TestConformance(t *testing.T) {
	files := conformanceFiles(t)
	if len(files) < 100 {
		t.Fatalf("only %d conformance files found", len(files))
	}
	for _, f := range files {
		claimPath, _, _ := strings.Cut(f.Path, "#")
		if strings.Contains(f.Path, "#") {
			claimPath = f.Path[strings.LastIndex(f.Path, "/")+1:] + ".yaml"
		}
		if !New().Claims(claimPath, f.Data) {
			t.Errorf("%s is not claimed", f.Path)
		}
	}
	rs, ds := New().Load(context.Background(), files, loaders.Options{})
	for _, d := range ds {
		if d.Severity == loaders.Error {
			t.Errorf("error diagnostic: %v", d)
		}
	}
	t.Logf("%d files, %d resources, %d diagnostics", len(files), len(rs), len(ds))

	byFile := map[string][]loaders.Resource{}
	for _, r := range rs {
		byFile[r.Range.File] = append(byFile[r.Range.File], r)
	}
	spot := []struct {
		file string
		want string // an account ID or "*" that must be a principal, with its line
		line int
	}{
		{"kics/cloudformation/cross_account_iam_assume_role_policy_without_external_id_or_mfa/positive1.yaml", "987654321145", 0},
		{"kics/cloudformation/cross_account_iam_assume_role_policy_without_external_id_or_mfa/positive2.json", "987654321145", 0},
		{"kics/cloudformation/kms_allows_wildcard_principal/positive1.yaml", "*", 14},
		{"kics/cloudformation/s3_bucket_access_to_any_principal/positive1.yaml", "*", 0},
		{"kics/cloudformation/s3_bucket_access_to_any_principal/negative1.yaml", "111122223333", 0},
		{"trivy/sqs_no_wildcards_in_policy_documents/no_wildcards_in_policy_documents.yaml#cloudformation.good[0]", "111122223333", 22},
	}
	for _, s := range spot {
		var found []string
		ok := false
		for _, r := range byFile[s.file] {
			for _, p := range principals(r) {
				found = append(found, fmt.Sprintf("%s@%d", p.Account, p.Range.Start.Line))
				if p.Account == s.want && (s.line == 0 || p.Range.Start.Line == s.line) {
					ok = true
				}
			}
		}
		if !ok {
			t.Errorf("%s: no principal in account %s (line %d); found %v", s.file, s.want, s.line, found)
		}
	}
}
