package cloudformation

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// maxDepth bounds how deeply intrinsic functions and conditions are
// resolved. Real templates nest about twenty levels; the bound keeps hostile
// input from exhausting the stack. Reading a template is bounded by
// loaders.Limits (MaxDepth, MaxNodes, MaxAliasExpansion) instead.
const maxDepth = 200

// source is one template file turned into a position-carrying tree.
type source struct {
	path string
	root policy.Value
	// blocks maps the position of a literal block scalar (the "|"
	// indicator, where yaml.v3 puts the node) to the position of its first
	// content character, so that a JSON policy written as a block keeps
	// exact lines and columns.
	blocks map[policy.Pos]policy.Pos
	// quoted marks the positions of quoted YAML scalars, whose content
	// starts one column after the node.
	quoted map[policy.Pos]bool
	json   bool
}

// isJSON reports whether data is a JSON document (its first non-space byte,
// after an optional byte order mark, is '{').
func isJSON(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}

// parseSource reads a JSON or YAML template. JSON goes through
// policy.ParseJSON, which is faster than yaml.v3 and gives exact end
// positions; everything else through yaml.v3. A syntax error is returned as
// a diagnostic and the file is not analysed further.
func parseSource(path string, data []byte, diags *diagSet, lim loaders.Limits) (*source, bool) {
	lim = lim.OrDefaults()
	if isJSON(data) {
		v, err := policy.ParseJSON(data, policy.JSONOptions{File: path, MaxDepth: lim.MaxDepth, MaxValues: lim.MaxNodes})
		if err != nil {
			r := loaders.Range{File: path}
			msg := err.Error()
			se, ok := errors.AsType[*policy.SyntaxError](err)
			if ok {
				r.Start = se.Pos
				msg = se.Msg
			}
			if ok && se.Limit {
				diags.errorf(r, "%s (%s); the file is not analysed", msg, loaders.LimitHint(msg))
			} else {
				diags.errorf(r, "JSON syntax error: %s", msg)
			}
			return nil, false
		}
		return &source{path: path, root: v, json: true}, true
	}
	if line, over := yamlNodesOver(data, lim.MaxNodes); over {
		// yaml.v3 builds every node before the converter sees one.
		diags.errorf(loaders.Range{File: path, Start: policy.Pos{Line: line, Column: 1}, End: policy.Pos{Line: line, Column: 1}},
			"the template has more than %d YAML nodes (raise the limit with --max-nodes); the file is not analysed", lim.MaxNodes)
		return nil, false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		diags.errorf(yamlErrorRange(path, err), "YAML syntax error: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil, false
	}
	c := &yamlConverter{
		path:   path,
		data:   data,
		diags:  diags,
		blocks: map[policy.Pos]policy.Pos{},
		quoted: map[policy.Pos]bool{},
		budget: len(data) + lim.MaxAliasExpansion,
		lim:    lim,
	}
	root := c.convert(&doc, 0)
	if c.failed {
		return nil, false
	}
	return &source{path: path, root: root, blocks: c.blocks, quoted: c.quoted}, true
}

// yamlErrorRange finds the line yaml.v3 names in its error text
// ("yaml: line 7: mapping values are not allowed in this context").
func yamlErrorRange(path string, err error) loaders.Range {
	r := loaders.Range{File: path}
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, "line "); ok {
		var line int
		if _, scanErr := fmt.Sscanf(rest, "%d", &line); scanErr == nil && line > 0 {
			r.Start = policy.Pos{Line: line, Column: 1}
		}
	}
	if r.Start.Line == 0 {
		r.Start = policy.Pos{Line: 1, Column: 1}
	}
	return r
}

// yamlConverter turns yaml.v3 nodes into policy.Value trees: short-form
// intrinsic tags become their long form ({"Fn::Sub": ...}), aliases are
// expanded within a budget, and merge keys ("<<") are applied.
type yamlConverter struct {
	path   string
	data   []byte
	lines  []int // byte offset of each line start, built on first use
	diags  *diagSet
	blocks map[policy.Pos]policy.Pos
	quoted map[policy.Pos]bool
	budget int
	lim    loaders.Limits
	failed bool
}

