package terraform

// The resource types that grant access, and how their arguments become
// documents, are in loaders/tftypes (shared with loaders/tfplan); this file
// evaluates a block's arguments for it, names the exposed resource and
// records the blocks tftypes.Link joins to other resources.

import (
	"cmp"
	"maps"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/tftypes"
	"github.com/perimeter-iac/perimeter/policy"
)

// emit appends the resources one block grants through (one per instance)
// and the facts it records for tftypes.Link.
func (m *modInst) emit(b *block) {
	rt, isType := tftypes.Lookup(b.typ)
	spec, isFact := tftypes.LookupFact(b.typ)
	if !isType && !isFact {
		return
	}
	ev := m.ev
	defer func() {
		if r := recover(); r != nil {
			ev.diags = append(ev.diags, loaders.PanicError(toRange(b.decl), "while loading "+m.prefix()+b.key(), r, debug.Stack()))
		}
	}()
	if isType && rt.Optional && !slices.ContainsFunc(rt.OptionalArgs(), func(name string) bool { return hasArg(b.body, name) }) {
		isType = false
	}
	if !isType && !isFact {
		return
	}
	is := m.instances(b.key(), b.count, b.forEach, m.prefix()+b.key())
	for _, k := range is.keys {
		if isType {
			if r, ok := m.emitInstance(b, rt, is, k); ok {
				ev.out = append(ev.out, r)
			}
		}
		if isFact {
			ev.facts = append(ev.facts, m.fact(b, spec, is, k))
		}
	}
}

// hasArg reports whether a block body sets an argument or holds a nested
// block (static or dynamic) of that name.
func hasArg(body hcl.Body, name string) bool {
	if _, ok := configuredAttr(body, name); ok {
		return true
	}
	if sb, ok := body.(*hclsyntax.Body); ok {
		for _, nb := range sb.Blocks {
			if nb.Type == name || (nb.Type == "dynamic" && len(nb.Labels) == 1 && nb.Labels[0] == name) {
				return true
			}
		}
	}
	return false
}

// emitInstance builds the resource of one instance; ok is false when the
// instance attaches no policy.
func (m *modInst) emitInstance(b *block, rt tftypes.Type, is *instSet, k instKey) (loaders.Resource, bool) {
	sc := m.blockScope(is, k)
	r := loaders.Resource{
		Type:        b.typ,
		Address:     m.blockAddr(b, k),
		Source:      loaders.SourceTerraform,
		Range:       toRange(b.rng),
		DeclRange:   toRange(b.decl),
		ModuleChain: m.chain,
		Condition:   m.condition,
	}
	if is.unknown {
		r.Condition = is.reason
	}
	args := func(name string, doc bool) (tftypes.Arg, bool) { return sc.argAt(b.body, name, doc, 0) }
	ls := m.ev.ls
	in, diags := rt.Build(tftypes.Block{
		Name: b.key(), Range: toRange(b.rng), Decl: toRange(b.decl),
		Address: r.Address, OwnAccount: ls.account, Partition: ls.partition,
	}, args)
	m.ev.diags = append(m.ev.diags, diags...)
	r.Kind, r.Documents, r.Settings = in.Kind, in.Documents, in.Settings
	if len(r.Documents) == 0 {
		return r, false
	}
	r.Target, r.TargetName = sc.target(rt, b, k, r.Address)
	return r, true
}

