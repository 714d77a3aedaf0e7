package terraform

import (
	"fmt"
	"maps"
	"path"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/tftypes"
)

// maxEvalDepth bounds how deeply lazy evaluations (a local referring to a
// local referring to a module output ...) may nest, so hostile input cannot
// exhaust the stack.
const maxEvalDepth = 256

// maxInstances bounds the instances of one counted block or module call.
const maxInstances = 10000

// evaluator evaluates one root module and the modules it calls. It is used
// by one goroutine; roots are evaluated in parallel, each with its own
// evaluator.
type evaluator struct {
	ls      *loadState
	rootDir string
	funcs   map[string]function.Function
	// stack and active detect cycles between lazily evaluated values.
	stack  []string
	active map[string]bool
	diags  loaders.Diagnostics
	out    []loaders.Resource
	// facts are the blocks tftypes.Link joins to out.
	facts []tftypes.Fact
	// memo holds evaluated module instances by their inputs (modules.go).
	memo      map[string]*modInst
	instCount int
	// stubbed holds the function tables with stubs for unknown
	// functions (funcsFor), by the names of those functions.
	stubbed map[string]map[string]function.Function
}

// cell is a lazily evaluated value.
type cell struct {
	state uint8 // 0 not started, 1 evaluating, 2 done
	val   cty.Value
}

// origin is where a variable's value was written, followed when a policy
// refers to the variable so that positions point at the source.
type origin struct {
	expr hcl.Expression
	sc   *scope // nil: a literal (tfvars, default) evaluated without context
}

// modInst is one instance of a module: the root, or one module call (one
// per count index or for_each key).
type modInst struct {
	ev  *evaluator
	mod *module
	// addr is the module path ("" for the root, module.a["x"].module.b).
	addr       string
	chain      []loaders.ModuleCall
	vars       map[string]cty.Value
	varThunks  map[string]func() cty.Value
	varOrigin  map[string]origin
	cells      map[string]*cell
	docs       map[string]*docResult
	expansions map[string]*instSet
	calls      map[string]*callResult
	parent     *modInst
	// regions maps provider names ("aws", "aws.west") to the region
	// their configuration fixes, as the module sees them.
	regions map[string]string
	// names is the module call path without instance keys (the key of
	// .terraform/modules/modules.json).
	names []string
	// condition is set when the instance exists only under a count or
	// for_each of a module call that could not be decided.
	condition string
	// ran and results record the resources emitted by the instance and
	// the modules it calls, for instances shared through memoisation.
	ran     bool
	results []loaders.Resource
	facts   []tftypes.Fact
}

// instKey is the key of one instance of a counted or for_each block.
type instKey struct {
	kind int // 0 none, 1 count index, 2 for_each key
	idx  int
	str  string
	// unknown: the stand-in instance of a block whose count or for_each
	// is unknown; it has no key in addresses.
	unknown bool
}

func (k instKey) String() string {
	if k.unknown {
		return ""
	}
	switch k.kind {
	case 1:
		return fmt.Sprintf("[%d]", k.idx)
	case 2:
		return fmt.Sprintf("[%q]", k.str)
	default:
		return ""
	}
}

// instSet is the expansion of a block's count or for_each.
type instSet struct {
	keys []instKey
	// each holds for_each values by key.
	each map[string]cty.Value
	// mode: 0 single, 1 count, 2 for_each
	mode int
	// unknown is set when count/for_each could not be decided; reason says
	// why and the block is evaluated once with unknown count.index/each.
	unknown bool
	reason  string
}

// scope is where an expression is evaluated: a module instance plus the
// iteration variables of the block instance (count, each) and of dynamic
// blocks and for expressions.
type scope struct {
	inst     *modInst
	key      instKey
	countIdx cty.Value // NilVal when the block has no count
	eachKey  cty.Value // NilVal when the block has no for_each
	eachVal  cty.Value
	iter     map[string]cty.Value
	// template is set for templatefile(): only iter names are visible.
	template bool
}

func (m *modInst) rootScope() *scope { return &scope{inst: m} }

func (s *scope) with(name string, v cty.Value) *scope {
	n := *s
	n.iter = make(map[string]cty.Value, len(s.iter)+1)
	maps.Copy(n.iter, s.iter)
	n.iter[name] = v
	return &n
}

// prefix returns the module path prefix for addresses ("module.a." or "").
func (m *modInst) prefix() string {
	if m.addr == "" {
		return ""
	}
	return m.addr + "."
}

// addHCL records HCL diagnostics from evaluation (errors only: warnings
// from evaluation are noise for a linter).
func (ev *evaluator) addHCL(hd hcl.Diagnostics) {
	for _, d := range hd {
		if d.Severity != hcl.DiagError {
			continue
		}
		r := loaders.Range{}
		if d.Subject != nil {
			r = toRange(*d.Subject)
		}
		ev.diags = append(ev.diags, loaders.Diagnostic{Severity: loaders.Error, Summary: d.Summary, Detail: d.Detail, Range: r})
	}
}

