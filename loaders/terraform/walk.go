package terraform

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/perimeter-iac/perimeter/policy"
)

// The walker builds a policy.Value from an expression, walking the HCL
// syntax alongside the value so that every node carries the range of the
// expression that produced it: an object constructor's items, a tuple's
// elements, a heredoc's JSON lines, the statements of an
// aws_iam_policy_document. It follows local.X, var.X, module outputs and
// data.aws_iam_policy_document.X.json to their defining expressions, so a
// principal's range is where the principal is written, not where the
// policy attribute refers to it. Whatever the walker does not understand
// is evaluated and converted as a whole, every node getting the range of
// that expression.

// maxWalkDepth bounds how deeply the walker follows expressions.
const maxWalkDepth = 64

// unknownToken marks an unknown interpolation inside rendered JSON text.
const unknownToken = "__perimeter_unknown_" //nolint:gosec // a marker, not a credential

// walk builds the value of expr. doc says the value stands where a policy
// document is expected, so a string there is JSON text and is parsed (with
// positions) into the document's tree.
func (s *scope) walk(expr hcl.Expression, doc bool) policy.Value {
	return s.walkDepth(expr, doc, 0)
}

func (s *scope) walkDepth(expr hcl.Expression, doc bool, depth int) policy.Value {
	if expr == nil {
		return policy.Value{Kind: policy.Null}
	}
	if depth > maxWalkDepth {
		return s.generic(expr, doc)
	}
	switch e := expr.(type) {
	case *hclsyntax.ParenthesesExpr:
		return s.walkDepth(e.Expression, doc, depth+1)
	case *hclsyntax.TemplateWrapExpr:
		return s.walkDepth(e.Wrapped, doc, depth+1)
	case *hclsyntax.ObjectConsExpr:
		return s.walkObject(e, depth)
	case *hclsyntax.TupleConsExpr:
		v := policy.Value{Kind: policy.List, Range: toRange(e.SrcRange)}
		for _, item := range e.Exprs {
			v.Items = append(v.Items, s.walkDepth(item, false, depth+1))
		}
		return v
	case *hclsyntax.ConditionalExpr:
		cond := s.eval(e.Condition)
		uc, marks := cond.UnmarkDeep()
		if uc.IsKnown() && !uc.IsNull() && uc.Type() == cty.Bool {
			if uc.True() {
				return s.walkDepth(e.TrueResult, doc, depth+1)
			}
			return s.walkDepth(e.FalseResult, doc, depth+1)
		}
		if uc.IsKnown() {
			return s.generic(expr, doc)
		}
		reason := joinReasons(reasonsOf(marks))
		if reason == "" {
			reason = s.fallbackReason(e.Condition)
		}
		return policy.UnknownValue(reason, toRange(e.SrcRange))
	case *hclsyntax.FunctionCallExpr:
		if v, ok := s.walkCall(e, doc, depth); ok {
			return v
		}
	case *hclsyntax.ScopeTraversalExpr:
		if v, ok := s.walkTraversal(e, doc, depth); ok {
			return v
		}
	case *hclsyntax.ForExpr:
		if v, ok := s.walkFor(e, depth); ok {
			return v
		}
	case *hclsyntax.TemplateExpr:
		if doc {
			if v, ok := s.walkTemplate(e.Parts, e.SrcRange, depth); ok {
				return v
			}
		}
	case hclsyntax.Expression:
	default:
		// A .tf.json string is a template: parse it again as one, so it
		// is walked like native syntax.
		if se, ok := s.inst.ev.jsonTemplate(expr); ok {
			return s.walkDepth(se, doc, depth+1)
		}
	}
	return s.generic(expr, doc)
}