// shortTags are the CloudFormation short forms; each becomes a mapping with
// the long name as its only key.
var shortTags = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Sub": "Fn::Sub", "!Join": "Fn::Join", "!GetAtt": "Fn::GetAtt", "!FindInMap": "Fn::FindInMap",
	"!Select": "Fn::Select", "!Split": "Fn::Split", "!If": "Fn::If", "!ImportValue": "Fn::ImportValue",
	"!Equals": "Fn::Equals", "!And": "Fn::And", "!Or": "Fn::Or", "!Not": "Fn::Not",
	"!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr", "!GetAZs": "Fn::GetAZs", "!Transform": "Fn::Transform",
	"!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString",
}

func (c *yamlConverter) rangeOf(n *yaml.Node) loaders.Range {
	start := policy.Pos{Line: n.Line, Column: n.Column}
	r := loaders.Range{File: c.path, Start: start, End: start}
	if n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "\n") && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		width := utf8.RuneCountInString(n.Value)
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			width += 2
		}
		if n.Tag != "" && strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			width += utf8.RuneCountInString(n.Tag) + 1
		}
		r.End.Column += width
	}
	return r
}

func (c *yamlConverter) convert(n *yaml.Node, depth int) policy.Value {
	if c.failed {
		return policy.Value{Kind: policy.Null}
	}
	if depth > c.lim.MaxDepth {
		c.diags.errorf(c.rangeOf(n), "the template nests deeper than %d levels (raise the limit with --max-depth); the file is not analysed", c.lim.MaxDepth)
		c.failed = true
		return policy.Value{Kind: policy.Null}
	}
	c.budget--
	if c.budget < 0 {
		c.diags.errorf(c.rangeOf(n), "YAML aliases expand to too many values (more than %d beyond the text; raise the limit with --max-alias-expansion); the file is not analysed", c.lim.MaxAliasExpansion)
		c.failed = true
		return policy.Value{Kind: policy.Null}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return policy.Value{Kind: policy.Null, Range: c.rangeOf(n)}
		}
		return c.convert(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return policy.Value{Kind: policy.Null, Range: c.rangeOf(n)}
		}
		return c.convert(n.Alias, depth+1)
	case yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode:
	}
	v := c.plain(n, depth)
	if long, ok := shortTags[n.Tag]; ok {
		r := c.rangeOf(n)
		if n.Kind == yaml.ScalarNode {
			// The tag forces nothing on the scalar: !Ref 123 names "123".
			v = policy.Value{Kind: policy.String, Str: n.Value, Range: r}
		}
		return policy.Value{Kind: policy.Object, Range: r, Fields: []policy.Field{{Key: long, KeyRange: r, Value: v}}}
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		c.diags.warnf(c.rangeOf(n), "unknown YAML tag %s; the value is read as if untagged", n.Tag)
	}
	return v
}

func (c *yamlConverter) plain(n *yaml.Node, depth int) policy.Value {
	r := c.rangeOf(n)
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return policy.Value{Kind: policy.Null, Range: r}
		case "!!bool":
			return policy.Value{Kind: policy.Bool, Str: strings.ToLower(n.Value), Range: r}
		case "!!int", "!!float":
			return policy.Value{Kind: policy.Number, Str: n.Value, Range: r}
		}
		switch {
		case n.Style&yaml.LiteralStyle != 0:
			c.noteBlock(n, r)
		case n.Style&yaml.FoldedStyle != 0 && !strings.Contains(n.Value, "\n"):
			// A folded scalar written on one line reads like a literal
			// one; folded over several lines, its positions are lost.
			c.noteBlock(n, r)
			if pos, ok := c.blocks[r.Start]; ok && !c.oneLine(pos.Line, n.Value) {
				delete(c.blocks, r.Start)
			}
		case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
			c.quoted[r.Start] = true
		}
		return policy.Value{Kind: policy.String, Str: n.Value, Range: r}
	case yaml.SequenceNode:
		v := policy.Value{Kind: policy.List, Range: r, Items: make([]policy.Value, 0, len(n.Content))}
		for _, item := range n.Content {
			v.Items = append(v.Items, c.convert(item, depth+1))
		}
		if len(v.Items) > 0 {
			v.Range.End = v.Items[len(v.Items)-1].Range.End
		}
		return v
	case yaml.MappingNode:
		return c.mapping(n, r, depth)
	case yaml.DocumentNode, yaml.AliasNode:
	}
	return policy.Value{Kind: policy.Null, Range: r}
}

