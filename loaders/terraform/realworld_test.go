package terraform

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

// realWorld names a directory holding checked-out repositories (for
// example terraform-aws-modules/*) to scan: go test -run TestRealWorld
// -realworld=/tmp/tfmods. Nothing of them is committed.
var realWorld = flag.String("realworld", "", "directory of Terraform repositories to scan")

func TestRealWorld(t *testing.T) {
	if *realWorld == "" {
		t.Skip("no -realworld directory given")
	}
	repos, err := os.ReadDir(*realWorld)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]int{}
	for _, repo := range repos {
		if !repo.IsDir() {
			continue
		}
		dir := filepath.Join(*realWorld, repo.Name())
		res, diags := loadDirs(t, loaders.Options{Roots: []string{dir}}, dir)
		var errs, notDownloaded, warns, unknowns int
		for _, d := range diags {
			switch {
			case d.Severity == loaders.Error && strings.HasSuffix(d.Summary, "is not downloaded; run terraform init"):
				// Examples call registry modules; without terraform init
				// that is one documented error per call.
				notDownloaded++
			case d.Severity == loaders.Error:
				errs++
				t.Errorf("%s: %v", repo.Name(), d)
			case d.Severity == loaders.Warning:
				warns++
				t.Logf("%s: warning: %v", repo.Name(), d)
			}
		}
		for _, r := range res {
			for _, d := range r.Documents {
				if d.Policy.Unknown {
					unknowns++
					reasons[d.Policy.Reason]++
				}
				for _, st := range d.Policy.Statements {
					for _, p := range st.Principals {
						if p.Kind == policy.KindUnknown {
							unknowns++
							reasons[p.Reason]++
						}
					}
					if st.Unknown {
						unknowns++
						reasons[st.Reason]++
					}
				}
			}
		}
		t.Logf("%s: %d resources, %d errors, %d registry modules not downloaded, %d warnings, %d unknown parts",
			repo.Name(), len(res), errs, notDownloaded, warns, unknowns)
	}
	var keys []string
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("reason x%d: %s", reasons[k], strings.TrimSpace(k))
	}
}