// jsonTemplate re-parses a JSON string expression (from a .tf.json file) as
// the template Terraform reads it as, with positions inside the string.
func (ev *evaluator) jsonTemplate(expr hcl.Expression) (hclsyntax.Expression, bool) {
	r := expr.Range()
	src := ev.ls.source(r.Filename)
	if src == nil || r.Start.Byte < 0 || r.End.Byte > len(src) || r.End.Byte-r.Start.Byte < 2 || src[r.Start.Byte] != '"' {
		return nil, false
	}
	var text string
	if err := json.Unmarshal(src[r.Start.Byte:r.End.Byte], &text); err != nil {
		return nil, false
	}
	start := hcl.Pos{Line: r.Start.Line, Column: r.Start.Column + 1, Byte: r.Start.Byte + 1}
	se, hd := hclsyntax.ParseTemplate([]byte(text), r.Filename, start)
	if hd.HasErrors() {
		return nil, false
	}
	return se, true
}

func (s *scope) walkObject(e *hclsyntax.ObjectConsExpr, depth int) policy.Value {
	v := policy.Value{Kind: policy.Object, Range: toRange(e.SrcRange)}
	for _, item := range e.Items {
		k := s.eval(item.KeyExpr)
		uk, marks := k.UnmarkDeep()
		if !uk.IsKnown() {
			reason := joinReasons(reasonsOf(marks))
			if reason == "" {
				reason = s.fallbackReason(item.KeyExpr)
			}
			return policy.UnknownValue(reason, toRange(e.SrcRange))
		}
		if uk.IsNull() {
			continue
		}
		ks, err := convert.Convert(uk, cty.String)
		if err != nil {
			return s.generic(e, false)
		}
		v.Fields = append(v.Fields, policy.Field{
			Key:      ks.AsString(),
			KeyRange: toRange(item.KeyExpr.Range()),
			Value:    s.walkDepth(item.ValueExpr, false, depth+1),
		})
	}
	return v
}

func (s *scope) walkCall(e *hclsyntax.FunctionCallExpr, doc bool, depth int) (policy.Value, bool) {
	if e.ExpandFinal {
		return policy.Value{}, false
	}
	switch e.Name {
	case "jsonencode":
		if doc && len(e.Args) == 1 {
			return s.walkDepth(e.Args[0], false, depth+1), true
		}
	case "jsondecode":
		if !doc && len(e.Args) == 1 {
			v := s.walkDepth(e.Args[0], true, depth+1)
			if v.Kind != policy.String {
				return v, true
			}
		}
	case "tolist", "toset", "tomap", "tostring", "sensitive", "nonsensitive":
		if len(e.Args) == 1 {
			return s.walkDepth(e.Args[0], doc, depth+1), true
		}
	case "try":
		return s.walkTry(e, doc, depth)
	case "concat":
		return s.walkConcat(e, depth)
	case "merge":
		return s.walkMerge(e, depth)
	case "replace":
		if doc && len(e.Args) == 3 {
			return s.walkReplace(e, depth)
		}
	case "trimspace", "chomp":
		if doc && len(e.Args) == 1 {
			if v := s.walkDepth(e.Args[0], true, depth+1); v.Kind == policy.Object || v.Kind == policy.Unknown {
				return v, true
			}
		}
	case "file":
		if doc && len(e.Args) == 1 {
			return s.walkFile(e)
		}
	case "templatefile":
		if doc && len(e.Args) == 2 {
			return s.walkTemplateFile(e, depth)
		}
	}
	return policy.Value{}, false
}

// walkTry walks the first argument of try() that evaluates without error.
func (s *scope) walkTry(e *hclsyntax.FunctionCallExpr, doc bool, depth int) (policy.Value, bool) {
	for _, arg := range e.Args {
		if _, hd := s.evalDiags(arg); !hd.HasErrors() {
			return s.walkDepth(arg, doc, depth+1), true
		}
	}
	return policy.Value{}, false
}

// walkConcat joins the walked lists of concat().
func (s *scope) walkConcat(e *hclsyntax.FunctionCallExpr, depth int) (policy.Value, bool) {
	out := policy.Value{Kind: policy.List, Range: toRange(e.Range())}
	for _, arg := range e.Args {
		v := s.walkDepth(arg, false, depth+1)
		if v.Kind != policy.List {
			return policy.Value{}, false
		}
		out.Items = append(out.Items, v.Items...)
	}
	return out, true
}

