package terraform

import (
	"cmp"
	"fmt"
	"path"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// This file decodes source-shaped structures from parsed files: a module is
// the set of .tf/.tf.json files of one directory; its blocks keep their
// hcl.Expression and ranges, and evaluation happens later (eval.go).

// srcFile is one parsed configuration or variables file.
type srcFile struct {
	path string // display path, forward slashes
	src  []byte
	file *hcl.File // nil when the file did not parse at all
	json bool
}

// module is the configuration of one directory.
type module struct {
	dir       string // display path of the directory ("." for the working directory)
	files     []*srcFile
	variables map[string]*variable
	locals    map[string]*local
	outputs   map[string]*output
	managed   map[string]*block // "type.name"
	data      map[string]*block // "type.name"
	calls     map[string]*moduleCall
	providers map[string]*providerConfig // "aws" or "aws.alias"
	// resources lists the managed resources in file and line order, the
	// order resources are emitted in.
	resources []*block
	// autoVars are the terraform.tfvars(.json) and *.auto.tfvars(.json)
	// files of the directory, in the order Terraform applies them.
	autoVars []*srcFile
	diags    loaders.Diagnostics
	// called is set when another scanned directory calls this one as a
	// local module (loadState.roots).
	called bool
	// infos caches the analysis of the expressions evaluated in the
	// module's scope (exprInfoOf).
	infos *exprCache
}

// release drops the syntax of a root module that no other directory calls,
// once it has been evaluated: nothing reads it again, and a tree's root
// modules together hold most of its syntax (ten times the size of the
// files). The file contents stay: messages quote them.
func (m *module) release() {
	for _, f := range m.files {
		f.file = nil
	}
	for _, f := range m.autoVars {
		f.file = nil
	}
	*m = module{dir: m.dir, called: m.called}
}

type variable struct {
	name     string
	body     hcl.Body       // kept so an override file can be merged into it
	def      hcl.Expression // nil when there is no default
	typ      cty.Type
	defaults *typeexpr.Defaults
	nullable bool
	typed    bool // a type constraint other than any was given
	decl     hcl.Range
}

type local struct {
	name string
	expr hcl.Expression
	decl hcl.Range
}

type output struct {
	name string
	expr hcl.Expression
	decl hcl.Range
}

// block is a resource or data block.
type block struct {
	data      bool
	typ, name string
	body      hcl.Body
	count     hcl.Expression
	forEach   hcl.Expression
	provider  string // "aws.west" from provider = aws.west; "" for the default
	decl      hcl.Range
	rng       hcl.Range
	file      *srcFile
}

// key is "type.name", or "data.type.name" for data blocks.
func (b *block) key() string {
	if b.data {
		return "data." + b.typ + "." + b.name
	}
	return b.typ + "." + b.name
}

type moduleCall struct {
	name    string
	source  string
	version string
	body    hcl.Body
	count   hcl.Expression
	forEach hcl.Expression
	// providers maps a child's provider name to the caller's
	// (providers = { aws = aws.west }).
	providers map[string]string
	decl      hcl.Range
	rng       hcl.Range
}

type providerConfig struct {
	region hcl.Expression // nil when not set
	decl   hcl.Range
}

var rootSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "moved"},
	{Type: "import"},
	{Type: "removed"},
	{Type: "check", LabelNames: []string{"name"}},
	{Type: "ephemeral", LabelNames: []string{"type", "name"}},
}}

// metaArguments are the arguments of resource and module blocks that
// Terraform itself interprets.
var metaArguments = map[string]bool{
	"count": true, "for_each": true, "provider": true, "providers": true, "depends_on": true,
	"lifecycle": true, "source": true, "version": true, "connection": true, "provisioner": true,
}

