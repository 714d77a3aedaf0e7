package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustJSON(t *testing.T, src string) Value {
	t.Helper()
	v, err := ParseJSON([]byte(src), JSONOptions{File: "p.json"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// principalsOf renders the principals of every statement as "Type:Value=kind/account".
func principalsOf(d *Document) []string {
	var out []string
	for _, s := range d.Statements {
		for _, p := range s.Principals {
			out = append(out, p.Type+":"+p.Value+"="+string(p.Kind)+"/"+p.Account)
		}
	}
	return out
}

func TestParseQuirkyForms(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		principals []string
		actions    []string
		problems   int
	}{
		{
			name:       "single statement object, string principal and action",
			src:        `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}}`,
			principals: []string{"*:*=wildcard/*"},
			actions:    []string{"s3:GetObject"},
		},
		{
			name:       "lower-case keys, list principal, number account",
			src:        `{"statement": [{"effect": "Allow", "principal": {"aws": ["111122223333", 444455556666]}, "action": ["sqs:*"]}]}`,
			principals: []string{"AWS:111122223333=account/111122223333", "AWS:444455556666=account/444455556666"},
			actions:    []string{"sqs:*"},
		},
		{
			name: "every principal type",
			src: `{"Statement": [{"Effect": "Allow", "Principal": {
				"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/r", "arn:aws-cn:iam::111122223333:user/u",
				        "arn:aws:sts::111122223333:assumed-role/r/s", "arn:aws:iam::*:root", "AROAEXAMPLEEXAMPLE12", "arn:aws:iam::root"],
				"Service": "lambda.amazonaws.com",
				"Federated": ["arn:aws:iam::111122223333:saml-provider/corp", "accounts.google.com"],
				"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "Action": "sts:AssumeRole"}]}`,
			principals: []string{
				"AWS:arn:aws:iam::111122223333:root=account/111122223333",
				"AWS:arn:aws:iam::111122223333:role/r=role/111122223333",
				"AWS:arn:aws-cn:iam::111122223333:user/u=user/111122223333",
				"AWS:arn:aws:sts::111122223333:assumed-role/r/s=session/111122223333",
				"AWS:arn:aws:iam::*:root=wildcard/*",
				"AWS:AROAEXAMPLEEXAMPLE12=unique-id/",
				"AWS:arn:aws:iam::root=invalid/",
				"Service:lambda.amazonaws.com=service/",
				"Federated:arn:aws:iam::111122223333:saml-provider/corp=federated/111122223333",
				"Federated:accounts.google.com=federated/",
				"CanonicalUser:79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be=canonical-user/",
			},
			actions: []string{"sts:AssumeRole"},
		},
		{
			name:       "policy as a JSON string inside a JSON string",
			src:        `"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\"}]}"`,
			principals: []string{"AWS:*=wildcard/*"},
			actions:    []string{"kms:*"},
		},
		{
			name:     "unknown elements are problems",
			src:      `{"Statment": [], "Statement": [{"Effect": "allow", "Actions": "s3:*", "Principal": "111122223333"}]}`, //nolint:misspell // the misspelt element is the point of the test
			problems: 4,                                                                                                      // the misspelt Statement, "allow", Actions, a bare principal string
			principals: []string{
				"AWS:111122223333=account/111122223333",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Parse(mustJSON(t, tt.src))
			if diff := cmp.Diff(tt.principals, principalsOf(d)); diff != "" {
				t.Errorf("principals (-want +got):\n%s", diff)
			}
			var actions []string
			for _, s := range d.Statements {
				actions = append(actions, s.Actions...)
			}
			if diff := cmp.Diff(tt.actions, actions); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			if len(d.Problems) != tt.problems {
				t.Errorf("problems = %+v, want %d", d.Problems, tt.problems)
			}
		})
	}
}

func TestParseUnknownParts(t *testing.T) {
	r := Range{File: "main.tf", Start: Pos{Line: 4, Column: 3}}
	doc := Value{Kind: Object, Fields: []Field{{Key: "Statement", Value: Value{Kind: List, Items: []Value{
		{Kind: Object, Fields: []Field{
			{Key: "Effect", Value: StringValue("Allow", r)},
			{Key: "Principal", Value: Value{Kind: Object, Fields: []Field{
				{Key: "AWS", Value: Value{Kind: List, Items: []Value{StringValue("111122223333", r), UnknownValue("var.reader has no value", r)}}},
			}}},
			{Key: "Action", Value: Value{Kind: List, Items: []Value{StringValue("s3:GetObject", r), UnknownValue("var.extra has no value", r)}}},
			{Key: "Condition", Value: Value{Kind: Object, Fields: []Field{
				{Key: "StringEquals", Value: Value{Kind: Object, Fields: []Field{
					{Key: "aws:PrincipalOrgID", Value: UnknownValue("var.org has no value", r)},
				}}},
			}}},
		}},
		UnknownValue("local.extra_statement is known only after apply", r),
	}}}}}
	d := Parse(doc)
	if len(d.Statements) != 2 {
		t.Fatalf("statements = %d, want 2", len(d.Statements))
	}
	s := d.Statements[0]
	if got := s.Principals[1]; !got.Unknown || got.Reason != "var.reader has no value" || got.Type != TypeAWS {
		t.Errorf("unknown principal = %+v", got)
	}
	if s.ActionsReason != "var.extra has no value" || len(s.Actions) != 1 {
		t.Errorf("actions = %v, reason %q", s.Actions, s.ActionsReason)
	}
	if c := s.Conditions[0]; !c.Unknown || c.Reason != "var.org has no value" {
		t.Errorf("condition = %+v", c)
	}
	if s2 := d.Statements[1]; !s2.Unknown || !strings.Contains(s2.Reason, "after apply") {
		t.Errorf("statement 2 = %+v", s2)
	}

	whole := Parse(UnknownValue("var.policy has no value", r))
	if !whole.Unknown || whole.Reason != "var.policy has no value" {
		t.Errorf("whole document = %+v", whole)
	}
}

func TestParseInvalidJSONStringIsAProblem(t *testing.T) {
	d := Parse(StringValue(`{"Statement": [`, Range{File: "t.yaml", Start: Pos{Line: 7, Column: 9}}))
	if len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Message, "t.yaml:7:") {
		t.Fatalf("problems = %+v", d.Problems)
	}
}

func TestParseConditions(t *testing.T) {
	d := Parse(mustJSON(t, `{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {
		"ForAnyValue:StringNotEqualsIfExists": {"aws:PrincipalOrgID": ["o-abc", "o-def"]},
		"Bool": {"aws:SecureTransport": false},
		"NumericLessThan": {"s3:TlsVersion": 1.2},
		"StringEqualsIgnoreCase": {"aws:SourceVpce": "vpce-1"},
		"Frobnicate": {"k": "v"}}}]}`))
	got := d.Statements[0].Conditions
	want := []Condition{
		{Operator: "ForAnyValue:StringNotEqualsIfExists", Base: "StringNotEquals", Qualifier: "ForAnyValue", IfExists: true, Negated: true, Key: "aws:PrincipalOrgID", Values: []string{"o-abc", "o-def"}},
		{Operator: "Bool", Base: "Bool", Key: "aws:SecureTransport", Values: []string{"false"}},
		{Operator: "NumericLessThan", Base: "NumericLessThan", Key: "s3:TlsVersion", Values: []string{"1.2"}},
		{Operator: "StringEqualsIgnoreCase", Base: "StringEqualsIgnoreCase", Key: "aws:SourceVpce", Values: []string{"vpce-1"}},
		{Operator: "Frobnicate", Key: "k", Values: []string{"v"}},
	}
	if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Range" }, cmp.Ignore())); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	if len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Message, "Frobnicate") {
		t.Errorf("problems = %+v", d.Problems)
	}
	if r := got[0].Range; r.Start.Line != 2 {
		t.Errorf("condition range = %v", r)
	}
}

func TestParseOperator(t *testing.T) {
	tests := []struct {
		op                  string
		base, qual          string
		ifExists, neg, okay bool
	}{
		{"StringEquals", "StringEquals", "", false, false, true},
		{"stringlike", "StringLike", "", false, false, true},
		{"ArnNotLikeIfExists", "ArnNotLike", "", true, true, true},
		{"ForAllValues:StringEquals", "StringEquals", "ForAllValues", false, false, true},
		{"NotIpAddress", "NotIpAddress", "", false, true, true},
		{"Null", "Null", "", false, false, true},
		{"Sometimes:StringEquals", "", "", false, false, false},
		{"StringEqualz", "", "", false, false, false},
	}
	for _, tt := range tests {
		base, qual, ifExists, neg, ok := ParseOperator(tt.op)
		if base != tt.base || qual != tt.qual || ifExists != tt.ifExists || neg != tt.neg || ok != tt.okay {
			t.Errorf("ParseOperator(%q) = %q %q %v %v %v", tt.op, base, qual, ifExists, neg, ok)
		}
	}
}
