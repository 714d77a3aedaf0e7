package cloudformation

import (
	"fmt"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// diagSet collects a file's diagnostics once each: resources are evaluated
// once per condition variant, and the same problem must not be reported
// once per variant.
type diagSet struct {
	list loaders.Diagnostics
	seen map[string]bool
}

func (d *diagSet) add(sev loaders.Severity, r loaders.Range, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := fmt.Sprintf("%s|%s|%d|%d|%s", sev, r.File, r.Start.Line, r.Start.Column, msg)
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
	order      []string // resource logical IDs in source order
	transforms []policy.Value
}

type parameter struct {
	name       string
	typ        string
	def        *policy.Value
	allowed    []policy.Value
	declRange  loaders.Range
	override   *string
	overrideBy string // where the override came from, for messages
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
func decodeTemplate(src *source, opts loaders.Options, diags *diagSet) *template {
	t := &template{
		src:        src,
		params:     map[string]*parameter{},
		mappings:   map[string]policy.Value{},
		conditions: map[string]policy.Value{},
		resources:  map[string]*resource{},
	}
	root := src.root
	if v, ok := field(root, "Parameters"); ok {
		t.decodeParameters(v, opts, diags)
	}
	if v, ok := field(root, "Mappings"); ok {
		if v.Kind != policy.Object {
			diags.errorf(v.Range, "Mappings is a %s, not a mapping", v.Kind)
		}
		for _, f := range v.Fields {
			t.mappings[f.Key] = f.Value
		}
	}
	if v, ok := field(root, "Conditions"); ok {
		if v.Kind != policy.Object {
			diags.errorf(v.Range, "Conditions is a %s, not a mapping", v.Kind)
		}
		for _, f := range v.Fields {
			t.conditions[f.Key] = f.Value
		}
	}
	if v, ok := field(root, "Transform"); ok {
		if v.Kind == policy.List {
			t.transforms = append(t.transforms, v.Items...)
		} else {
			t.transforms = append(t.transforms, v)
		}
	}
	if v, ok := field(root, "Resources"); ok {
		t.decodeResources(v, diags)
	}
	return t
}

func (t *template) decodeParameters(v policy.Value, opts loaders.Options, diags *diagSet) {
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
		if val, ok := opts.Parameters[f.Key]; ok {
			p.override, p.overrideBy = &val, "--parameter"
		}
		t.params[f.Key] = p
	}
}

func (t *template) decodeResources(v policy.Value, diags *diagSet) {
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

// expandForEach reports a Fn::ForEach loop, which is not analysed yet.
func (t *template) expandForEach(f policy.Field, diags *diagSet) {
	diags.warnf(f.KeyRange, "%s is not analysed (Fn::ForEach is not supported yet)", f.Key)
}