// lazy evaluates f once per key, detecting cycles. ref is where the value
// is referred to, for the cycle diagnostic.
func (m *modInst) lazy(key string, ref hcl.Range, f func() cty.Value) cty.Value {
	c, ok := m.cells[key]
	if !ok {
		c = &cell{}
		m.cells[key] = c
	}
	switch c.state {
	case 2:
		return c.val
	case 1:
		ev := m.ev
		full := m.prefix() + key
		start := slices.Index(ev.stack, full)
		chain := append(slices.Clone(ev.stack[max(start, 0):]), full)
		reason := fmt.Sprintf("%s refers to itself (%s)", full, strings.Join(chain, " -> "))
		ev.diags.Errorf(toRange(ref), "cycle: %s", strings.Join(chain, " -> "))
		return unknownBecause(reason)
	}
	ev := m.ev
	if len(ev.stack) >= maxEvalDepth {
		ev.diags.Errorf(toRange(ref), "references nest deeper than %d levels", maxEvalDepth)
		return unknownBecause(fmt.Sprintf("%s: references nest deeper than %d levels", m.prefix()+key, maxEvalDepth))
	}
	c.state = 1
	ev.stack = append(ev.stack, m.prefix()+key)
	v := f()
	ev.stack = ev.stack[:len(ev.stack)-1]
	c.state, c.val = 2, v
	return v
}

// exprText is the source text of an expression, shortened for messages.
func (ev *evaluator) exprText(r hcl.Range) string {
	f := ev.ls.files[r.Filename]
	if f == nil || r.Start.Byte < 0 || r.End.Byte > len(f.src) || r.Start.Byte >= r.End.Byte {
		return ""
	}
	text := strings.Join(strings.Fields(string(f.src[r.Start.Byte:r.End.Byte])), " ")
	if len(text) > 80 {
		text = text[:77] + "..."
	}
	return text
}

// eval evaluates expr. It never fails: errors become diagnostics and an
// unknown value whose reason quotes the expression and the error.
func (s *scope) eval(expr hcl.Expression) cty.Value {
	v, hd := s.evalDiags(expr)
	s.inst.ev.addHCL(hd)
	return v
}

func (s *scope) evalDiags(expr hcl.Expression) (v cty.Value, hd hcl.Diagnostics) {
	if expr == nil {
		return cty.NullVal(cty.DynamicPseudoType), nil
	}
	defer func() {
		if r := recover(); r != nil {
			rng := expr.Range()
			hd = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "internal error while evaluating", Detail: fmt.Sprintf("%v (stack hash %s); please report it", r, loaders.StackHash(debug.Stack())), Subject: &rng}}
			v = unknownBecause(s.inst.ev.exprText(rng) + " could not be evaluated (internal error)")
		}
	}()
	ctx := s.ctx(expr)
	v, hd = expr.Value(ctx)
	if hd.HasErrors() {
		msg := ""
		for _, d := range hd {
			if d.Severity == hcl.DiagError {
				msg = d.Summary
				if d.Detail != "" {
					msg += ": " + d.Detail
				}
				break
			}
		}
		text := s.inst.ev.exprText(expr.Range())
		if text == "" {
			text = describeRange(expr.Range())
		}
		v = unknownBecause(fmt.Sprintf("%s cannot be evaluated: %s", text, msg))
	}
	return v, hd
}

// ctx builds the evaluation context for expr, resolving only the names the
// expression refers to (lazily evaluating locals, resources and so on).
func (s *scope) ctx(expr hcl.Expression) *hcl.EvalContext {
	info := s.exprInfoOf(expr)
	vars := make(map[string]cty.Value, len(s.iter)+len(info.refs))
	maps.Copy(vars, s.iter)
	ctx := &hcl.EvalContext{Variables: vars, Functions: s.inst.ev.funcsFor(info.calls)}
	if s.template {
		return ctx
	}
	r := s.collectRefs(info, vars)
	m := s.inst
	if len(r.locals) > 0 {
		locals := map[string]cty.Value{}
		for _, name := range sortedKeys(r.locals) {
			if _, ok := m.mod.locals[name]; ok {
				locals[name] = m.local(name, r.locals[name])
			} else {
				r.undeclare("local."+name, r.locals[name])
			}
		}
		vars["local"] = cty.ObjectVal(locals)
	}
	if len(r.vars) > 0 {
		obj := make(map[string]cty.Value, len(r.vars))
		for _, name := range sortedKeys(r.vars) {
			obj[name] = m.variable(name, r.vars[name])
		}
		vars["var"] = cty.ObjectVal(obj)
	}
	s.resolveBlocks(r, vars)
	if len(r.undeclared) > 0 {
		s.undeclaredVars(r.undeclared, vars)
	}
	return ctx
}