func (c *yamlConverter) mapping(n *yaml.Node, r loaders.Range, depth int) policy.Value {
	v := policy.Value{Kind: policy.Object, Range: r, Fields: make([]policy.Field, 0, len(n.Content)/2)}
	var merges []*yaml.Node
	explicit := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, val)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			c.diags.warnf(c.rangeOf(k), "a mapping key that is not a scalar is ignored")
			continue
		}
		explicit[k.Value] = true
		v.Fields = append(v.Fields, policy.Field{Key: k.Value, KeyRange: c.rangeOf(k), Value: c.convert(val, depth+1)})
	}
	// Merge keys: explicit keys win, then earlier merge sources win.
	for _, m := range merges {
		sources := []*yaml.Node{m}
		if deref(m).Kind == yaml.SequenceNode {
			sources = deref(m).Content
		}
		for _, s := range sources {
			merged := c.convert(s, depth+1)
			if merged.Kind != policy.Object {
				c.diags.errorf(c.rangeOf(s), "a merge key (<<) must name a mapping or a list of mappings")
				continue
			}
			for _, f := range merged.Fields {
				if explicit[f.Key] {
					continue
				}
				explicit[f.Key] = true
				v.Fields = append(v.Fields, f)
			}
		}
	}
	if len(v.Fields) > 0 {
		v.Range.End = v.Fields[len(v.Fields)-1].Value.Range.End
	}
	return v
}

func deref(n *yaml.Node) *yaml.Node {
	for range maxDepth {
		if n.Kind != yaml.AliasNode || n.Alias == nil {
			return n
		}
		n = n.Alias
	}
	return n
}

// oneLine reports whether line holds exactly value (after indentation).
func (c *yamlConverter) oneLine(line int, value string) bool {
	if line < 1 || line > len(c.lines) {
		return false
	}
	end := len(c.data)
	if line < len(c.lines) {
		end = c.lines[line]
	}
	return strings.TrimSpace(string(c.data[c.lines[line-1]:end])) == value
}

// noteBlock records where the content of a literal block scalar starts: the
// line after the indicator, at the indentation of the first non-empty line
// (yaml.v3 keeps leading empty lines in the value, so the value's first
// character belongs to the line after the indicator).
func (c *yamlConverter) noteBlock(n *yaml.Node, r loaders.Range) {
	if c.lines == nil {
		c.lines = []int{0}
		for i, b := range c.data {
			if b == '\n' {
				c.lines = append(c.lines, i+1)
			}
		}
	}
	for line := n.Line + 1; line <= len(c.lines); line++ {
		start := c.lines[line-1]
		end := len(c.data)
		if line < len(c.lines) {
			end = c.lines[line]
		}
		text := c.data[start:end]
		trimmed := bytes.TrimLeft(text, " ")
		if len(bytes.TrimSpace(trimmed)) == 0 {
			continue
		}
		c.blocks[r.Start] = policy.Pos{Line: n.Line + 1, Column: len(text) - len(trimmed) + 1}
		return
	}
}

// yamlNodesOver reports whether a YAML text may hold more than limit
// nodes, and the line where the count passes it. It counts, without
// parsing, an upper bound of the nodes yaml.v3 would build: each run of
// text may be a scalar and the null or collection beside it, each line may
// open a block collection, and each indicator ("- ", ": ", "? ", a flow
// bracket or comma) may add a node or an implicit null. Comments and quoted
// text only make the count larger, never smaller.
func yamlNodesOver(data []byte, limit int) (int, bool) {
	n, line := 2, 1 // the document and its root
	if n > limit {
		return line, true
	}
	lineStart, prevBreak := true, true
	for i, c := range data {
		switch c {
		case '\n':
			line++
			lineStart, prevBreak = true, true
			continue
		case ' ', '\t', '\r':
			prevBreak = true
			continue
		}
		if lineStart {
			n++
			lineStart = false
		}
		spaceAfter := i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\n' || data[i+1] == '\r' || data[i+1] == '\t'
		switch {
		case c == '[' || c == '{' || c == ',':
			n++
			prevBreak = true
		case c == ']' || c == '}':
			prevBreak = true
		case (c == '-' || c == ':' || c == '?') && spaceAfter:
			n += 2
			prevBreak = true
		case prevBreak:
			n += 2 // a scalar, and the null or collection that may pair with it
			prevBreak = false
		}
		if n > limit {
			return line, true
		}
	}
	return 0, false
}