// parseFile parses one file. It never panics: a panic inside the parser
// becomes an error diagnostic naming the file.
func parseFile(name string, src []byte, opts *loaders.Options) (f *srcFile, diags loaders.Diagnostics) {
	f = &srcFile{path: name, src: src, json: strings.HasSuffix(strings.ToLower(name), ".json")}
	defer func() {
		if r := recover(); r != nil {
			f.file = nil
			diags = append(diags, loaders.PanicError(loaders.Range{File: name}, "while parsing", r, debug.Stack()))
		}
	}()
	if opts.OnStart != nil {
		opts.OnStart(name)
	}
	if d := checkSyntax(name, src, opts.Limits); d != nil {
		// Too deep or too big to parse safely: hclsyntax would exhaust the
		// stack or memory.
		return f, loaders.Diagnostics{*d}
	}
	var hd hcl.Diagnostics
	if f.json {
		f.file, hd = hcljson.Parse(src, name)
	} else {
		f.file, hd = hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	}
	diags = append(diags, fromHCL(hd, name)...)
	if hd.HasErrors() && !strings.Contains(strings.ToLower(name), ".tfvars") {
		// A configuration file with syntax errors loses all its blocks:
		// evaluating a half-parsed file would report what it does not say.
		f.file = nil
	}
	return f, diags
}

// fromHCL converts HCL diagnostics, keeping only errors and warnings with
// their ranges.
func fromHCL(hd hcl.Diagnostics, file string) loaders.Diagnostics {
	var out loaders.Diagnostics
	for _, d := range hd {
		sev := loaders.Warning
		if d.Severity == hcl.DiagError {
			sev = loaders.Error
		}
		r := loaders.Range{File: file}
		if d.Subject != nil {
			r = toRange(*d.Subject)
		}
		out = append(out, loaders.Diagnostic{Severity: sev, Summary: d.Summary, Detail: d.Detail, Range: r})
	}
	return out
}

func toRange(r hcl.Range) loaders.Range {
	return loaders.Range{
		File:  r.Filename,
		Start: policy.Pos{Line: r.Start.Line, Column: r.Start.Column},
		End:   policy.Pos{Line: r.End.Line, Column: r.End.Column},
	}
}

// blockRange is the range of a whole block: header to closing brace.
func blockRange(b *hcl.Block) hcl.Range {
	if sb, ok := b.Body.(*hclsyntax.Body); ok {
		return hcl.RangeBetween(b.TypeRange, sb.SrcRange)
	}
	// JSON: the union of the header and every property.
	r := b.DefRange
	if attrs, diags := b.Body.JustAttributes(); !diags.HasErrors() || len(attrs) > 0 {
		for _, a := range attrs {
			r = hcl.RangeOver(r, a.Range)
		}
	}
	return r
}

// decodeModule builds a module from the files of one directory.
func decodeModule(dir string, files []*srcFile) *module {
	m := &module{
		dir:       dir,
		files:     files,
		variables: map[string]*variable{},
		locals:    map[string]*local{},
		outputs:   map[string]*output{},
		managed:   map[string]*block{},
		data:      map[string]*block{},
		calls:     map[string]*moduleCall{},
		providers: map[string]*providerConfig{},
		infos:     &exprCache{},
	}
	var overrides []*srcFile
	for _, f := range files {
		if f.file == nil {
			continue
		}
		if isOverride(f.path) {
			overrides = append(overrides, f)
			continue
		}
		m.decodeFile(f)
	}
	// Override files apply after every other file, in lexical order.
	slices.SortFunc(overrides, func(a, b *srcFile) int { return cmp.Compare(path.Base(a.path), path.Base(b.path)) })
	for _, f := range overrides {
		m.applyOverride(f)
	}
	slices.SortFunc(m.resources, func(a, b *block) int {
		return cmp.Or(cmp.Compare(a.decl.Filename, b.decl.Filename), cmp.Compare(a.decl.Start.Line, b.decl.Start.Line),
			cmp.Compare(a.decl.Start.Column, b.decl.Start.Column))
	})
	return m
}

func (m *module) errorf(r hcl.Range, format string, args ...any) {
	m.diags.Errorf(toRange(r), format, args...)
}

