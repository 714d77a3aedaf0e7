package tfplan

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// realWorld names a directory of real plan files (and whatever lies beside
// them) to load: go test -run TestRealWorld -realworld=/tmp/plans. Every
// .json file under it is offered to Claims; the claimed ones must load
// without errors. Nothing of them is committed.
var realWorld = flag.String("realworld", "", "directory of Terraform plan JSON files to load")

func TestRealWorld(t *testing.T) {
	if *realWorld == "" {
		t.Skip("no -realworld directory given")
	}
	files, diags := loaders.Discover([]string{*realWorld}, loaders.DiscoverOptions{})
	for _, d := range diags {
		t.Errorf("discover: %v", d)
	}
	l := New()
	var claimed []loaders.File
	var skipped []string
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".json") {
			continue
		}
		if l.Claims(f.Path, f.Data) {
			claimed = append(claimed, f)
		} else {
			skipped = append(skipped, f.Path)
		}
	}
	res, ld := loadPaths(t, loaders.Options{}, *realWorld)
	for _, d := range ld {
		if d.Severity == loaders.Error {
			t.Errorf("%v", d)
		} else {
			t.Logf("%v", d)
		}
	}
	reasons := map[string]int{}
	for _, r := range res {
		for _, d := range r.Documents {
			if d.Policy.Unknown {
				reasons[d.Policy.Reason]++
			}
			for _, st := range d.Policy.Statements {
				for _, p := range st.Principals {
					if p.Kind == policy.KindUnknown {
						reasons[p.Reason]++
					}
				}
			}
		}
		t.Logf("%s %s (%s) at %s, %d documents", r.Source, r.Address, r.Type, r.Range, len(r.Documents))
	}
	t.Logf("%d .json files: %d claimed as plans, %d not; %d resources", len(claimed)+len(skipped), len(claimed), len(skipped), len(res))
	for _, s := range skipped {
		data, _ := os.ReadFile(filepath.FromSlash(s))
		if strings.Contains(string(data), `"planned_values"`) {
			t.Errorf("%s mentions planned_values but is not claimed", s)
		}
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("reason x%d: %s", reasons[k], k)
	}
}
