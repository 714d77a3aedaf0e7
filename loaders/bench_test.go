package loaders_test

import (
	"testing"

	"github.com/perimeter-iac/perimeter/bench/corpus"
	"github.com/perimeter-iac/perimeter/loaders"
)

// BenchmarkDiscover walks and reads a generated tree of 2,000 resources
// (the discovery stage of a scan).
func BenchmarkDiscover(b *testing.B) {
	dir := b.TempDir()
	st, err := corpus.Generate(dir, 2000, 1)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		files, diags := loaders.Discover([]string{dir}, loaders.DiscoverOptions{})
		if len(files) != st.Files || len(diags) != 0 {
			b.Fatalf("%d files (want %d), %v", len(files), st.Files, diags)
		}
	}
}