// refs are the names an expression refers to (each map nil while empty).
type refs struct {
	locals     map[string]hcl.Range
	vars       map[string]hcl.Range
	undeclared map[string]hcl.Range // "var.x", "local.y", "aws_s3_bucket.b", ...
	blocks     map[string]*need     // "type.name", "data.type.name" or "module.name"
}

// need is what an expression reads of a block: some attributes, or all.
type need struct {
	attrs map[string]bool
	all   bool
	ref   hcl.Range
}

// exprInfo is what an expression needs whatever scope it is evaluated
// in: its references sorted by kind and the functions it calls. It
// depends on the expression alone, so it is computed once per expression
// (exprInfoOf) rather than for every module instance that evaluates it.
type exprInfo struct {
	refs []exprRef
	// calls are the names of the functions the expression calls, each
	// once, in the order they first appear.
	calls []string
	// names are the references as Terraform renders them
	// (traversalNames).
	names []string
}

// exprCache holds the analysis of the expressions evaluated in a
// module's scope and the nested blocks read from its bodies. The
// evaluators of the roots calling the module share it, in parallel.
type exprCache struct {
	infos  sync.Map // hcl.Expression → *exprInfo
	blocks sync.Map // blocksKey → hcl.Blocks (blocksOf)
}

type refKind uint8

const (
	refVar    refKind = iota // var.name
	refLocal                 // local.name
	refBlock                 // a resource, data source or module call
	refSimple                // count, each, path, terraform, self
)

// exprRef is one reference of an expression (one traversal of
// expr.Variables(), in order).
type exprRef struct {
	root string
	kind refKind
	// name is the variable or local name, or the block key ("type.name",
	// "data.type.name", "module.name").
	name string
	rng  hcl.Range
	// attrs are the attributes a block reference reads; all: the whole
	// object.
	attrs []string
	all   bool
}

// exprInfoOf returns the analysis of expr, cached in the module of the
// scope for native expressions (pointers, immutable after parsing; the
// cache keeps them alive, so a pointer cannot be reused for another
// expression while cached). A JSON body makes new expressions on every
// call: caching them would only keep them.
func (s *scope) exprInfoOf(expr hcl.Expression) *exprInfo {
	cache := s.inst.mod.infos
	if _, native := expr.(hclsyntax.Expression); cache == nil || !native {
		return analyse(expr)
	}
	if v, ok := cache.infos.Load(expr); ok {
		if info, ok := v.(*exprInfo); ok {
			return info
		}
	}
	info := analyse(expr)
	if v, loaded := cache.infos.LoadOrStore(expr, info); loaded {
		if first, ok := v.(*exprInfo); ok {
			return first
		}
	}
	return info
}

// analyse computes the analysis of expr afresh.
func analyse(expr hcl.Expression) *exprInfo {
	covered, calls := syntaxFacts(expr)
	info := &exprInfo{calls: calls}
	vars := expr.Variables()
	// Clipped: a caller appending to the shared slice copies it.
	info.names = slices.Clip(traversalNames(vars))
	for _, t := range vars {
		root := t.RootName()
		attr := func(i int) string { return traversalAttr(t, i) }
		switch root {
		case "var":
			if name := attr(1); name != "" {
				info.refs = append(info.refs, exprRef{root: root, kind: refVar, name: name, rng: t.SourceRange()})
			}
		case "local":
			if name := attr(1); name != "" {
				info.refs = append(info.refs, exprRef{root: root, kind: refLocal, name: name, rng: t.SourceRange()})
			}
		case "data":
			if a1, a2 := attr(1), attr(2); a1 != "" && a2 != "" {
				info.refs = append(info.refs, blockRef(root, "data."+a1+"."+a2, t, 3, covered))
			}
		case "module":
			if name := attr(1); name != "" {
				info.refs = append(info.refs, blockRef(root, "module."+name, t, 2, covered))
			}
		case "count", "each", "path", "terraform", "self":
			info.refs = append(info.refs, exprRef{root: root, kind: refSimple})
		default:
			if name := attr(1); name != "" {
				info.refs = append(info.refs, blockRef(root, root+"."+name, t, 2, covered))
			}
		}
	}
	return info
}