func (m *module) decodeFile(f *srcFile) {
	content, _, hd := f.file.Body.PartialContent(rootSchema)
	// PartialContent reports blocks with the wrong number of labels; the
	// remaining content is still usable.
	m.diags = append(m.diags, fromHCL(hd, f.path)...)
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			m.decodeVariable(b)
		case "locals":
			attrs, hd := b.Body.JustAttributes()
			m.diags = append(m.diags, fromHCL(hd, f.path)...)
			for name, a := range attrs {
				if prev, dup := m.locals[name]; dup {
					m.errorf(a.NameRange, "duplicate local value %q (first defined at %s)", name, toRange(prev.decl))
					continue
				}
				m.locals[name] = &local{name: name, expr: a.Expr, decl: a.Range}
			}
		case "output":
			name := b.Labels[0]
			c, _, hd := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "value"}}})
			m.diags = append(m.diags, fromHCL(hd, f.path)...)
			o := &output{name: name, decl: b.DefRange}
			if a, ok := c.Attributes["value"]; ok {
				o.expr = a.Expr
			}
			m.outputs[name] = o
		case "resource", "data":
			m.decodeResource(f, b)
		case "module":
			m.decodeModuleCall(b)
		case "provider":
			m.decodeProvider(b)
		}
	}
}

func (m *module) decodeVariable(b *hcl.Block) {
	name := b.Labels[0]
	c, _, hd := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "default"}, {Name: "type"}, {Name: "nullable"},
	}})
	m.diags = append(m.diags, fromHCL(hd, b.DefRange.Filename)...)
	v := &variable{name: name, body: b.Body, typ: cty.DynamicPseudoType, nullable: true, decl: b.DefRange}
	if a, ok := c.Attributes["type"]; ok {
		ty, defaults, hd := typeexpr.TypeConstraintWithDefaults(a.Expr)
		if hd.HasErrors() {
			m.diags = append(m.diags, fromHCL(hd, b.DefRange.Filename)...)
		} else {
			v.typ, v.defaults = ty, defaults
			v.typed = ty != cty.DynamicPseudoType
		}
	}
	if a, ok := c.Attributes["default"]; ok {
		v.def = a.Expr
	}
	if a, ok := c.Attributes["nullable"]; ok {
		if val, hd := a.Expr.Value(nil); !hd.HasErrors() && val.Type() == cty.Bool && val.IsKnown() && !val.IsNull() {
			v.nullable = val.True()
		}
	}
	if prev, dup := m.variables[name]; dup {
		m.errorf(b.DefRange, "duplicate variable %q (first declared at %s)", name, toRange(prev.decl))
		return
	}
	m.variables[name] = v
}

var resourceMetaSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "count"}, {Name: "for_each"}, {Name: "provider"},
}}

func (m *module) decodeResource(f *srcFile, b *hcl.Block) {
	r := &block{
		data: b.Type == "data", typ: b.Labels[0], name: b.Labels[1], body: b.Body,
		decl: b.DefRange, rng: blockRange(b), file: f,
	}
	c, _, _ := b.Body.PartialContent(resourceMetaSchema)
	if a, ok := c.Attributes["count"]; ok {
		r.count = a.Expr
	}
	if a, ok := c.Attributes["for_each"]; ok {
		r.forEach = a.Expr
	}
	if r.count != nil && r.forEach != nil {
		m.errorf(b.DefRange, "%s has both count and for_each", r.key())
	}
	if a, ok := c.Attributes["provider"]; ok {
		r.provider = traversalString(a.Expr)
	}
	table := m.managed
	if r.data {
		table = m.data
	}
	if prev, dup := table[r.key()]; dup {
		m.errorf(b.DefRange, "duplicate %s (first declared at %s)", r.key(), toRange(prev.decl))
		return
	}
	table[r.key()] = r
	if !r.data {
		m.resources = append(m.resources, r)
	}
}

