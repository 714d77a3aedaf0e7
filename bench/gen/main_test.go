package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGenerateIsSizedAndReproducible(t *testing.T) {
	dir := t.TempDir()
	a, err := Generate(filepath.Join(dir, "a"), 500, 7)
	if err != nil {
		t.Fatal(err)
	}
	total := a.TerraformResources + a.CloudFormationResources
	if total < 500 || total > 600 {
		t.Errorf("generated %d resources, want about 500", total)
	}
	b, err := Generate(filepath.Join(dir, "b"), 500, 7)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("same seed, different trees: %+v vs %+v", a, b)
	}
	for _, rel := range []string{"terraform/modules/service/main.tf", "terraform/roots/app0000/main.tf", "cloudformation/stack0000.yaml"} {
		x, err1 := os.ReadFile(filepath.Join(dir, "a", rel))
		y, err2 := os.ReadFile(filepath.Join(dir, "b", rel))
		if err1 != nil || err2 != nil || string(x) != string(y) {
			t.Errorf("%s differs between runs with the same seed (%v, %v)", rel, err1, err2)
		}
	}
}