// blockRef is the reference t makes to the block key, with the attribute
// it reads (at attrStep, after one optional instance key).
func blockRef(root, key string, t hcl.Traversal, attrStep int, covered map[byteRange][]string) exprRef {
	ref := exprRef{root: root, kind: refBlock, name: key, rng: t.SourceRange()}
	// Skip one index step (an instance key).
	if attrStep < len(t) {
		if _, ok := t[attrStep].(hcl.TraverseIndex); ok {
			attrStep++
		}
	}
	if attrStep < len(t) {
		if a, ok := t[attrStep].(hcl.TraverseAttr); ok {
			ref.attrs = []string{a.Name}
			return ref
		}
	}
	// aws_x.y[*].arn, aws_x.y[count.index].arn: the attribute follows in
	// the syntax, not in the traversal.
	if names, ok := covered[byteRangeOf(t.SourceRange())]; ok {
		ref.attrs = names
		return ref
	}
	ref.all = true
	return ref
}

// collectRefs sorts expr's references by kind; the simple ones (count,
// each, path, terraform, self) go straight into vars.
func (s *scope) collectRefs(info *exprInfo, vars map[string]cty.Value) *refs {
	r := &refs{}
	m := s.inst
	for i := range info.refs {
		x := &info.refs[i]
		if _, ok := s.iter[x.root]; ok {
			continue
		}
		switch x.kind {
		case refVar:
			if _, declared := m.mod.variables[x.name]; declared {
				if r.vars == nil {
					r.vars = map[string]hcl.Range{}
				}
				r.vars[x.name] = x.rng
			} else {
				r.undeclare("var."+x.name, x.rng)
			}
		case refLocal:
			if r.locals == nil {
				r.locals = map[string]hcl.Range{}
			}
			r.locals[x.name] = x.rng
		case refSimple:
			s.simpleRef(x.root, vars)
		case refBlock:
			n := r.blocks[x.name]
			if n == nil {
				if r.blocks == nil {
					r.blocks = map[string]*need{}
				}
				n = &need{attrs: map[string]bool{}, ref: x.rng}
				r.blocks[x.name] = n
			}
			for _, a := range x.attrs {
				n.attrs[a] = true
			}
			if x.all {
				n.all = true
			}
		}
	}
	return r
}

// undeclare records a reference to something not declared.
func (r *refs) undeclare(key string, rng hcl.Range) {
	if r.undeclared == nil {
		r.undeclared = map[string]hcl.Range{}
	}
	r.undeclared[key] = rng
}

// traversalAttr is the attribute name at step i of t, or "".
func traversalAttr(t hcl.Traversal, i int) string {
	if i < len(t) {
		if a, ok := t[i].(hcl.TraverseAttr); ok {
			return a.Name
		}
	}
	return ""
}

// simpleRef sets count, each, path, terraform or self.
func (s *scope) simpleRef(root string, vars map[string]cty.Value) {
	m := s.inst
	switch root {
	case "count":
		if s.countIdx != cty.NilVal {
			vars["count"] = cty.ObjectVal(map[string]cty.Value{"index": s.countIdx})
		}
	case "each":
		if s.eachKey != cty.NilVal {
			vars["each"] = cty.ObjectVal(map[string]cty.Value{"key": s.eachKey, "value": s.eachVal})
		}
	case "path":
		vars["path"] = cty.ObjectVal(map[string]cty.Value{
			"module": cty.StringVal(m.ev.relToRoot(m.mod.dir)),
			"root":   cty.StringVal("."),
			// Terraform's working directory is the root module's; paths
			// are relative to it here (abspath only cleans), so it is "."
			// and abspath(path.root) == path.cwd holds, as in Terraform.
			"cwd": cty.StringVal("."),
		})
	case "terraform":
		vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal(m.ev.ls.workspace)})
	case "self":
		vars["self"] = unknownBecause("self is known only after apply")
	}
}

// resolveBlocks evaluates the resources, data sources and module calls an
// expression refers to.
func (s *scope) resolveBlocks(r *refs, vars map[string]cty.Value) {
	if len(r.blocks) == 0 && len(r.undeclared) == 0 {
		return
	}
	m := s.inst
	data := map[string]map[string]cty.Value{}
	managed := map[string]map[string]cty.Value{}
	modules := map[string]cty.Value{}
	for _, k := range sortedKeys(r.blocks) {
		n := r.blocks[k]
		var attrs []string
		if !n.all {
			attrs = sortedKeys(n.attrs)
		}
		switch {
		case strings.HasPrefix(k, "data."):
			b := m.mod.data[k]
			if b == nil {
				b = m.argumentFreeData(k, n.ref)
			}
			if b == nil {
				r.undeclare(k, n.ref)
				continue
			}
			if data[b.typ] == nil {
				data[b.typ] = map[string]cty.Value{}
			}
			data[b.typ][b.name] = m.blockValue(b, attrs, n.all, n.ref)
		case strings.HasPrefix(k, "module."):
			mc := m.mod.calls[strings.TrimPrefix(k, "module.")]
			if mc == nil {
				r.undeclare(k, n.ref)
				continue
			}
			modules[mc.name] = m.callValue(mc, attrs, n.all, n.ref)
		default:
			b := m.mod.managed[k]
			if b == nil {
				r.undeclare(k, n.ref)
				continue
			}
			if managed[b.typ] == nil {
				managed[b.typ] = map[string]cty.Value{}
			}
			managed[b.typ][b.name] = m.blockValue(b, attrs, n.all, n.ref)
		}
	}
	s.addUndeclared(r.undeclared, data, managed, modules)
	if len(data) > 0 {
		obj := map[string]cty.Value{}
		for typ, names := range data {
			obj[typ] = cty.ObjectVal(names)
		}
		vars["data"] = cty.ObjectVal(obj)
	}
	if len(modules) > 0 {
		vars["module"] = cty.ObjectVal(modules)
	}
	for typ, names := range managed {
		vars[typ] = cty.ObjectVal(names)
	}
}

