package corpus

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/cloudformation"
	"github.com/perimeter-iac/perimeter/loaders/terraform"
)

func TestGenerateIsSizedAndReproducible(t *testing.T) {
	dir := t.TempDir()
	a, err := Generate(filepath.Join(dir, "a"), 2000, 7)
	if err != nil {
		t.Fatal(err)
	}
	if total := a.Resources(); total < 2000 || total > 2300 {
		t.Errorf("generated %d resources, want about 2000", total)
	}
	if share := float64(a.TerraformResources) / float64(a.Resources()); share < 0.6 || share > 0.8 {
		t.Errorf("Terraform share %.2f, want about 0.7", share)
	}
	b, err := Generate(filepath.Join(dir, "b"), 2000, 7)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("same seed, different trees: %+v vs %+v", a, b)
	}
	err = filepath.WalkDir(filepath.Join(dir, "a"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(dir, "a"), p)
		x, err1 := os.ReadFile(p)
		y, err2 := os.ReadFile(filepath.Join(dir, "b", rel))
		if err1 != nil || err2 != nil || string(x) != string(y) {
			t.Errorf("%s differs between runs with the same seed (%v, %v)", rel, err1, err2)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTreeLoadsEveryKind loads a generated tree with the real loaders: it
// must hold every kind perimeter analyses, from both languages, and load
// without errors other than the registry modules that are deliberately
// not downloaded.
func TestTreeLoadsEveryKind(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir, 1500, 1); err != nil {
		t.Fatal(err)
	}
	files, diags := loaders.Discover([]string{dir}, loaders.DiscoverOptions{})
	opts := loaders.Options{OwnAccount: ZoneAccount, Partition: "aws", Roots: []string{dir}}
	kinds := map[string]map[loaders.Source]int{}
	for _, l := range []loaders.Loader{terraform.New(), cloudformation.New()} {
		var mine []loaders.File
		for _, f := range files {
			if l.Claims(f.Path, f.Data) {
				mine = append(mine, f)
			}
		}
		res, ds := l.Load(context.Background(), mine, opts)
		diags = append(diags, ds...)
		for _, r := range res {
			if kinds[r.Kind] == nil {
				kinds[r.Kind] = map[loaders.Source]int{}
			}
			kinds[r.Kind][r.Source]++
		}
	}
	for _, d := range diags {
		if d.Severity == loaders.Error && !strings.Contains(d.Summary, "is not downloaded") {
			t.Errorf("unexpected error: %v", d.Error())
		}
	}
	// Kinds CloudFormation has no type for (docs/rules.md).
	terraformOnly := []string{loaders.KindEBSSnapshot, loaders.KindRDSSnapshot, loaders.KindRDSClusterSnapshot, loaders.KindAMI, loaders.KindGlueCatalog, loaders.KindGlacierVault, loaders.KindModuleInput}
	for _, k := range loaders.Kinds {
		if kinds[k][loaders.SourceTerraform] == 0 {
			t.Errorf("kind %s: no Terraform resource (%v)", k, kinds[k])
		}
		if !slices.Contains(terraformOnly, k) && kinds[k][loaders.SourceCloudFormation] == 0 {
			t.Errorf("kind %s: no CloudFormation resource (%v)", k, kinds[k])
		}
	}
}
