package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/profiler"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/perimeter-iac/perimeter/bench/corpus"
	"github.com/perimeter-iac/perimeter/rules"
)

var (
	profileTree = flag.Bool("profile-rego", false, "print the Rego profile of the built-in rules over a generated tree")
	profileKind = flag.String("profile-kind", "", "with -profile-rego: only resources of this kind")
)

// TestProfileTree prints where Rego time goes, expression by expression,
// over the resources of a generated tree (BenchmarkEvaluateTree's input):
// go test ./cmd/perimeter -run TestProfileTree -v -args -profile-rego [-profile-kind kms:key]
func TestProfileTree(t *testing.T) {
	if !*profileTree {
		t.Skip("run with -args -profile-rego")
	}
	ctx := context.Background()
	e, err := rules.New(ctx, rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	var mods []func(*rego.Rego)
	err = fs.WalkDir(rules.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		src, err := fs.ReadFile(rules.FS, p)
		mods = append(mods, rego.Module(p, string(src)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	queries := map[string]rego.PreparedEvalQuery{}
	res := treeResources(&testing.B{}, 2000)
	zone := rules.Zone{Accounts: []string{corpus.ZoneAccount}, Declared: true}
	p := profiler.New()
	judged := 0
	for i := range res {
		if *profileKind != "" && res[i].Kind != *profileKind {
			continue
		}
		pq, ok := queries[res[i].Kind]
		if !ok {
			var parts []string
			for _, r := range e.Rules() {
				for _, k := range r.Kinds {
					if k == res[i].Kind {
						parts = append(parts, "data."+r.Package+".findings")
					}
				}
			}
			if len(parts) == 0 {
				continue
			}
			for j, part := range parts {
				parts[j] = fmt.Sprintf("r%d = %s", j, part)
			}
			opts := append([]func(*rego.Rego){rego.Query(strings.Join(parts, "; ")), rego.SetRegoVersion(ast.RegoV1)}, mods...)
			pq, err = rego.New(opts...).PrepareForEval(ctx)
			if err != nil {
				t.Fatal(err)
			}
			queries[res[i].Kind] = pq
		}
		in, err := rules.Input(zone, &res[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pq.Eval(ctx, rego.EvalInput(in), rego.EvalQueryTracer(p)); err != nil {
			t.Fatal(err)
		}
		judged++
	}
	total, evals := int64(0), 0
	for _, s := range p.ReportTopNResults(100000, []string{"total_time_ns"}) {
		total += s.ExprTimeNs
		evals += s.NumEval
	}
	t.Logf("%d judged; per resource: %d expression evaluations, %.0f µs (traced)", judged, evals/judged, float64(total)/1e3/float64(judged))
	for _, s := range p.ReportTopNResults(60, []string{"num_eval"}) {
		t.Logf("%8.2fms %6d evals  %s:%d", float64(s.ExprTimeNs)/1e6, s.NumEval, s.Location.File, s.Location.Row)
	}
}
