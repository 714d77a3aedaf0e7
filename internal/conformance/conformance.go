// Package conformance finds the labelled KICS and Trivy fixtures that
// tests and fuzz targets use as an external corpus: $PERIMETER_CONFORMANCE,
// else a shared/conformance directory beside the checkout (in the working
// directory or one of its parents). Nothing of it is committed here.
package conformance

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir returns the corpus directory, and false when there is none.
func Dir() (string, bool) {
	if dir := os.Getenv("PERIMETER_CONFORMANCE"); dir != "" {
		st, err := os.Stat(dir)
		return dir, err == nil && st.IsDir()
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		return "", false
	}
	for {
		candidate := filepath.Join(dir, "shared", "conformance")
		if st, err := os.Stat(candidate); err == nil && st.IsDir() {
			return candidate, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Require returns the corpus directory, skipping the test without it.
func Require(tb testing.TB) string {
	tb.Helper()
	dir, ok := Dir()
	if !ok {
		tb.Skip("no conformance corpus (shared/conformance beside the checkout, or $PERIMETER_CONFORMANCE)")
	}
	return dir
}

// Seed adds the corpus files whose names end with one of exts to a fuzz
// target's seeds; nothing when the corpus is absent.
func Seed(f *testing.F, exts ...string) {
	f.Helper()
	dir, ok := Dir()
	if !ok {
		return
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !hasAnySuffix(p, exts) {
			return nil //nolint:nilerr // an unreadable corpus only means fewer seeds
		}
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
		return nil
	})
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