// fact records one instance of a block tftypes.Link reads.
func (m *modInst) fact(b *block, spec tftypes.FactSpec, is *instSet, k instKey) tftypes.Fact {
	sc := m.blockScope(is, k)
	f := tftypes.Fact{
		Type: b.typ, Address: m.blockAddr(b, k), Range: toRange(b.rng), Decl: toRange(b.decl),
		Args: map[string]tftypes.Arg{}, Condition: m.condition,
	}
	if is.unknown {
		f.Condition = is.reason
	}
	for _, name := range spec.Args {
		if a, ok := sc.argAt(b.body, name, false, 0); ok {
			f.Args[name] = a
		}
	}
	if spec.Target != "" {
		if expr, esc, ok := sc.exprAt(b.body, spec.Target, 0); ok {
			f.Target = esc.targetAddr(expr, 0)
			v := esc.eval(expr)
			f.TargetName = knownName(v)
			if f.Target == "" && f.TargetName == "" {
				f.TargetReason = esc.unknownReason(v, expr)
			}
		}
	}
	if spec.Name != "" {
		if a, ok := sc.argAt(b.body, spec.Name, false, 0); ok && a.Value.Kind == policy.String {
			f.Name = a.Value.Str
		}
	} else if v, ok := computedAttr(sc, b, k, "arn"); ok {
		f.Name = knownName(v)
	}
	return f
}

// unknownReason explains why a value names nothing: its unknown reasons,
// or what it is.
func (s *scope) unknownReason(v cty.Value, expr hcl.Expression) string {
	if hasPlaceholder(v) {
		return s.inst.ev.exprText(expr.Range()) + " has no name fixed in the configuration"
	}
	uv, marks := v.UnmarkDeep()
	if !uv.IsKnown() {
		if r := joinReasons(reasonsOf(marks)); r != "" {
			return r
		}
		return s.fallbackReason(expr)
	}
	return s.inst.ev.exprText(expr.Range()) + " is not a name"
}

// argAt resolves an argument of a block body for tftypes: an attribute
// (walked, so that policies keep their positions), or a nested block type
// as a list of objects (dynamic blocks expanded). A dotted path reaches
// into a nested block, or into an attribute's object or JSON value.
func (s *scope) argAt(body hcl.Body, path string, doc bool, depth int) (tftypes.Arg, bool) {
	if depth > 16 {
		return tftypes.Arg{}, false
	}
	name, rest, dotted := strings.Cut(path, ".")
	attrAt := configuredAttr
	if depth > 0 {
		attrAt = bodyAttr
	}
	// In JSON syntax a nested block is a property holding an object (or a
	// list of objects): read it as blocks, so its arguments keep their
	// own positions. A policy argument is never a block.
	if a, ok := attrAt(body, name); ok && (!isJSONBody(body) || (doc && !dotted) || !s.jsonBlockValue(a.Expr)) {
		refs := s.exprInfoOf(a.Expr).names
		if !dotted {
			v := s.walk(a.Expr, doc)
			if !doc {
				v = reRange(v, toRange(a.Range))
			}
			return tftypes.Arg{Value: v, Range: toRange(a.Range), Refs: refs}, true
		}
		v, ok := tftypes.Navigate(s.walk(a.Expr, true), rest)
		if !ok || v.Kind == policy.Null {
			return tftypes.Arg{}, false
		}
		return tftypes.Arg{Value: v, Range: v.Range.Or(toRange(a.Range)), Refs: refs}, true
	}
	nbs := s.blocksOf(body, name, depth)
	if len(nbs) == 0 {
		return tftypes.Arg{}, false
	}
	if dotted {
		for _, nb := range nbs {
			if nb.unknown != "" {
				return tftypes.Arg{Value: policy.UnknownValue(nb.unknown, toRange(nb.def)), Range: toRange(nb.def)}, true
			}
			if a, ok := nb.sc.argAt(nb.body, rest, doc, depth+1); ok {
				return a, true
			}
		}
		return tftypes.Arg{}, false
	}
	list := policy.Value{Kind: policy.List}
	for i, nb := range nbs {
		item := nb.sc.blockObject(nb, depth+1)
		list.Items = append(list.Items, item)
		if i == 0 {
			list.Range = item.Range
		} else {
			list.Range.End = item.Range.End
		}
	}
	return tftypes.Arg{Value: list, Range: list.Range}, true
}

