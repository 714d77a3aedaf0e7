package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/perimeter-iac/perimeter/policy"
)

// data "aws_iam_policy_document" is evaluated twice over: as a positioned
// policy.Value built from its blocks (what a policy attribute referring to
// .json gets, so principals keep the range of their identifiers), and as
// the JSON string the provider would render (what .json evaluates to in
// any other expression). The merge of source_policy_documents,
// statements and override_policy_documents follows the provider: later
// statements replace earlier ones with the same Sid.

// docResult is one evaluated policy document data source instance.
type docResult struct {
	tree     policy.Value
	json     cty.Value
	minified cty.Value
}

var (
	docSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "version"},
			{Name: "policy_id"},
			{Name: "source_policy_documents"},
			{Name: "override_policy_documents"},
			{Name: "source_json"},
			{Name: "override_json"},
		},
	}
	statementSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "sid"},
			{Name: "effect"},
			{Name: "actions"},
			{Name: "not_actions"},
			{Name: "resources"},
			{Name: "not_resources"},
		},
	}
	principalSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "identifiers"}}}
	conditionSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "test"}, {Name: "variable"}, {Name: "values"}}}
	dynamicSchema   = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "for_each"}, {Name: "iterator"}, {Name: "labels"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "content"}},
	}
)

// policyDoc evaluates one instance of an aws_iam_policy_document (memoised).
func (m *modInst) policyDoc(b *block, is *instSet, k instKey) *docResult {
	key := b.key() + k.String()
	if d, ok := m.docs[key]; ok {
		return d
	}
	// Guard against a document that sources itself.
	cycleKey := "doc:" + key
	d := &docResult{}
	var tree policy.Value
	m.lazy(cycleKey, b.decl, func() cty.Value {
		tree = m.blockScope(is, k).buildDoc(b)
		return cty.NilVal
	})
	if tree.Kind == policy.Null && tree.Range.IsZero() {
		tree = policy.UnknownValue(fmt.Sprintf("%s%s refers to itself", m.prefix(), key), toRange(b.decl))
	}
	d.tree = tree
	m.docs[key] = d
	if u, ok := tree.FirstUnknown(); ok {
		reasons := unknownReasons(tree)
		if len(reasons) == 0 {
			reasons = []string{u.Reason}
		}
		d.json = unknownOf(cty.String, joinReasons(reasons))
		d.minified = d.json
	} else {
		d.json = cty.StringVal(renderJSON(tree, true))
		d.minified = cty.StringVal(renderJSON(tree, false))
	}
	return d
}

func unknownReasons(v policy.Value) []string {
	var out []string
	var walk func(v policy.Value)
	walk = func(v policy.Value) {
		switch v.Kind {
		case policy.Unknown:
			out = append(out, v.Reason)
		case policy.List:
			for _, it := range v.Items {
				walk(it)
			}
		case policy.Object:
			for _, f := range v.Fields {
				walk(f.Value)
			}
		case policy.Null, policy.String, policy.Number, policy.Bool:
		}
	}
	walk(v)
	return out
}

// nestedBlock is one block, static or produced by a dynamic block, with
// the scope its expressions are evaluated in.
type nestedBlock struct {
	body hcl.Body
	sc   *scope
	def  hcl.Range
	// unknown is set for the single stand-in of a dynamic block whose
	// for_each is unknown.
	unknown string
}

// blocksOf returns the blocks of type typ in body, expanding dynamic
// blocks in source order.
func (s *scope) blocksOf(body hcl.Body, typ string, depth int) []nestedBlock {
	var out []nestedBlock
	for _, blk := range s.inst.mod.infos.blocksOf(body, typ) {
		if blk.Type == typ {
			out = append(out, nestedBlock{body: blk.Body, sc: s, def: blk.DefRange})
			continue
		}
		if blk.Labels[0] != typ || depth > 8 {
			continue
		}
		out = append(out, s.expandDynamic(blk, typ)...)
	}
	return out
}

// blocksKey is the key of exprCache.blocks.
type blocksKey struct {
	body hcl.Body
	typ  string
}

