package terraform

import (
	"context"
	"testing"

	"github.com/perimeter-iac/perimeter/bench/corpus"
	"github.com/perimeter-iac/perimeter/loaders"
)

// BenchmarkLoadTree loads the Terraform half of a generated tree of
// 2,000 resources (the evaluation stage of the Terraform loader: module
// calls with for_each, aws_iam_policy_document, jsonencode, every kind).
func BenchmarkLoadTree(b *testing.B) {
	dir := b.TempDir()
	if _, err := corpus.Generate(dir, 2000, 1); err != nil {
		b.Fatal(err)
	}
	all, _ := loaders.Discover([]string{dir}, loaders.DiscoverOptions{})
	var files []loaders.File
	for _, f := range all {
		if New().Claims(f.Path, f.Data) {
			files = append(files, f)
		}
	}
	opts := loaders.Options{OwnAccount: corpus.ZoneAccount, Partition: "aws", Roots: []string{dir}}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		res, _ := New().Load(context.Background(), files, opts)
		n = len(res)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/resource")
}
