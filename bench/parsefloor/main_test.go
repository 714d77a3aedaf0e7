package main

import (
	"testing"

	"github.com/perimeter-iac/perimeter/bench/corpus"
	"github.com/perimeter-iac/perimeter/loaders"
)

// BenchmarkParse is the parse-only floor over a generated tree of 2,000
// resources (files already read): what a scan costs at the very least.
func BenchmarkParse(b *testing.B) {
	dir := b.TempDir()
	if _, err := corpus.Generate(dir, 2000, 1); err != nil {
		b.Fatal(err)
	}
	files, _ := loaders.Discover([]string{dir}, loaders.DiscoverOptions{})
	for b.Loop() {
		if failed := parseAll(files); failed != 0 {
			b.Fatalf("%d files failed to parse", failed)
		}
	}
}