// blocksOf returns the blocks of type typ and the dynamic blocks in body,
// cached for native bodies (immutable after parsing; the cache keeps
// them alive, so a pointer cannot be reused for another body while
// cached). A JSON body makes new nested bodies on every call: caching
// would only keep them.
func (c *exprCache) blocksOf(body hcl.Body, typ string) hcl.Blocks {
	_, native := body.(*hclsyntax.Body)
	cacheable := c != nil && native
	key := blocksKey{body, typ}
	if cacheable {
		if v, ok := c.blocks.Load(key); ok {
			if blocks, ok := v.(hcl.Blocks); ok {
				return blocks
			}
		}
	}
	schema := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: typ}, {Type: "dynamic", LabelNames: []string{"type"}}}}
	content, _, _ := body.PartialContent(schema)
	if cacheable {
		c.blocks.Store(key, content.Blocks)
	}
	return content.Blocks
}

func (s *scope) expandDynamic(blk *hcl.Block, typ string) []nestedBlock {
	dc, _, hd := blk.Body.PartialContent(dynamicSchema)
	s.inst.ev.addHCL(hd)
	iterName := typ
	if a, ok := dc.Attributes["iterator"]; ok {
		if n := hcl.ExprAsKeyword(a.Expr); n != "" {
			iterName = n
		}
	}
	var content hcl.Body
	for _, cb := range dc.Blocks {
		content = cb.Body
	}
	fe, ok := dc.Attributes["for_each"]
	if content == nil || !ok {
		s.inst.ev.diags.Errorf(toRange(blk.DefRange), "dynamic %q block needs for_each and a content block", typ)
		return nil
	}
	v := s.eval(fe.Expr)
	uv, marks := v.Unmark()
	if !uv.IsKnown() || uv.IsNull() || !uv.CanIterateElements() {
		reason := joinReasons(append(reasonsOf(marks), deepReasons(uv)...))
		if reason == "" {
			reason = s.fallbackReason(fe.Expr)
		}
		reason = fmt.Sprintf("for_each of dynamic %q is unknown: %s", typ, reason)
		iter := cty.ObjectVal(map[string]cty.Value{"key": unknownBecause(reason), "value": unknownBecause(reason)})
		return []nestedBlock{{body: content, sc: s.with(iterName, iter), def: blk.DefRange, unknown: reason}}
	}
	var out []nestedBlock
	for it := uv.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		if uv.Type().IsSetType() {
			k = ev
		}
		iter := cty.ObjectVal(map[string]cty.Value{"key": k, "value": ev})
		out = append(out, nestedBlock{body: content, sc: s.with(iterName, iter), def: blk.DefRange})
	}
	return out
}

// buildDoc builds the positioned tree of a policy document data source.
func (s *scope) buildDoc(b *block) policy.Value {
	c, _, hd := b.body.PartialContent(docSchema)
	s.inst.ev.addHCL(hd)
	version := policy.StringValue("2012-10-17", toRange(b.decl))
	if a, ok := c.Attributes["version"]; ok {
		if v := s.walk(a.Expr, false); v.Kind != policy.Null {
			version = v
		}
	}
	var id *policy.Value
	var statements []policy.Value
	mergeDoc := func(tree policy.Value, what string) {
		switch tree.Kind {
		case policy.Unknown:
			statements = append(statements, tree)
			return
		case policy.Object:
		case policy.Null:
			return
		default:
			statements = append(statements, policy.UnknownValue(what+" is not a policy document", tree.Range))
			return
		}
		if f, ok := tree.Get("Id"); ok {
			id = &f
		}
		version = newerVersion(version, tree)
		st, ok := tree.Get("Statement")
		if !ok {
			return
		}
		items := []policy.Value{st}
		if st.Kind == policy.List {
			items = st.Items
		}
		statements = mergeStatements(statements, items)
	}
	for _, name := range []string{"source_json", "source_policy_documents"} {
		if a, ok := c.Attributes[name]; ok {
			for _, d := range s.docList(a.Expr, name == "source_json") {
				mergeDoc(d, name)
			}
		}
	}
	var own []policy.Value
	for _, nb := range s.blocksOf(b.body, "statement", 0) {
		if nb.unknown != "" {
			own = append(own, policy.UnknownValue(nb.unknown, toRange(nb.def)))
			continue
		}
		own = append(own, nb.sc.buildStatement(nb))
	}
	statements = mergeStatements(statements, own)
	if a, ok := c.Attributes["policy_id"]; ok {
		if v := s.walk(a.Expr, false); v.Kind != policy.Null {
			id = &v
		}
	}
	for _, name := range []string{"override_json", "override_policy_documents"} {
		if a, ok := c.Attributes[name]; ok {
			for _, d := range s.docList(a.Expr, name == "override_json") {
				mergeDoc(d, name)
			}
		}
	}
	doc := policy.Value{Kind: policy.Object, Range: toRange(b.rng)}
	doc.Fields = append(doc.Fields, policy.Field{Key: "Version", KeyRange: version.Range, Value: version})
	if id != nil {
		doc.Fields = append(doc.Fields, policy.Field{Key: "Id", KeyRange: id.Range, Value: *id})
	}
	doc.Fields = append(doc.Fields, policy.Field{
		Key: "Statement", KeyRange: toRange(b.decl),
		Value: policy.Value{Kind: policy.List, Items: statements, Range: toRange(b.rng)},
	})
	return doc
}