// walkMerge merges the walked objects of merge(), later keys winning.
func (s *scope) walkMerge(e *hclsyntax.FunctionCallExpr, depth int) (policy.Value, bool) {
	out := policy.Value{Kind: policy.Object, Range: toRange(e.Range())}
	for _, arg := range e.Args {
		v := s.walkDepth(arg, false, depth+1)
		switch v.Kind {
		case policy.Null:
			continue
		case policy.Object:
		default:
			return policy.Value{}, false
		}
		for _, f := range v.Fields {
			out.Fields = setField(out.Fields, f)
		}
	}
	return out, true
}

// setField replaces the field with f's key, or appends f.
func setField(fields []policy.Field, f policy.Field) []policy.Field {
	for i := range fields {
		if fields[i].Key == f.Key {
			fields[i] = f
			return fields
		}
	}
	return append(fields, f)
}

// walkReplace applies replace(policy, "_PLACEHOLDER_", value) to the
// strings of a policy tree, as the text replacement would, when the
// substring cannot span JSON syntax: positions and the known parts of the
// policy survive (terraform-aws-modules/s3-bucket writes its policies so).
func (s *scope) walkReplace(e *hclsyntax.FunctionCallExpr, depth int) (policy.Value, bool) {
	sub, _ := s.eval(e.Args[1]).UnmarkDeep()
	if !sub.IsKnown() || sub.IsNull() || sub.Type() != cty.String {
		return policy.Value{}, false
	}
	old := sub.AsString()
	if old == "" || strings.ContainsAny(old, "\"{}[]:,\\") || (len(old) > 1 && old[0] == '/' && old[len(old)-1] == '/') {
		return policy.Value{}, false
	}
	base := s.walkDepth(e.Args[0], true, depth+1)
	switch base.Kind {
	case policy.Object, policy.List:
	case policy.Unknown:
		return base, true
	default:
		return policy.Value{}, false
	}
	rep := s.eval(e.Args[2])
	ur, marks := rep.UnmarkDeep()
	var repl string
	reason := ""
	switch {
	case !ur.IsKnown():
		reason = joinReasons(reasonsOf(marks))
		if reason == "" {
			reason = s.fallbackReason(e.Args[2])
		}
	case ur.IsNull() || ur.Type() != cty.String:
		return policy.Value{}, false
	default:
		repl = ur.AsString()
	}
	return replaceLeaves(base, old, repl, reason), true
}

func replaceLeaves(v policy.Value, old, repl, reason string) policy.Value {
	switch v.Kind {
	case policy.String:
		if strings.Contains(v.Str, old) {
			if reason != "" {
				return policy.UnknownValue(reason, v.Range)
			}
			v.Str = strings.ReplaceAll(v.Str, old, repl)
		}
	case policy.List:
		items := make([]policy.Value, len(v.Items))
		for i, it := range v.Items {
			items[i] = replaceLeaves(it, old, repl, reason)
		}
		v.Items = items
	case policy.Object:
		fields := make([]policy.Field, len(v.Fields))
		for i, f := range v.Fields {
			if strings.Contains(f.Key, old) {
				if reason != "" {
					return policy.UnknownValue(reason, v.Range)
				}
				f.Key = strings.ReplaceAll(f.Key, old, repl)
			}
			f.Value = replaceLeaves(f.Value, old, repl, reason)
			fields[i] = f
		}
		v.Fields = fields
	case policy.Null, policy.Number, policy.Bool, policy.Unknown:
	}
	return v
}

// walkFile parses the JSON file file() reads, with ranges into that file.
func (s *scope) walkFile(e *hclsyntax.FunctionCallExpr) (policy.Value, bool) {
	p := s.eval(e.Args[0])
	up, _ := p.UnmarkDeep()
	if !up.IsKnown() || up.IsNull() || up.Type() != cty.String {
		return policy.Value{}, false
	}
	disp, data, err := s.inst.ev.readFile(up.AsString())
	if err != nil {
		return policy.Value{}, false // generic evaluation reports the error
	}
	v, perr := policy.ParseJSON(data, policy.JSONOptions{File: disp})
	if perr != nil {
		// Let policy.Parse report the syntax error at the file's position.
		return policy.StringValue(string(data), policyRange(disp, 1, 1)), true
	}
	return v, true
}

