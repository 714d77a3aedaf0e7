package cloudformation

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/perimeter-iac/perimeter/loaders"
)

// New returns the CloudFormation loader.
func New() loaders.Loader { return cfnLoader{} }

type cfnLoader struct{}

func (cfnLoader) Name() string { return "cloudformation" }

// Claims reports whether data is a CloudFormation template, by content. It
// only sniffs bytes: it runs on every JSON and YAML file of a repository.
func (cfnLoader) Claims(path string, data []byte) bool {
	return sniff(path, data)
}

// Load reads the claimed templates in parallel (at most GOMAXPROCS at a
// time) and returns their resources sorted by file, line and address.
func (cfnLoader) Load(ctx context.Context, files []loaders.File, opts loaders.Options) ([]loaders.Resource, loaders.Diagnostics) {
	type result struct {
		res   []loaders.Resource
		diags loaders.Diagnostics
	}
	results := make([]result, len(files))
	workers := min(runtime.GOMAXPROCS(0), len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				res, diags := loadFile(ctx, files[i], opts)
				results[i] = result{res, diags}
			}
		})
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()

	var (
		all   []loaders.Resource
		diags loaders.Diagnostics
	)
	for _, r := range results {
		all = append(all, r.res...)
		diags = append(diags, r.diags...)
	}
	sortResources(all)
	diags.Sort()
	return all, diags
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

// loadFile reads one template. A panic is turned into an error diagnostic
// naming the file: one broken file must not end the scan.
func loadFile(ctx context.Context, f loaders.File, opts loaders.Options) (res []loaders.Resource, diags loaders.Diagnostics) {
	ds := &diagSet{}
	defer func() {
		if p := recover(); p != nil {
			res = nil
			diags = ds.list
			diags = append(diags, loaders.Diagnostic{
				Severity: loaders.Error,
				Summary:  fmt.Sprintf("internal error while reading the template: %v", p),
				Range:    loaders.Range{File: f.Path},
			})
		}
	}()
	src, ok := parseSource(f.Path, f.Data, ds)
	if !ok {
		return nil, ds.list
	}
	if !isTemplate(src.root) {
		return nil, ds.list
	}
	t := decodeTemplate(src, opts, ds)
	return analyse(ctx, t, opts, ds), ds.list
}

// analyse turns the template's exposing resources into loaders.Resource
// values, one per distinct condition variant.
func analyse(ctx context.Context, t *template, opts loaders.Options, ds *diagSet) []loaders.Resource {
	e := newEvaluator(t, opts, ds)
	var out []loaders.Resource
	for _, id := range t.order {
		if ctx.Err() != nil {
			break
		}
		res := t.resources[id]
		spec, ok := exposures[res.typ]
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
		k := fingerprint(l.out)
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
			r.Condition = cond
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
