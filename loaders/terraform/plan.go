package terraform

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/perimeter-iac/perimeter/loaders"
)

// This file is the loader's face towards loaders/tfplan: a plan's
// configuration, when its sources lie beside the plan, is evaluated here
// with the variable values the plan recorded, so that the plan loader can
// point its findings into the .tf files.

// Configuration is a root module evaluated for a plan that was made from it.
type Configuration struct {
	// Resources are what Load would return for the root module, evaluated
	// with the plan's variables.
	Resources []loaders.Resource
	ls        *loadState
	root      *module
}

// LoadConfiguration evaluates the root module in dir (a display path, read
// from disk with the modules it calls) as Load does, except that root
// variables take exactly the values in vars (JSON, as a plan records
// them) and no variables files are read. It returns nil when dir holds no
// Terraform files. Diagnostics are those a scan of dir would also report.
func LoadConfiguration(ctx context.Context, dir string, vars map[string][]byte, opts loaders.Options) (*Configuration, loaders.Diagnostics) {
	dir = path.Clean(filepath.ToSlash(dir))
	entries, err := os.ReadDir(filepath.FromSlash(dir))
	if err != nil {
		return nil, nil
	}
	var (
		files []loaders.File
		diags loaders.Diagnostics
	)
	for _, e := range entries {
		if e.IsDir() || classify(e.Name()) != kindConfig {
			continue
		}
		p := path.Join(dir, e.Name())
		data, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			diags.Errorf(loaders.Range{File: p}, "cannot read: %v", unwrapPathErr(err))
			continue
		}
		files = append(files, loaders.File{Path: p, Data: data})
	}
	if len(files) == 0 {
		return nil, diags
	}
	opts.Vars, opts.VarFiles, opts.EnvVars = nil, nil, nil
	ls := newLoadState(opts)
	ls.planVars = map[string]cty.Value{}
	for name, raw := range vars {
		ls.planVars[name] = planValue(raw)
	}
	res, ld := ls.load(ctx, files)
	diags = append(diags, ld...)
	return &Configuration{Resources: res, ls: ls, root: ls.modules[dir]}, diags
}

// planValue converts a JSON value to cty; the variable's type constraint
// is applied later, as for any other source.
func planValue(raw []byte) cty.Value {
	ty, err := ctyjson.ImpliedType(raw)
	if err != nil {
		return unknownBecause("the plan's value cannot be read")
	}
	if ty == cty.DynamicPseudoType {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	v, err := ctyjson.Unmarshal(raw, ty)
	if err != nil {
		return unknownBecause("the plan's value cannot be read")
	}
	return v
}

// planRootVars sets the root variables from the plan.
func (ev *evaluator) planRootVars(m *modInst) {
	for name, v := range m.mod.variables {
		val, ok := ev.ls.planVars[name]
		if !ok {
			m.vars[name] = unknownBecause("var." + name + " has no value in the plan")
			continue
		}
		m.vars[name] = ev.finalizeVar(v, val, hcl.Range{Filename: "plan variable " + name})
	}
}

// Declares reports whether the root module declares a managed resource
// ("aws_s3_bucket.b"), a data source ("data.aws_iam_policy_document.d") or
// a module call ("module.logs").
func (c *Configuration) Declares(key string) bool {
	if c == nil || c.root == nil {
		return false
	}
	if name, ok := strings.CutPrefix(key, "module."); ok {
		return c.root.calls[name] != nil
	}
	if strings.HasPrefix(key, "data.") {
		return c.root.data[key] != nil
	}
	return c.root.managed[key] != nil
}

// ModuleStep is one module call on the way to a resource: the call's name
// and the address of the module instance it leads to (module.a["x"]).
type ModuleStep struct {
	Name, Address string
}

// Block is where a resource block is written.
type Block struct {
	Range, DeclRange loaders.Range
	// Args are the ranges of the arguments written in the block
	// (name = value), by name.
	Args        map[string]loaders.Range
	ModuleChain []loaders.ModuleCall
}

// Block finds the block of a managed resource reached through calls,
// reading called modules the way evaluation does (local paths, or the
// root's .terraform/modules/modules.json). ok is false when a module or
// the block is not there.
func (c *Configuration) Block(calls []ModuleStep, typ, name string) (Block, bool) {
	if c == nil || c.root == nil {
		return Block{}, false
	}
	mod := c.root
	var (
		chain []loaders.ModuleCall
		names []string
	)
	for _, step := range calls {
		mc := mod.calls[step.Name]
		if mc == nil {
			return Block{}, false
		}
		names = append(names, step.Name)
		chain = append(chain, loaders.ModuleCall{Address: step.Address, Range: toRange(mc.rng)})
		if mod = c.calledModule(mod, mc, names); mod == nil {
			return Block{}, false
		}
	}
	b := mod.managed[typ+"."+name]
	if b == nil {
		return Block{}, false
	}
	out := Block{Range: toRange(b.rng), DeclRange: toRange(b.decl), Args: map[string]loaders.Range{}, ModuleChain: slices.Clip(chain)}
	for n, a := range configuredAttrs(b.body) {
		out.Args[n] = toRange(a.Range)
	}
	return out, true
}

// calledModule resolves a module call without evaluating anything.
func (c *Configuration) calledModule(caller *module, mc *moduleCall, names []string) *module {
	ls := c.ls
	if isLocalSource(mc.source) {
		dir := path.Clean(path.Join(caller.dir, mc.source))
		if m, ok := ls.modules[dir]; ok {
			return m
		}
		m, _ := ls.diskModule(dir)
		return m
	}
	if dir, ok := ls.downloaded(c.root.dir, strings.Join(names, ".")); ok {
		m, _ := ls.diskModule(dir)
		return m
	}
	return nil
}
