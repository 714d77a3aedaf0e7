package terraform

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// Loader reads Terraform configuration.
type Loader struct{}

// New returns the Terraform loader.
func New() loaders.Loader { return Loader{} }

// Name implements loaders.Loader.
func (Loader) Name() string { return "terraform" }

// Claims implements loaders.Loader: .tf, .tf.json and .tfvars(.json)
// files. Variables files other than terraform.tfvars and *.auto.tfvars are
// claimed but applied only when named by --var-file.
func (Loader) Claims(p string, _ []byte) bool { return classify(p) != kindOther }

// loadState is what one Load shares between the goroutines evaluating
// roots. It is read-only after setup, except for the file cache.
type loadState struct {
	opts      loaders.Options
	account   string
	partition string
	region    string // --region, or "*"
	workspace string
	files     map[string]*srcFile // every parsed file by display path
	modules   map[string]*module  // by directory
	varFiles  []*srcFile          // --var-file, in order
	allowed   []string            // absolute directories file functions may read
	cache     fileCache
	// downloaded maps module keys of .terraform/modules/modules.json to
	// directories, per root directory (modules.go).
	downloads map[string]map[string]string
	// disk holds modules read from disk (downloaded modules, local
	// modules outside the scanned paths) and extra their files; both are
	// guarded by dlMu.
	disk  map[string]*module
	extra map[string]*srcFile
	dlMu  sync.Mutex
	// planVars are root variable values recorded in a plan (plan.go);
	// when set they are the only source of root variables.
	planVars map[string]cty.Value
	// instances and memoHits count module instances evaluated and module
	// instances that reused an earlier evaluation.
	instances atomic.Int64
	memoHits  atomic.Int64
	// lines caches the line offsets of source files (textindex.go).
	lines lineCache
	// release drops each root module's syntax once it is evaluated
	// (module.release); a plan's configuration keeps it.
	release bool
}

// Load implements loaders.Loader.
func (Loader) Load(ctx context.Context, files []loaders.File, opts loaders.Options) ([]loaders.Resource, loaders.Diagnostics) {
	ls := newLoadState(opts)
	ls.release = true // nothing inspects the modules afterwards
	return ls.load(ctx, files)
}

// load is Load, also returning the load state for tests to inspect.
func load(ctx context.Context, files []loaders.File, opts loaders.Options) ([]loaders.Resource, loaders.Diagnostics, *loadState) {
	ls := newLoadState(opts)
	res, diags := ls.load(ctx, files)
	return res, diags, ls
}

// load parses, decodes and evaluates files.
func (ls *loadState) load(ctx context.Context, files []loaders.File) ([]loaders.Resource, loaders.Diagnostics) {
	var diags loaders.Diagnostics

	parsed, pdiags := parseAll(ctx, files, &ls.opts)
	diags = append(diags, pdiags...)
	byDir := map[string][]*srcFile{}
	autoVars := map[string][]*srcFile{}
	for _, f := range parsed {
		if f == nil {
			continue
		}
		ls.files[f.path] = f
		dir := path.Dir(f.path)
		switch classify(f.path) {
		case kindConfig:
			byDir[dir] = append(byDir[dir], f)
		case kindAutoVars:
			autoVars[dir] = append(autoVars[dir], f)
		case kindVars, kindOther:
		}
	}
	diags = append(diags, ls.readVarFiles()...)
	dirs := sortedKeys(byDir)
	for _, dir := range dirs {
		m := decodeModule(dir, byDir[dir])
		m.autoVars = autoVars[dir]
		slices.SortFunc(m.autoVars, autoVarsOrder)
		ls.modules[dir] = m
		diags = append(diags, m.diags...)
	}
	ls.setAllowed(files)

	roots := ls.roots(dirs)
	res, ediags := ls.evalRoots(ctx, roots)
	diags = append(diags, ediags...)

	slices.SortStableFunc(res, func(a, b loaders.Resource) int {
		return cmp.Or(
			cmp.Compare(a.Range.File, b.Range.File),
			cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
			cmp.Compare(a.Address, b.Address),
		)
	})
	res = dedupeResources(res)
	diags = dedupeDiags(diags)
	diags.Sort()
	return res, diags
}

