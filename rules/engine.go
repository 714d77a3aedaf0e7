package rules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// rulesRoot is the package prefix every rule lives under: a rule is a
// package data.perimeter.rules.<name> with a `findings` set.
const rulesRoot = "perimeter.rules."

// Source is a set of Rego files: the built-in FS, or a user's directory.
type Source struct {
	FS      fs.FS
	Dir     string // directory inside FS ("." for the root)
	Builtin bool
	// Display is the prefix shown in errors for files of this source (the
	// directory the user gave); empty for the built-in rules.
	Display string
	// NoTests leaves the source's *_test.rego files out of RunTests (the
	// built-in tests when a user tests their own rules).
	NoTests bool
}

// Builtin is the Source of the embedded rules.
func Builtin() Source { return Source{FS: FS, Dir: ".", Builtin: true} }

// Engine evaluates resources against compiled rules. It is safe for
// concurrent use.
type Engine struct {
	rules  []*Rule
	byKind map[string][]*Rule
	any    []*Rule // rules with kind "*"
	// together holds, for each kind judged by several rules (an S3
	// bucket's policy and ACL rules), one query that evaluates them all,
	// so that the library they share is evaluated once per resource.
	together map[string]*kindQuery

	compiler *ast.Compiler
	caps     *ast.Capabilities
	// prepareMu serialises query preparation: built-in rules' queries are
	// prepared on first use (a scan meets a few kinds; preparing all of
	// them would cost every pre-commit run), and preparing reads and
	// caches state in the shared compiler.
	prepareMu sync.Mutex
}

// lazyQuery is a query prepared on first use, once.
type lazyQuery struct {
	once  sync.Once
	query rego.PreparedEvalQuery
	err   error
}

// prepared returns the query, preparing it on first use. The preparation
// is remembered whatever ctx becomes: evaluation passes a context that
// cannot be cancelled.
func (e *Engine) prepared(ctx context.Context, lq *lazyQuery, query string) (rego.PreparedEvalQuery, error) {
	lq.once.Do(func() {
		e.prepareMu.Lock()
		defer e.prepareMu.Unlock()
		lq.query, lq.err = rego.New(
			rego.Compiler(e.compiler),
			rego.Query(query),
			rego.Capabilities(e.caps),
			rego.StrictBuiltinErrors(true),
		).PrepareForEval(ctx)
	})
	return lq.query, lq.err
}

// kindQuery evaluates the findings of several rules in one query; the
// findings of rules[i] are bound to the variable r<i>.
type kindQuery struct {
	rules []*Rule
	text  string
	lazyQuery
}

// Capabilities returns the builtins a perimeter rule may use: OPA's, minus
// every non-deterministic one (http.send, net.lookup_ip_addr, opa.runtime,
// time.now_ns, rand.*, uuid.*, io.jwt.* ...). A rule that calls one fails to
// compile, so no rule can reach the network or make output vary between runs.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(caps.Builtins, (*ast.Builtin).IsNondeterministic)
	caps.AllowNet = []string{}
	return caps
}

// New compiles the rules of every source once. The query of a custom rule
// is prepared here, so that a rule that cannot be evaluated is an error
// now; the built-in rules' queries (tested in CI) are prepared on first
// use, once per kind, because a pre-commit scan of one module meets only
// a few kinds. Errors name the file and line.
func New(ctx context.Context, sources ...Source) (*Engine, error) {
	// The action catalog is needed by the first resource judged; decode it
	// on the other core while the rules compile.
	go policy.LoadCatalog()
	modules := map[string]*ast.Module{}
	var errs []error
	for _, src := range sources {
		if err := parseSource(src, modules); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	caps := Capabilities()
	compiler := ast.NewCompiler().WithCapabilities(caps).WithEnablePrintStatements(false)
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, compileError(compiler.Errors)
	}
	rules, err := collectRules(modules)
	if err != nil {
		return nil, err
	}
	e := &Engine{rules: rules, byKind: map[string][]*Rule{}, together: map[string]*kindQuery{}, compiler: compiler, caps: caps}
	for _, r := range rules {
		if !r.Builtin {
			if _, err := e.prepared(ctx, &r.query, r.queryText()); err != nil {
				return nil, fmt.Errorf("%s: %w", r.File, err)
			}
		}
		for _, k := range r.Kinds {
			if k == "*" {
				e.any = append(e.any, r)
				continue
			}
			e.byKind[k] = append(e.byKind[k], r)
		}
	}
	for kind := range e.byKind {
		rules := e.rulesFor(kind)
		if len(rules) < 2 {
			continue
		}
		parts := make([]string, len(rules))
		for i, r := range rules {
			parts[i] = fmt.Sprintf("r%d = data.%s.findings", i, r.Package)
		}
		e.together[kind] = &kindQuery{rules: rules, text: strings.Join(parts, "; ")}
	}
	return e, nil
}

