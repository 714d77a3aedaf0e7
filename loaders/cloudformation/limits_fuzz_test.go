package cloudformation

import (
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/perimeter-iac/perimeter/internal/conformance"
)

// yamlNodes counts the nodes yaml.v3 builds (an alias is one node).
func yamlNodes(n *yaml.Node) int {
	count := 1
	for _, c := range n.Content {
		count += yamlNodes(c)
	}
	return count
}

// FuzzYAMLNodeBound checks the node count that guards yaml.v3 against the
// nodes yaml.v3 actually builds: the estimate must never be lower, or a
// template could pass the limit and still take the memory the limit is
// there to bound.
func FuzzYAMLNodeBound(f *testing.F) {
	seedFuzz(f, ".yaml", ".yml")
	conformance.Seed(f, ".yaml", ".yml")
	for _, s := range []string{"a:\nb:\n", "- \n- \n", "{a, b, c}", "[[], [[]], {}]", "? a\n? b\n", "a: &x [1]\nb: *x\n", "--- 1\n--- 2\n", "a: |\n  x\n  y\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return
		}
		nodes := yamlNodes(&doc)
		if _, over := yamlNodesOver(data, nodes-1); !over {
			t.Fatalf("yaml.v3 built %d nodes, but the estimate stays within %d for %q", nodes, nodes-1, data)
		}
	})
}
