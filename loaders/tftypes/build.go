package tftypes

import (
	"fmt"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// Arg is one argument of a resource instance as a loader read it.
type Arg struct {
	// Value is the argument's value; each node carries the range the
	// loader gives it (the argument's, or a finer one inside it).
	Value policy.Value
	// Range covers the whole argument (name = value).
	Range loaders.Range
}

// Args looks an argument of one instance up; ok is false when the argument
// is not set. doc is true when the value is read as a policy document, so
// that a loader may keep positions inside a JSON string.
type Args func(name string, doc bool) (arg Arg, ok bool)

// Block names the instance being built, for messages.
type Block struct {
	Name  string        // aws_lambda_permission.p: the block's type and name
	Range loaders.Range // the block
	Decl  loaders.Range // its header
}

// Documents builds the policies one instance of t attaches: a document per
// policy argument that is set and not null, and the synthesised document
// of a permission. A permission without its principal argument is an error
// diagnostic at the block's header.
func (t Type) Documents(b Block, args Args) ([]loaders.Document, loaders.Diagnostics) {
	var (
		docs  []loaders.Document
		diags loaders.Diagnostics
	)
	for _, name := range t.Policies {
		a, ok := args(name, true)
		if !ok || a.Value.Kind == policy.Null {
			continue
		}
		docs = append(docs, loaders.Document{Attribute: name, Range: a.Range, Policy: policy.Parse(a.Value)})
	}
	if t.Grant != nil {
		if d, ok := t.grantDocument(b, args, &diags); ok {
			docs = append(docs, d)
		}
	}
	return docs, diags
}

// grantDocument synthesises the policy of a permission resource.
func (t Type) grantDocument(b Block, args Args, diags *loaders.Diagnostics) (loaders.Document, bool) {
	spec := t.Grant
	pa, ok := args(spec.Principal, false)
	if !ok {
		diags.Errorf(b.Decl, "%s has no %s argument", b.Name, spec.Principal)
		return loaders.Document{}, false
	}
	g := loaders.Grant{Range: b.Range}
	g.Principals = []policy.Value{pa.Value}
	if aa, ok := args(spec.Action, false); ok {
		g.Actions = []policy.Value{aa.Value}
	} else {
		g.Actions = []policy.Value{policy.UnknownValue(fmt.Sprintf("%s has no %s argument", b.Name, spec.Action), b.Decl)}
	}
	for _, c := range spec.Conditions {
		a, ok := args(c.Arg, false)
		if !ok || a.Value.Kind == policy.Null {
			continue
		}
		vals := []policy.Value{a.Value}
		if a.Value.Kind == policy.List {
			vals = a.Value.Items
		}
		g.Conditions = append(g.Conditions, loaders.GrantCondition{Operator: c.Operator, Key: c.Key, Values: vals})
	}
	return loaders.Document{Attribute: spec.Principal, Synthetic: true, Range: pa.Range, Policy: g.Document()}, true
}
