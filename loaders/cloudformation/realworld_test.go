package cloudformation

import (
	"context"
	"flag"
	"maps"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"
)

var realWorld = flag.String("realworld", "", "a directory of real-world templates to load (e.g. a checkout of aws-cloudformation-templates)")

// TestRealWorld loads every candidate file under -realworld the way the
// scanner would, and reports counts, errors and the unknown reasons seen.
// It fails on an error diagnostic or a panic. Skipped without the flag.
func TestRealWorld(t *testing.T) {
	if *realWorld == "" {
		t.Skip("no -realworld directory given")
	}
	found, diags := loaders.Discover([]string{*realWorld}, loaders.DiscoverOptions{WorkDir: *realWorld})
	if len(diags) > 0 {
		t.Logf("discovery: %v", diags)
	}
	l := New()
	var claimed []loaders.File
	for _, f := range found {
		if l.Claims(f.Path, f.Data) {
			claimed = append(claimed, f)
		}
	}
	start := time.Now()
	rs, ds := l.Load(context.Background(), claimed, loaders.Options{})
	elapsed := time.Since(start)
	reasons := map[string]int{}
	digits := regexp.MustCompile(`\d+`)
	for _, r := range rs {
		for _, d := range r.Documents {
			if d.Policy.Unknown {
				reasons[digits.ReplaceAllString(d.Policy.Reason, "N")]++
			}
			for _, s := range d.Policy.Statements {
				for _, p := range s.Principals {
					if p.Unknown {
						reasons[p.Reason]++
					}
				}
				for _, c := range s.Conditions {
					if c.Unknown {
						reasons[c.Reason]++
					}
				}
			}
		}
	}
	errs, warns := 0, 0
	for _, d := range ds {
		if d.Severity == loaders.Error {
			errs++
			t.Errorf("%v", d)
		} else {
			warns++
			t.Logf("warning: %v", d)
		}
	}
	t.Logf("%d candidate files, %d claimed, %d resources, %d errors, %d warnings, load took %v", len(found), len(claimed), len(rs), errs, warns, elapsed)
	for _, k := range slices.Sorted(maps.Keys(reasons)) {
		t.Logf("unknown x%d: %s", reasons[k], k)
	}
}