// blockObject is one nested block as an object: its arguments (each
// scalar at its argument's range) and its own nested blocks.
func (s *scope) blockObject(nb nestedBlock, depth int) policy.Value {
	rng := nestedRange(nb)
	if nb.unknown != "" {
		return policy.UnknownValue(nb.unknown, rng)
	}
	obj := policy.Value{Kind: policy.Object, Range: rng}
	if depth > 16 {
		return policy.UnknownValue("nested blocks nest too deeply", rng)
	}
	attrs := bodyAttrs(nb.body)
	for _, name := range sortedKeys(attrs) {
		a := attrs[name]
		if isJSONBody(nb.body) && s.jsonBlockValue(a.Expr) {
			if blk, ok := s.argAt(nb.body, name, false, depth); ok {
				obj.Fields = append(obj.Fields, policy.Field{Key: name, KeyRange: toRange(a.NameRange), Value: blk.Value})
				continue
			}
		}
		v := reRange(s.walk(a.Expr, false), toRange(a.Range))
		obj.Fields = append(obj.Fields, policy.Field{Key: name, KeyRange: toRange(a.NameRange), Value: v})
	}
	for _, typ := range nestedTypes(nb.body) {
		if a, ok := s.argAt(nb.body, typ, false, depth); ok {
			obj.Fields = append(obj.Fields, policy.Field{Key: typ, KeyRange: a.Range, Value: a.Value})
		}
	}
	return obj
}

// nestedRange covers a nested block from its header to its closing brace.
func nestedRange(nb nestedBlock) policy.Range {
	if sb, ok := nb.body.(*hclsyntax.Body); ok {
		return toRange(hcl.RangeBetween(nb.def, sb.SrcRange))
	}
	return toRange(nb.def)
}

func isJSONBody(body hcl.Body) bool {
	_, native := body.(*hclsyntax.Body)
	return !native
}

// jsonBlockValue reports whether a JSON property's value is written as an
// object or a list of objects (a nested block, when the schema says so).
func (s *scope) jsonBlockValue(expr hcl.Expression) bool {
	r := expr.Range()
	src := s.inst.ev.ls.source(r.Filename)
	if src == nil || r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte >= r.End.Byte {
		return false
	}
	text := strings.TrimSpace(string(src[r.Start.Byte:r.End.Byte]))
	if strings.HasPrefix(text, "[") {
		text = strings.TrimSpace(text[1:])
	}
	return strings.HasPrefix(text, "{")
}

// bodyAttrs returns every attribute written in a nested block body.
func bodyAttrs(body hcl.Body) map[string]*hcl.Attribute {
	out := map[string]*hcl.Attribute{}
	if sb, ok := body.(*hclsyntax.Body); ok {
		for name, a := range sb.Attributes {
			out[name] = a.AsHCLAttribute()
		}
		return out
	}
	attrs, _ := body.JustAttributes()
	maps.Copy(out, attrs)
	return out
}

// bodyAttr is bodyAttrs(body)[name], without building the map for a
// native body.
func bodyAttr(body hcl.Body, name string) (*hcl.Attribute, bool) {
	if sb, ok := body.(*hclsyntax.Body); ok {
		a, ok := sb.Attributes[name]
		if !ok {
			return nil, false
		}
		return a.AsHCLAttribute(), true
	}
	a, ok := bodyAttrs(body)[name]
	return a, ok
}

// nestedTypes lists the nested block types of a native body (a dynamic
// block counts as its type), sorted.
func nestedTypes(body hcl.Body) []string {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var out []string
	for _, b := range sb.Blocks {
		typ := b.Type
		if typ == "dynamic" {
			if len(b.Labels) != 1 {
				continue
			}
			typ = b.Labels[0]
		}
		if !slices.Contains(out, typ) {
			out = append(out, typ)
		}
	}
	slices.Sort(out)
	return out
}

