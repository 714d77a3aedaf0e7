package terraform

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/tftypes"
	"github.com/perimeter-iac/perimeter/policy"
)

// Module calls. A local module (source "./x" or "../x") is evaluated with
// the caller's arguments, nested to any depth; a registry or git module is
// read from the directory `terraform init` downloaded it to, as recorded in
// the root's .terraform/modules/modules.json. A directory that another
// scanned directory calls as a local module is evaluated only through its
// callers. Module instances with equal inputs emit their resources once;
// the other instances get copies re-addressed to them. (Their outputs are
// still evaluated per instance when referred to: inputs are lazy, so a
// module input may depend on another output of the same module.)

// maxModuleDepth bounds module nesting (a module that calls itself).
const maxModuleDepth = 32

// callResult is one instance of a module call.
type callResult struct {
	inst   *modInst
	reason string // set when the module is not available
}

// isLocalSource reports whether a module source is a local path.
func isLocalSource(src string) bool {
	return strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../") || src == "." || src == ".."
}

// roots returns the modules evaluated as roots: the directories no other
// scanned directory calls as a local module. A directory reachable only
// through a cycle of calls becomes a root too, so nothing is skipped.
func (ls *loadState) roots(dirs []string) []*module {
	called := map[string][]string{} // dir -> called dirs
	callers := map[string]int{}
	for _, d := range dirs {
		m := ls.modules[d]
		for _, name := range sortedKeys(m.calls) {
			mc := m.calls[name]
			if !isLocalSource(mc.source) {
				continue
			}
			child := path.Clean(path.Join(d, mc.source))
			if cm, ok := ls.modules[child]; ok && child != d {
				called[d] = append(called[d], child)
				callers[child]++
				cm.called = true
			}
		}
	}
	reached := map[string]bool{}
	var mark func(d string, depth int)
	mark = func(d string, depth int) {
		if reached[d] || depth > maxModuleDepth {
			return
		}
		reached[d] = true
		for _, c := range called[d] {
			mark(c, depth+1)
		}
	}
	var out []*module
	for _, d := range dirs {
		if callers[d] == 0 {
			out = append(out, ls.modules[d])
			mark(d, 0)
		}
	}
	for _, d := range dirs {
		if !reached[d] {
			out = append(out, ls.modules[d])
			mark(d, 0)
		}
	}
	return out
}