func rangeKey(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Byte, r.End.Byte)
}

// byteRange identifies a range as rangeKey does, without formatting.
type byteRange struct {
	file       string
	start, end int
}

func byteRangeOf(r hcl.Range) byteRange { return byteRange{r.Filename, r.Start.Byte, r.End.Byte} }

// syntaxFacts walks expr once for what its traversals do not say: the
// references whose attribute is applied by a splat, an index expression
// or a relative traversal (aws_x.y[*].arn, aws_x.y[count.index].arn), by
// the reference's range, and the functions it calls, each once.
func syntaxFacts(expr hcl.Expression) (covered map[byteRange][]string, calls []string) {
	se, ok := expr.(hclsyntax.Expression)
	if !ok {
		return nil, nil
	}
	switch se.(type) {
	case *hclsyntax.LiteralValueExpr, *hclsyntax.ScopeTraversalExpr:
		// No child nodes, neither a call nor a splat: spare the walk.
		return nil, nil
	}
	add := func(source hclsyntax.Expression, t hcl.Traversal) {
		st := traversalSource(source)
		name := traversalAttr(t, 0)
		if st == nil || name == "" {
			return
		}
		if covered == nil {
			covered = map[byteRange][]string{}
		}
		k := byteRangeOf(st.SrcRange)
		covered[k] = append(covered[k], name)
	}
	_ = hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.FunctionCallExpr:
			if !slices.Contains(calls, x.Name) {
				calls = append(calls, x.Name)
			}
		case *hclsyntax.RelativeTraversalExpr:
			add(x.Source, x.Traversal)
		case *hclsyntax.SplatExpr:
			if rel, ok := x.Each.(*hclsyntax.RelativeTraversalExpr); ok {
				add(x.Source, rel.Traversal)
			}
		}
		return nil
	})
	return covered, calls
}

// traversalSource is the reference an index, splat or relative traversal
// applies to (through at most four indexes and parentheses), or nil.
func traversalSource(e hclsyntax.Expression) *hclsyntax.ScopeTraversalExpr {
	for range 4 {
		switch x := e.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			return x
		case *hclsyntax.IndexExpr:
			e = x.Collection
		case *hclsyntax.ParenthesesExpr:
			e = x.Expression
		default:
			return nil
		}
	}
	return nil
}

// addUndeclared reports references to undeclared resources, data sources
// and module calls (a warning: Terraform would reject the configuration,
// but the rest of it can still be analysed) and gives each an unknown
// value that says so.
func (s *scope) addUndeclared(undeclared map[string]hcl.Range, data, managed map[string]map[string]cty.Value, modules map[string]cty.Value) {
	for _, k := range sortedKeys(undeclared) {
		ref := undeclared[k]
		parts := strings.Split(k, ".")
		switch {
		case parts[0] == "var" || parts[0] == "local":
			continue
		case parts[0] == "data" && len(parts) == 3 && data != nil:
			if data[parts[1]] == nil {
				data[parts[1]] = map[string]cty.Value{}
			}
			data[parts[1]][parts[2]] = s.undeclaredVal(k, ref)
		case parts[0] == "module" && len(parts) == 2 && modules != nil:
			modules[parts[1]] = s.undeclaredVal(k, ref)
		case len(parts) == 2 && managed != nil:
			if managed[parts[0]] == nil {
				managed[parts[0]] = map[string]cty.Value{}
			}
			managed[parts[0]][parts[1]] = s.undeclaredVal(k, ref)
		}
	}
}

// argumentFreeData stands in for an undeclared data source whose value
// does not depend on its arguments (data.aws_caller_identity.current
// without its block): it can only mean the caller's account, so it
// resolves as if declared, with a warning.
func (m *modInst) argumentFreeData(key string, ref hcl.Range) *block {
	parts := strings.Split(key, ".")
	if len(parts) != 3 {
		return nil
	}
	switch parts[1] {
	case "aws_caller_identity", "aws_partition", "aws_canonical_user_id":
	default:
		return nil
	}
	m.ev.diags.Warnf(toRange(ref), "reference to undeclared %s%s (resolved as the data source would be)", m.prefix(), key)
	return &block{data: true, typ: parts[1], name: parts[2], body: hcl.EmptyBody(), decl: ref, rng: ref}
}

