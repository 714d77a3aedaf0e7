package policy

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// The operators IAM knows (IAM User Guide, "IAM JSON policy elements:
// Condition operators"), written out again here so that the fuzz target
// checks ParseOperator against a list it does not share.
var iamOperators = map[string]bool{
	"StringEquals": false, "StringNotEquals": true, "StringEqualsIgnoreCase": false, "StringNotEqualsIgnoreCase": true,
	"StringLike": false, "StringNotLike": true,
	"NumericEquals": false, "NumericNotEquals": true, "NumericLessThan": false, "NumericLessThanEquals": false,
	"NumericGreaterThan": false, "NumericGreaterThanEquals": false,
	"DateEquals": false, "DateNotEquals": true, "DateLessThan": false, "DateLessThanEquals": false,
	"DateGreaterThan": false, "DateGreaterThanEquals": false,
	"Bool": false, "BinaryEquals": false, "IpAddress": false, "NotIpAddress": true,
	"ArnEquals": false, "ArnLike": false, "ArnNotEquals": true, "ArnNotLike": true, "Null": false,
}

// FuzzParseOperator checks ParseOperator against the written-out list:
// an operator is accepted exactly when it is [qualifier:]base[IfExists]
// in any letter case, and its parts put back together spell it.
func FuzzParseOperator(f *testing.F) {
	for _, s := range []string{
		"StringEquals", "ForAnyValue:StringLikeIfExists", "forallvalues:arnnotlike", "IfExists",
		"ForAnyValue:", ":StringEquals", "NullIfExists", "StringEqualsIfExistsIfExists", "Bool:Bool", "stringequals\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, op string) {
		base, qualifier, ifExists, negated, ok := ParseOperator(op)
		want := false
		for b := range iamOperators {
			for _, q := range []string{"", "ForAnyValue:", "ForAllValues:"} {
				for _, ie := range []string{"", "IfExists"} {
					if strings.EqualFold(op, q+b+ie) {
						want = true
					}
				}
			}
		}
		if ok != want {
			t.Fatalf("ParseOperator(%q) ok = %v, want %v", op, ok, want)
		}
		if !ok {
			return
		}
		neg, known := iamOperators[base]
		if !known || neg != negated {
			t.Fatalf("ParseOperator(%q): base %q negated %v", op, base, negated)
		}
		rebuilt := base
		if qualifier != "" {
			rebuilt = qualifier + ":" + rebuilt
		}
		if ifExists {
			rebuilt += "IfExists"
		}
		if !strings.EqualFold(rebuilt, op) {
			t.Fatalf("ParseOperator(%q) = %q %q %v: spells %q", op, base, qualifier, ifExists, rebuilt)
		}
	})
}

// Quirky forms of the same policy. AWS reads each of these pairs the same
// way, so Parse must too: a list of one item and the item alone (Action,
// Resource, principals, condition values, a single Statement object), a
// number and the string of its digits, and (as perimeter reads them) the
// letter case of element names.
type quirk func(v Value, role string) Value

func quirkList(v Value, role string) Value {
	switch {
	case role == "scalar" && v.Kind != List && v.Kind != Object:
		return Value{Kind: List, Items: []Value{v}, Range: v.Range}
	case role == "scalar" && v.Kind == List && len(v.Items) == 1 && v.Items[0].Kind != List && v.Items[0].Kind != Object:
		return v.Items[0]
	case role == "statement" && v.Kind == Object:
		return Value{Kind: List, Items: []Value{v}, Range: v.Range}
	case role == "statement" && v.Kind == List && len(v.Items) == 1 && v.Items[0].Kind == Object:
		return v.Items[0]
	}
	return v
}

func quirkNumber(v Value, _ string) Value {
	if v.Kind == Number {
		v.Kind = String
	}
	return v
}

