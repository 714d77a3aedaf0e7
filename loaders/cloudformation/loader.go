package cloudformation

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// New returns the CloudFormation loader.
func New() loaders.Loader { return cfnLoader{} }

type cfnLoader struct{}

func (cfnLoader) Name() string { return "cloudformation" }

// Claims reports whether data is a CloudFormation template, by content. It
// only sniffs bytes: it runs on every JSON and YAML file of a repository.
func (cfnLoader) Claims(name string, data []byte) bool {
	return sniff(name, data)
}

// Load reads the claimed templates in parallel (at most GOMAXPROCS at a
// time) and returns their resources sorted by file, line and address.
//
// Templates that other templates read are parsed first and kept: those
// that may declare nested stacks (their parents), and the stacks of CDK
// cloud assemblies (whose exports Fn::ImportValue reads). Every other
// template is parsed, analysed and dropped in one step, so memory follows
// the templates in flight rather than the whole tree (a parsed template
// takes about 15 times its size). Nested stacks are analysed with their
// parent's parameters, not as roots.
func (cfnLoader) Load(ctx context.Context, files []loaders.File, opts loaders.Options) ([]loaders.Resource, loaders.Diagnostics) {
	var diags loaders.Diagnostics
	overrides, pdiags := parameterFiles(opts.ParameterFiles)
	diags = append(diags, pdiags...)
	for k, v := range opts.Parameters {
		overrides[k] = policy.Value{Kind: policy.String, Str: v}
	}
	lc := &loadContext{files: map[string]*parsedFile{}, overrides: overrides, region: opts.Region}
	stacks, assets, cdiags := cdkFacts(files)
	diags = append(diags, cdiags...)
	lc.assets = assets

	pfs := make([]*parsedFile, len(files))
	for i, f := range files {
		st := stacks[f.Path]
		pfs[i] = &parsedFile{file: f, diags: &diagSet{}, stackName: st.name, region: st.region, assembly: st.assembly}
		pfs[i].lazy = sync.OnceValue(func() *template { return parseFile(f, &diagSet{}, &opts) })
		lc.files[f.Path] = pfs[i]
	}
	loaders.Parallel(ctx, len(pfs), func(i int) {
		if pf := pfs[i]; pf.assembly != "" || mayNest(pf.file.Data) {
			pf.t, pf.early = parseFile(pf.file, pf.diags, &opts), true
		}
	})
	markNested(lc, opts)
	lc.exports = exportIndex(lc.files)

	results := make([][]loaders.Resource, len(pfs))
	loaders.Parallel(ctx, len(pfs), func(i int) {
		pf := pfs[i]
		t := pf.t
		if !pf.early {
			t = parseFile(pf.file, pf.diags, &opts) // and dropped after analysis
		}
		if t != nil && !pf.nested {
			results[i] = analyseFile(ctx, pf, t, opts, lc)
		}
	})
	var all []loaders.Resource
	for i, pf := range pfs {
		all = append(all, results[i]...)
		diags = append(diags, pf.diags.list...)
	}
	sortResources(all)
	diags.Sort()
	return all, diags
}

