package terraform

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/perimeter-iac/perimeter/loaders"
)

// refsAfresh is how references were collected before exprInfo: straight
// from expr, for every evaluation. It is the oracle the cached analysis is
// checked against.
func refsAfresh(s *scope, expr hcl.Expression, vars map[string]cty.Value) *refs {
	r := &refs{
		locals: map[string]hcl.Range{}, vars: map[string]hcl.Range{},
		undeclared: map[string]hcl.Range{}, blocks: map[string]*need{},
	}
	covered := attrsAfterAfresh(expr)
	addNeed := func(key string, t hcl.Traversal, attrStep int) {
		n := r.blocks[key]
		if n == nil {
			n = &need{attrs: map[string]bool{}, ref: t.SourceRange()}
			r.blocks[key] = n
		}
		if attrStep < len(t) {
			if _, ok := t[attrStep].(hcl.TraverseIndex); ok {
				attrStep++
			}
		}
		if attrStep < len(t) {
			if a, ok := t[attrStep].(hcl.TraverseAttr); ok {
				n.attrs[a.Name] = true
				return
			}
		}
		if names, ok := covered[rangeKey(t.SourceRange())]; ok {
			for _, name := range names {
				n.attrs[name] = true
			}
			return
		}
		n.all = true
	}
	m := s.inst
	for _, t := range expr.Variables() {
		root := t.RootName()
		if _, ok := s.iter[root]; ok {
			continue
		}
		attr := func(i int) string { return traversalAttr(t, i) }
		switch root {
		case "var":
			if name := attr(1); name != "" {
				if _, declared := m.mod.variables[name]; declared {
					r.vars[name] = t.SourceRange()
				} else {
					r.undeclared["var."+name] = t.SourceRange()
				}
			}
		case "local":
			if name := attr(1); name != "" {
				r.locals[name] = t.SourceRange()
			}
		case "data":
			if a1, a2 := attr(1), attr(2); a1 != "" && a2 != "" {
				addNeed("data."+a1+"."+a2, t, 3)
			}
		case "module":
			if name := attr(1); name != "" {
				addNeed("module."+name, t, 2)
			}
		case "count", "each", "path", "terraform", "self":
			s.simpleRef(root, vars)
		default:
			if name := attr(1); name != "" {
				addNeed(root+"."+name, t, 2)
			}
		}
	}
	return r
}

// funcsAfresh is the function table as it was built before exprInfo, for
// every evaluation.
func funcsAfresh(ev *evaluator, expr hcl.Expression) map[string]function.Function {
	se, ok := expr.(hclsyntax.Expression)
	if !ok {
		return ev.funcs
	}
	funcs := maps.Clone(ev.funcs)
	_ = hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
		if call, ok := n.(*hclsyntax.FunctionCallExpr); ok {
			if _, known := ev.funcs[call.Name]; !known {
				funcs[call.Name] = unsupportedFunc(call.Name)
			}
		}
		return nil
	})
	return funcs
}

// attrsAfterAfresh is how references whose attribute is applied by a
// splat, an index expression or a relative traversal were found before
// syntaxFacts, keyed by the reference's rangeKey.
func attrsAfterAfresh(expr hcl.Expression) map[string][]string {
	se, ok := expr.(hclsyntax.Expression)
	if !ok {
		return nil
	}
	out := map[string][]string{}
	source := func(e hclsyntax.Expression) *hclsyntax.ScopeTraversalExpr {
		for range 4 {
			switch x := e.(type) {
			case *hclsyntax.ScopeTraversalExpr:
				return x
			case *hclsyntax.IndexExpr:
				e = x.Collection
			case *hclsyntax.ParenthesesExpr:
				e = x.Expression
			default:
				return nil
			}
		}
		return nil
	}
	firstAttr := func(t hcl.Traversal) string {
		if len(t) > 0 {
			if a, ok := t[0].(hcl.TraverseAttr); ok {
				return a.Name
			}
		}
		return ""
	}
	_ = hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.RelativeTraversalExpr:
			if st := source(x.Source); st != nil {
				if name := firstAttr(x.Traversal); name != "" {
					k := rangeKey(st.SrcRange)
					out[k] = append(out[k], name)
				}
			}
		case *hclsyntax.SplatExpr:
			st := source(x.Source)
			rel, ok := x.Each.(*hclsyntax.RelativeTraversalExpr)
			if st != nil && ok {
				if name := firstAttr(rel.Traversal); name != "" {
					k := rangeKey(st.SrcRange)
					out[k] = append(out[k], name)
				}
			}
		}
		return nil
	})
	return out
}