func policyRange(file string, line, col int) policy.Range {
	return policy.Range{File: file, Start: policy.Pos{Line: line, Column: col}, End: policy.Pos{Line: line, Column: col}}
}

// walkTemplateFile renders templatefile(path, vars) with ranges into the
// template file.
func (s *scope) walkTemplateFile(e *hclsyntax.FunctionCallExpr, depth int) (policy.Value, bool) {
	p := s.eval(e.Args[0])
	up, _ := p.UnmarkDeep()
	if !up.IsKnown() || up.IsNull() || up.Type() != cty.String {
		return policy.Value{}, false
	}
	tmpl, err := s.inst.ev.parseTemplateFile(up.AsString())
	if err != nil {
		return policy.Value{}, false
	}
	vars := s.eval(e.Args[1])
	uv, _ := vars.Unmark()
	if !uv.IsKnown() || uv.IsNull() || (!uv.Type().IsObjectType() && !uv.Type().IsMapType()) {
		return policy.Value{}, false
	}
	ts := &scope{inst: s.inst, template: true, iter: map[string]cty.Value{}}
	for it := uv.ElementIterator(); it.Next(); {
		k, v := it.Element()
		ts.iter[k.AsString()] = v
	}
	parts := []hclsyntax.Expression{tmpl}
	if te, ok := tmpl.(*hclsyntax.TemplateExpr); ok {
		parts = te.Parts
	}
	return ts.walkTemplate(parts, tmpl.Range(), depth)
}

// walkTraversal follows references to where their value is written.
func (s *scope) walkTraversal(e *hclsyntax.ScopeTraversalExpr, doc bool, depth int) (policy.Value, bool) {
	t := e.Traversal
	root := t.RootName()
	if _, ok := s.iter[root]; ok || s.template || len(t) < 2 {
		return policy.Value{}, false
	}
	attr := func(i int) string {
		if i < len(t) {
			if a, ok := t[i].(hcl.TraverseAttr); ok {
				return a.Name
			}
		}
		return ""
	}
	m := s.inst
	switch root {
	case "local":
		l := m.mod.locals[attr(1)]
		if l == nil {
			return policy.Value{}, false
		}
		v := m.rootScope().walkDepth(l.expr, doc && len(t) == 2, depth+1)
		return navigate(v, t[2:])
	case "var":
		o, ok := m.varOrigin[attr(1)]
		if !ok || o.expr == nil {
			return policy.Value{}, false
		}
		sc := o.sc
		if sc == nil {
			sc = &scope{inst: m, template: true}
		}
		v := sc.walkDepth(o.expr, doc && len(t) == 2, depth+1)
		return navigate(v, t[2:])
	case "data":
		if !doc || attr(1) != "aws_iam_policy_document" {
			return policy.Value{}, false
		}
		b := m.mod.data["data.aws_iam_policy_document."+attr(2)]
		if b == nil {
			return policy.Value{}, false
		}
		i := 3
		is := m.instances(b.key(), b.count, b.forEach, m.prefix()+b.key())
		k, next, ok := pickInstance(is, t, i)
		if !ok {
			return policy.Value{}, false
		}
		if name := attr(next); (name != "json" && name != "minified_json") || next+1 != len(t) {
			return policy.Value{}, false
		}
		return m.policyDoc(b, is, k).tree, true
	case "module":
		return s.walkModuleOutput(t, doc, depth)
	}
	return policy.Value{}, false
}

// pickInstance reads the instance key that follows a block reference at
// t[i]: an index for count or for_each blocks, nothing otherwise. next is
// the index of the step after it.
func pickInstance(is *instSet, t hcl.Traversal, i int) (k instKey, next int, ok bool) {
	if is.unknown {
		return instKey{}, i, false
	}
	if is.mode == 0 {
		return instKey{}, i, true
	}
	if i >= len(t) {
		return instKey{}, i, false
	}
	idx, isIdx := t[i].(hcl.TraverseIndex)
	if !isIdx || !idx.Key.IsKnown() || idx.Key.IsNull() {
		return instKey{}, i, false
	}
	for _, key := range is.keys {
		switch {
		case is.mode == 1 && idx.Key.Type() == cty.Number:
			if n, err := toInt(idx.Key); err == nil && n == key.idx {
				return key, i + 1, true
			}
		case is.mode == 2 && idx.Key.Type() == cty.String:
			if idx.Key.AsString() == key.str {
				return key, i + 1, true
			}
		}
	}
	return instKey{}, i, false
}

