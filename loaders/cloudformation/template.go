package cloudformation

import (
	"fmt"
	"strings"
	"sync"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// diagSet collects a file's diagnostics once each: resources are evaluated
// once per condition variant, and the same problem must not be reported
// once per variant.
type diagSet struct {
	mu   sync.Mutex // a nested template may be analysed by several parents at once
	list loaders.Diagnostics
	seen map[string]bool
}

func (d *diagSet) add(sev loaders.Severity, r loaders.Range, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := fmt.Sprintf("%s|%s|%d|%d|%s", sev, r.File, r.Start.Line, r.Start.Column, msg)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	if d.seen[key] {
		return
	}
	d.seen[key] = true
	d.list = append(d.list, loaders.Diagnostic{Severity: sev, Summary: msg, Range: r})
}

func (d *diagSet) errorf(r loaders.Range, format string, args ...any) {
	d.add(loaders.Error, r, format, args...)
}

func (d *diagSet) warnf(r loaders.Range, format string, args ...any) {
	d.add(loaders.Warning, r, format, args...)
}

// template is the decoded shape of one template: its sections, by name,
// with the values still unevaluated.
type template struct {
	src        *source
	params     map[string]*parameter
	mappings   map[string]policy.Value
	conditions map[string]policy.Value
	resources  map[string]*resource
	outputs    map[string]output
	order      []string // resource logical IDs in source order
	transforms []policy.Value
	// sam and languageExtensions are set by the Transform section.
	sam, languageExtensions bool
}

type parameter struct {
	name      string
	typ       string
	def       *policy.Value
	allowed   []policy.Value
	declRange loaders.Range
}

type resource struct {
	id        string
	typ       string
	props     policy.Value // Properties; Null when absent
	condition string
	condRange loaders.Range
	rng       loaders.Range
	declRange loaders.Range
	metadata  policy.Value
}

// field returns the value of the last field named key, case-sensitively, as
// CloudFormation reads template keys.
func field(v policy.Value, key string) (policy.Value, bool) {
	var (
		found policy.Value
		ok    bool
	)
	for _, f := range v.Fields {
		if f.Key == key {
			found, ok = f.Value, true
		}
	}
	return found, ok
}

// isTemplate reports whether a parsed document is a CloudFormation template:
// a mapping with AWSTemplateFormatVersion, or with a Resources mapping one of
// whose entries has a Type such as AWS::S3::Bucket.
func isTemplate(root policy.Value) bool {
	if root.Kind != policy.Object {
		return false
	}
	if _, ok := field(root, "AWSTemplateFormatVersion"); ok {
		return true
	}
	res, ok := field(root, "Resources")
	if !ok || res.Kind != policy.Object {
		return false
	}
	for _, f := range res.Fields {
		if t, ok := field(f.Value, "Type"); ok && t.Kind == policy.String && hasTypePrefix(t.Str) {
			return true
		}
	}
	return false
}

var typePrefixes = []string{"AWS::", "Alexa::", "Custom::"}

func hasTypePrefix(s string) bool {
	for _, p := range typePrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// decodeTemplate reads the sections the loader needs. Shape errors are
// diagnostics; what can be read is kept.
func decodeTemplate(src *source, diags *diagSet) *template {
	t := &template{
		src:        src,
		params:     map[string]*parameter{},
		mappings:   map[string]policy.Value{},
		conditions: map[string]policy.Value{},
		resources:  map[string]*resource{},
		outputs:    map[string]output{},
	}
	root := src.root
	if v, ok := field(root, "Parameters"); ok {
		t.decodeParameters(v, diags)
	}
	decodeSection(root, "Mappings", t.mappings, diags)
	decodeSection(root, "Conditions", t.conditions, diags)
	if v, ok := field(root, "Transform"); ok {
		if v.Kind == policy.List {
			t.transforms = append(t.transforms, v.Items...)
		} else {
			t.transforms = append(t.transforms, v)
		}
		for _, tr := range t.transforms {
			switch {
			case tr.Kind == policy.String && tr.Str == samTransform:
				t.sam = true
			case tr.Kind == policy.String && tr.Str == "AWS::LanguageExtensions":
				t.languageExtensions = true
			default:
				name := tr.Str
				if n, ok := field(tr, "Name"); ok {
					name = n.Str
				}
				diags.warnf(tr.Range, "transform %s is a macro; it is not analysed and the template is read as written", name)
			}
		}
	}
	if v, ok := field(root, "Resources"); ok {
		t.decodeResources(v, diags)
	}
	if g, ok := field(root, "Globals"); ok { // a SAM section, also where Transform is left out
		t.applyGlobals(g)
	}
	if v, ok := field(root, "Outputs"); ok {
		t.decodeOutputs(v)
	}
	return t
}

// decodeSection copies the entries of a top-level mapping section (an
// empty one is null in YAML, and fine).
func decodeSection(root policy.Value, name string, into map[string]policy.Value, diags *diagSet) {
	v, ok := field(root, name)
	if !ok {
		return
	}
	if v.Kind != policy.Object && v.Kind != policy.Null {
		diags.errorf(v.Range, "%s is a %s, not a mapping", name, v.Kind)
	}
	for _, f := range v.Fields {
		into[f.Key] = f.Value
	}
}

func (t *template) decodeParameters(v policy.Value, diags *diagSet) {
	if v.Kind == policy.Null {
		return // "Parameters:" with nothing under it (a skeleton): no parameters
	}
	if v.Kind != policy.Object {
		diags.errorf(v.Range, "Parameters is a %s, not a mapping", v.Kind)
		return
	}
	for _, f := range v.Fields {
		p := &parameter{name: f.Key, declRange: f.KeyRange}
		if f.Value.Kind != policy.Object {
			diags.errorf(f.Value.Range, "parameter %s is a %s, not a mapping", f.Key, f.Value.Kind)
		}
		if typ, ok := field(f.Value, "Type"); ok && typ.Kind == policy.String {
			p.typ = typ.Str
		}
		if def, ok := field(f.Value, "Default"); ok {
			p.def = &def
		}
		if av, ok := field(f.Value, "AllowedValues"); ok && av.Kind == policy.List {
			p.allowed = av.Items
		}
		t.params[f.Key] = p
	}
}

func (t *template) decodeResources(v policy.Value, diags *diagSet) {
	if v.Kind == policy.Null {
		return // "Resources:" with nothing under it (a skeleton): nothing to analyse
	}
	if v.Kind != policy.Object {
		diags.errorf(v.Range, "Resources is a %s, not a mapping", v.Kind)
		return
	}
	for _, f := range v.Fields {
		if strings.HasPrefix(f.Key, "Fn::ForEach::") {
			t.expandForEach(f, diags)
			continue
		}
		t.addResource(f, diags)
	}
}

func (t *template) addResource(f policy.Field, diags *diagSet) {
	if f.Key == "" {
		diags.errorf(f.KeyRange, "a resource has an empty logical ID")
		return
	}
	r := &resource{id: f.Key, rng: f.Value.Range, declRange: f.KeyRange, props: policy.Value{Kind: policy.Null, Range: f.Value.Range}}
	if f.Value.Kind != policy.Object {
		diags.errorf(f.Value.Range, "resource %s is a %s, not a mapping", f.Key, f.Value.Kind)
		return
	}
	typ, ok := field(f.Value, "Type")
	switch {
	case !ok:
		diags.errorf(f.KeyRange, "resource %s has no Type", f.Key)
		return
	case typ.Kind == policy.Object:
		// A pre-processor's module (Rain::Module) rather than a resource.
		diags.warnf(typ.Range, "the Type of resource %s is a mapping (a pre-processor module?); the resource is not analysed", f.Key)
		return
	case typ.Kind != policy.String:
		diags.errorf(typ.Range, "the Type of resource %s is a %s, not a string", f.Key, typ.Kind)
		return
	}
	r.typ = typ.Str
	if props, ok := field(f.Value, "Properties"); ok {
		r.props = props
	}
	if c, ok := field(f.Value, "Condition"); ok {
		if c.Kind != policy.String {
			diags.errorf(c.Range, "the Condition of resource %s is a %s, not a condition name", f.Key, c.Kind)
		} else {
			r.condition, r.condRange = c.Str, c.Range
		}
	}
	if md, ok := field(f.Value, "Metadata"); ok {
		r.metadata = md
	}
	if _, dup := t.resources[f.Key]; dup {
		diags.errorf(f.KeyRange, "resource %s is declared twice", f.Key)
	} else {
		t.order = append(t.order, f.Key)
	}
	t.resources[f.Key] = r
}

// maxForEach bounds how many resources Fn::ForEach loops may produce.
const maxForEach = 10_000

// expandForEach expands a Fn::ForEach loop of the Resources section
// (AWS::LanguageExtensions): one copy of the fragment per collection item,
// with ${Id} and &{Id} replaced in keys and Fn::Sub strings and Ref Id
// replaced by the item. The collection must be a list written in the
// template or a Ref to a parameter with a value.
func (t *template) expandForEach(f policy.Field, diags *diagSet) {
	t.forEach(f, diags, 0)
}

func (t *template) forEach(f policy.Field, diags *diagSet, depth int) {
	v := f.Value
	if v.Kind != policy.List || len(v.Items) != 3 || v.Items[0].Kind != policy.String || v.Items[2].Kind != policy.Object {
		diags.errorf(f.KeyRange, "malformed %s: it takes [Identifier, Collection, {OutputKey: Fragment}]", f.Key)
		return
	}
	if depth > 5 {
		diags.errorf(f.KeyRange, "%s: Fn::ForEach loops nest too deeply", f.Key)
		return
	}
	id := v.Items[0].Str
	values, why := t.collection(v.Items[1])
	if why != "" {
		diags.warnf(v.Items[1].Range, "%s is not analysed: its collection %s", f.Key, why)
		return
	}
	for _, val := range values {
		for _, out := range v.Items[2].Fields {
			key := loopSubst(out.Key, id, val)
			body := loopReplace(out.Value, id, val, 0)
			if strings.HasPrefix(key, "Fn::ForEach::") {
				t.forEach(policy.Field{Key: key, KeyRange: out.KeyRange, Value: body}, diags, depth+1)
				continue
			}
			if len(t.resources) >= maxForEach {
				diags.errorf(f.KeyRange, "%s produces more than %d resources; the rest are not analysed", f.Key, maxForEach)
				return
			}
			t.addResource(policy.Field{Key: key, KeyRange: out.KeyRange, Value: body}, diags)
		}
	}
}

// collection reads a Fn::ForEach collection: a list, or a Ref to a
// parameter with a Default. why says why it cannot be read.
func (t *template) collection(v policy.Value) (values []string, why string) {
	if name, arg, ok := intrinsic(v); ok && name == "Ref" && arg.Kind == policy.String {
		p, ok := t.params[arg.Str]
		if !ok || p.def == nil {
			return nil, fmt.Sprintf("(Ref %s) has no value in the template", arg.Str)
		}
		v = *p.def
		if v.Kind == policy.String {
			for s := range strings.SplitSeq(v.Str, ",") {
				values = append(values, strings.TrimSpace(s))
			}
			return values, ""
		}
	}
	if v.Kind != policy.List {
		return nil, "is not a list written in the template"
	}
	for _, it := range v.Items {
		if !it.IsScalar() {
			return nil, "has an item that is not a string"
		}
		values = append(values, it.Str)
	}
	return values, ""
}

func loopSubst(s, id, val string) string {
	alnum := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, val)
	return strings.NewReplacer("${"+id+"}", val, "&{"+id+"}", alnum).Replace(s)
}

// loopReplace substitutes the loop identifier in a fragment.
func loopReplace(v policy.Value, id, val string, depth int) policy.Value {
	if depth > maxDepth {
		return v
	}
	if name, arg, ok := intrinsic(v); ok {
		switch {
		case name == "Ref" && arg.Kind == policy.String && arg.Str == id:
			return policy.StringValue(val, v.Range)
		case name == "Fn::Sub" && arg.Kind == policy.String:
			return policy.Value{Kind: policy.Object, Range: v.Range, Fields: []policy.Field{{Key: name, KeyRange: v.Fields[0].KeyRange, Value: policy.StringValue(loopSubst(arg.Str, id, val), arg.Range)}}}
		}
	}
	switch v.Kind {
	case policy.Object:
		out := v
		out.Fields = make([]policy.Field, len(v.Fields))
		for i, f := range v.Fields {
			f.Key = loopSubst(f.Key, id, val)
			f.Value = loopReplace(f.Value, id, val, depth+1)
			out.Fields[i] = f
		}
		return out
	case policy.List:
		out := v
		out.Items = make([]policy.Value, len(v.Items))
		for i, it := range v.Items {
			out.Items[i] = loopReplace(it, id, val, depth+1)
		}
		return out
	case policy.Null, policy.String, policy.Number, policy.Bool, policy.Unknown:
	}
	return v
}
