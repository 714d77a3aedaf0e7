package terraform

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedConformance adds the files of the shared conformance corpora (KICS
// and Trivy fixtures, when present on the machine) whose names end with ext
// to a fuzz target's seeds.
func seedConformance(f *testing.F, ext string) {
	f.Helper()
	_ = filepath.WalkDir(conformanceDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ext) {
			return nil //nolint:nilerr // an unreadable corpus only means fewer seeds
		}
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
		return nil
	})
}
