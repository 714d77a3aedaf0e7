package rules

import (
	"context"
	"fmt"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

func benchDocs(b *testing.B, n int, src string) []loaders.Resource {
	b.Helper()
	out := make([]loaders.Resource, n)
	for i := range out {
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

func BenchmarkEvaluateShapes(b *testing.B) {
	shapes := map[string]string{
		"own-only":     `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"}]}`,
		"service":      `{"Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`,
		"one-external": `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"*"}]}`,
	}
	ctx := context.Background()
	e, err := New(ctx, Builtin())
	if err != nil {
		b.Fatal(err)
	}
	zone := Zone{Accounts: []string{"111122223333"}, Declared: true}
	for name, src := range shapes {
		b.Run(name, func(b *testing.B) {
			res := benchDocs(b, 500, src)
			before := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				e.Evaluate(ctx, zone, res)
			}
			b.ReportMetric(float64((cpuTime()-before).Microseconds())/float64(b.N)/500, "cpu-µs/resource")
		})
	}
}

func BenchmarkInputValue(b *testing.B) {
	res := benchResources(b, 100)
	zone := zoneTerm(Zone{Accounts: []string{"111122223333"}, Declared: true})
	b.ResetTimer()
	for b.Loop() {
		for i := range res {
			inputValue(zone, &res[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/100, "µs/resource")
}
