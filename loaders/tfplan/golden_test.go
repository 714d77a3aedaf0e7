package tfplan

import (
	"context"
	"flag"
	"path/filepath"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/internal/loadsummary"
)

var update = flag.Bool("update", false, "rewrite golden files")

// summary is the compact, reviewable form of a load result that golden
// files hold (loaders/internal/loadsummary).
type summary = loadsummary.Summary

func summarize(res []loaders.Resource, diags loaders.Diagnostics) summary {
	return loadsummary.Of(res, diags, loadsummary.Options{Source: true, StatementAt: true})
}

// loadPaths discovers the files under paths and loads the plans among them.
func loadPaths(tb testing.TB, opts loaders.Options, paths ...string) ([]loaders.Resource, loaders.Diagnostics) {
	tb.Helper()
	files, diags := loaders.Discover(paths, loaders.DiscoverOptions{})
	l := New()
	var claimed []loaders.File
	for _, f := range files {
		if l.Claims(f.Path, f.Data) {
			claimed = append(claimed, f)
		}
	}
	if len(claimed) == 0 {
		tb.Fatalf("no plan among %v", paths)
	}
	res, ld := l.Load(context.Background(), claimed, opts)
	return res, append(diags, ld...)
}

// checkGolden compares got with testdata/golden/<name>.json.
func checkGolden(t *testing.T, name string, got summary) {
	t.Helper()
	loadsummary.Check(t, name, got, *update)
}

// TestGolden loads the plans under testdata/plans: the same plan with its
// configuration beside it (positions in the .tf files) and without
// (positions in the one-line plan file).
func TestGolden(t *testing.T) {
	for _, name := range []string{"sources", "nosources"} {
		t.Run(name, func(t *testing.T) {
			res, diags := loadPaths(t, loaders.Options{}, filepath.Join("testdata", "plans", name))
			checkGolden(t, name, summarize(res, diags))
		})
	}
}

// TestDeclaredAccountNoWarning: with the plan's account declared, the
// plan loads without diagnostics.
func TestDeclaredAccountNoWarning(t *testing.T) {
	for _, name := range []string{"sources", "nosources"} {
		_, diags := loadPaths(t, loaders.Options{OwnAccount: "111122223333"}, filepath.Join("testdata", "plans", name))
		if len(diags) != 0 {
			t.Errorf("%s: %v", name, diags)
		}
	}
}