func newLoadState(opts loaders.Options) *loadState {
	ls := &loadState{
		opts:      opts,
		account:   cmp.Or(opts.OwnAccount, policy.OwnAccount),
		partition: cmp.Or(opts.Partition, "aws"),
		region:    cmp.Or(opts.Region, "*"),
		workspace: cmp.Or(opts.Workspace, "default"),
		files:     map[string]*srcFile{},
		modules:   map[string]*module{},
		downloads: map[string]map[string]string{},
		disk:      map[string]*module{},
		extra:     map[string]*srcFile{},
	}
	ls.cache.data = map[string]cachedFile{}
	ls.cache.templates = map[string]cachedTemplate{}
	return ls
}

// parseAll parses files in parallel, bounded by GOMAXPROCS.
func parseAll(ctx context.Context, files []loaders.File, opts *loaders.Options) ([]*srcFile, loaders.Diagnostics) {
	out := make([]*srcFile, len(files))
	fdiags := make([]loaders.Diagnostics, len(files))
	loaders.Parallel(ctx, len(files), func(i int) {
		p := filepath.ToSlash(files[i].Path)
		if classify(p) == kindOther {
			return
		}
		out[i], fdiags[i] = parseFile(p, files[i].Data, opts)
	})
	var diags loaders.Diagnostics
	for _, d := range fdiags {
		diags = append(diags, d...)
	}
	return out, diags
}

// readVarFiles parses the --var-file files: from the scanned files when the
// path names one, else from disk.
func (ls *loadState) readVarFiles() loaders.Diagnostics {
	var diags loaders.Diagnostics
	for _, p := range ls.opts.VarFiles {
		disp := path.Clean(filepath.ToSlash(p))
		if f, ok := ls.files[disp]; ok {
			ls.varFiles = append(ls.varFiles, f)
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			diags.Errorf(loaders.Range{File: disp}, "cannot read --var-file: %v", unwrapPathErr(err))
			continue
		}
		f, fd := parseFile(disp, data, &ls.opts)
		diags = append(diags, fd...)
		ls.files[disp] = f
		ls.varFiles = append(ls.varFiles, f)
	}
	return diags
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if ok := asPathError(err, &pe); ok {
		return pe.Err
	}
	return err
}

func asPathError(err error, target **os.PathError) bool {
	pe, ok := err.(*os.PathError) //nolint:errorlint // os.ReadFile returns it unwrapped
	if ok {
		*target = pe
	}
	return ok
}

// setAllowed decides where file functions may read: Options.Roots, or the
// directories of the scanned files when no roots were given.
func (ls *loadState) setAllowed(files []loaders.File) {
	roots := ls.opts.Roots
	if len(roots) == 0 {
		seen := map[string]bool{}
		for _, f := range files {
			d := filepath.Dir(f.Path)
			if !seen[d] {
				seen[d] = true
				roots = append(roots, d)
			}
		}
	}
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			continue
		}
		if resolved, err := filepath.EvalSymlinks(abs); err == nil {
			abs = resolved
		}
		if st, err := os.Stat(abs); err == nil && !st.IsDir() {
			abs = filepath.Dir(abs)
		}
		ls.allowed = append(ls.allowed, abs)
	}
}

// evalRoots evaluates root modules in parallel.
func (ls *loadState) evalRoots(ctx context.Context, roots []*module) ([]loaders.Resource, loaders.Diagnostics) {
	results := make([][]loaders.Resource, len(roots))
	rdiags := make([]loaders.Diagnostics, len(roots))
	loaders.Parallel(ctx, len(roots), func(i int) {
		results[i], rdiags[i] = ls.evalRoot(ctx, roots[i])
		if ls.release && !roots[i].called {
			roots[i].release()
		}
	})
	var (
		res   []loaders.Resource
		diags loaders.Diagnostics
	)
	for i := range roots {
		res = append(res, results[i]...)
		diags = append(diags, rdiags[i]...)
	}
	return res, diags
}