// newerVersion returns the Version of a merged document when it is newer
// than version, as the provider's IAMPolicyDoc.Merge upgrades it.
func newerVersion(version, tree policy.Value) policy.Value {
	if v, ok := tree.Get("Version"); ok && v.Kind == policy.String && version.Kind == policy.String && v.Str > version.Str {
		return v
	}
	return version
}

// docList walks a list of policy documents (source_policy_documents), or
// one document (source_json).
func (s *scope) docList(expr hcl.Expression, single bool) []policy.Value {
	if single {
		return []policy.Value{s.walk(expr, true)}
	}
	if items, ok := listItems(expr, 0); ok {
		var out []policy.Value
		for _, item := range items {
			v := s.walk(item, true)
			if v.Kind == policy.Null || (v.Kind == policy.String && strings.TrimSpace(v.Str) == "") {
				continue // compact() drops it; the provider ignores it
			}
			out = append(out, parseTree(v))
		}
		return out
	}
	v := s.walk(expr, false)
	switch v.Kind {
	case policy.List:
		var out []policy.Value
		for _, item := range v.Items {
			out = append(out, parseTree(item))
		}
		return out
	case policy.Unknown:
		return []policy.Value{v}
	case policy.Null:
		return nil
	default:
		return []policy.Value{parseTree(v)}
	}
}

// listItems returns the element expressions of a list written as a tuple,
// possibly through compact(), concat(), tolist() or flatten().
func listItems(expr hcl.Expression, depth int) ([]hcl.Expression, bool) {
	if depth > 8 {
		return nil, false
	}
	switch e := expr.(type) {
	case *hclsyntax.TupleConsExpr:
		out := make([]hcl.Expression, len(e.Exprs))
		for i, x := range e.Exprs {
			out[i] = x
		}
		return out, true
	case *hclsyntax.ParenthesesExpr:
		return listItems(e.Expression, depth+1)
	case *hclsyntax.FunctionCallExpr:
		switch e.Name {
		case "compact", "concat", "tolist", "flatten":
			if e.ExpandFinal {
				return nil, false
			}
			var out []hcl.Expression
			for _, a := range e.Args {
				items, ok := listItems(a, depth+1)
				if !ok {
					return nil, false
				}
				out = append(out, items...)
			}
			return out, true
		}
	}
	if items, hd := hcl.ExprList(expr); !hd.HasErrors() {
		return items, true
	}
	return nil, false
}

// parseTree parses a document held in a string value (positions relative to
// the string's range).
func parseTree(v policy.Value) policy.Value {
	if v.Kind != policy.String {
		return v
	}
	t, err := policy.ParseJSON([]byte(v.Str), policy.JSONOptions{File: v.Range.File, Start: v.Range.Start})
	if err != nil {
		return policy.UnknownValue("policy document is not valid JSON: "+err.Error(), v.Range)
	}
	return t
}

