package rules

import (
	"context"
	"flag"
	"testing"

	"github.com/open-policy-agent/opa/v1/profiler"
	"github.com/open-policy-agent/opa/v1/rego"
)

var profileRego = flag.Bool("profile-rego", false, "print the Rego profile of the built-in rules over benchmark resources")

// TestProfileRego prints where Rego time goes, expression by expression:
// go test ./rules -run TestProfileRego -v -args -profile-rego
func TestProfileRego(t *testing.T) {
	if !*profileRego {
		t.Skip("run with -args -profile-rego")
	}
	ctx := context.Background()
	e, err := New(ctx, Builtin())
	if err != nil {
		t.Fatal(err)
	}
	res := benchResources(&testing.B{}, 50)
	zone := zoneTerm(Zone{Accounts: []string{"111122223333"}, Declared: true})
	r := e.rulesFor(res[0].Kind)[0]
	p := profiler.New()
	for i := range res {
		in := inputValue(zone, &res[i])
		pq, err := e.prepared(ctx, &r.query, r.queryText())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pq.Eval(ctx, rego.EvalParsedInput(in), rego.EvalQueryTracer(p)); err != nil {
			t.Fatal(err)
		}
	}
	total, evals := int64(0), 0
	for _, s := range p.ReportTopNResults(10000, []string{"total_time_ns"}) {
		total += s.ExprTimeNs
		evals += s.NumEval
	}
	t.Logf("per resource: %d expression evaluations, %.0f µs", evals/len(res), float64(total)/1e3/float64(len(res)))
	for _, s := range p.ReportTopNResults(30, []string{"total_time_ns"}) {
		t.Logf("%8.2fms %6d evals  %s:%d", float64(s.ExprTimeNs)/1e6, s.NumEval, s.Location.File, s.Location.Row)
	}
}
