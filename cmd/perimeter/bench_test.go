package main

import (
	"context"
	"flag"
	"io"
	"testing"
)

var benchTree = flag.String("bench-tree", "", "directory BenchmarkScan scans (default: testdata/examples/terraform); generate one with go run ./bench/gen")

// BenchmarkScan runs `perimeter scan` in-process over -bench-tree, rule
// compilation included, for profiling the whole pipeline:
//
//	go run ./bench/gen -out /tmp/t10k -resources 10000
//	go test ./cmd/perimeter -run '^$' -bench Scan -bench-tree /tmp/t10k -cpuprofile cpu.out
func BenchmarkScan(b *testing.B) {
	tree := *benchTree
	if tree == "" {
		tree = "../../testdata/examples/terraform"
	}
	e := env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }, environ: func() []string { return nil }}
	for b.Loop() {
		if code := run(context.Background(), []string{"scan", "--no-config", "--account", "111122223333", "--format", "json", tree}, e); code == exitError {
			b.Fatalf("scan failed")
		}
	}
}
