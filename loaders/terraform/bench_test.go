package terraform

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

// moduleTree generates a root calling `mids` mid modules by for_each, each
// calling a leaf module `leaves` times: leaves with the same inputs
// (shared) and leaves whose inputs depend on the mid instance (distinct).
func moduleTree(mids, leaves int) []loaders.File {
	var root strings.Builder
	root.WriteString("module \"mid\" {\n  source = \"../mid\"\n  for_each = toset([")
	for i := range mids {
		fmt.Fprintf(&root, "%q,", fmt.Sprintf("m%03d", i))
	}
	root.WriteString("])\n  name = each.key\n}\n")
	var mid strings.Builder
	mid.WriteString("variable \"name\" {}\n")
	for j := range leaves {
		fmt.Fprintf(&mid, "module \"shared%d\" {\n  source = \"../leaf\"\n  account = \"%012d\"\n}\n", j, j)
		fmt.Fprintf(&mid, "module \"own%d\" {\n  source = \"../leaf\"\n  account = \"%012d\"\n  suffix = var.name\n}\n", j, j)
	}
	leaf := `variable "account" {}
variable "suffix" { default = "" }
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.account}:root"]
    }
  }
}
resource "aws_sqs_queue" "q" {
  name   = "q${var.suffix}"
  policy = data.aws_iam_policy_document.p.json
}
`
	return []loaders.File{
		{Path: "tree/root/main.tf", Data: []byte(root.String())},
		{Path: "tree/mid/main.tf", Data: []byte(mid.String())},
		{Path: "tree/leaf/main.tf", Data: []byte(leaf)},
	}
}

// TestModuleMemo checks that module instances with equal inputs emit their
// resources once and are re-addressed for the others.
func TestModuleMemo(t *testing.T) {
	res, diags, ls := load(context.Background(), moduleTree(10, 5), loaders.Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	// 10 mids x (5 shared + 5 own) leaves.
	if len(res) != 100 {
		t.Fatalf("resources = %d, want 100", len(res))
	}
	// Evaluated: 10 mids, 5 shared leaves once, 50 own leaves; the other
	// 45 shared leaves are memo hits.
	if got, want := ls.memoHits.Load(), int64(45); got != want {
		t.Errorf("memo hits = %d, want %d", got, want)
	}
	if got, want := ls.instances.Load(), int64(65); got != want {
		t.Errorf("instances evaluated = %d, want %d", got, want)
	}
	want := `module.mid["m003"].module.shared2.aws_sqs_queue.q`
	found := false
	for _, r := range res {
		if r.Address == want {
			found = true
			if len(r.ModuleChain) != 2 || r.ModuleChain[0].Address != `module.mid["m003"]` || r.ModuleChain[1].Address != want[:len(want)-len(".aws_sqs_queue.q")] {
				t.Errorf("module chain of %s = %+v", want, r.ModuleChain)
			}
			if p := principalsOf([]loaders.Resource{r}); len(p) != 1 || p[0].Value != "arn:aws:iam::000000000002:root" || p[0].Range.Start.Line != 9 {
				t.Errorf("principals of %s = %+v", want, p)
			}
		}
	}
	if !found {
		t.Errorf("no resource %s", want)
	}
}

// BenchmarkLoadModules loads a tree of 10 x 50 = 500 leaf module instances
// (plus 10 mids).
func BenchmarkLoadModules(b *testing.B) {
	files := moduleTree(10, 25)
	b.ReportAllocs()
	for b.Loop() {
		res, _ := New().Load(context.Background(), files, loaders.Options{})
		if len(res) != 500 {
			b.Fatalf("resources = %d", len(res))
		}
	}
}

// BenchmarkLoadDistinctModules loads 500 leaf instances that all differ.
func BenchmarkLoadDistinctModules(b *testing.B) {
	files := moduleTree(50, 5)
	for b.Loop() {
		res, _ := New().Load(context.Background(), files, loaders.Options{})
		if len(res) != 500 {
			b.Fatalf("resources = %d", len(res))
		}
	}
}
