package tfplan

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/tftypes"
	"github.com/perimeter-iac/perimeter/policy"
)

// Loader reads Terraform plan JSON.
type Loader struct{}

// New returns the plan loader.
func New() loaders.Loader { return Loader{} }

// Name implements loaders.Loader.
func (Loader) Name() string { return "terraform-plan" }

// Claims implements loaders.Loader: a .json file whose content is a plan
// (see sniff).
func (Loader) Claims(p string, data []byte) bool { return sniff(p, data) }

// Load implements loaders.Loader. Plan files are read in parallel, bounded
// by GOMAXPROCS; a panic while reading one becomes an error diagnostic
// naming it.
func (Loader) Load(ctx context.Context, files []loaders.File, opts loaders.Options) ([]loaders.Resource, loaders.Diagnostics) {
	results := make([][]loaders.Resource, len(files))
	fdiags := make([]loaders.Diagnostics, len(files))
	loaders.Parallel(ctx, len(files), func(i int) {
		results[i], fdiags[i] = loadFile(ctx, files[i], opts)
	})
	var (
		res   []loaders.Resource
		diags loaders.Diagnostics
	)
	for i := range files {
		res = append(res, results[i]...)
		diags = append(diags, fdiags[i]...)
	}
	slices.SortStableFunc(res, func(a, b loaders.Resource) int {
		return cmp.Or(
			cmp.Compare(a.Range.File, b.Range.File),
			cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
			cmp.Compare(a.Range.Start.Column, b.Range.Start.Column),
			cmp.Compare(a.Address, b.Address),
		)
	})
	diags.Sort()
	return res, diags
}

// fileLoad is the reading of one plan file.
type fileLoad struct {
	ctx   context.Context
	opts  loaders.Options
	doc   *doc
	plan  *plan
	src   *sources // nil when the configuration is not beside the plan
	diags loaders.Diagnostics
}

func loadFile(ctx context.Context, f loaders.File, opts loaders.Options) (res []loaders.Resource, diags loaders.Diagnostics) {
	fl := &fileLoad{ctx: ctx, opts: opts, doc: &doc{file: f.Path, data: f.Data}}
	defer func() {
		if r := recover(); r != nil {
			res = nil
			diags = fl.diags
			diags = append(diags, loaders.PanicError(loaders.Range{File: f.Path}, "while reading the plan", r, debug.Stack()))
		}
	}()
	if opts.OnStart != nil {
		opts.OnStart(f.Path)
	}
	res = fl.load()
	return res, fl.diags
}

func (fl *fileLoad) load() []loaders.Resource {
	d := fl.doc
	if !json.Valid(d.data) {
		var raw json.RawMessage
		err := json.Unmarshal(d.data, &raw)
		r := loaders.Range{File: d.file}
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			r.Start = d.at(int(se.Offset) - 1)
		}
		fl.diags = append(fl.diags, loaders.Diagnostic{Severity: loaders.Error, Summary: "the plan is not valid JSON", Detail: fmt.Sprint(err), Range: r})
		return nil
	}
	root := d.root()
	fl.plan = readPlan(d, root)
	if !fl.plan.versionOK() {
		fl.diags.Errorf(d.rangeOf(d.get(root, "format_version")).Or(loaders.Range{File: d.file}),
			"unsupported plan format_version %q: perimeter reads the Terraform plan JSON formats 0.x and 1.x", fl.plan.version)
		return nil
	}
	if fl.plan.errored {
		fl.diags.Warnf(d.rangeOf(d.get(root, "errored")),
			"the plan errored: resources Terraform could not plan are not in it, and the configuration's findings for them are kept")
	}
	if a := fl.plan.account; a != "" && len(fl.plan.resources) > 0 && cmp.Or(fl.opts.OwnAccount, policy.OwnAccount) == policy.OwnAccount {
		// The plan names its own account where the configuration says
		// data.aws_caller_identity; undeclared, it is outside the zone.
		fl.diags.Warnf(d.rangeOf(fl.plan.accountNode),
			"the plan was made in account %s (data.aws_caller_identity), which is not declared: grants to it are reported as outside the zone of trust; declare it with --account %s", a, a)
	}
	if len(fl.plan.resources) > 0 {
		fl.src = fl.loadSources()
	}
	var (
		out   []loaders.Resource
		facts []tftypes.Fact
	)
	for _, r := range fl.plan.resources {
		if fl.ctx.Err() != nil {
			break
		}
		if spec, ok := tftypes.LookupFact(r.typ); ok {
			facts = append(facts, fl.fact(r, spec))
		}
		if _, ok := tftypes.Lookup(r.typ); !ok {
			continue
		}
		if res, ok := fl.resource(r); ok {
			out = append(out, res)
		}
	}
	// Block Public Access, Object Ownership, access point and RAM share
	// settings come from other resources of the same plan.
	out, ldiags := tftypes.Link(out, facts, fl.ownAccount())
	fl.diags = append(fl.diags, ldiags...)
	return out
}