// undeclaredVars adds unknown values for undeclared variables and locals.
func (s *scope) undeclaredVars(undeclared map[string]hcl.Range, vars map[string]cty.Value) {
	extra := map[string]map[string]cty.Value{}
	for _, k := range sortedKeys(undeclared) {
		root, name, _ := strings.Cut(k, ".")
		if root != "var" && root != "local" {
			continue
		}
		if extra[root] == nil {
			extra[root] = map[string]cty.Value{}
			if v, ok := vars[root]; ok && v.Type().IsObjectType() {
				maps.Copy(extra[root], v.AsValueMap())
			}
		}
		extra[root][name] = s.undeclaredVal(k, undeclared[k])
	}
	for root, attrs := range extra {
		vars[root] = cty.ObjectVal(attrs)
	}
}

func (s *scope) undeclaredVal(what string, ref hcl.Range) cty.Value {
	m := s.inst
	m.ev.diags.Warnf(toRange(ref), "reference to undeclared %s%s", m.prefix(), what)
	return unknownBecause(fmt.Sprintf("%s%s is not declared", m.prefix(), what))
}

// variable returns var.name: set for a root module, evaluated lazily (and
// once) from the caller's argument for a called module, so that a module
// input may depend on another output of the same module, as Terraform
// allows.
func (m *modInst) variable(name string, ref hcl.Range) cty.Value {
	if v, ok := m.vars[name]; ok {
		return v
	}
	th, ok := m.varThunks[name]
	if !ok {
		return unknownBecause(fmt.Sprintf("%svar.%s has no value", m.prefix(), name))
	}
	return m.lazy("var."+name, ref, th)
}

// local evaluates local.name once.
func (m *modInst) local(name string, ref hcl.Range) cty.Value {
	l := m.mod.locals[name]
	return m.lazy("local."+name, ref, func() cty.Value {
		return m.rootScope().eval(l.expr)
	})
}

// relToRoot renders a module directory relative to the root directory, the
// way Terraform's path.module reads.
func (ev *evaluator) relToRoot(dir string) string {
	return relPath(ev.rootDir, dir)
}

// relPath returns target relative to base; both are slash paths relative to
// the same working directory (or both absolute).
func relPath(base, target string) string {
	base, target = path.Clean(base), path.Clean(target)
	if base == target {
		return "."
	}
	bp, tp := splitPath(base), splitPath(target)
	i := 0
	for i < len(bp) && i < len(tp) && bp[i] == tp[i] {
		i++
	}
	var parts []string
	for range bp[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, tp[i:]...)
	if len(parts) == 0 {
		return "."
	}
	return strings.Join(parts, "/")
}

func splitPath(p string) []string {
	if p == "." {
		return nil
	}
	return strings.Split(strings.TrimPrefix(p, "/"), "/")
}

// instances expands a block's count or for_each (memoised per block).
func (m *modInst) instances(key string, count, forEach hcl.Expression, what string) *instSet {
	if is, ok := m.expansions[key]; ok {
		return is
	}
	is := &instSet{}
	m.expansions[key] = is
	switch {
	case count != nil:
		m.expandCount(is, count, what)
	case forEach != nil:
		m.expandForEach(is, forEach, what)
	default:
		is.keys = []instKey{{}}
	}
	return is
}

func (is *instSet) setUnknown(kind int, reason string) {
	is.unknown = true
	is.reason = reason
	is.keys = []instKey{{kind: kind, idx: -1, unknown: true}}
}

func (m *modInst) expandCount(is *instSet, count hcl.Expression, what string) {
	is.mode = 1
	v, marks := m.rootScope().eval(count).UnmarkDeep()
	if !v.IsKnown() || v.IsNull() {
		reason := joinReasons(reasonsOf(marks))
		if reason == "" {
			reason = m.ev.exprText(count.Range()) + " is unknown"
		}
		is.setUnknown(1, fmt.Sprintf("count of %s is unknown: %s", what, reason))
		return
	}
	n, err := toInt(v)
	if err != nil || n < 0 {
		m.ev.diags.Errorf(toRange(count.Range()), "invalid count for %s: %v", what, orMsg(err, "negative"))
		return
	}
	if n > maxInstances {
		m.ev.diags.Errorf(toRange(count.Range()), "count for %s is %d; perimeter evaluates at most %d instances", what, n, maxInstances)
		n = maxInstances
	}
	for i := range n {
		is.keys = append(is.keys, instKey{kind: 1, idx: i})
	}
}

