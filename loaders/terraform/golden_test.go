package terraform

import (
	"context"
	"flag"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/internal/loadsummary"
)

var update = flag.Bool("update", false, "rewrite golden files")

// summary is the compact, reviewable form of a load result that golden
// files hold (loaders/internal/loadsummary).
type summary = loadsummary.Summary

func summarize(res []loaders.Resource, diags loaders.Diagnostics) summary {
	return loadsummary.Of(res, diags, loadsummary.Options{Settings: true})
}

// loadDirs discovers and loads the files under dirs.
func loadDirs(tb testing.TB, opts loaders.Options, dirs ...string) ([]loaders.Resource, loaders.Diagnostics) {
	tb.Helper()
	files, diags := loaders.Discover(dirs, loaders.DiscoverOptions{})
	l := New()
	var claimed []loaders.File
	for _, f := range files {
		if l.Claims(f.Path, f.Data) {
			claimed = append(claimed, f)
		}
	}
	res, ld := l.Load(context.Background(), claimed, opts)
	return res, append(diags, ld...)
}

// checkGolden compares got with testdata/golden/<name>.json.
func checkGolden(t *testing.T, name string, got summary) {
	t.Helper()
	loadsummary.Check(t, name, got, *update)
}
