package rules_test

import (
	"context"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
	"github.com/perimeter-iac/perimeter/rules"
)

// panicky makes the judgement of a resource panic: building the Rego input
// marshals its settings.
type panicky struct{}

func (panicky) MarshalJSON() ([]byte, error) { panic("injected panic") }

func queue(t *testing.T, addr, doc string) loaders.Resource {
	t.Helper()
	v, err := policy.ParseJSON([]byte(doc), policy.JSONOptions{File: addr + ".json"})
	if err != nil {
		t.Fatal(err)
	}
	r := loaders.Range{File: addr + ".json", Start: policy.Pos{Line: 1, Column: 1}, End: policy.Pos{Line: 1, Column: 2}}
	return loaders.Resource{
		Type: "aws_sqs_queue_policy", Kind: loaders.KindSQSQueue, Address: addr, Source: loaders.SourceTerraform,
		Range: r, DeclRange: r,
		Documents: []loaders.Document{{Attribute: "policy", Range: r, Policy: policy.Parse(v)}},
	}
}

const publicQueue = `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}`

// TestPanicInAJudgementIsIsolated: a panic while judging one resource is
// an error naming it, with a stack hash that is the same on every run, and
// the other resources are still judged.
func TestPanicInAJudgementIsIsolated(t *testing.T) {
	e, err := rules.New(context.Background(), rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	bad := queue(t, "aws_sqs_queue_policy.bad", publicQueue)
	bad.Settings = map[string]any{"boom": panicky{}}
	res := []loaders.Resource{bad, queue(t, "aws_sqs_queue_policy.good", publicQueue)}

	var first string
	for range 2 {
		findings, diags := e.Evaluate(context.Background(), rules.Zone{Accounts: []string{"111122223333"}, Declared: true}, res)
		if len(findings) != 1 || findings[0].Resource.Address != "aws_sqs_queue_policy.good" || findings[0].Exposure != "public" {
			t.Fatalf("findings = %+v", findings)
		}
		if len(diags) != 1 || diags[0].Severity != loaders.Error || diags[0].Range.File != "aws_sqs_queue_policy.bad.json" ||
			!strings.Contains(diags[0].Summary, "internal error judging aws_sqs_queue_policy.bad: injected panic (stack hash ") {
			t.Fatalf("diags = %v", diags)
		}
		if first != "" && diags[0].Summary != first {
			t.Errorf("the message changed between runs:\n%s\n%s", first, diags[0].Summary)
		}
		first = diags[0].Summary
	}
}