func (m *modInst) expandForEach(is *instSet, forEach hcl.Expression, what string) {
	is.mode = 2
	is.each = map[string]cty.Value{}
	uv, marks := m.rootScope().eval(forEach).Unmark()
	if !uv.IsKnown() || uv.IsNull() || !uv.CanIterateElements() {
		if uv.IsKnown() && !uv.IsNull() {
			m.ev.diags.Errorf(toRange(forEach.Range()), "for_each of %s must be a map or a set of strings", what)
		}
		reason := joinReasons(append(reasonsOf(marks), deepReasons(uv)...))
		if reason == "" {
			reason = m.ev.exprText(forEach.Range()) + " is unknown"
		}
		is.setUnknown(2, fmt.Sprintf("for_each of %s is unknown: %s", what, reason))
		return
	}
	byValue := uv.Type().IsSetType() || uv.Type().IsListType() || uv.Type().IsTupleType()
	for it := uv.ElementIterator(); it.Next(); {
		k, val := it.Element()
		if byValue {
			k = val
		}
		k, kmarks := k.UnmarkDeep()
		if !k.IsKnown() {
			reason := joinReasons(reasonsOf(kmarks))
			if reason == "" {
				reason = "a key is unknown"
			}
			is.setUnknown(2, fmt.Sprintf("for_each of %s is unknown: %s", what, reason))
			return
		}
		if len(is.keys) >= maxInstances {
			m.ev.diags.Errorf(toRange(forEach.Range()), "for_each for %s has more than %d elements; perimeter evaluates at most %d instances", what, maxInstances, maxInstances)
			return
		}
		ks, err := toStringKey(k)
		if err != nil {
			m.ev.diags.Errorf(toRange(forEach.Range()), "for_each of %s: %v", what, err)
			continue
		}
		is.keys = append(is.keys, instKey{kind: 2, str: ks})
		is.each[ks] = val
	}
}

func orMsg(err error, msg string) string {
	if err != nil {
		return err.Error()
	}
	return msg
}

// blockScope is the scope of one instance of a block.
func (m *modInst) blockScope(is *instSet, k instKey) *scope {
	s := m.rootScope()
	s.key = k
	switch is.mode {
	case 1:
		if is.unknown {
			s.countIdx = unknownOf(cty.Number, is.reason)
		} else {
			s.countIdx = cty.NumberIntVal(int64(k.idx))
		}
	case 2:
		if is.unknown {
			s.eachKey = unknownOf(cty.String, is.reason)
			s.eachVal = unknownBecause(is.reason)
		} else {
			s.eachKey = cty.StringVal(k.str)
			s.eachVal = is.each[k.str]
		}
	}
	return s
}

// blockValue is the value of a resource or data block as a reference sees
// it: one object per instance (a tuple for count, an object for for_each),
// holding the attributes the referring expression uses (all when all).
func (m *modInst) blockValue(b *block, attrs []string, all bool, ref hcl.Range) cty.Value {
	is := m.instances(b.key(), b.count, b.forEach, m.prefix()+b.key())
	if is.unknown {
		return unknownBecause(is.reason)
	}
	obj := func(k instKey) cty.Value {
		names := attrs
		if all {
			names = m.allAttrs(b)
		}
		vals := make(map[string]cty.Value, len(names))
		for _, a := range names {
			vals[a] = m.attr(b, is, k, a, ref)
		}
		return cty.ObjectVal(vals)
	}
	switch is.mode {
	case 1:
		if len(is.keys) == 0 {
			return cty.EmptyTupleVal
		}
		var items []cty.Value
		for _, k := range is.keys {
			items = append(items, obj(k))
		}
		return cty.TupleVal(items)
	case 2:
		if len(is.keys) == 0 {
			return cty.EmptyObjectVal
		}
		items := map[string]cty.Value{}
		for _, k := range is.keys {
			items[k.str] = obj(k)
		}
		return cty.ObjectVal(items)
	default:
		return obj(instKey{})
	}
}

// configuredAttrs returns the arguments written in a block body (without
// meta-arguments and nested blocks).
func configuredAttrs(body hcl.Body) map[string]*hcl.Attribute {
	out := map[string]*hcl.Attribute{}
	if sb, ok := body.(*hclsyntax.Body); ok {
		for name, a := range sb.Attributes {
			if !metaArguments[name] {
				out[name] = a.AsHCLAttribute()
			}
		}
		return out
	}
	attrs, _ := body.JustAttributes()
	for name, a := range attrs {
		if !metaArguments[name] {
			out[name] = a
		}
	}
	return out
}

// configuredAttr is configuredAttrs(body)[name], without building the map
// for a native body.
func configuredAttr(body hcl.Body, name string) (*hcl.Attribute, bool) {
	if sb, ok := body.(*hclsyntax.Body); ok {
		a, ok := sb.Attributes[name]
		if !ok || metaArguments[name] {
			return nil, false
		}
		return a.AsHCLAttribute(), true
	}
	a, ok := configuredAttrs(body)[name]
	return a, ok
}