// rewrite applies q to the parts of a policy that have a quirky form,
// and changes the case of element names when recase is set.
func rewrite(doc Value, q quirk, recase bool) Value {
	key := func(k string) string {
		if recase {
			return strings.ToUpper(k[:min(1, len(k))]) + strings.ToLower(k[min(1, len(k)):])
		}
		return k
	}
	scalars := func(v Value) Value {
		v = q(v, "scalar")
		if v.Kind == List {
			items := make([]Value, len(v.Items))
			for i, it := range v.Items {
				items[i] = q(it, "item")
			}
			v.Items = items
		}
		return q(v, "item")
	}
	objectFields := func(v Value, fn func(Field) Field) Value {
		if v.Kind != Object {
			return v
		}
		fields := make([]Field, len(v.Fields))
		for i, fl := range v.Fields {
			fields[i] = fn(fl)
		}
		v.Fields = fields
		return v
	}
	statement := func(st Value) Value {
		return objectFields(st, func(fl Field) Field {
			lower := strings.ToLower(fl.Key)
			fl.Key = key(fl.Key)
			switch lower {
			case "action", "notaction", "resource", "notresource":
				fl.Value = scalars(fl.Value)
			case "principal", "notprincipal":
				fl.Value = objectFields(fl.Value, func(p Field) Field { p.Value = scalars(p.Value); return p })
			case "condition":
				fl.Value = objectFields(fl.Value, func(op Field) Field {
					op.Value = objectFields(op.Value, func(k Field) Field { k.Value = scalars(k.Value); return k })
					return op
				})
			}
			return fl
		})
	}
	return objectFields(doc, func(fl Field) Field {
		if strings.EqualFold(fl.Key, "statement") {
			fl.Value = q(fl.Value, "statement")
			if fl.Value.Kind == List {
				items := make([]Value, len(fl.Value.Items))
				for i, it := range fl.Value.Items {
					items[i] = statement(it)
				}
				fl.Value.Items = items
			} else {
				fl.Value = statement(fl.Value)
			}
		}
		fl.Key = key(fl.Key)
		return fl
	})
}

// meaning is what a parsed document says, without positions and problems.
func meaning(d *Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%v|%s\n", d.Version, d.ID, d.Unknown, d.Reason)
	for _, s := range d.Statements {
		fmt.Fprintf(&b, "%d %q %q %q %q %v %q %v %q %v %q %v %q\n", s.Index, s.Sid, s.Effect, s.EffectReason, s.PrincipalElement,
			s.Actions, s.ActionsReason, s.NotAction, s.Resources, s.NotResource, s.ResourceReason, s.Unknown, s.Reason)
		for _, p := range s.Principals {
			fmt.Fprintf(&b, "  principal %q %q %q %q %v %q\n", p.Type, p.Value, p.Kind, p.Account, p.Unknown, p.Reason)
		}
		for _, c := range s.Conditions {
			fmt.Fprintf(&b, "  condition %q %q %q %v %v %q %q %v\n", c.Operator, c.Base, c.Qualifier, c.IfExists, c.Negated, c.Key, c.Values, c.Unknown)
		}
	}
	return b.String()
}

// FuzzParseQuirkyForms parses a policy and its quirky twins and expects
// the same statements, principals and conditions from each.
func FuzzParseQuirkyForms(f *testing.F) {
	addSeeds(f)
	for _, s := range []string{
		`{"Statement": {"Effect": "Allow", "Principal": {"AWS": 111122223333}, "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*"]}}`,
		`{"statement": [{"effect": "Deny", "notprincipal": {"aws": ["arn:aws:iam::111122223333:root"]}, "notaction": ["s3:*"], "condition": {"stringnotequals": {"aws:PrincipalOrgID": "o-abcdefghij"}}}]}`,
		`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["sqs:*"], "Condition": {"NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": [true]}}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseJSON(data, JSONOptions{MaxDepth: 64})
		if err != nil {
			return
		}
		want := meaning(Parse(v))
		for name, twin := range map[string]Value{
			"list":   rewrite(v, quirkList, false),
			"number": rewrite(v, quirkNumber, false),
			"case":   rewrite(v, func(v Value, _ string) Value { return v }, true),
		} {
			if got := meaning(Parse(twin)); got != want {
				t.Fatalf("%s twin of %s parses differently:\n%s\nwant\n%s", name, data, got, want)
			}
		}
		if !reflect.DeepEqual(Parse(v), Parse(v)) {
			t.Fatal("Parse is not deterministic")
		}
	})
}