// calledFuncsAfresh is how called functions were listed before syntaxFacts.
func calledFuncsAfresh(expr hcl.Expression) []string {
	se, ok := expr.(hclsyntax.Expression)
	if !ok {
		return nil
	}
	var names []string
	_ = hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
		if call, ok := n.(*hclsyntax.FunctionCallExpr); ok && !slices.Contains(names, call.Name) {
			names = append(names, call.Name)
		}
		return nil
	})
	return names
}

// syntaxExprs lists every native expression of a module, nested ones
// included.
func syntaxExprs(m *module) []hclsyntax.Expression {
	var out []hclsyntax.Expression
	for _, f := range m.files {
		if f.file == nil {
			continue
		}
		body, ok := f.file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		_ = hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
			if e, ok := n.(hclsyntax.Expression); ok {
				out = append(out, e)
			}
			return nil
		})
	}
	return out
}

// TestExprInfoMatchesAfresh checks, for every expression of the test
// cases, that the cached analysis is computed once and yields the same
// references (in scopes with and without iteration variables shadowing
// them) and the same function table as analysing the expression afresh.
func TestExprInfoMatchesAfresh(t *testing.T) {
	dirs := []string{"testdata/cases"}
	files, _ := loaders.Discover(dirs, loaders.DiscoverOptions{})
	var claimed []loaders.File
	for _, f := range files {
		if New().Claims(f.Path, f.Data) {
			claimed = append(claimed, f)
		}
	}
	_, _, ls := load(context.Background(), claimed, loaders.Options{})
	cmpOpts := cmp.Options{cmp.AllowUnexported(refs{}, need{}), cmpopts.EquateEmpty()}
	checked := 0
	for _, dir := range slices.Sorted(maps.Keys(ls.modules)) {
		mod := ls.modules[dir]
		ev := &evaluator{ls: ls, rootDir: dir, active: map[string]bool{}, memo: map[string]*modInst{}}
		ev.funcs = ev.buildFuncs()
		inst := ev.newInst(mod, "", nil, nil)
		for _, expr := range syntaxExprs(mod) {
			info := inst.rootScope().exprInfoOf(expr)
			if again := inst.rootScope().exprInfoOf(expr); again != info {
				t.Fatalf("%s: analysis computed twice", expr.Range())
			}
			fresh := analyse(expr)
			if diff := cmp.Diff(fresh, info, cmp.AllowUnexported(exprInfo{}, exprRef{})); diff != "" {
				t.Errorf("%s: cached analysis differs (-fresh +cached):\n%s", expr.Range(), diff)
			}
			if want := calledFuncsAfresh(expr); !slices.Equal(info.calls, want) {
				t.Errorf("%s: calls %v, want %v", expr.Range(), info.calls, want)
			}
			if want := traversalNames(expr.Variables()); !slices.Equal(info.names, want) {
				t.Errorf("%s: names %v, want %v", expr.Range(), info.names, want)
			}
			if got, want := slices.Sorted(maps.Keys(ev.funcsFor(info.calls))), slices.Sorted(maps.Keys(funcsAfresh(ev, expr))); !slices.Equal(got, want) {
				t.Errorf("%s: functions %v, want %v", expr.Range(), got, want)
			}
			scopes := []*scope{inst.rootScope()}
			for _, tr := range expr.Variables() {
				scopes = append(scopes, inst.rootScope().with(tr.RootName(), cty.True))
			}
			for _, s := range scopes {
				wantVars, gotVars := map[string]cty.Value{}, map[string]cty.Value{}
				want := refsAfresh(s, expr, wantVars)
				got := s.collectRefs(info, gotVars)
				if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
					t.Errorf("%s (iter %v): refs differ (-afresh +cached):\n%s", expr.Range(), slices.Sorted(maps.Keys(s.iter)), diff)
				}
				if !slices.Equal(slices.Sorted(maps.Keys(wantVars)), slices.Sorted(maps.Keys(gotVars))) {
					t.Errorf("%s: simple references set %v, want %v", expr.Range(), slices.Sorted(maps.Keys(gotVars)), slices.Sorted(maps.Keys(wantVars)))
				}
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("checked %d expressions; the test cases should hold more", checked)
	}
}

// TestBlocksOfCached checks that the cached nested blocks of every body of
// the test cases are those PartialContent finds afresh.
func TestBlocksOfCached(t *testing.T) {
	files, _ := loaders.Discover([]string{"testdata/cases"}, loaders.DiscoverOptions{})
	var claimed []loaders.File
	for _, f := range files {
		if New().Claims(f.Path, f.Data) {
			claimed = append(claimed, f)
		}
	}
	_, _, ls := load(context.Background(), claimed, loaders.Options{})
	checked := 0
	for _, dir := range slices.Sorted(maps.Keys(ls.modules)) {
		mod := ls.modules[dir]
		for _, f := range mod.files {
			if f.file == nil {
				continue
			}
			native, ok := f.file.Body.(*hclsyntax.Body)
			if !ok {
				continue
			}
			_ = hclsyntax.VisitAll(native, func(n hclsyntax.Node) hcl.Diagnostics {
				body, ok := n.(*hclsyntax.Body)
				if !ok {
					return nil
				}
				types := []string{"statement", "principals", "condition", "dynamic", "nope"}
				for _, b := range body.Blocks {
					types = append(types, b.Type)
					types = append(types, b.Labels...)
				}
				for _, typ := range types {
					for range 2 {
						schema := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: typ}, {Type: "dynamic", LabelNames: []string{"type"}}}}
						want, _, _ := body.PartialContent(schema)
						got := mod.infos.blocksOf(body, typ)
						same := len(want.Blocks) == len(got)
						for i := 0; same && i < len(got); i++ {
							w, g := want.Blocks[i], got[i]
							same = w.Type == g.Type && slices.Equal(w.Labels, g.Labels) && w.DefRange == g.DefRange && w.TypeRange == g.TypeRange && w.Body == g.Body
						}
						if !same {
							t.Errorf("%s %q: cached blocks %v, want %v", body.SrcRange, typ, got, want.Blocks)
						}
						checked++
					}
				}
				return nil
			})
		}
	}
	if checked < 1000 {
		t.Errorf("checked %d bodies and types; the test cases should hold more", checked)
	}
}

