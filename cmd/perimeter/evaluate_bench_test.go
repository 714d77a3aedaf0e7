package main

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/bench/corpus"
	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/cloudformation"
	"github.com/perimeter-iac/perimeter/loaders/terraform"
	"github.com/perimeter-iac/perimeter/rules"
)

// treeResources loads a generated tree of n resources with the real
// loaders: every kind, in the proportions of bench/corpus.
func treeResources(b *testing.B, n int) []loaders.Resource {
	b.Helper()
	dir := b.TempDir()
	if _, err := corpus.Generate(dir, n, 1); err != nil {
		b.Fatal(err)
	}
	files, _ := loaders.Discover([]string{dir}, loaders.DiscoverOptions{})
	opts := loaders.Options{OwnAccount: corpus.ZoneAccount, Partition: "aws", Roots: []string{dir}}
	var out []loaders.Resource
	for _, l := range []loaders.Loader{terraform.New(), cloudformation.New()} {
		var mine []loaders.File
		for _, f := range files {
			if l.Claims(f.Path, f.Data) {
				mine = append(mine, f)
			}
		}
		res, _ := l.Load(context.Background(), mine, opts)
		out = append(out, res...)
	}
	return out
}

// BenchmarkEvaluateTree (here because only the CLI may use the rules and
// the loaders together) judges the resources of a generated tree of 2,000
// resources (the Rego stage of a scan on realistic input: every kind, most
// grants inside the zone, about one resource in five with a finding).
func BenchmarkEvaluateTree(b *testing.B) {
	ctx := context.Background()
	e, err := rules.New(ctx, rules.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	res := treeResources(b, 2000)
	zone := rules.Zone{Accounts: []string{corpus.ZoneAccount}, Declared: true}
	before := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		if findings, _ := e.Evaluate(ctx, zone, res); len(findings) == 0 {
			b.Fatal("no findings")
		}
	}
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/float64(b.N)/float64(len(res)), "cpu-µs/resource")
}

// cpuTime is the process's CPU time: steadier than wall time on a busy
// machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