// evalRoot evaluates one root module and everything it calls.
func (ls *loadState) evalRoot(ctx context.Context, m *module) (res []loaders.Resource, diags loaders.Diagnostics) {
	ev := &evaluator{ls: ls, rootDir: m.dir, active: map[string]bool{}, memo: map[string]*modInst{}}
	ev.funcs = ev.buildFuncs()
	defer func() {
		if r := recover(); r != nil {
			ev.diags = append(ev.diags, loaders.PanicError(loaders.Range{File: m.dir}, "while evaluating module "+m.dir, r, debug.Stack()))
			res, diags = ev.out, ev.diags
		}
	}()
	if ls.opts.OnStart != nil {
		ls.opts.OnStart(m.dir)
	}
	inst := ev.newInst(m, "", nil, nil)
	ev.rootVars(inst)
	inst.setRegions(nil)
	inst.run(ctx)
	ev.link()
	return ev.out, ev.diags
}

// newInst creates a module instance.
func (ev *evaluator) newInst(m *module, addr string, chain []loaders.ModuleCall, parent *modInst) *modInst {
	ev.instCount++
	return &modInst{
		ev: ev, mod: m, addr: addr, chain: chain, parent: parent,
		vars:       map[string]cty.Value{},
		varThunks:  map[string]func() cty.Value{},
		varOrigin:  map[string]origin{},
		cells:      map[string]*cell{},
		docs:       map[string]*docResult{},
		expansions: map[string]*instSet{},
		calls:      map[string]*callResult{},
		regions:    map[string]string{},
	}
}

// run emits the resources of the instance and of the modules it calls.
func (m *modInst) run(ctx context.Context) {
	for _, b := range m.mod.resources {
		if ctx.Err() != nil {
			return
		}
		m.emit(b)
	}
	m.runCalls(ctx)
}

// setRegions evaluates the aws provider configurations' regions. A child
// module inherits its caller's providers (through providers = {...} when
// given).
func (m *modInst) setRegions(call *moduleCall) {
	if m.parent != nil {
		maps.Copy(m.regions, m.parent.regions)
		if call != nil {
			for child, parentName := range call.providers {
				if r, ok := m.parent.regions[parentName]; ok {
					m.regions[child] = r
				}
			}
		}
	}
	for _, name := range sortedKeys(m.mod.providers) {
		if name != "aws" && !strings.HasPrefix(name, "aws.") {
			continue
		}
		p := m.mod.providers[name]
		if p.region == nil {
			continue
		}
		v := m.rootScope().eval(p.region)
		uv, _ := v.UnmarkDeep()
		if uv.IsKnown() && !uv.IsNull() && uv.Type() == cty.String && uv.AsString() != "" {
			m.regions[name] = uv.AsString()
		}
	}
}

// rootVars sets the variables of a root module from, in increasing
// precedence: defaults, TF_VAR_ environment values, terraform.tfvars,
// terraform.tfvars.json, *.auto.tfvars(.json) in lexical order,
// --var-file files and --var flags (Terraform gives -var and -var-file
// their command-line order; Options keeps them apart, so flags win).
func (ev *evaluator) rootVars(m *modInst) {
	if ev.ls.planVars != nil {
		ev.planRootVars(m)
		return
	}
	set := map[string]varSetting{}
	for name, v := range m.mod.variables {
		if v.def != nil {
			val, hd := v.def.Value(nil)
			ev.addHCL(hd)
			set[name] = varSetting{val: val, org: origin{expr: v.def}, rng: v.def.Range()}
		}
	}
	for _, k := range sortedKeys(ev.ls.opts.EnvVars) {
		name := strings.TrimPrefix(k, "TF_VAR_")
		if v, ok := m.mod.variables[name]; ok {
			r := hcl.Range{Filename: "TF_VAR_" + name}
			set[name] = varSetting{val: ev.rawVar(v, ev.ls.opts.EnvVars[k], r), rng: r}
		}
	}
	files := slices.Clone(m.mod.autoVars)
	files = append(files, ev.ls.varFiles...)
	for _, f := range files {
		ev.applyVarFile(m, f, set)
	}
	for _, fv := range ev.ls.opts.Vars {
		if v, ok := m.mod.variables[fv.Name]; ok {
			r := hcl.Range{Filename: "--var " + fv.Name}
			set[fv.Name] = varSetting{val: ev.rawVar(v, fv.Value, r), rng: r}
		}
	}
	for name, v := range m.mod.variables {
		s, ok := set[name]
		if !ok {
			m.vars[name] = unknownBecause("var." + name + " has no value")
			continue
		}
		m.vars[name] = ev.finalizeVar(v, s.val, s.rng)
		if s.org.expr != nil {
			m.varOrigin[name] = s.org
		}
	}
}