// TestParallelRootsShareModule loads roots that call one module with
// for_each, in parallel (run with -race), and checks that every load gives
// the same result.
func TestParallelRootsShareModule(t *testing.T) {
	shared := `variable "accounts" {}
data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = var.accounts
    content {
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.q[*].arn[0]]
      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::${statement.value}:root"]
      }
    }
  }
}
resource "aws_sqs_queue" "q" {
  count  = 2
  name   = "q${count.index}"
  policy = data.aws_iam_policy_document.p.json
}
output "arn" { value = aws_sqs_queue.q[0].arn }
`
	files := []loaders.File{{Path: "tree/shared/main.tf", Data: []byte(shared)}}
	for i := range 8 {
		root := fmt.Sprintf(`module "s" {
  source   = "../shared"
  for_each = toset(["a", "b", "c"])
  accounts = ["%012d", each.key == "a" ? "%012d" : "999999999999"]
}
resource "aws_sns_topic" "t" {
  policy = jsonencode({Statement = [{Effect = "Allow", Principal = {AWS = module.s["a"].arn}, Action = "sns:Publish", Resource = "*"}]})
}
`, i, i+1)
		files = append(files, loaders.File{Path: fmt.Sprintf("tree/root%d/main.tf", i), Data: []byte(root)})
	}
	var wg sync.WaitGroup
	results := make([]string, 4)
	for i := range results {
		wg.Go(func() {
			res, diags := New().Load(context.Background(), files, loaders.Options{})
			results[i] = fmt.Sprint(summarize(res, diags))
		})
	}
	wg.Wait()
	if !strings.Contains(results[0], "000000000007") {
		t.Fatalf("result lacks root7's account: %s", results[0])
	}
	for i := range results {
		if results[i] != results[0] {
			t.Errorf("load %d differs from load 0", i)
		}
	}
}