// navigate applies the remaining steps of a traversal to a walked value.
func navigate(v policy.Value, steps hcl.Traversal) (policy.Value, bool) {
	for _, step := range steps {
		var key cty.Value
		switch st := step.(type) {
		case hcl.TraverseAttr:
			key = cty.StringVal(st.Name)
		case hcl.TraverseIndex:
			key = st.Key
		default:
			return policy.Value{}, false
		}
		if !key.IsKnown() || key.IsNull() {
			return policy.Value{}, false
		}
		switch {
		case v.Kind == policy.Object && key.Type() == cty.String:
			f, ok := fieldExact(v, key.AsString())
			if !ok {
				return policy.Value{}, false
			}
			v = f.Value
		case v.Kind == policy.List && key.Type() == cty.Number:
			n, err := toInt(key)
			if err != nil || n < 0 || n >= len(v.Items) {
				return policy.Value{}, false
			}
			v = v.Items[n]
		default:
			return policy.Value{}, false
		}
	}
	return v, true
}

func fieldExact(v policy.Value, key string) (policy.Field, bool) {
	for _, v0 := range slices.Backward(v.Fields) {
		if v0.Key == key {
			return v0, true
		}
	}
	return policy.Field{}, false
}

// walkFor walks a for expression element by element, so each produced
// element gets the range of the expression that builds it.
func (s *scope) walkFor(e *hclsyntax.ForExpr, depth int) (policy.Value, bool) {
	if e.Group {
		return policy.Value{}, false
	}
	coll := s.eval(e.CollExpr)
	uc, _ := coll.Unmark()
	if !uc.IsKnown() || uc.IsNull() || !uc.CanIterateElements() {
		return policy.Value{}, false
	}
	out := policy.Value{Kind: policy.List, Range: toRange(e.SrcRange)}
	if e.KeyExpr != nil {
		out.Kind = policy.Object
	}
	for it := uc.ElementIterator(); it.Next(); {
		k, v := it.Element()
		child := s
		if e.KeyVar != "" {
			child = child.with(e.KeyVar, k)
		}
		child = child.with(e.ValVar, v)
		if e.CondExpr != nil {
			c := child.eval(e.CondExpr)
			uc, _ := c.UnmarkDeep()
			if !uc.IsKnown() || uc.IsNull() || uc.Type() != cty.Bool {
				return policy.Value{}, false
			}
			if uc.False() {
				continue
			}
		}
		if e.KeyExpr != nil {
			kv := child.eval(e.KeyExpr)
			uk, _ := kv.UnmarkDeep()
			if !uk.IsKnown() || uk.IsNull() {
				return policy.Value{}, false
			}
			ks, err := convert.Convert(uk, cty.String)
			if err != nil {
				return policy.Value{}, false
			}
			out.Fields = append(out.Fields, policy.Field{
				Key: ks.AsString(), KeyRange: toRange(e.KeyExpr.Range()),
				Value: child.walkDepth(e.ValExpr, false, depth+1),
			})
			continue
		}
		out.Items = append(out.Items, child.walkDepth(e.ValExpr, false, depth+1))
	}
	if out.Kind == policy.Object {
		// HCL orders an object's attributes by name.
		sort.SliceStable(out.Fields, func(i, j int) bool { return out.Fields[i].Key < out.Fields[j].Key })
	}
	return out, true
}

// generic evaluates expr as a whole and converts the value, every node
// getting expr's range.
func (s *scope) generic(expr hcl.Expression, doc bool) policy.Value {
	v := s.eval(expr)
	r := toRange(expr.Range())
	pv := s.toPolicy(v, r, expr)
	_ = doc // a string in a document position is parsed by policy.Parse at r
	return pv
}