// ownAccount is the account the plan deploys to: the declared one, else
// the one the plan was made in.
func (fl *fileLoad) ownAccount() string {
	own := cmp.Or(fl.opts.OwnAccount, policy.OwnAccount)
	if own == policy.OwnAccount && fl.plan.account != "" {
		return fl.plan.account
	}
	return own
}

// instance is what resource and fact read of one planned instance.
type instance struct {
	ra     resourceAddress
	cmod   *configModule
	refs   map[string][]string
	values map[string]node
	loc    location
	args   tftypes.Args
}

// instanceOf reads a planned instance's arguments, with positions in the
// .tf files when the configuration is beside the plan.
func (fl *fileLoad) instanceOf(r *plannedResource) (instance, *configResource) {
	d := fl.doc
	ra, ok := parseResourceAddress(r.address)
	if !ok {
		fl.diags.Warnf(d.rangeOf(r.addrNode), "cannot parse the resource address %q", r.address)
		ra = resourceAddress{typ: r.typ, name: r.name}
	}
	in := instance{ra: ra, cmod: fl.plan.configFor(ra.modules)}
	var cres *configResource
	if in.cmod != nil {
		cres = in.cmod.resources[r.typ+"."+r.name]
	}
	c := fl.plan.changes[r.address]
	sensitive := r.sensitive
	var unknown node
	if c != nil {
		unknown = c.unknown
		if c.sensitive.ok() {
			sensitive = c.sensitive
		}
	}
	m := masks{unknown: unknown, sensitive: sensitive}
	in.loc = fl.src.locate(ra, r.address)
	values, keys := d.fieldsAndKeys(r.values)
	in.values = values
	if cres != nil {
		in.refs = cres.args
	}
	loc, refs := in.loc, in.refs
	in.args = func(name string, doc bool) (tftypes.Arg, bool) {
		v := d.argValue(values[name], m.member(d, name), r.address+"."+name, refs[name], doc)
		if v.Kind == policy.Null {
			return tftypes.Arg{}, false
		}
		rng := v.Range
		if k, ok := keys[name]; ok {
			rng = d.span(k, values[name])
		}
		if loc.found {
			rng = loc.arg(name)
			reRange(&v, rng, 0)
		}
		return tftypes.Arg{Value: v, Range: rng, Refs: refs[name]}, true
	}
	return in, cres
}

// fact records a block tftypes.Link joins to other resources.
func (fl *fileLoad) fact(r *plannedResource, spec tftypes.FactSpec) tftypes.Fact {
	d := fl.doc
	in, _ := fl.instanceOf(r)
	f := tftypes.Fact{
		Type: r.typ, Address: r.address, Range: d.rangeOf(r.obj), Decl: d.rangeOf(r.addrNode),
		Args: map[string]tftypes.Arg{},
	}
	if in.loc.found {
		f.Range, f.Decl = in.loc.block.Range, in.loc.block.DeclRange
	}
	for _, name := range spec.Args {
		if a, ok := in.args(name, false); ok {
			f.Args[name] = a
		}
	}
	if spec.Target != "" {
		f.TargetName, _ = d.text(in.values[spec.Target])
		f.Target = fl.plan.resolveRefs(in.refs[spec.Target], in.cmod, in.ra.modules, 0)
		if f.Target == "" && f.TargetName == "" {
			f.TargetReason = r.address + "." + spec.Target + " is known only after apply"
		}
	}
	if spec.Name != "" {
		first, rest, _ := strings.Cut(spec.Name, ".")
		if a, ok := in.args(first, false); ok {
			if v, ok := tftypes.Navigate(a.Value, rest); ok && v.Kind == policy.String {
				f.Name = v.Str
			}
		}
	} else {
		f.Name, _ = d.text(in.values["arn"])
	}
	return f
}

