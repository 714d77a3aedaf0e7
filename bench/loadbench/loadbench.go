// Package loadbench is the benchmark the loaders share: one loader over
// its half of a generated tree, reported per resource.
package loadbench

import (
	"context"
	"testing"

	"github.com/perimeter-iac/perimeter/bench/corpus"
	"github.com/perimeter-iac/perimeter/loaders"
)

// Run loads the files l claims from a generated tree of 2,000 resources,
// b.N times, and reports µs per resource. With strict, an error
// diagnostic fails the benchmark (the CloudFormation half has none; the
// Terraform half calls registry modules that are not downloaded).
func Run(b *testing.B, l loaders.Loader, strict bool) {
	b.Helper()
	dir := b.TempDir()
	if _, err := corpus.Generate(dir, 2000, 1); err != nil {
		b.Fatal(err)
	}
	all, _ := loaders.Discover([]string{dir}, loaders.DiscoverOptions{})
	var files []loaders.File
	for _, f := range all {
		if l.Claims(f.Path, f.Data) {
			files = append(files, f)
		}
	}
	opts := loaders.Options{OwnAccount: corpus.ZoneAccount, Partition: "aws", Roots: []string{dir}}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		res, diags := l.Load(context.Background(), files, opts)
		if strict && diags.HasErrors() {
			b.Fatal(diags)
		}
		n = len(res)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/resource")
}
