package main

import (
	"bytes"
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
	var stderr bytes.Buffer
	e := env{stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }, environ: func() []string { return nil }}
	for b.Loop() {
		// Exit status 2 is expected on generated trees: registry modules
		// are deliberately not downloaded (error diagnostics in the report).
		run(context.Background(), []string{"scan", "--no-config", "--account", "111122223333", "--format", "json", tree}, e)
		if stderr.Len() > 0 {
			b.Fatalf("scan failed: %s", stderr.String())
		}
	}
}
