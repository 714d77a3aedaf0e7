package suppress

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// metadataEntries reads the Metadata.perimeter.ignore entries of every
// resource of a CloudFormation template (YAML or JSON; yaml.v3 reads both
// and keeps lines):
//
//	Metadata:
//	  perimeter:
//	    ignore:
//	      - rule: PERIM001
//	        reason: the partner account reads reports
//
// The result maps a resource's logical ID, and the line of its key, to its
// directives. A template that does not parse yields nothing: the loader
// reports the syntax error.
func metadataEntries(file string, data []byte) (byName map[string][]*directive, byLine map[int][]*directive) {
	if !bytes.Contains(data, []byte("perimeter")) {
		return nil, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil, nil
	}
	resources := mapValue(doc.Content[0], "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return nil, nil
	}
	byName, byLine = map[string][]*directive{}, map[int][]*directive{}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		key, res := resources.Content[i], resources.Content[i+1]
		ignore := mapValue(mapValue(mapValue(res, "Metadata"), "perimeter"), "ignore")
		if ignore == nil {
			continue
		}
		var ds []*directive
		items := []*yaml.Node{ignore}
		if ignore.Kind == yaml.SequenceNode {
			items = ignore.Content
		}
		for _, item := range items {
			ds = append(ds, metadataDirective(file, item))
		}
		byName[key.Value] = append(byName[key.Value], ds...)
		byLine[key.Line] = append(byLine[key.Line], ds...)
	}
	return byName, byLine
}

func metadataDirective(file string, item *yaml.Node) *directive {
	d := &directive{file: file, line: item.Line, col: item.Column}
	if item.Kind != yaml.MappingNode {
		d.problem = "Metadata.perimeter.ignore entries are objects with rule and reason, as in {rule: PERIM001, reason: ...}"
		return d
	}
	var rule string
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i].Value, item.Content[i+1]
		switch k {
		case "rule", "Rule":
			rule = v.Value
			if v.Kind == yaml.SequenceNode {
				parts := make([]string, 0, len(v.Content))
				for _, c := range v.Content {
					parts = append(parts, c.Value)
				}
				rule = strings.Join(parts, ",")
			}
		case "reason", "Reason":
			d.reason = strings.TrimSpace(v.Value)
		default:
			d.problem = fmt.Sprintf("Metadata.perimeter.ignore: unknown key %q (want rule and reason)", k)
			return d
		}
	}
	for s := range strings.SplitSeq(rule, ",") {
		if s = strings.TrimSpace(s); s != "" {
			d.selectors = append(d.selectors, strings.ToLower(s))
		}
	}
	switch {
	case len(d.selectors) == 0:
		d.problem = "Metadata.perimeter.ignore entry has no rule (a rule ID or an exposure)"
	case d.reason == "":
		d.problem = fmt.Sprintf("Metadata.perimeter.ignore entry for %s has no reason, so it suppresses nothing: add why the access is intended", rule)
	}
	return d
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
