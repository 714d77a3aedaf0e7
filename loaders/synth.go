package loaders

import (
	"github.com/perimeter-iac/perimeter/policy"
)

// Grant describes access that a resource's arguments grant without a policy
// document: a Lambda permission, a layer version permission, a snapshot's
// sharing list. Loaders fill it in from the arguments (keeping each
// argument's range) and call Document, so that synthesised grants are read
// by exactly the same parser, and judged by exactly the same rules, as
// policies users write.
type Grant struct {
	Effect string // "Allow" when empty
	// Principals are the grantees as written (each a String or Unknown
	// value with the range of the argument that names it).
	Principals []policy.Value
	// PrincipalType is the principal type for every grantee; when empty
	// it is inferred per grantee with policy.PrincipalTypeOf.
	PrincipalType string
	Actions       []policy.Value
	Conditions    []GrantCondition
	Range         Range // the block
}

// GrantCondition is one condition of a Grant: Lambda's source_account
// becomes {Operator: "StringEquals", Key: "aws:SourceAccount"}.
type GrantCondition struct {
	Operator string
	Key      string
	Values   []policy.Value
}

// Document builds the policy document that AWS itself would store for the
// grant (for Lambda, the statement AddPermission writes into the function's
// resource policy). A wildcard grantee gets a statement of its own with
// "Principal": "*", as AWS writes it; the other grantees share one statement.
func (g Grant) Document() *policy.Document {
	effect := g.Effect
	if effect == "" {
		effect = "Allow"
	}
	var (
		wildcards []policy.Value
		byType    = map[string][]policy.Value{}
		order     []string
	)
	for _, p := range g.Principals {
		typ := g.PrincipalType
		if typ == "" {
			typ = policy.TypeAWS
			if p.Kind == policy.String {
				typ = policy.PrincipalTypeOf(p.Str)
			}
		}
		if typ == policy.TypeAny {
			wildcards = append(wildcards, p)
			continue
		}
		if _, ok := byType[typ]; !ok {
			order = append(order, typ)
		}
		byType[typ] = append(byType[typ], p)
	}

	common := []policy.Field{
		{Key: "Action", Value: g.list(g.Actions)},
	}
	if len(g.Conditions) > 0 {
		common = append(common, policy.Field{Key: "Condition", Value: g.conditionElement()})
	}
	statement := func(principal policy.Value) policy.Value {
		fields := []policy.Field{
			{Key: "Effect", Value: policy.StringValue(effect, g.Range)},
			{Key: "Principal", Value: principal},
		}
		return policy.Value{Kind: policy.Object, Range: g.Range, Fields: append(fields, common...)}
	}
	var statements []policy.Value
	for _, w := range wildcards {
		statements = append(statements, statement(w))
	}
	if len(order) > 0 {
		pv := policy.Value{Kind: policy.Object, Range: g.Range}
		for _, typ := range order {
			pv.Fields = append(pv.Fields, policy.Field{Key: typ, KeyRange: g.Range, Value: g.list(byType[typ])})
		}
		statements = append(statements, statement(pv))
	}
	doc := policy.Value{Kind: policy.Object, Range: g.Range, Fields: []policy.Field{
		{Key: "Version", Value: policy.StringValue("2012-10-17", g.Range)},
		{Key: "Statement", Value: g.list(statements)},
	}}
	return policy.Parse(doc)
}

func (g Grant) list(items []policy.Value) policy.Value {
	return policy.Value{Kind: policy.List, Items: items, Range: g.Range}
}

// conditionElement groups the conditions by operator, as in a policy.
func (g Grant) conditionElement() policy.Value {
	cond := policy.Value{Kind: policy.Object, Range: g.Range}
	index := map[string]int{}
	for _, c := range g.Conditions {
		keyRange := g.Range
		if len(c.Values) > 0 {
			keyRange = c.Values[0].Range
		}
		kv := policy.Field{Key: c.Key, KeyRange: keyRange, Value: g.list(c.Values)}
		i, ok := index[c.Operator]
		if !ok {
			i = len(cond.Fields)
			index[c.Operator] = i
			cond.Fields = append(cond.Fields, policy.Field{Key: c.Operator, KeyRange: g.Range, Value: policy.Value{Kind: policy.Object, Range: g.Range}})
		}
		cond.Fields[i].Value.Fields = append(cond.Fields[i].Value.Fields, kv)
	}
	return cond
}