// toPolicy converts a cty value; unknown leaves become policy.Unknown with
// the reasons their marks carry (or, failing that, the reasons found by
// evaluating expr's references one by one).
func (s *scope) toPolicy(v cty.Value, r policy.Range, expr hcl.Expression) policy.Value {
	uv, marks := v.Unmark()
	if !uv.IsKnown() {
		reason := joinReasons(reasonsOf(marks))
		if reason == "" {
			reason = s.fallbackReason(expr)
		}
		return policy.UnknownValue(reason, r)
	}
	if uv.IsNull() {
		return policy.Value{Kind: policy.Null, Range: r}
	}
	ty := uv.Type()
	switch {
	case ty == cty.String:
		return policy.StringValue(uv.AsString(), r)
	case ty == cty.Number:
		return policy.Value{Kind: policy.Number, Str: numberString(uv.AsBigFloat()), Range: r}
	case ty == cty.Bool:
		b := "false"
		if uv.True() {
			b = "true"
		}
		return policy.Value{Kind: policy.Bool, Str: b, Range: r}
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		out := policy.Value{Kind: policy.List, Range: r}
		for it := uv.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			out.Items = append(out.Items, s.toPolicy(ev, r, expr))
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := policy.Value{Kind: policy.Object, Range: r}
		for it := uv.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			out.Fields = append(out.Fields, policy.Field{Key: k.AsString(), KeyRange: r, Value: s.toPolicy(ev, r, expr)})
		}
		return out
	default:
		return policy.UnknownValue(fmt.Sprintf("%s has a value of type %s that a policy cannot hold", s.inst.ev.exprText(expr.Range()), ty.FriendlyName()), r)
	}
}

func numberString(f *big.Float) string {
	if f.IsInt() {
		i, _ := f.Int(nil)
		return i.String()
	}
	return f.Text('g', -1)
}

// fallbackReason explains an unknown value that carries no reason mark by
// evaluating each reference of expr on its own.
func (s *scope) fallbackReason(expr hcl.Expression) string {
	var reasons []string
	if expr != nil {
		for _, t := range expr.Variables() {
			if _, ok := s.iter[t.RootName()]; ok {
				continue
			}
			// Evaluated out of its context (a branch not taken, say), a
			// reference may fail: that one is not the cause.
			v, hd := s.evalDiags(&hclsyntax.ScopeTraversalExpr{Traversal: t, SrcRange: t.SourceRange()})
			if hd.HasErrors() || v.IsWhollyKnown() {
				continue
			}
			rs := deepReasons(v)
			if len(rs) == 0 {
				rs = []string{s.inst.ev.exprText(t.SourceRange()) + " is unknown"}
			}
			reasons = append(reasons, rs...)
		}
	}
	if joined := joinReasons(reasons); joined != "" {
		return joined
	}
	{
		text := ""
		if expr != nil {
			text = s.inst.ev.exprText(expr.Range())
		}
		if text == "" {
			text = "the value"
		}
		return text + " cannot be evaluated offline"
	}
}

// segment maps a stretch of rendered template text to its source.
type segment struct {
	out int     // byte offset in the rendered text
	src hcl.Pos // source position of the stretch's first character
	lit bool    // literal text (positions inside it can be computed)
	rng hcl.Range
}

// walkTemplate renders a template (heredoc, quoted string, template file)
// and parses the result as JSON, mapping every position back to the
// template source. Unknown interpolations become unknown values in the
// tree, so the known parts of the policy stay known.
func (s *scope) walkTemplate(parts []hclsyntax.Expression, whole hcl.Range, depth int) (policy.Value, bool) {
	if depth > maxWalkDepth {
		return policy.Value{}, false
	}
	r := s.renderTemplate(parts)
	file := whole.Filename
	first := r.first
	if first.Line == 0 {
		first = whole.Start
	}
	trimmed := strings.TrimSpace(r.text)
	if trimmed == "" || (trimmed[0] != '{' && trimmed[0] != '[') {
		if len(r.reasons) > 0 {
			return policy.UnknownValue(joinReasons(r.reasons), toRange(whole)), true
		}
		return policy.Value{}, false
	}
	v, err := policy.ParseJSON([]byte(r.text), policy.JSONOptions{File: file})
	if err != nil {
		if len(r.reasons) > 0 {
			return policy.UnknownValue(joinReasons(r.reasons), toRange(whole)), true
		}
		// Not JSON: policy.Parse reports the error, relative to the first
		// line of the text.
		return policy.StringValue(r.text, policyRange(file, first.Line, first.Column)), true
	}
	mp := s.inst.ev.newPosMapper(r.text, r.segs, file)
	v = mp.remap(v)
	if len(r.reasons) > 0 {
		v = replaceTokens(v, r.reasons)
	}
	return v, true
}