// traversalString renders a bare reference such as aws.west, which
// provider arguments are written as; it also accepts a quoted string.
func traversalString(expr hcl.Expression) string {
	if t, diags := hcl.AbsTraversalForExpr(expr); !diags.HasErrors() {
		var parts []string
		for _, step := range t {
			switch s := step.(type) {
			case hcl.TraverseRoot:
				parts = append(parts, s.Name)
			case hcl.TraverseAttr:
				parts = append(parts, s.Name)
			}
		}
		return strings.Join(parts, ".")
	}
	if v, diags := expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
		return v.AsString()
	}
	return ""
}

func (m *module) decodeModuleCall(b *hcl.Block) {
	mc := &moduleCall{name: b.Labels[0], body: b.Body, decl: b.DefRange, rng: blockRange(b), providers: map[string]string{}}
	c, _, _ := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "source"}, {Name: "version"}, {Name: "count"}, {Name: "for_each"}, {Name: "providers"},
	}})
	if a, ok := c.Attributes["source"]; ok {
		if v, hd := a.Expr.Value(nil); !hd.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
			mc.source = v.AsString()
		} else {
			m.errorf(a.Expr.Range(), "module %q: source must be a literal string", mc.name)
		}
	} else {
		m.errorf(b.DefRange, "module %q has no source", mc.name)
	}
	if a, ok := c.Attributes["version"]; ok {
		if v, hd := a.Expr.Value(nil); !hd.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
			mc.version = v.AsString()
		}
	}
	if a, ok := c.Attributes["count"]; ok {
		mc.count = a.Expr
	}
	if a, ok := c.Attributes["for_each"]; ok {
		mc.forEach = a.Expr
	}
	if a, ok := c.Attributes["providers"]; ok {
		if pairs, hd := hcl.ExprMap(a.Expr); !hd.HasErrors() {
			for _, p := range pairs {
				mc.providers[traversalString(p.Key)] = traversalString(p.Value)
			}
		}
	}
	if prev, dup := m.calls[mc.name]; dup {
		m.errorf(b.DefRange, "duplicate module call %q (first declared at %s)", mc.name, toRange(prev.decl))
		return
	}
	m.calls[mc.name] = mc
}

func (m *module) decodeProvider(b *hcl.Block) {
	c, _, _ := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "region"}, {Name: "alias"}}})
	name := b.Labels[0]
	if a, ok := c.Attributes["alias"]; ok {
		if v, hd := a.Expr.Value(nil); !hd.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
			name += "." + v.AsString()
		}
	}
	p := &providerConfig{decl: b.DefRange}
	if a, ok := c.Attributes["region"]; ok {
		p.region = a.Expr
	}
	m.providers[name] = p
}

// fileKind classifies a claimed file by name.
type fileKind int

const (
	kindOther fileKind = iota
	kindConfig
	kindAutoVars // terraform.tfvars(.json), *.auto.tfvars(.json)
	kindVars     // other .tfvars(.json): applied only when named by --var-file
)

func classify(p string) fileKind {
	base := strings.ToLower(path.Base(p))
	switch {
	case strings.HasSuffix(base, ".tf") || strings.HasSuffix(base, ".tf.json"):
		return kindConfig
	case base == "terraform.tfvars" || base == "terraform.tfvars.json" ||
		strings.HasSuffix(base, ".auto.tfvars") || strings.HasSuffix(base, ".auto.tfvars.json"):
		return kindAutoVars
	case strings.HasSuffix(base, ".tfvars") || strings.HasSuffix(base, ".tfvars.json"):
		return kindVars
	default:
		return kindOther
	}
}

// autoVarsOrder sorts variables files the way Terraform applies them:
// terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) in
// lexical order.
func autoVarsOrder(a, b *srcFile) int {
	rank := func(f *srcFile) int {
		switch path.Base(f.path) {
		case "terraform.tfvars":
			return 0
		case "terraform.tfvars.json":
			return 1
		default:
			return 2
		}
	}
	return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(path.Base(a.path), path.Base(b.path)))
}

func describeRange(r hcl.Range) string {
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line)
}
