package rules

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// benchResources builds n bucket policies of three statements each: one in
// the zone, one to a foreign account, one public with a condition.
func benchResources(b *testing.B, n int) []loaders.Resource {
	b.Helper()
	out := make([]loaders.Resource, n)
	for i := range out {
		src := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
			{"Sid":"Own","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"},
			{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":["444455556666","arn:aws:iam::5555%08d:role/r"]},"Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"},
			{"Sid":"Net","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`, i)
		v, err := policy.ParseJSON([]byte(src), policy.JSONOptions{File: "main.tf"})
		if err != nil {
			b.Fatal(err)
		}
		r := policy.Range{File: "main.tf", Start: policy.Pos{Line: i + 1, Column: 1}}
		out[i] = loaders.Resource{
			Type: "aws_s3_bucket_policy", Kind: loaders.KindS3Bucket, Address: fmt.Sprintf("aws_s3_bucket_policy.p%d", i),
			Source: loaders.SourceTerraform, Range: r, DeclRange: r,
			Documents: []loaders.Document{{Attribute: "policy", Range: r, Policy: policy.Parse(v)}},
		}
	}
	return out
}

func BenchmarkEvaluate(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, Builtin())
	if err != nil {
		b.Fatal(err)
	}
	res := benchResources(b, 1000)
	zone := Zone{Accounts: []string{"111122223333"}, Declared: true}
	before := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		findings, _ := e.Evaluate(ctx, zone, res)
		if len(findings) != 3000 {
			b.Fatalf("findings = %d", len(findings))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "µs/resource")
	// CPU time is steadier than wall time on a busy machine.
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/float64(b.N)/1000, "cpu-µs/resource")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCompile is the start-up cost of every scan: parsing and
// compiling the built-in rules (queries are prepared on first use).
func BenchmarkCompile(b *testing.B) {
	before := cpuTime()
	for b.Loop() {
		if _, err := New(context.Background(), Builtin()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/float64(b.N)/1000, "cpu-ms/op")
}
