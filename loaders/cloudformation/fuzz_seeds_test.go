package cloudformation

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedConformance adds the files of the shared conformance corpora (KICS
// and Trivy fixtures, found as conformanceDir finds them) whose names end
// with one of exts to a fuzz target's seeds; nothing when they are absent.
func seedConformance(f *testing.F, exts ...string) {
	f.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		return
	}
	for {
		root := filepath.Join(dir, "shared", "conformance")
		if st, err := os.Stat(root); err == nil && st.IsDir() {
			_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !hasAnySuffix(p, exts) {
					return nil //nolint:nilerr // an unreadable corpus only means fewer seeds
				}
				if data, err := os.ReadFile(p); err == nil {
					f.Add(data)
				}
				return nil
			})
			return
		}
		if filepath.Dir(dir) == dir {
			return
		}
		dir = filepath.Dir(dir)
	}
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