// mergeStatements appends statements, replacing an existing statement
// with the same Sid as the provider does. A statement whose Sid is unknown
// is appended (it cannot be matched, and dropping either would hide it).
func mergeStatements(existing, add []policy.Value) []policy.Value {
	for _, st := range add {
		sid := ""
		if st.Kind == policy.Object {
			if f, ok := st.Get("Sid"); ok && f.Kind == policy.String {
				sid = f.Str
			}
		}
		if sid == "" {
			existing = append(existing, st)
			continue
		}
		replaced := false
		for i, old := range existing {
			if old.Kind != policy.Object {
				continue
			}
			if f, ok := old.Get("Sid"); ok && f.Kind == policy.String && f.Str == sid {
				existing[i] = st
				replaced = true
				break
			}
		}
		if !replaced {
			existing = append(existing, st)
		}
	}
	return existing
}

// buildStatement builds one statement block.
func (s *scope) buildStatement(nb nestedBlock) policy.Value {
	c, _, hd := nb.body.PartialContent(statementSchema)
	s.inst.ev.addHCL(hd)
	st := policy.Value{Kind: policy.Object, Range: toRange(nb.def)}
	if sb := blockSyntaxRange(nb.body); sb != nil {
		st.Range = toRange(hcl.RangeBetween(nb.def, *sb))
	}
	add := func(key string, kr hcl.Range, v policy.Value) {
		st.Fields = append(st.Fields, policy.Field{Key: key, KeyRange: toRange(kr), Value: v})
	}
	if a, ok := c.Attributes["sid"]; ok {
		if v := s.walk(a.Expr, false); v.Kind != policy.Null && (v.Kind != policy.String || v.Str != "") {
			add("Sid", a.NameRange, v)
		}
	}
	effect := policy.StringValue("Allow", toRange(nb.def))
	effectRange := nb.def
	if a, ok := c.Attributes["effect"]; ok {
		if v := s.walk(a.Expr, false); v.Kind != policy.Null {
			effect, effectRange = v, a.NameRange
		}
	}
	add("Effect", effectRange, effect)
	for _, pair := range [][2]string{{"actions", "Action"}, {"not_actions", "NotAction"}, {"resources", "Resource"}, {"not_resources", "NotResource"}} {
		a, ok := c.Attributes[pair[0]]
		if !ok {
			continue
		}
		v := s.walk(a.Expr, false)
		if v.Kind == policy.Null || (v.Kind == policy.List && len(v.Items) == 0) {
			continue
		}
		add(pair[1], a.NameRange, v)
	}
	for _, pair := range [][2]string{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
		blocks := s.blocksOf(nb.body, pair[0], 0)
		if len(blocks) == 0 {
			continue
		}
		add(pair[1], blocks[0].def, s.buildPrincipals(blocks))
	}
	if blocks := s.blocksOf(nb.body, "condition", 0); len(blocks) > 0 {
		add("Condition", blocks[0].def, s.buildConditions(blocks))
	}
	return st
}

func blockSyntaxRange(body hcl.Body) *hcl.Range {
	type ranger interface{ Range() hcl.Range }
	if r, ok := body.(ranger); ok {
		rng := r.Range()
		return &rng
	}
	return nil
}

// buildPrincipals merges principals blocks into a Principal element:
// identifiers of the same type share a list; type "*" is the bare "*".
func (s *scope) buildPrincipals(blocks []nestedBlock) policy.Value {
	out := policy.Value{Kind: policy.Object, Range: toRange(blocks[0].def)}
	for _, nb := range blocks {
		if nb.unknown != "" {
			return policy.UnknownValue(nb.unknown, toRange(nb.def))
		}
		c, _, hd := nb.body.PartialContent(principalSchema)
		nb.sc.inst.ev.addHCL(hd)
		ta, okT := c.Attributes["type"]
		ia, okI := c.Attributes["identifiers"]
		if !okT || !okI {
			nb.sc.inst.ev.diags.Errorf(toRange(nb.def), "principals block needs type and identifiers")
			continue
		}
		typ := nb.sc.walk(ta.Expr, false)
		ids := nb.sc.walk(ia.Expr, false)
		if typ.Kind == policy.Unknown {
			return policy.UnknownValue(typ.Reason, typ.Range)
		}
		if typ.Kind != policy.String {
			return policy.UnknownValue(fmt.Sprintf("principal type %s is not a string", nb.sc.inst.ev.exprText(ta.Expr.Range())), typ.Range)
		}
		if typ.Str == "*" && len(blocks) == 1 {
			// The provider renders a lone principal of type "*" as
			// "Principal": "*"; with others it is the key "*".
			r := ids.Range
			if ids.Kind == policy.List && len(ids.Items) > 0 {
				r = ids.Items[0].Range
			}
			return policy.StringValue("*", r)
		}
		items := []policy.Value{ids}
		if ids.Kind == policy.List {
			items = ids.Items
		}
		merged := false
		for i := range out.Fields {
			if out.Fields[i].Key == typ.Str {
				out.Fields[i].Value.Items = append(out.Fields[i].Value.Items, items...)
				merged = true
			}
		}
		if !merged {
			out.Fields = append(out.Fields, policy.Field{
				Key: typ.Str, KeyRange: typ.Range,
				Value: policy.Value{Kind: policy.List, Items: items, Range: ids.Range},
			})
		}
	}
	return out
}