// parseSource parses the .rego files of src (tests aside) into modules,
// in parallel: parsing the built-in library is a quarter of the start-up
// cost of every scan.
func parseSource(src Source, modules map[string]*ast.Module) error {
	var (
		errs  []error
		paths []string
	)
	err := fs.WalkDir(src.FS, src.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", display(src, p), err))
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return nil
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	parsed := make([]*ast.Module, len(paths))
	perr := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(paths))) {
		wg.Go(func() {
			for i := range next {
				parsed[i], perr[i] = parseModule(src, paths[i])
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, m := range parsed {
		if perr[i] != nil {
			errs = append(errs, perr[i])
			continue
		}
		modules[display(src, paths[i])] = m
	}
	return errors.Join(errs...)
}

func parseModule(src Source, p string) (*ast.Module, error) {
	data, err := fs.ReadFile(src.FS, p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", display(src, p), err)
	}
	name := display(src, p)
	m, err := ast.ParseModuleWithOpts(name, string(data), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, err
	}
	if !src.Builtin && strings.HasPrefix(m.Package.Path.String(), "data.perimeter.lib") {
		return nil, fmt.Errorf("%s:%d: package %s is reserved for perimeter's built-in library", name, m.Package.Location.Row, m.Package.Path)
	}
	return m, nil
}

func display(src Source, p string) string {
	if src.Builtin {
		return path.Join("builtin-rules", p)
	}
	if src.Display != "" {
		return path.Join(src.Display, p)
	}
	return p
}

func compileError(errs ast.Errors) error {
	var out []error
	for _, e := range errs {
		msg := e.Message
		if strings.Contains(msg, "undefined function") {
			msg += " (perimeter rules run offline: network and non-deterministic builtins such as http.send, net.lookup_ip_addr, time.now_ns, rand.intn and uuid.rfc4122 are not available)"
		}
		if e.Location != nil {
			out = append(out, fmt.Errorf("%s:%d: %s", e.Location.File, e.Location.Row, msg))
		} else {
			out = append(out, errors.New(msg))
		}
	}
	return errors.Join(out...)
}

// Rules returns the compiled rules, sorted by ID.
func (e *Engine) Rules() []*Rule { return e.rules }

// rulesFor returns the rules that apply to a resource kind.
func (e *Engine) rulesFor(kind string) []*Rule {
	if len(e.any) == 0 {
		return e.byKind[kind]
	}
	return append(slices.Clone(e.byKind[kind]), e.any...)
}

// Evaluate judges every resource, in parallel, and returns the findings in
// a deterministic order plus the problems met (a rule that failed on a
// resource, a panic), each naming the resource. A failure on one resource
// never hides the findings of another.
func (e *Engine) Evaluate(ctx context.Context, zone Zone, resources []loaders.Resource) ([]Finding, loaders.Diagnostics) {
	return e.EvaluateEach(ctx, zone, resources, nil)
}

// EvaluateEach is Evaluate, calling judged(i), when it is not nil, as soon
// as resources[i] has been judged, from the goroutine that judged it. A
// caller that reports only findings releases the resource's policies
// there.
func (e *Engine) EvaluateEach(ctx context.Context, zone Zone, resources []loaders.Resource, judged func(i int)) ([]Finding, loaders.Diagnostics) {
	type result struct {
		findings []Finding
		diags    loaders.Diagnostics
	}
	results := make([]result, len(resources))
	zoneValue := zoneTerm(zone)
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(resources))) {
		wg.Go(func() {
			for i := range work {
				results[i].findings, results[i].diags = e.evaluateOne(ctx, zoneValue, &resources[i])
				if judged != nil {
					judged(i)
				}
			}
		})
	}
	for i := range resources {
		work <- i
	}
	close(work)
	wg.Wait()

	var (
		findings []Finding
		diags    loaders.Diagnostics
	)
	for _, r := range results {
		findings = append(findings, r.findings...)
		diags = append(diags, r.diags...)
	}
	SortFindings(findings)
	diags.Sort()
	return findings, diags
}

func (e *Engine) evaluateOne(ctx context.Context, zone *ast.Term, res *loaders.Resource) (out []Finding, diags loaders.Diagnostics) {
	defer func() {
		if p := recover(); p != nil {
			diags.Errorf(res.DeclRange, "internal error judging %s: %v (stack hash %s); please report it", res.Address, p, stackHash(debug.Stack()))
		}
	}()
	rules := e.rulesFor(res.Kind)
	diags = append(diags, problemDiagnostics(res)...)
	if len(rules) == 0 {
		return nil, diags
	}
	input := inputValue(zone, res)
	if q := e.together[res.Kind]; q != nil {
		if found, ok := e.evalTogether(ctx, q, input, res); ok {
			return append(out, found...), diags
		}
		// An error: evaluate rule by rule to say which rule failed.
	}
	for _, r := range rules {
		pq, err := e.prepared(context.WithoutCancel(ctx), &r.query, r.queryText())
		if err != nil {
			diags.Errorf(res.DeclRange, "rule %s failed on %s: %v", r.ID, res.Address, err)
			continue
		}
		rs, err := pq.Eval(ctx, rego.EvalParsedInput(input), keepTerms)
		if err != nil {
			diags.Errorf(res.DeclRange, "rule %s failed on %s: %v", r.ID, res.Address, err)
			continue
		}
		found, err := decodeFindings(rs, r, res)
		if err != nil {
			diags.Errorf(res.DeclRange, "rule %s returned a malformed finding for %s: %v", r.ID, res.Address, err)
		}
		out = append(out, found...)
	}
	return out, diags
}

// evalTogether evaluates every rule of the query at once; ok is false when
// the preparation, the evaluation or the decoding failed.
func (e *Engine) evalTogether(ctx context.Context, q *kindQuery, input ast.Value, res *loaders.Resource) (out []Finding, ok bool) {
	pq, err := e.prepared(context.WithoutCancel(ctx), &q.lazyQuery, q.text)
	if err != nil {
		return nil, false
	}
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(input), keepTerms)
	if err != nil || len(rs) != 1 {
		return nil, false
	}
	for i, r := range q.rules {
		found, err := decodeValue(rs[0].Bindings[fmt.Sprintf("r%d", i)], r, res)
		if err != nil {
			return nil, false
		}
		out = append(out, found...)
	}
	return out, true
}

// problemDiagnostics reports grammar problems of policies that still parsed
// (unknown elements, a misspelt Effect) as warnings: AWS would reject such a
// policy, so the user should hear of it even when nothing is exposed.
// Unreadable policies become unresolved findings in the rules instead.
func problemDiagnostics(res *loaders.Resource) loaders.Diagnostics {
	var diags loaders.Diagnostics
	for _, d := range res.Documents {
		if d.Policy == nil || len(d.Policy.Statements) == 0 {
			continue
		}
		for _, p := range d.Policy.Problems {
			diags.Warnf(p.Range.Or(d.Range), "%s %s: %s", res.Address, d.Attribute, p.Message)
		}
	}
	return diags
}