// rendered is a template rendered for JSON parsing.
type rendered struct {
	text    string
	segs    []segment
	reasons []string // reasons[i] explains unknown token i
	first   hcl.Pos
}

// jsonState tracks whether rendered text is inside a JSON string.
type jsonState struct{ inString, escaped bool }

func (st *jsonState) track(text string) {
	for i := range len(text) {
		c := text[i]
		switch {
		case st.escaped:
			st.escaped = false
		case c == '\\' && st.inString:
			st.escaped = true
		case c == '"':
			st.inString = !st.inString
		}
	}
}

// renderTemplate renders the parts of a template; an unknown
// interpolation becomes a token (quoted when it stands outside a JSON
// string) whose reason is recorded.
func (s *scope) renderTemplate(parts []hclsyntax.Expression) rendered {
	var (
		b  strings.Builder
		r  rendered
		st jsonState
	)
	for i, p := range parts {
		if lit, ok := p.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() {
			if i == 0 {
				r.first = lit.SrcRange.Start
			}
			r.segs = append(r.segs, segment{out: b.Len(), src: lit.SrcRange.Start, lit: true, rng: lit.SrcRange})
			b.WriteString(lit.Val.AsString())
			st.track(lit.Val.AsString())
			continue
		}
		if i == 0 {
			r.first = p.Range().Start
		}
		r.segs = append(r.segs, segment{out: b.Len(), src: p.Range().Start, rng: p.Range()})
		text, reason := s.interpolate(p)
		if reason != "" {
			r.reasons = append(r.reasons, reason)
			text = fmt.Sprintf("%s%d__", unknownToken, len(r.reasons)-1)
			if !st.inString {
				text = `"` + text + `"`
			}
			b.WriteString(text)
			continue
		}
		b.WriteString(text)
		st.track(text)
	}
	r.text = b.String()
	return r
}

// interpolate evaluates one interpolation: its text, or why it is unknown.
func (s *scope) interpolate(p hclsyntax.Expression) (text, reason string) {
	uv, marks := s.eval(p).UnmarkDeep()
	if uv.IsWhollyKnown() && !uv.IsNull() {
		sv, err := convert.Convert(uv, cty.String)
		if err != nil {
			return "", s.inst.ev.exprText(p.Range()) + " is not a string"
		}
		return sv.AsString(), ""
	}
	if uv.IsKnown() && uv.IsNull() {
		return "", s.inst.ev.exprText(p.Range()) + " is null"
	}
	if rs := reasonsOf(marks); len(rs) > 0 {
		return "", joinReasons(rs)
	}
	return "", s.fallbackReason(p)
}

// replaceTokens turns strings holding unknown tokens into unknown values.
func replaceTokens(v policy.Value, reasons []string) policy.Value {
	find := func(s string) (string, bool) {
		if !strings.Contains(s, unknownToken) {
			return "", false
		}
		var rs []string
		rest := s
		for {
			i := strings.Index(rest, unknownToken)
			if i < 0 {
				break
			}
			rest = rest[i+len(unknownToken):]
			n := 0
			j := 0
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				n = n*10 + int(rest[j]-'0')
				j++
			}
			if n < len(reasons) {
				rs = append(rs, reasons[n])
			}
			rest = rest[j:]
		}
		return joinReasons(rs), true
	}
	switch v.Kind {
	case policy.String:
		if r, ok := find(v.Str); ok {
			return policy.UnknownValue(r, v.Range)
		}
	case policy.List:
		for i := range v.Items {
			v.Items[i] = replaceTokens(v.Items[i], reasons)
		}
	case policy.Object:
		for i := range v.Fields {
			if r, ok := find(v.Fields[i].Key); ok {
				return policy.UnknownValue(r, v.Range)
			}
			v.Fields[i].Value = replaceTokens(v.Fields[i].Value, reasons)
		}
	case policy.Null, policy.Number, policy.Bool, policy.Unknown:
	}
	return v
}

