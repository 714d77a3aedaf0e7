package terraform

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"gopkg.in/yaml.v3"
)

// yamldecode and yamlencode, written over yaml.v3 (Terraform uses
// go-cty-yaml; the mapping is the same for the YAML that policies use:
// mappings become objects, sequences tuples, scalars by their resolved tag).

// maxYAMLDepth bounds nesting (and alias expansion) of decoded YAML.
const maxYAMLDepth = 200

var yamlDecodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "src", Type: cty.String}},
	Type: func(args []cty.Value) (cty.Type, error) {
		if !args[0].IsKnown() {
			return cty.DynamicPseudoType, nil
		}
		v, err := yamlToCty(args[0].AsString())
		if err != nil {
			return cty.NilType, function.NewArgError(0, err)
		}
		return v.Type(), nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return yamlToCty(args[0].AsString())
	},
})

func yamlToCty(src string) (cty.Value, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return cty.NilVal, fmt.Errorf("invalid YAML: %w", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return cty.NullVal(cty.DynamicPseudoType), nil
	}
	budget := 100000
	return yamlNode(doc.Content[0], 0, &budget)
}

func yamlNode(n *yaml.Node, depth int, budget *int) (cty.Value, error) {
	*budget--
	if depth > maxYAMLDepth || *budget < 0 {
		return cty.NilVal, errors.New("YAML nests too deeply or expands too much")
	}
	switch n.Kind {
	case yaml.AliasNode:
		return yamlNode(n.Alias, depth+1, budget)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return cty.NullVal(cty.DynamicPseudoType), nil
		}
		return yamlNode(n.Content[0], depth+1, budget)
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return cty.EmptyTupleVal, nil
		}
		vals := make([]cty.Value, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlNode(c, depth+1, budget)
			if err != nil {
				return cty.NilVal, err
			}
			vals = append(vals, v)
		}
		return cty.TupleVal(vals), nil
	case yaml.MappingNode:
		return yamlMapping(n, depth, budget)
	case yaml.ScalarNode:
		return yamlScalar(n)
	}
	return cty.NullVal(cty.DynamicPseudoType), nil
}

func yamlMapping(n *yaml.Node, depth int, budget *int) (cty.Value, error) {
	attrs := map[string]cty.Value{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		val, err := yamlNode(v, depth+1, budget)
		if err != nil {
			return cty.NilVal, err
		}
		if k.Tag != "!!merge" {
			attrs[k.Value] = val
			continue
		}
		// A merge key (<<: *anchor) adds the keys not already set.
		if val.Type().IsObjectType() {
			for name, mv := range val.AsValueMap() {
				if _, exists := attrs[name]; !exists {
					attrs[name] = mv
				}
			}
		}
	}
	if len(attrs) == 0 {
		return cty.EmptyObjectVal, nil
	}
	return cty.ObjectVal(attrs), nil
}

func yamlScalar(n *yaml.Node) (cty.Value, error) {
	switch n.ShortTag() {
	case "!!null":
		return cty.NullVal(cty.DynamicPseudoType), nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return cty.NilVal, err
		}
		return cty.BoolVal(b), nil
	case "!!int", "!!float":
		f, _, err := big.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 0, 512, big.ToNearestEven)
		if err != nil {
			return cty.StringVal(n.Value), nil //nolint:nilerr // .inf, .nan and the like stay strings
		}
		return cty.NumberVal(f), nil
	default:
		return cty.StringVal(n.Value), nil
	}
}

var yamlEncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].IsWhollyKnown() {
			return cty.UnknownVal(cty.String), nil
		}
		node := ctyToYAML(args[0])
		out, err := yaml.Marshal(node)
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(string(out)), nil
	},
})

func ctyToYAML(v cty.Value) *yaml.Node {
	if v.IsNull() {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.AsString()}
	case ty == cty.Number:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: numberString(v.AsBigFloat())}
	case ty == cty.Bool:
		s := "false"
		if v.True() {
			s = "true"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: s}
	case ty.IsMapType() || ty.IsObjectType():
		n := &yaml.Node{Kind: yaml.MappingNode}
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.AsString()}, ctyToYAML(ev))
		}
		return n
	default:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		if v.CanIterateElements() {
			for it := v.ElementIterator(); it.Next(); {
				_, ev := it.Element()
				n.Content = append(n.Content, ctyToYAML(ev))
			}
		}
		return n
	}
}
