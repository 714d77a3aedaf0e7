package rules

import (
	"context"
	"testing"
	"testing/fstest"
)

func BenchmarkEvaluateOverhead(b *testing.B) {
	ctx := context.Background()
	src := Source{FS: fstest.MapFS{"x.rego": {Data: []byte(`# METADATA
# title: t
# custom: {id: X1, severity: low, kinds: ["s3:bucket"]}
package perimeter.rules.x
findings contains {"exposure": "public", "message": "m"} if input.resource.kind == "nope"
`)}}, Dir: "."}
	e, err := New(ctx, src)
	if err != nil {
		b.Fatal(err)
	}
	res := benchResources(b, 1000)
	zone := Zone{Accounts: []string{"111122223333"}, Declared: true}
	before := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		e.Evaluate(ctx, zone, res)
	}
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/float64(b.N)/1000, "cpu-µs/resource")
}