// posMapper maps positions in rendered template text back to the source.
type posMapper struct {
	text       string
	lineStarts []int
	segs       []segment
	file       string
	src        []byte
	srcLines   []int
}

func (ev *evaluator) newPosMapper(text string, segs []segment, file string) *posMapper {
	mp := &posMapper{text: text, segs: segs, file: file, lineStarts: []int{0}}
	for i := range len(text) {
		if text[i] == '\n' {
			mp.lineStarts = append(mp.lineStarts, i+1)
		}
	}
	mp.src = ev.ls.source(file)
	if mp.src != nil {
		mp.srcLines = []int{0}
		for i, c := range mp.src {
			if c == '\n' {
				mp.srcLines = append(mp.srcLines, i+1)
			}
		}
	}
	return mp
}

func (mp *posMapper) offset(p policy.Pos) int {
	if p.Line < 1 || p.Line > len(mp.lineStarts) {
		return len(mp.text)
	}
	off := mp.lineStarts[p.Line-1]
	for c := 1; c < p.Column && off < len(mp.text) && mp.text[off] != '\n'; c++ {
		_, size := utf8.DecodeRuneInString(mp.text[off:])
		off += size
	}
	return off
}

func leadingSpace(s string) int {
	n := 0
	for n < len(s) && (s[n] == ' ' || s[n] == '\t') {
		n++
	}
	return n
}

func (mp *posMapper) srcLine(line int) string {
	if mp.srcLines == nil || line < 1 || line > len(mp.srcLines) {
		return ""
	}
	start := mp.srcLines[line-1]
	end := len(mp.src)
	if line < len(mp.srcLines) {
		end = mp.srcLines[line] - 1
	}
	return string(mp.src[start:end])
}

func (mp *posMapper) pos(p policy.Pos) policy.Pos {
	off := mp.offset(p)
	i := max(sort.Search(len(mp.segs), func(i int) bool { return mp.segs[i].out > off })-1, 0)
	if len(mp.segs) == 0 {
		return p
	}
	sg := mp.segs[i]
	if !sg.lit {
		return policy.Pos{Line: sg.src.Line, Column: sg.src.Column}
	}
	stretch := mp.text[sg.out:min(off, len(mp.text))]
	nl := strings.Count(stretch, "\n")
	if nl == 0 {
		return policy.Pos{Line: sg.src.Line, Column: sg.src.Column + utf8.RuneCountInString(stretch)}
	}
	lineStart := strings.LastIndexByte(stretch, '\n') + 1
	col := utf8.RuneCountInString(stretch[lineStart:]) + 1
	line := sg.src.Line + nl
	// A flush heredoc (<<-) strips indentation: add it back.
	outLineStart := sg.out + lineStart
	outLineEnd := strings.IndexByte(mp.text[outLineStart:], '\n')
	outLine := mp.text[outLineStart:]
	if outLineEnd >= 0 {
		outLine = outLine[:outLineEnd]
	}
	if adj := leadingSpace(mp.srcLine(line)) - leadingSpace(outLine); adj > 0 {
		col += adj
	}
	return policy.Pos{Line: line, Column: col}
}

func (mp *posMapper) rng(r policy.Range) policy.Range {
	return policy.Range{File: mp.file, Start: mp.pos(r.Start), End: mp.pos(r.End)}
}

func (mp *posMapper) remap(v policy.Value) policy.Value {
	v.Range = mp.rng(v.Range)
	for i := range v.Items {
		v.Items[i] = mp.remap(v.Items[i])
	}
	for i := range v.Fields {
		v.Fields[i].KeyRange = mp.rng(v.Fields[i].KeyRange)
		v.Fields[i].Value = mp.remap(v.Fields[i].Value)
	}
	return v
}