// mayNest reports whether a template may declare a nested stack, from its
// bytes: the type of a resource is a literal, so a template without these
// names declares none, unless an escape spells part of one: JSON's \u0053,
// YAML's \x53, \u, \U, or a line broken with a backslash in a
// double-quoted YAML string. Such a template counts too. Other escapes
// (\" \\ \n \t \/) are common in policies written as strings and cannot
// make a letter or a colon.
func mayNest(data []byte) bool {
	if bytes.Contains(data, []byte("CloudFormation::Stack")) || bytes.Contains(data, []byte("Serverless::Application")) {
		return true
	}
	for i := bytes.IndexByte(data, '\\'); i >= 0 && i+1 < len(data); {
		switch data[i+1] {
		case 'u', 'U', 'x', '\n', '\r':
			return true
		case '\\':
			i++ // an escaped backslash: what follows it is not escaped
		}
		next := bytes.IndexByte(data[i+1:], '\\')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// cdkFacts reads the CDK manifests among files: the stack of each
// synthesized template, and the asset files of each cloud assembly.
func cdkFacts(files []loaders.File) (map[string]cdkStack, map[string]map[string]string, loaders.Diagnostics) {
	var diags loaders.Diagnostics
	stacks := map[string]cdkStack{}
	assets := map[string]map[string]string{}
	for _, f := range files {
		if isCDKAssets(f.Path, f.Data) {
			keys, err := cdkAssets(f)
			if err != nil {
				diags.Errorf(loaders.Range{File: f.Path}, "cannot read the CDK asset manifest: %v", err)
				continue
			}
			dir := path.Dir(f.Path)
			if assets[dir] == nil {
				assets[dir] = map[string]string{}
			}
			maps.Copy(assets[dir], keys)
		}
		if isCDKManifest(f.Path, f.Data) {
			names, err := cdkManifest(f)
			if err != nil {
				diags.Errorf(loaders.Range{File: f.Path}, "cannot read the CDK manifest: %v", err)
				continue
			}
			maps.Copy(stacks, names)
		}
	}
	return stacks, assets, diags
}

// sortResources orders resources by file, line and address. The sort is
// stable: the variants of one resource and the queues of one queue policy
// keep the order the template gives them.
func sortResources(rs []loaders.Resource) {
	slices.SortStableFunc(rs, func(a, b loaders.Resource) int {
		return cmp.Or(
			cmp.Compare(a.Range.File, b.Range.File),
			cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
			cmp.Compare(a.Address, b.Address),
		)
	})
}

// parseFile parses one file into its template (nil when the file is not a
// template), with its problems in diags. A panic is turned into an error
// diagnostic naming the file: one broken file must not end the scan.
func parseFile(f loaders.File, diags *diagSet, opts *loaders.Options) (t *template) {
	defer func() {
		if p := recover(); p != nil {
			t = nil
			d := loaders.PanicError(loaders.Range{File: f.Path}, "while reading the template", p, debug.Stack())
			diags.errorf(d.Range, "%s", d.Summary)
		}
	}()
	if opts.OnStart != nil {
		opts.OnStart(f.Path)
	}
	if isCDKManifest(f.Path, f.Data) || isCDKAssets(f.Path, f.Data) {
		return nil
	}
	src, ok := parseSource(f.Path, f.Data, diags, opts.Limits)
	if !ok || !isTemplate(src.root) {
		return nil
	}
	return decodeTemplate(src, diags)
}

// analyseFile analyses one root template, recovering from a panic as
// parseFile does.
func analyseFile(ctx context.Context, pf *parsedFile, t *template, opts loaders.Options, lc *loadContext) (out []loaders.Resource) {
	defer func() {
		if p := recover(); p != nil {
			out = nil
			d := loaders.PanicError(loaders.Range{File: pf.file.Path}, "while analysing the template", p, debug.Stack())
			pf.diags.errorf(d.Range, "%s", d.Summary)
		}
	}()
	if opts.OnStart != nil {
		opts.OnStart(pf.file.Path + "#analyse")
	}
	if pf.region != "" {
		opts.Region = pf.region // the region the CDK stack is bound to
	}
	e := newEvaluator(t, opts, lc.overrides, pf.diags)
	e.lc, e.ctx, e.stackName, e.assembly = lc, ctx, pf.stackName, pf.assembly
	return e.analyse()
}

// analyse turns the template's exposing resources into loaders.Resource
// values, one per distinct condition variant.
func (e *evaluator) analyse() []loaders.Resource {
	var out []loaders.Resource
	for _, id := range e.t.order {
		if e.ctx != nil && e.ctx.Err() != nil {
			break
		}
		res := e.t.resources[id]
		spec, ok := exposureFor(res.typ)
		if !ok {
			continue
		}
		out = append(out, e.variants(res, spec)...)
	}
	return out
}

type leaf struct {
	v      *variant
	exists bool
	out    []loaders.Resource
}

// variants evaluates res under every assignment of the undecidable
// conditions (and AllowedValues parameters) it depends on, up to
// maxVariants, and merges the variants that give the same result.
func (e *evaluator) variants(res *resource, spec exposure) []loaders.Resource {
	var leaves []leaf
	queue := []*variant{newVariant(nil)}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		e.v = v
		exists, out := e.build(res, spec)
		if p := v.pending; p != nil {
			if len(leaves)+len(queue)+len(p.values) > maxVariants {
				return e.undecided(res, spec)
			}
			for _, val := range p.values {
				queue = append(queue, v.with(*p, val))
			}
			continue
		}
		leaves = append(leaves, leaf{v: v, exists: exists, out: out})
	}
	return merge(leaves)
}

// undecided analyses res once with every undecidable choice left unknown.
func (e *evaluator) undecided(res *resource, spec exposure) []loaders.Resource {
	v := newVariant(nil)
	v.noFork = true
	e.v = v
	_, out := e.build(res, spec)
	cond := fmt.Sprintf("undecided (more than %d variants): %s", maxVariants, strings.Join(v.undecided, ", "))
	for i := range out {
		out[i].Condition = cond
	}
	return out
}

// merge drops variants whose resources are identical and describes each
// remaining one by the choices its members share.
func merge(leaves []leaf) []loaders.Resource {
	type group struct {
		key     string
		members []leaf
	}
	var (
		groups  []*group
		byKey   = map[string]*group{}
		missing bool
	)
	for _, l := range leaves {
		if !l.exists {
			missing = true
			continue
		}
		k := ""
		if len(leaves) > 1 { // one variant has nothing to be merged with
			k = fingerprint(l.out)
		}
		g, ok := byKey[k]
		if !ok {
			g = &group{key: k}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.members = append(g.members, l)
	}
	var out []loaders.Resource
	for _, g := range groups {
		cond := ""
		if missing || len(groups) > 1 {
			cond = describeGroup(g.members, leaves)
		}
		for _, r := range g.members[0].out {
			switch {
			case r.Condition == "":
				r.Condition = cond
			case cond != "":
				r.Condition = cond + "; " + r.Condition // a nested stack's own variant
			}
			out = append(out, r)
		}
	}
	return out
}

// fingerprint identifies a variant's resources, ignoring nothing but the
// condition text (which is not set yet).
func fingerprint(rs []loaders.Resource) string {
	b, err := json.Marshal(rs) //nolint:musttag // a fingerprint: the default field names are all it needs
	if err != nil {
		return fmt.Sprintf("%p", rs)
	}
	return string(b)
}

// describeGroup says when a group of variants applies: by the choices its
// members share, when no other variant shares them too, else as the list
// of its members' assignments.
func describeGroup(members, all []leaf) string {
	if len(members) == 1 {
		return describe(members[0].v.pairs())
	}
	common := members[0].v.pairs()
	for _, m := range members[1:] {
		set := map[string]bool{}
		for _, p := range m.v.pairs() {
			set[p] = true
		}
		common = slices.DeleteFunc(common, func(p string) bool { return !set[p] })
	}
	if len(common) > 0 && !othersMatch(common, members, all) {
		return describe(common)
	}
	parts := make([]string, len(members))
	for i, m := range members {
		parts[i] = describe(m.v.pairs())
	}
	return strings.Join(parts, " or ")
}

// othersMatch reports whether a variant outside members is consistent with
// every pair (assigns it, or does not depend on it).
func othersMatch(pairs []string, members, all []leaf) bool {
	for _, l := range all {
		if slices.ContainsFunc(members, func(m leaf) bool { return m.v == l.v }) {
			continue
		}
		consistent := true
		for _, p := range pairs {
			label, value, _ := strings.Cut(p, " = ")
			for i, c := range l.v.order {
				if c.label == label && l.v.picked[i] != value {
					consistent = false
				}
			}
		}
		if consistent {
			return true
		}
	}
	return false
}
