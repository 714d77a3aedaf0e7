package terraform

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/perimeter-iac/perimeter/loaders"

	"github.com/perimeter-iac/perimeter/internal/conformance"
)

// depthWalker measures how deeply hclsyntax nests the nodes of a file.
type depthWalker struct{ depth, deepest int }

func (w *depthWalker) Enter(hclsyntax.Node) hcl.Diagnostics {
	w.depth++
	w.deepest = max(w.deepest, w.depth)
	return nil
}

func (w *depthWalker) Exit(hclsyntax.Node) hcl.Diagnostics {
	w.depth--
	return nil
}

// FuzzCheckSyntax checks the nesting and token measure that guards
// hclsyntax against what hclsyntax itself does with the same (small)
// input: the syntax tree is never much deeper than the measured nesting,
// and the lexer never makes many more tokens than were counted. An input
// the measure under-counts is one that could exhaust the stack or memory
// while passing the limits.
func FuzzCheckSyntax(f *testing.F) {
	seedFuzz(f, "testdata/cases/*/*.tf")
	conformance.Seed(f, ".tf")
	for _, s := range []string{
		"a = !!!!!!!!true\n", "a = 1 + 2 * 3 - 4 / 5 % 6\n", "a = x ? y : z ? w : v\n", "a = x[0][y][z]\n",
		"a = \"${\"${\"${x}\"}\"}\"\n", "a = <<EOT\n${[[[1]]]}\nEOT\n", "a = \"%{if x}%{for y in z}${y}%{endfor}%{endif}\"\n",
		"a = {for k, v in m : k => [v]}\n", "b { c { d { e = f(g(h(1))) } } }\n", "a = -(-(-1))\n", "# c\n// d\n/* e */\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 4096 || !utf8.Valid(src) {
			return // the parser recurses: keep the oracle safe; invalid UTF-8 is refused before measuring
		}
		sc := scanSyntax("f.tf", src, math.MaxInt, math.MaxInt)
		file, _ := hclsyntax.ParseConfig(src, "f.tf", hcl.InitialPos)
		if file == nil {
			return
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			return
		}
		w := &depthWalker{}
		_ = hclsyntax.Walk(body, w)
		if bound := 4*sc.deepest + 8; w.deepest > bound {
			t.Fatalf("the syntax tree nests %d levels, the measure says %d (bound %d) for %q", w.deepest, sc.deepest, bound, src)
		}
		tokens, _ := hclsyntax.LexConfig(src, "f.tf", hcl.InitialPos)
		if bound := 3*sc.tokens + 8; len(tokens) > bound {
			t.Fatalf("the lexer made %d tokens, the measure counted %d (bound %d) for %q", len(tokens), sc.tokens, bound, src)
		}
		// A measured file within the limits passes; one over them fails.
		if d := checkSyntax("f.tf", src, limitsFor(sc.deepest, sc.tokens)); d != nil && !strings.Contains(d.Summary, "nest") {
			t.Fatalf("refused within its own measure: %v", d)
		}
	})
}

func limitsFor(depth, tokens int) loaders.Limits {
	return loaders.Limits{MaxDepth: max(depth, 1), MaxNodes: max(tokens, 1)}
}