// buildConditions merges condition blocks into a Condition element. The
// key range of each condition variable is its values, so the parsed
// condition's range is the values argument.
func (s *scope) buildConditions(blocks []nestedBlock) policy.Value {
	out := policy.Value{Kind: policy.Object, Range: toRange(blocks[0].def)}
	for _, nb := range blocks {
		if nb.unknown != "" {
			return policy.UnknownValue(nb.unknown, toRange(nb.def))
		}
		c, _, hd := nb.body.PartialContent(conditionSchema)
		nb.sc.inst.ev.addHCL(hd)
		ta, okT := c.Attributes["test"]
		va, okV := c.Attributes["variable"]
		vals, okVals := c.Attributes["values"]
		if !okT || !okV || !okVals {
			nb.sc.inst.ev.diags.Errorf(toRange(nb.def), "condition block needs test, variable and values")
			continue
		}
		test := nb.sc.walk(ta.Expr, false)
		variable := nb.sc.walk(va.Expr, false)
		values := nb.sc.walk(vals.Expr, false)
		for _, v := range []policy.Value{test, variable} {
			if v.Kind == policy.Unknown {
				return policy.UnknownValue(v.Reason, v.Range)
			}
			if v.Kind != policy.String {
				return policy.UnknownValue("condition test and variable must be strings", v.Range)
			}
		}
		items := []policy.Value{values}
		if values.Kind == policy.List {
			items = values.Items
		}
		vr := toRange(vals.Expr.Range())
		var op *policy.Field
		for i := range out.Fields {
			if out.Fields[i].Key == test.Str {
				op = &out.Fields[i]
			}
		}
		if op == nil {
			out.Fields = append(out.Fields, policy.Field{
				Key: test.Str, KeyRange: test.Range,
				Value: policy.Value{Kind: policy.Object, Range: toRange(nb.def)},
			})
			op = &out.Fields[len(out.Fields)-1]
		}
		merged := false
		for i := range op.Value.Fields {
			if op.Value.Fields[i].Key == variable.Str {
				op.Value.Fields[i].Value.Items = append(op.Value.Fields[i].Value.Items, items...)
				merged = true
			}
		}
		if !merged {
			op.Value.Fields = append(op.Value.Fields, policy.Field{
				Key: variable.Str, KeyRange: vr,
				Value: policy.Value{Kind: policy.List, Items: items, Range: vr},
			})
		}
	}
	return out
}

// renderJSON renders a known tree as JSON, indented the way the provider
// renders .json, or minified.
func renderJSON(v policy.Value, indent bool) string {
	var b bytes.Buffer
	writeJSON(&b, v)
	if !indent {
		return b.String()
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return b.String()
	}
	return out.String()
}

// writeJSONString writes s as a JSON string.
func writeJSONString(b *bytes.Buffer, s string) {
	enc, err := json.Marshal(s)
	if err != nil { // cannot happen for a string
		enc = []byte(`""`)
	}
	b.Write(enc)
}

func writeJSON(b *bytes.Buffer, v policy.Value) {
	switch v.Kind {
	case policy.String:
		writeJSONString(b, v.Str)
	case policy.Number, policy.Bool:
		b.WriteString(v.Str)
	case policy.List:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, it)
		}
		b.WriteByte(']')
	case policy.Object:
		b.WriteByte('{')
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, f.Key)
			b.WriteByte(':')
			writeJSON(b, f.Value)
		}
		b.WriteByte('}')
	case policy.Null, policy.Unknown:
		b.WriteString("null")
	}
}
