package terraform

// The resource types that grant access, and how their arguments become
// documents, are in loaders/tftypes (shared with loaders/tfplan); this file
// evaluates a block's arguments for it and names the exposed resource.

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/tftypes"
	"github.com/perimeter-iac/perimeter/policy"
)

// emit appends the resources one block grants through (one per instance).
func (m *modInst) emit(b *block) {
	rt, ok := tftypes.Lookup(b.typ)
	if !ok {
		return
	}
	ev := m.ev
	defer func() {
		if r := recover(); r != nil {
			ev.diags.Errorf(toRange(b.decl), "internal error while loading %s: %v", m.prefix()+b.key(), r)
		}
	}()
	attrs := configuredAttrs(b.body)
	if rt.Optional {
		set := false
		for _, p := range rt.Policies {
			if _, ok := attrs[p]; ok {
				set = true
			}
		}
		if !set {
			return
		}
	}
	is := m.instances(b.key(), b.count, b.forEach, m.prefix()+b.key())
	for _, k := range is.keys {
		if r, ok := m.emitInstance(b, rt, attrs, is, k); ok {
			ev.out = append(ev.out, r)
		}
	}
}

// emitInstance builds the resource of one instance; ok is false when the
// instance attaches no policy.
func (m *modInst) emitInstance(b *block, rt tftypes.Type, attrs map[string]*hcl.Attribute, is *instSet, k instKey) (loaders.Resource, bool) {
	sc := m.blockScope(is, k)
	r := loaders.Resource{
		Type:        b.typ,
		Kind:        rt.Kind,
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
	args := func(name string, doc bool) (tftypes.Arg, bool) {
		a, ok := attrs[name]
		if !ok {
			return tftypes.Arg{}, false
		}
		v := sc.walk(a.Expr, doc)
		if !doc {
			v = reRange(v, toRange(a.Range))
		}
		return tftypes.Arg{Value: v, Range: toRange(a.Range)}, true
	}
	docs, diags := rt.Documents(tftypes.Block{Name: b.key(), Range: toRange(b.rng), Decl: toRange(b.decl)}, args)
	m.ev.diags = append(m.ev.diags, diags...)
	r.Documents = docs
	if len(r.Documents) == 0 {
		return r, false
	}
	r.Target, r.TargetName = sc.target(rt, attrs, b, k, r.Address)
	return r, true
}

// target names the exposed resource: the block itself, or what its target
// argument refers to.
func (s *scope) target(rt tftypes.Type, attrs map[string]*hcl.Attribute, b *block, k instKey, self string) (addr, name string) {
	if rt.Target == "" {
		if v, ok := computedAttr(s, b, k, "arn"); ok {
			name = knownName(v)
		}
		return self, name
	}
	a, ok := attrs[rt.Target]
	if !ok {
		return "", ""
	}
	addr = s.targetAddr(a.Expr, 0)
	name = knownName(s.eval(a.Expr))
	if q, ok := attrs[rt.Qualifier]; ok && name != "" {
		if qn := knownName(s.eval(q.Expr)); qn != "" {
			name += ":" + qn
		}
	}
	return addr, name
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