// callValue is the value of module.NAME as a reference sees it: the
// outputs of each instance.
func (m *modInst) callValue(mc *moduleCall, attrs []string, all bool, ref hcl.Range) cty.Value {
	is := m.instances("module."+mc.name, mc.count, mc.forEach, m.prefix()+"module."+mc.name)
	if is.unknown {
		return unknownBecause(is.reason)
	}
	obj := func(k instKey) cty.Value {
		cr := m.child(mc, is, k)
		if cr.inst == nil {
			return unknownBecause(cr.reason)
		}
		names := attrs
		if all {
			names = sortedKeys(cr.inst.mod.outputs)
		}
		vals := make(map[string]cty.Value, len(names))
		for _, name := range names {
			if _, ok := cr.inst.mod.outputs[name]; !ok {
				m.ev.diags.Warnf(toRange(ref), "module.%s has no output %q", mc.name, name)
				vals[name] = unknownBecause(fmt.Sprintf("%smodule.%s%s has no output %q", m.prefix(), mc.name, k, name))
				continue
			}
			vals[name] = cr.inst.output(name, ref)
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

// output evaluates an output of the instance once.
func (m *modInst) output(name string, ref hcl.Range) cty.Value {
	o := m.mod.outputs[name]
	return m.lazy("output."+name, ref, func() cty.Value {
		if o.expr == nil {
			return cty.NullVal(cty.DynamicPseudoType)
		}
		return m.rootScope().eval(o.expr)
	})
}

// child returns the instance of a module call (created once; instances with
// equal inputs share one evaluation).
func (m *modInst) child(mc *moduleCall, is *instSet, k instKey) *callResult {
	key := mc.name + k.String()
	if cr, ok := m.calls[key]; ok {
		return cr
	}
	cr := &callResult{}
	m.calls[key] = cr
	addr := m.prefix() + "module." + mc.name + k.String()
	if len(m.chain) >= maxModuleDepth {
		m.ev.diags.Errorf(toRange(mc.decl), "module calls nest deeper than %d levels", maxModuleDepth)
		cr.reason = fmt.Sprintf("%s: module calls nest deeper than %d levels", addr, maxModuleDepth)
		return cr
	}
	mod, reason := m.resolveModule(mc)
	if mod == nil {
		cr.reason = reason
		return cr
	}
	if cycle := m.callCycle(mod); cycle != "" {
		// Terraform cannot expand a module that calls itself, directly or
		// through others; its own resources are still read where it is
		// evaluated outside the cycle.
		m.ev.diags.Errorf(toRange(mc.decl), "%s: module call cycle: %s", addr, cycle)
		cr.reason = fmt.Sprintf("%s: module call cycle: %s", addr, cycle)
		return cr
	}
	sc := m.blockScope(is, k)
	args := configuredAttrs(mc.body)
	thunks := map[string]func() cty.Value{}
	origins := map[string]origin{}
	for _, name := range sortedKeys(mod.variables) {
		v := mod.variables[name]
		if a, ok := args[name]; ok {
			thunks[name] = func() cty.Value { return m.ev.finalizeVar(v, sc.eval(a.Expr), a.Expr.Range()) }
			origins[name] = m.chaseOrigin(origin{expr: a.Expr, sc: sc}, 0)
			continue
		}
		if v.def != nil {
			thunks[name] = func() cty.Value {
				val, hd := v.def.Value(nil)
				m.ev.addHCL(hd)
				return m.ev.finalizeVar(v, val, v.def.Range())
			}
			origins[name] = origin{expr: v.def}
			continue
		}
		m.ev.diags.Errorf(toRange(mc.decl), "module.%s: required variable %q is not set", mc.name, name)
		reason := fmt.Sprintf("var.%s has no value (%s does not set it)", name, addr)
		thunks[name] = func() cty.Value { return unknownBecause(reason) }
	}
	for _, name := range sortedKeys(args) {
		if _, ok := mod.variables[name]; !ok {
			m.ev.diags.Warnf(toRange(args[name].NameRange), "module.%s: %s declares no variable %q", mc.name, mod.dir, name)
		}
	}
	chain := append(slices.Clone(m.chain), loaders.ModuleCall{Address: addr, Range: toRange(mc.rng)})
	inst := m.ev.newInst(mod, addr, chain, m)
	inst.varThunks, inst.varOrigin = thunks, origins
	inst.names = append(slices.Clone(m.names), mc.name)
	inst.setRegions(mc)
	inst.condition = m.condition
	if is.unknown {
		// The module is evaluated once with unknown count.index/each, so
		// its grants are reported with the reason rather than lost.
		inst.condition = is.reason
	}
	cr.inst = inst
	return cr
}

// memoKey identifies the instance's inputs for sharing its evaluation. It
// evaluates every variable, so it is computed only when the instance's
// resources are emitted.
func (m *modInst) memoKey() string {
	vars := make(map[string]cty.Value, len(m.mod.variables))
	for name := range m.mod.variables {
		vars[name] = m.variable(name, m.mod.variables[name].decl)
	}
	return memoKeyOf(m.mod, vars, m.varOrigin, m.regions) + "\x00" + m.condition
}

// chaseOrigin follows an argument that is a bare var reference to where the
// caller's variable was written, so that instances whose inputs come from
// the same place share their evaluation.
func (m *modInst) chaseOrigin(o origin, depth int) origin {
	if depth > maxModuleDepth || o.sc == nil {
		return o
	}
	st, ok := o.expr.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) != 2 || st.Traversal.RootName() != "var" {
		return o
	}
	a, ok := st.Traversal[1].(hcl.TraverseAttr)
	if !ok {
		return o
	}
	next, ok := o.sc.inst.varOrigin[a.Name]
	if !ok || next.expr == nil {
		return o
	}
	return m.chaseOrigin(next, depth+1)
}

// memoKeyOf identifies a module instance's inputs: the module, the input
// values (with their unknown reasons), where each input was written, and
// the provider regions.
func memoKeyOf(mod *module, vars map[string]cty.Value, origins map[string]origin, regions map[string]string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", mod.dir)
	for _, name := range sortedKeys(vars) {
		fmt.Fprintf(h, "%s=%s\x00", name, canonical(vars[name]))
		if o, ok := origins[name]; ok && o.expr != nil {
			r := o.expr.Range()
			fmt.Fprintf(h, "@%s:%d:%d\x00", r.Filename, r.Start.Byte, r.End.Byte)
		}
	}
	for _, k := range sortedKeys(regions) {
		fmt.Fprintf(h, "%s:%s\x00", k, regions[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// canonical renders a value and its marks deterministically.
func canonical(v cty.Value) string {
	uv, pvm := v.UnmarkDeepWithPaths()
	var b strings.Builder
	b.WriteString(uv.GoString())
	var marks []string
	for _, p := range pvm {
		var ms []string
		for mk := range p.Marks {
			switch x := mk.(type) {
			case reasonMark:
				ms = append(ms, "r:"+x.text)
			case placeholderMark:
				ms = append(ms, "p")
			default:
				ms = append(ms, fmt.Sprintf("%#v", mk))
			}
		}
		slices.Sort(ms)
		marks = append(marks, fmt.Sprintf("%#v=%s", p.Path, strings.Join(ms, ",")))
	}
	slices.Sort(marks)
	b.WriteString(strings.Join(marks, ";"))
	return b.String()
}

// runCalls evaluates the module calls of the instance and emits their
// resources.
func (m *modInst) runCalls(ctx context.Context) {
	for _, name := range sortedKeys(m.mod.calls) {
		mc := m.mod.calls[name]
		is := m.instances("module."+mc.name, mc.count, mc.forEach, m.prefix()+"module."+mc.name)
		for _, k := range is.keys {
			if ctx.Err() != nil {
				return
			}
			cr := m.child(mc, is, k)
			if cr.inst == nil {
				m.emitModuleInputs(mc, is, k, cr.reason)
				continue
			}
			key := cr.inst.memoKey()
			shared, ok := m.ev.memo[key]
			if !ok {
				m.ev.memo[key] = cr.inst
				m.ev.ls.instances.Add(1)
				cr.inst.runOnce(ctx)
				continue
			}
			// Equal inputs: re-address the resources of the earlier
			// evaluation instead of evaluating again.
			m.ev.ls.memoHits.Add(1)
			shared.runOnce(ctx)
			for _, r := range shared.results {
				m.ev.out = append(m.ev.out, rebase(r, shared, cr.inst))
			}
			for _, f := range shared.facts {
				m.ev.facts = append(m.ev.facts, rebaseFact(f, shared, cr.inst))
			}
		}
	}
}

// runOnce runs an instance the first time it is needed and records the
// resources it (and the modules it calls) emitted.
func (m *modInst) runOnce(ctx context.Context) {
	if m.ran {
		return
	}
	m.ran = true
	start, fstart := len(m.ev.out), len(m.ev.facts)
	m.run(ctx)
	m.results = slices.Clone(m.ev.out[start:])
	m.facts = slices.Clone(m.ev.facts[fstart:])
}

// rebase re-addresses a resource emitted by a shared module instance for
// another instance with equal inputs.
func rebase(r loaders.Resource, from, to *modInst) loaders.Resource {
	out := r
	swap := func(s string) string {
		if after, ok := strings.CutPrefix(s, from.addr); ok {
			return to.addr + after
		}
		return s
	}
	out.Address = swap(r.Address)
	out.Target = swap(r.Target)
	chain := slices.Clone(to.chain)
	for _, mc := range r.ModuleChain[min(len(from.chain), len(r.ModuleChain)):] {
		mc.Address = swap(mc.Address)
		chain = append(chain, mc)
	}
	out.ModuleChain = chain
	return out
}

// rebaseFact re-addresses a fact recorded by a shared module instance.
func rebaseFact(f tftypes.Fact, from, to *modInst) tftypes.Fact {
	swap := func(s string) string {
		if after, ok := strings.CutPrefix(s, from.addr); ok {
			return to.addr + after
		}
		return s
	}
	f.Address = swap(f.Address)
	f.Target = swap(f.Target)
	return f
}

// resolveModule finds the configuration a module call refers to.
func (m *modInst) resolveModule(mc *moduleCall) (*module, string) {
	ls := m.ev.ls
	where := fmt.Sprintf("%smodule.%s (source %q)", m.prefix(), mc.name, mc.source)
	if mc.source == "" {
		return nil, where + " has no source"
	}
	if isLocalSource(mc.source) {
		dir := path.Clean(path.Join(m.mod.dir, mc.source))
		if mod, ok := ls.modules[dir]; ok {
			return mod, ""
		}
		mod, diags := ls.diskModule(dir)
		m.ev.diags = append(m.ev.diags, diags...)
		if mod == nil {
			m.ev.diags.Errorf(toRange(mc.decl), "%s: no Terraform files in %s", where, dir)
			return nil, fmt.Sprintf("%s: no Terraform files in %s", where, dir)
		}
		return mod, ""
	}
	key := strings.Join(append(slices.Clone(m.names), mc.name), ".")
	if dir, ok := ls.downloaded(m.ev.rootDir, key); ok {
		mod, diags := ls.diskModule(dir)
		m.ev.diags = append(m.ev.diags, diags...)
		if mod != nil {
			return mod, ""
		}
	}
	reason := where + " is not downloaded; run terraform init"
	m.ev.diags.Errorf(toRange(mc.decl), "%s", reason)
	return nil, reason
}

// downloaded looks a module key up in the root's
// .terraform/modules/modules.json.
func (ls *loadState) downloaded(rootDir, key string) (string, bool) {
	ls.dlMu.Lock()
	defer ls.dlMu.Unlock()
	idx, ok := ls.downloads[rootDir]
	if !ok {
		idx = map[string]string{}
		ls.downloads[rootDir] = idx
		data, err := os.ReadFile(filepath.FromSlash(path.Join(rootDir, ".terraform", "modules", "modules.json")))
		if err == nil {
			var manifest struct {
				Modules []struct {
					Key    string `json:"Key"`
					Source string `json:"Source"`
					Dir    string `json:"Dir"`
				} `json:"Modules"`
			}
			if json.Unmarshal(data, &manifest) == nil {
				for _, e := range manifest.Modules {
					dir := filepath.ToSlash(e.Dir)
					if !path.IsAbs(dir) {
						dir = path.Join(rootDir, dir)
					}
					idx[e.Key] = path.Clean(dir)
				}
			}
		}
	}
	dir, ok := idx[key]
	return dir, ok
}

// diskModule reads a module directory that discovery did not hand over (a
// downloaded module, or a local module outside the scanned paths). Each is
// read once per scan; its diagnostics are returned the first time only.
func (ls *loadState) diskModule(dir string) (*module, loaders.Diagnostics) {
	ls.dlMu.Lock()
	defer ls.dlMu.Unlock()
	if m, ok := ls.disk[dir]; ok {
		return m, nil
	}
	entries, err := os.ReadDir(filepath.FromSlash(dir))
	if err != nil {
		ls.disk[dir] = nil
		return nil, nil
	}
	var (
		files []*srcFile
		diags loaders.Diagnostics
	)
	for _, e := range entries {
		if e.IsDir() || classify(e.Name()) != kindConfig {
			continue
		}
		p := path.Join(dir, e.Name())
		if info, err := e.Info(); err == nil && info.Size() > ls.opts.Limits.OrDefaults().MaxFileSize {
			diags.Errorf(loaders.Range{File: p}, "file is %d bytes, over the %d-byte limit (raise it with --max-file-size)", info.Size(), ls.opts.Limits.OrDefaults().MaxFileSize)
			continue
		}
		data, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			diags.Errorf(loaders.Range{File: p}, "cannot read: %v", unwrapPathErr(err))
			continue
		}
		f, fd := parseFile(p, data, &ls.opts)
		diags = append(diags, fd...)
		files = append(files, f)
		ls.extra[p] = f
	}
	if len(files) == 0 {
		ls.disk[dir] = nil
		return nil, diags
	}
	m := decodeModule(dir, files)
	diags = append(diags, m.diags...)
	ls.disk[dir] = m
	return m, diags
}

// walkModuleOutput follows module.NAME[key].OUTPUT to the output's value
// expression in the called module.
func (s *scope) walkModuleOutput(t hcl.Traversal, doc bool, depth int) (policy.Value, bool) {
	m := s.inst
	if len(t) < 3 {
		return policy.Value{}, false
	}
	a, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return policy.Value{}, false
	}
	mc := m.mod.calls[a.Name]
	if mc == nil {
		return policy.Value{}, false
	}
	is := m.instances("module."+mc.name, mc.count, mc.forEach, m.prefix()+"module."+mc.name)
	k, next, ok := pickInstance(is, t, 2)
	if !ok || next >= len(t) {
		return policy.Value{}, false
	}
	out, ok := t[next].(hcl.TraverseAttr)
	if !ok {
		return policy.Value{}, false
	}
	cr := m.child(mc, is, k)
	if cr.inst == nil {
		return policy.Value{}, false
	}
	o := cr.inst.mod.outputs[out.Name]
	if o == nil || o.expr == nil {
		return policy.Value{}, false
	}
	v := cr.inst.rootScope().walkDepth(o.expr, doc && next+1 == len(t), depth+1)
	return navigate(v, t[next+1:])
}

// callCycle returns the chain of module directories ("a -> b -> a") when
// mod is already being evaluated by m or one of its callers, or "".
func (m *modInst) callCycle(mod *module) string {
	dirs := []string{mod.dir}
	for in := m; in != nil; in = in.parent {
		dirs = append(dirs, in.mod.dir)
		if in.mod.dir == mod.dir {
			slices.Reverse(dirs)
			return strings.Join(dirs, " -> ")
		}
	}
	return ""
}
