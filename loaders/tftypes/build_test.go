package tftypes

import (
	"slices"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

func at(line int) loaders.Range {
	return loaders.Range{File: "main.tf", Start: policy.Pos{Line: line, Column: 3}, End: policy.Pos{Line: line, Column: 30}}
}

func str(s string, line int) policy.Value { return policy.StringValue(s, at(line)) }

func TestDocuments(t *testing.T) {
	block := Block{Name: "aws_lambda_permission.p", Range: at(1), Decl: at(1)}
	tests := []struct {
		name      string
		typ       string
		args      map[string]policy.Value
		wantDocs  []string // attribute@line of each document
		wantDiags int
		check     func(t *testing.T, docs []loaders.Document)
	}{
		{
			name:     "policy argument",
			typ:      "aws_s3_bucket_policy",
			args:     map[string]policy.Value{"policy": str(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}`, 4)},
			wantDocs: []string{"policy"},
			check: func(t *testing.T, docs []loaders.Document) {
				t.Helper()
				if got := docs[0].Policy.Statements[0].Principals[0].Value; got != "*" {
					t.Errorf("principal = %q", got)
				}
			},
		},
		{
			name: "null policy attaches nothing",
			typ:  "aws_s3_bucket",
			args: map[string]policy.Value{"policy": {Kind: policy.Null, Range: at(2)}},
		},
		{
			name: "permission with conditions, a list condition is split",
			typ:  "aws_lambda_permission",
			args: map[string]policy.Value{
				"principal":      str("s3.amazonaws.com", 2),
				"action":         str("lambda:InvokeFunction", 3),
				"source_account": str("111122223333", 4),
				"source_arn":     {Kind: policy.Null},
				"function_name":  str("fn", 5),
			},
			wantDocs: []string{"principal"},
			check: func(t *testing.T, docs []loaders.Document) {
				t.Helper()
				d := docs[0]
				if !d.Synthetic || d.Range != at(2) {
					t.Errorf("document = %+v", d)
				}
				st := d.Policy.Statements[0]
				if st.Principals[0].Type != policy.TypeService || st.Principals[0].Range != at(2) {
					t.Errorf("principal = %+v", st.Principals[0])
				}
				if len(st.Conditions) != 1 || st.Conditions[0].Key != "aws:SourceAccount" || st.Conditions[0].Range.Start != at(4).Start {
					t.Errorf("conditions = %+v", st.Conditions)
				}
			},
		},
		{
			name:      "permission without principal",
			typ:       "aws_lambda_permission",
			args:      map[string]policy.Value{"action": str("lambda:InvokeFunction", 3)},
			wantDiags: 1,
		},
		{
			name:     "permission without action: the action is unknown",
			typ:      "aws_lambda_layer_version_permission",
			args:     map[string]policy.Value{"principal": str("*", 2)},
			wantDocs: []string{"principal"},
			check: func(t *testing.T, docs []loaders.Document) {
				t.Helper()
				if got := docs[0].Policy.Statements[0].ActionsReason; got != "aws_lambda_permission.p has no action argument" {
					t.Errorf("actions reason = %q", got)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			typ, ok := Lookup(tc.typ)
			if !ok {
				t.Fatalf("%s is not in the table", tc.typ)
			}
			docs, diags := typ.Documents(block, func(name string, _ bool) (Arg, bool) {
				v, ok := tc.args[name]
				return Arg{Value: v, Range: v.Range}, ok
			})
			var got []string
			for _, d := range docs {
				got = append(got, d.Attribute)
			}
			if !slices.Equal(got, tc.wantDocs) {
				t.Errorf("documents = %v, want %v", got, tc.wantDocs)
			}
			if len(diags) != tc.wantDiags {
				t.Errorf("diagnostics = %v, want %d", diags, tc.wantDiags)
			}
			if tc.check != nil && len(docs) > 0 {
				tc.check(t, docs)
			}
		})
	}
}

func TestTable(t *testing.T) {
	names := Names()
	if !slices.IsSorted(names) || len(names) == 0 {
		t.Fatalf("Names() = %v", names)
	}
	for _, n := range names {
		typ, _ := Lookup(n)
		if typ.Kind == "" {
			t.Errorf("%s has no kind", n)
		}
		if len(typ.Policies) == 0 && typ.Grant == nil && typ.synth == nil {
			t.Errorf("%s grants through neither a policy, a permission nor a synthesised document", n)
		}
		if typ.Optional && len(typ.OptionalArgs()) == 0 {
			t.Errorf("%s is optional but has no argument that makes it grant", n)
		}
	}
	if _, ok := Lookup("aws_instance"); ok {
		t.Error("aws_instance grants nothing")
	}
	got := mustLookup(t, "aws_lambda_permission").Arguments()
	want := []string{"principal", "action", "source_account", "source_arn", "principal_org_id", "event_source_token", "function_url_auth_type", "function_name", "qualifier"}
	if !slices.Equal(got, want) {
		t.Errorf("Arguments() = %v, want %v", got, want)
	}
}

func mustLookup(t *testing.T, name string) Type {
	t.Helper()
	typ, ok := Lookup(name)
	if !ok {
		t.Fatalf("%s is not in the table", name)
	}
	return typ
}