// resource builds the resource of one planned instance; ok is false when
// it attaches no policy.
func (fl *fileLoad) resource(r *plannedResource) (loaders.Resource, bool) {
	d := fl.doc
	t, _ := tftypes.Lookup(r.typ)
	in, cres := fl.instanceOf(r)
	ra, loc := in.ra, in.loc
	if t.Optional && cres != nil && cres.args != nil && !slices.ContainsFunc(t.OptionalArgs(), func(p string) bool {
		_, set := cres.args[p]
		return set
	}) {
		// An optional policy argument the configuration does not set is
		// the provider's reading of a policy attached elsewhere.
		return loaders.Resource{}, false
	}

	res := loaders.Resource{
		Type:      r.typ,
		Kind:      t.Kind,
		Address:   r.address,
		Source:    loaders.SourceTerraformPlan,
		Range:     d.rangeOf(r.obj),
		DeclRange: d.rangeOf(r.addrNode),
	}
	for _, step := range ra.modules {
		rng := d.rangeOf(fl.plan.modules[step.address]).Or(res.DeclRange)
		res.ModuleChain = append(res.ModuleChain, loaders.ModuleCall{Address: step.address, Range: rng})
	}
	if loc.found {
		res.Range, res.DeclRange, res.ModuleChain = loc.block.Range, loc.block.DeclRange, loc.block.ModuleChain
	}

	built, diags := t.Build(tftypes.Block{
		Name: r.typ + "." + r.name, Range: res.Range, Decl: res.DeclRange,
		Address: r.address, OwnAccount: fl.ownAccount(), Partition: cmp.Or(fl.opts.Partition, "aws"),
	}, in.args)
	fl.diags = append(fl.diags, diags...)
	docs := built.Documents
	if loc.found {
		for i := range docs {
			docs[i] = loc.adopt(docs[i])
		}
	}
	res.Kind, res.Documents, res.Settings = built.Kind, docs, built.Settings
	if len(res.Documents) == 0 {
		return res, false
	}
	res.Target, res.TargetName = fl.target(t, r, ra, in.refs, in.cmod, in.values)
	if first, rest, dotted := strings.Cut(t.Target, "."); dotted && res.TargetName == "" {
		// A target in a nested block (details.name).
		if a, ok := in.args(first, false); ok {
			if v, ok := tftypes.Navigate(a.Value, rest); ok && v.Kind == policy.String {
				res.TargetName = v.Str
			}
		}
	}
	if loc.hcl != nil && loc.hcl.Target != "" && loc.exact {
		res.Target = loc.hcl.Target
	}
	return res, true
}

// target names the exposed resource: the instance itself, or the resource
// the target argument's expression refers to in the configuration;
// TargetName is the planned value when it is known.
func (fl *fileLoad) target(t tftypes.Type, r *plannedResource, ra resourceAddress, refs map[string][]string, cmod *configModule, values map[string]node) (addr, name string) {
	d := fl.doc
	if t.Target == "" {
		name, _ = d.text(values["arn"])
		return r.address, name
	}
	if _, set := values[t.Target]; !set && t.DefaultTarget != "" {
		return "", t.DefaultTarget
	}
	if name, _ = d.text(values[t.Target]); name != "" && t.Qualifier != "" {
		if q, ok := d.text(values[t.Qualifier]); ok && q != "" {
			name += ":" + q
		}
	}
	addr = fl.plan.resolveRefs(refs[t.Target], cmod, ra.modules, 0)
	return addr, name
}

// resolveRefs finds the managed resource a list of references names,
// following module input variables to the caller's argument and module
// outputs to the output's expression. The first reference that leads to a
// resource wins (Terraform lists references in source order).
func (p *plan) resolveRefs(refs []string, mod *configModule, path []moduleStep, depth int) string {
	if mod == nil || depth > maxModuleDepth {
		return ""
	}
	for _, ref := range refs {
		steps, ok := splitAddress(ref)
		if !ok || len(steps) < 2 || steps[0].isKey() || steps[1].isKey() {
			continue
		}
		var addr string
		switch root := steps[0].name; root {
		case "var":
			addr = p.followVar(steps[1].name, path, depth)
		case "module":
			addr = p.followOutput(steps, mod, path, depth)
		case "local", "data", "each", "count", "path", "self", "terraform":
		default:
			addr = modulePrefix(path) + root + "." + steps[1].name
			if len(steps) > 2 && steps[2].isKey() {
				addr += steps[2].key
			}
		}
		if addr != "" {
			return addr
		}
	}
	return ""
}

// followVar follows var.NAME of the module at path to its caller's
// argument.
func (p *plan) followVar(name string, path []moduleStep, depth int) string {
	if len(path) == 0 {
		return "" // a root variable: its value is not a reference
	}
	parent := p.configFor(path[:len(path)-1])
	if parent == nil {
		return ""
	}
	call := parent.calls[path[len(path)-1].name]
	if call == nil {
		return ""
	}
	return p.resolveRefs(call.args[name], parent, path[:len(path)-1], depth+1)
}

// followOutput follows module.NAME[KEY].OUTPUT to the output's expression.
func (p *plan) followOutput(steps []step, mod *configModule, path []moduleStep, depth int) string {
	call := mod.calls[steps[1].name]
	if call == nil {
		return ""
	}
	i, key := 2, ""
	if i < len(steps) && steps[i].isKey() {
		key = steps[i].key
		i++
	}
	if i >= len(steps) {
		return ""
	}
	child := append(slices.Clone(path), moduleStep{name: steps[1].name, address: modulePrefix(path) + "module." + steps[1].name + key})
	return p.resolveRefs(call.module.outputs[steps[i].name], call.module, child, depth+1)
}

// modulePrefix is the address prefix of the module at path.
func modulePrefix(path []moduleStep) string {
	if len(path) == 0 {
		return ""
	}
	return path[len(path)-1].address + "."
}
