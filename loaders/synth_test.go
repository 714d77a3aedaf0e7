package loaders

import (
	"testing"

	"github.com/perimeter-iac/perimeter/policy"
)

func TestGrantDocument(t *testing.T) {
	at := func(line int) Range { return Range{File: "main.tf", Start: policy.Pos{Line: line, Column: 3}} }
	g := Grant{
		Principals: []policy.Value{
			policy.StringValue("*", at(3)),
			policy.StringValue("111122223333", at(4)),
			policy.StringValue("events.amazonaws.com", at(5)),
			policy.UnknownValue("var.p has no value", at(6)),
		},
		Actions: []policy.Value{policy.StringValue("lambda:InvokeFunction", at(2))},
		Conditions: []GrantCondition{
			{Operator: "StringEquals", Key: "aws:SourceAccount", Values: []policy.Value{policy.StringValue("111122223333", at(7))}},
			{Operator: "ArnLike", Key: "aws:SourceArn", Values: []policy.Value{policy.StringValue("arn:aws:s3:::b", at(8))}},
			{Operator: "StringEquals", Key: "aws:PrincipalOrgID", Values: []policy.Value{policy.StringValue("o-1", at(9))}},
		},
		Range: at(1),
	}
	d := g.Document()
	if len(d.Problems) > 0 {
		t.Fatalf("problems: %+v", d.Problems)
	}
	if len(d.Statements) != 2 {
		t.Fatalf("statements = %d, want 2 (wildcard apart)", len(d.Statements))
	}
	if p := d.Statements[0].Principals; len(p) != 1 || p[0].Kind != policy.KindWildcard || p[0].Range.Start.Line != 3 {
		t.Errorf("wildcard statement principals = %+v", p)
	}
	var kinds []policy.PrincipalKind
	for _, p := range d.Statements[1].Principals {
		kinds = append(kinds, p.Kind)
	}
	want := []policy.PrincipalKind{policy.KindAccount, policy.KindUnknown, policy.KindService}
	if len(kinds) != len(want) {
		t.Fatalf("kinds = %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Errorf("kinds = %v, want %v", kinds, want)
		}
	}
	// Conditions are grouped by operator, as in a written policy.
	conds := d.Statements[1].Conditions
	if len(conds) != 3 || conds[0].Key != "aws:SourceAccount" || conds[1].Key != "aws:PrincipalOrgID" || conds[1].Base != "StringEquals" {
		t.Errorf("conditions = %+v", conds)
	}
	if conds[2].Key != "aws:SourceArn" || conds[2].Range.Start.Line != 8 {
		t.Errorf("SourceArn condition = %+v, want line 8", conds[2])
	}
}