// varSetting is one source's value for a root variable.
type varSetting struct {
	val cty.Value
	org origin
	rng hcl.Range
}

// rawVar reads a --var or TF_VAR_ value: a literal string for a variable
// of primitive or unspecified type, an HCL expression otherwise.
func (ev *evaluator) rawVar(v *variable, s string, r hcl.Range) cty.Value {
	if !v.typed || v.typ.IsPrimitiveType() {
		return cty.StringVal(s)
	}
	expr, hd := hclsyntax.ParseExpression([]byte(s), r.Filename, hcl.InitialPos)
	if !hd.HasErrors() {
		var val cty.Value
		if val, hd = expr.Value(nil); !hd.HasErrors() {
			return val
		}
	}
	ev.diags.Errorf(toRange(r), "invalid value for var.%s: %s", v.name, hd.Error())
	return unknownBecause("var." + v.name + ": the given value is not a valid expression")
}

// applyVarFile sets root variables from a variables file.
func (ev *evaluator) applyVarFile(m *modInst, f *srcFile, set map[string]varSetting) {
	if f == nil || f.file == nil {
		return
	}
	attrs, hd := f.file.Body.JustAttributes()
	ev.addHCL(hd)
	for _, name := range sortedKeys(attrs) {
		a := attrs[name]
		if _, ok := m.mod.variables[name]; !ok {
			continue
		}
		val, hd := a.Expr.Value(nil)
		if hd.HasErrors() {
			ev.addHCL(hd)
			val = unknownBecause(fmt.Sprintf("var.%s: the value in %s cannot be evaluated", name, f.path))
		}
		set[name] = varSetting{val: val, org: origin{expr: a.Expr}, rng: a.Expr.Range()}
	}
}

// finalizeVar applies a variable's type constraint (and optional
// attribute defaults) to a value.
func (ev *evaluator) finalizeVar(v *variable, val cty.Value, r hcl.Range) cty.Value {
	if val.IsKnown() && val.IsNull() && !v.nullable && v.def != nil {
		if dv, hd := v.def.Value(nil); !hd.HasErrors() {
			val = dv
		}
	}
	if v.defaults != nil {
		func() {
			defer func() { _ = recover() }()
			um, pvm := val.UnmarkDeepWithPaths()
			val = v.defaults.Apply(um).MarkWithPaths(pvm)
		}()
	}
	out, err := convert.Convert(val, v.typ)
	if err != nil {
		ev.diags.Errorf(toRange(r), "invalid value for var.%s: %v", v.name, err)
		return unknownBecause(fmt.Sprintf("var.%s: invalid value: %v", v.name, err))
	}
	return out
}

func dedupeResources(res []loaders.Resource) []loaders.Resource {
	seen := map[string]bool{}
	out := res[:0]
	for _, r := range res {
		// The same module called from two root modules yields resources with
		// equal addresses and ranges: they are different resources (two
		// states), told apart by the module chain.
		var b strings.Builder
		b.WriteString(r.Address + "\x00" + r.Range.String())
		for _, c := range r.ModuleChain {
			b.WriteString("\x00" + c.Range.String())
		}
		key := b.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, r)
	}
	return out
}

func dedupeDiags(ds loaders.Diagnostics) loaders.Diagnostics {
	seen := map[string]bool{}
	var out loaders.Diagnostics
	for _, d := range ds {
		key := fmt.Sprintf("%s\x00%s\x00%s\x00%s", d.Severity, d.Range, d.Summary, d.Detail)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, d)
	}
	return out
}
