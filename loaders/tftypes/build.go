package tftypes

import (
	"fmt"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// Arg is one argument of a resource instance as a loader read it.
type Arg struct {
	// Value is the argument's value; each node carries the range the
	// loader gives it (the argument's, or a finer one inside it). A nested
	// block type is a List of Objects, one per block, each with the
	// block's range; its arguments are fields.
	Value policy.Value
	// Range covers the whole argument (name = value), or the blocks.
	Range loaders.Range
	// Refs are the references the argument's expression makes, as
	// Terraform renders them ("aws_dynamodb_table.t.stream_arn"), when the
	// loader knows them. They say what an unknown value stands for.
	Refs []string
}

// Args looks an argument of one instance up; ok is false when the argument
// is not set. doc is true when the value is read as a policy document, so
// that a loader may keep positions inside a JSON string. A dotted name
// ("details.policy") reaches into a nested block or an object; a loader
// that does not resolve dotted names returns ok == false for them and the
// package looks the first segment up and walks the value itself.
type Args func(name string, doc bool) (arg Arg, ok bool)

// Block names the instance being built, for messages and for settings'
// set_by.
type Block struct {
	Name  string        // aws_lambda_permission.p: the block's type and name
	Range loaders.Range // the block
	Decl  loaders.Range // its header
	// Address is the instance's full address (module path and key); Name
	// stands in for it when empty.
	Address string
	// OwnAccount and Partition are the scan's (loaders.Options); S3 ACLs
	// turn the owner's canonical user into the own account's ARN.
	OwnAccount, Partition string
}

func (b Block) addr() string {
	if b.Address != "" {
		return b.Address
	}
	return b.Name
}

// Instance is what one instance of a type grants, before Link joins it
// with the rest of the scan.
type Instance struct {
	// Kind is the type's kind, refined by the arguments (a DynamoDB
	// resource policy on a stream ARN is a dynamodb:stream).
	Kind      string
	Documents []loaders.Document
	// Settings are the settings the block's own arguments fix (a secret
	// policy's block_public_policy); Link adds those of other blocks.
	Settings map[string]any
}

// Documents builds the policies one instance of t attaches: a document per
// policy argument that is set and not null, and the synthesised documents
// of a permission, an ACL or a sharing list. A permission without its
// principal argument is an error diagnostic at the block's header.
func (t Type) Documents(b Block, args Args) ([]loaders.Document, loaders.Diagnostics) {
	in, diags := t.Build(b, args)
	return in.Documents, diags
}

// Build builds one instance of t: its kind, documents and own settings.
func (t Type) Build(b Block, args Args) (Instance, loaders.Diagnostics) {
	c := &buildCtx{b: b, args: args}
	in := Instance{Kind: t.Kind}
	for _, name := range t.Policies {
		a, ok := c.arg(name, true)
		if !ok || a.Value.Kind == policy.Null {
			continue
		}
		in.Documents = append(in.Documents, loaders.Document{Attribute: name, Range: a.Range, Policy: policy.Parse(a.Value)})
	}
	if t.Grant != nil {
		if d, ok := t.grantDocument(c); ok {
			in.Documents = append(in.Documents, d)
		}
	}
	if t.synth != nil {
		in.Documents = append(in.Documents, t.synth(c)...)
	}
	if t.settings != nil {
		in.Settings = t.settings(c)
	}
	if t.kindOf != nil {
		in.Kind = t.kindOf(c)
	}
	return in, c.diags
}

// buildCtx is one instance being built.
type buildCtx struct {
	b     Block
	args  Args
	diags loaders.Diagnostics
}

// arg looks an argument up, walking a dotted name through nested blocks
// and objects when the loader does not resolve it.
func (c *buildCtx) arg(name string, doc bool) (Arg, bool) {
	if a, ok := c.args(name, doc); ok {
		return a, true
	}
	first, rest, dotted := strings.Cut(name, ".")
	if !dotted {
		return Arg{}, false
	}
	a, ok := c.args(first, false)
	if !ok {
		return Arg{}, false
	}
	v, ok := Navigate(a.Value, rest)
	if !ok {
		return Arg{}, false
	}
	return Arg{Value: v, Range: v.Range.Or(a.Range), Refs: a.Refs}, true
}

// Navigate follows a dotted path through a value: an Object's field, or
// the first item of a List (a nested block written once) that has it. An
// Unknown value on the way is the result.
func Navigate(v policy.Value, path string) (policy.Value, bool) {
	if path == "" {
		return v, true
	}
	key, rest, _ := strings.Cut(path, ".")
	switch v.Kind {
	case policy.Unknown:
		return v, true
	case policy.Object:
		f, ok := fieldExact(v, key)
		if !ok {
			return policy.Value{}, false
		}
		return Navigate(f, rest)
	case policy.List:
		for _, it := range v.Items {
			if r, ok := Navigate(it, path); ok {
				return r, true
			}
		}
	case policy.Null, policy.String, policy.Number, policy.Bool:
	}
	return policy.Value{}, false
}

// fieldExact is the last field named key (Terraform names are case
// sensitive).
func fieldExact(v policy.Value, key string) (policy.Value, bool) {
	var (
		out   policy.Value
		found bool
	)
	for _, f := range v.Fields {
		if f.Key == key {
			out, found = f.Value, true
		}
	}
	return out, found
}

// grantDocument synthesises the policy of a permission resource.
func (t Type) grantDocument(c *buildCtx) (loaders.Document, bool) {
	spec, b := t.Grant, c.b
	pa, ok := c.arg(spec.Principal, false)
	if !ok {
		c.diags.Errorf(b.Decl, "%s has no %s argument", b.Name, spec.Principal)
		return loaders.Document{}, false
	}
	g := loaders.Grant{Range: b.Range}
	g.Principals = []policy.Value{pa.Value}
	if aa, ok := c.arg(spec.Action, false); ok {
		g.Actions = []policy.Value{aa.Value}
	} else {
		g.Actions = []policy.Value{policy.UnknownValue(fmt.Sprintf("%s has no %s argument", b.Name, spec.Action), b.Decl)}
	}
	for _, cond := range spec.Conditions {
		a, ok := c.arg(cond.Arg, false)
		if !ok || a.Value.Kind == policy.Null {
			continue
		}
		g.Conditions = append(g.Conditions, loaders.GrantCondition{Operator: cond.Operator, Key: cond.Key, Values: items(a.Value)})
	}
	return loaders.Document{Attribute: spec.Principal, Synthetic: true, Range: pa.Range, Policy: g.Document()}, true
}

// items is a list's items, or the value itself.
func items(v policy.Value) []policy.Value {
	switch v.Kind {
	case policy.List:
		return v.Items
	case policy.Null:
		return nil
	case policy.String, policy.Number, policy.Bool, policy.Object, policy.Unknown:
	}
	return []policy.Value{v}
}