// nestedBlocksOf is nestedBlocks(body)[name], without building the map.
func nestedBlocksOf(body hcl.Body, name string) ([]*hclsyntax.Block, bool) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok || metaArguments[name] || name == "dynamic" {
		return nil, false
	}
	var out []*hclsyntax.Block
	for _, b := range sb.Blocks {
		if b.Type == name {
			out = append(out, b)
		}
	}
	return out, out != nil
}

// nestedBlocks returns the nested block types written in a native body.
func nestedBlocks(body hcl.Body) map[string][]*hclsyntax.Block {
	out := map[string][]*hclsyntax.Block{}
	if sb, ok := body.(*hclsyntax.Body); ok {
		for _, b := range sb.Blocks {
			if !metaArguments[b.Type] && b.Type != "dynamic" {
				out[b.Type] = append(out[b.Type], b)
			}
		}
	}
	return out
}

// allAttrs lists the attributes a whole-object reference gets: the
// configured arguments, the nested blocks and the computed attributes the
// loader knows for the type.
func (m *modInst) allAttrs(b *block) []string {
	set := map[string]bool{}
	for name := range configuredAttrs(b.body) {
		set[name] = true
	}
	for name := range nestedBlocks(b.body) {
		set[name] = true
	}
	for _, name := range computedAttrNames(b) {
		set[name] = true
	}
	// Every AWS resource has an id, nearly every one an arn: a for
	// expression over instances usually reads one of them.
	set["id"], set["arn"] = true, true
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// blockAddr is the full address of one block instance.
func (m *modInst) blockAddr(b *block, k instKey) string {
	return m.prefix() + b.key() + k.String()
}

// attr evaluates one attribute of one block instance (memoised).
func (m *modInst) attr(b *block, is *instSet, k instKey, name string, ref hcl.Range) cty.Value {
	key := b.key() + k.String() + "." + name
	return m.lazy(key, ref, func() cty.Value {
		if b.data {
			return m.dataAttr(b, is, k, name)
		}
		return m.managedAttr(b, is, k, name)
	})
}

func (m *modInst) managedAttr(b *block, is *instSet, k instKey, name string) cty.Value {
	sc := m.blockScope(is, k)
	if v, ok := computedAttr(sc, b, k, name); ok {
		return v
	}
	if a, ok := configuredAttr(b.body, name); ok {
		return sc.eval(a.Expr)
	}
	if blocks, ok := nestedBlocksOf(b.body, name); ok {
		return sc.blocksValue(blocks, 0)
	}
	return unknownBecause(fmt.Sprintf("%s.%s is known only after apply", m.blockAddr(b, k), name))
}

// blocksValue turns nested blocks into a list of objects, as Terraform
// exposes them.
func (s *scope) blocksValue(blocks []*hclsyntax.Block, depth int) cty.Value {
	if depth > 16 {
		return unknownBecause("nested blocks nest too deeply")
	}
	var items []cty.Value
	for _, nb := range blocks {
		obj := map[string]cty.Value{}
		for name, a := range nb.Body.Attributes {
			obj[name] = s.eval(a.Expr)
		}
		for typ, inner := range nestedBlocks(nb.Body) {
			obj[typ] = s.blocksValue(inner, depth+1)
		}
		items = append(items, cty.ObjectVal(obj))
	}
	if len(items) == 0 {
		return cty.EmptyTupleVal
	}
	return cty.TupleVal(items)
}

// region is the region ARNs of a block are built in: the literal region of
// the block's provider configuration, else --region, else "*".
func (m *modInst) region(providerRef string) string {
	if providerRef == "" {
		providerRef = "aws"
	}
	if r, ok := m.regions[providerRef]; ok {
		return r
	}
	return m.ev.ls.region
}

// funcsFor returns the function table for an expression calling the
// functions calls (exprInfo.calls), plus a stub for each of them that
// perimeter does not know, so that such a call (provider::aws::arn_parse,
// a typo) yields an unknown value that names the function instead of
// failing the whole expression.
func (ev *evaluator) funcsFor(calls []string) map[string]function.Function {
	var missing []string
	for _, name := range calls {
		if _, known := ev.funcs[name]; !known {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return ev.funcs
	}
	key := strings.Join(missing, "\x00")
	if funcs, ok := ev.stubbed[key]; ok {
		return funcs
	}
	funcs := make(map[string]function.Function, len(ev.funcs)+len(missing))
	maps.Copy(funcs, ev.funcs)
	for _, name := range missing {
		funcs[name] = unsupportedFunc(name)
	}
	if ev.stubbed == nil {
		ev.stubbed = map[string]map[string]function.Function{}
	}
	ev.stubbed[key] = funcs
	return funcs
}