// traversalNames renders references as Terraform does
// (aws_dynamodb_table.t.stream_arn; instance keys left out).
func traversalNames(ts []hcl.Traversal) []string {
	var out []string
	for _, t := range ts {
		var b strings.Builder
		b.WriteString(t.RootName())
		for _, step := range t[1:] {
			if a, ok := step.(hcl.TraverseAttr); ok {
				b.WriteString("." + a.Name)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// exprAt finds the expression of an argument at a dotted path (through the
// first nested block that sets it) and the scope it is evaluated in.
func (s *scope) exprAt(body hcl.Body, path string, depth int) (hcl.Expression, *scope, bool) {
	if depth > 16 {
		return nil, nil, false
	}
	name, rest, dotted := strings.Cut(path, ".")
	attrAt := configuredAttr
	if depth > 0 {
		attrAt = bodyAttr
	}
	if a, ok := attrAt(body, name); ok {
		return a.Expr, s, !dotted
	}
	if !dotted {
		return nil, nil, false
	}
	for _, nb := range s.blocksOf(body, name, depth) {
		if nb.unknown != "" {
			continue
		}
		if e, esc, ok := nb.sc.exprAt(nb.body, rest, depth+1); ok {
			return e, esc, true
		}
	}
	return nil, nil, false
}

// target names the exposed resource: the block itself, or what its target
// argument refers to.
func (s *scope) target(rt tftypes.Type, b *block, k instKey, self string) (addr, name string) {
	if rt.Target == "" {
		if v, ok := computedAttr(s, b, k, "arn"); ok {
			name = knownName(v)
		}
		return self, name
	}
	expr, esc, ok := s.exprAt(b.body, rt.Target, 0)
	if !ok {
		return "", rt.DefaultTarget
	}
	addr = esc.targetAddr(expr, 0)
	name = knownName(esc.eval(expr))
	if rt.Qualifier == "" || name == "" {
		return addr, name
	}
	if q, qsc, ok := s.exprAt(b.body, rt.Qualifier, 0); ok {
		if qn := knownName(qsc.eval(q)); qn != "" {
			name += ":" + qn
		}
	}
	return addr, name
}

// link joins the facts an evaluation recorded to its resources.
func (ev *evaluator) link() {
	if len(ev.out) == 0 {
		return
	}
	slices.SortStableFunc(ev.facts, func(a, b tftypes.Fact) int {
		return cmp.Or(cmp.Compare(a.Decl.File, b.Decl.File), cmp.Compare(a.Decl.Start.Line, b.Decl.Start.Line), cmp.Compare(a.Address, b.Address))
	})
	out, diags := tftypes.Link(ev.out, ev.facts, ev.ls.account)
	ev.out = out
	ev.diags = append(ev.diags, diags...)
}

// knownName renders a known string (or number) that does not depend on a
// placeholder name; "" otherwise.
func knownName(v cty.Value) string {
	if hasPlaceholder(v) {
		return ""
	}
	uv, _ := v.UnmarkDeep()
	if !uv.IsKnown() || uv.IsNull() {
		return ""
	}
	switch uv.Type() {
	case cty.String:
		return uv.AsString()
	case cty.Number:
		return numberString(uv.AsBigFloat())
	}
	return ""
}

// reRange gives a scalar or unknown value the range r (the argument that
// names it); containers keep their element ranges.
func reRange(v policy.Value, r policy.Range) policy.Value {
	if v.Kind != policy.List && v.Kind != policy.Object {
		v.Range = r
	}
	return v
}

// targetAddr finds the declared resource an expression refers to
// (aws_s3_bucket.logs for bucket = aws_s3_bucket.logs.id), following
// locals and module inputs. Of several references (try(aws_s3_bucket.this[0].id,
// aws_s3_directory_bucket.this[0].bucket)) the first, in source order, to
// an instance that exists wins.
func (s *scope) targetAddr(expr hcl.Expression, depth int) string {
	if depth > 16 || expr == nil {
		return ""
	}
	cands, keyed := s.indexCandidates(expr)
	cands = append(cands, s.referenceCandidates(expr, keyed, depth)...)
	slices.SortStableFunc(cands, func(a, b targetCandidate) int { return a.at - b.at })
	for _, c := range cands {
		if c.follow == nil {
			return c.addr
		}
		if a := c.follow(); a != "" {
			return a
		}
	}
	return ""
}

// targetCandidate is a reference that may name the exposed resource.
type targetCandidate struct {
	at   int // byte offset, for source order
	addr string
	// follow is set for a local or variable to look through.
	follow func() string
}

// instanceAddr renders the address of the instance key selects, and
// whether it exists (an instance set that is unknown may hold it).
func (m *modInst) instanceAddr(b *block, key cty.Value) (string, bool) {
	is := m.instances(b.key(), b.count, b.forEach, m.prefix()+b.key())
	addr := m.prefix() + b.key()
	if is.unknown {
		return addr, true
	}
	k := cty.NilVal
	if key != cty.NilVal {
		k, _ = key.UnmarkDeep()
	}
	if k == cty.NilVal || !k.IsKnown() || k.IsNull() {
		return addr, len(is.keys) > 0
	}
	for _, ik := range is.keys {
		switch {
		case ik.kind == 1 && k.Type() == cty.Number:
			if n, err := toInt(k); err == nil && n == ik.idx {
				return addr + ik.String(), true
			}
		case ik.kind == 2 && k.Type() == cty.String && k.AsString() == ik.str:
			return addr + ik.String(), true
		}
	}
	return addr, false
}

// indexCandidates finds aws_sqs_queue.q[each.key]: references whose
// instance key is an expression. keyed holds their ranges.
func (s *scope) indexCandidates(expr hcl.Expression) (cands []targetCandidate, keyed map[string]bool) {
	keyed = map[string]bool{}
	se, ok := expr.(hclsyntax.Expression)
	if !ok {
		return nil, keyed
	}
	m := s.inst
	_ = hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
		ix, ok := n.(*hclsyntax.IndexExpr)
		if !ok {
			return nil
		}
		coll, ok := ix.Collection.(*hclsyntax.ScopeTraversalExpr)
		if !ok || len(coll.Traversal) != 2 {
			return nil
		}
		a, ok := coll.Traversal[1].(hcl.TraverseAttr)
		if !ok {
			return nil
		}
		b := m.mod.managed[coll.Traversal.RootName()+"."+a.Name]
		if b == nil {
			return nil
		}
		keyed[rangeKey(coll.SrcRange)] = true
		kv, _ := s.evalDiags(ix.Key)
		if addr, ok := m.instanceAddr(b, kv); ok {
			cands = append(cands, targetCandidate{at: coll.SrcRange.Start.Byte, addr: addr})
		}
		return nil
	})
	return cands, keyed
}

// referenceCandidates finds references to resources, locals and variables.
func (s *scope) referenceCandidates(expr hcl.Expression, keyed map[string]bool, depth int) []targetCandidate {
	m := s.inst
	var cands []targetCandidate
	for _, t := range expr.Variables() {
		root := t.RootName()
		if _, ok := s.iter[root]; ok || keyed[rangeKey(t.SourceRange())] {
			continue
		}
		name := traversalAttr(t, 1)
		at := t.SourceRange().Start.Byte
		switch root {
		case "local":
			if l := m.mod.locals[name]; l != nil {
				cands = append(cands, targetCandidate{at: at, follow: func() string { return m.rootScope().targetAddr(l.expr, depth+1) }})
			}
		case "var":
			if o, ok := m.varOrigin[name]; ok && o.sc != nil {
				cands = append(cands, targetCandidate{at: at, follow: func() string { return o.sc.targetAddr(o.expr, depth+1) }})
			}
		case "data", "module", "path", "count", "each", "self", "terraform":
		default:
			b := m.mod.managed[root+"."+name]
			if b == nil {
				continue
			}
			key := cty.NilVal
			if len(t) > 2 {
				if idx, ok := t[2].(hcl.TraverseIndex); ok {
					key = idx.Key
				}
			}
			if addr, ok := m.instanceAddr(b, key); ok {
				cands = append(cands, targetCandidate{at: at, addr: addr})
			}
		}
	}
	return cands
}
