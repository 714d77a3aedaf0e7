package rules

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

func TestBuiltinRulesCompileWithMetadata(t *testing.T) {
	e, err := New(context.Background(), Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Rules()) < 6 {
		t.Fatalf("got %d rules", len(e.Rules()))
	}
	for _, r := range e.Rules() {
		if r.Description == "" || r.Remediation == "" || len(r.ResourceTypes) == 0 {
			t.Errorf("%s (%s): built-in rules need description, remediation and resource_types", r.ID, r.File)
		}
		if !r.Builtin {
			t.Errorf("%s not marked built-in", r.ID)
		}
	}
}

func TestCustomRuleErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			name: "network builtin is not available",
			src: `# METADATA
# title: t
# custom: {id: X1, severity: low, kinds: ["*"]}
package perimeter.rules.net
findings contains f if { http.send({"method": "GET", "url": "http://example.com"}); f := {} }
`,
			want: "net.rego:5: undefined function http.send (perimeter rules run offline",
		},
		{
			name: "time is not available",
			src: `# METADATA
# title: t
# custom: {id: X1, severity: low, kinds: ["*"]}
package perimeter.rules.clock
findings contains f if { time.now_ns() > 0; f := {} }
`,
			want: "undefined function time.now_ns",
		},
		{
			name: "no metadata",
			src:  "package perimeter.rules.bare\nfindings contains 1 if { true }\n",
			want: "bare.rego:1: package perimeter.rules.bare has no # METADATA block",
		},
		{
			name: "metadata without id and severity",
			src:  "# METADATA\n# title: t\n# custom: {kinds: [\"*\"]}\npackage perimeter.rules.half\nfindings contains 1 if { true }\n",
			want: "half.rego:4: rule package perimeter.rules.half lacks custom.id",
		},
		{
			name: "duplicate id",
			src:  "# METADATA\n# title: t\n# custom: {id: PERIM001, severity: low, kinds: [\"*\"]}\npackage perimeter.rules.dup\nfindings contains 1 if { true }\n",
			want: "rule ID PERIM001 is already used",
		},
		{
			name: "library package is reserved",
			src:  "package perimeter.lib.grants\nx := 1\n",
			want: "is reserved for perimeter's built-in library",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := strings.Fields(strings.SplitN(tt.src, "package perimeter.", 2)[1])[0]
			name = name[strings.LastIndex(name, ".")+1:] + ".rego"
			src := Source{FS: fstest.MapFS{name: {Data: []byte(tt.src)}}, Dir: ".", Display: "custom"}
			_, err := New(context.Background(), Builtin(), src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestEveryKindHasServicesAndARule: each kind a loader may emit expands
// NotAction within its services and is judged by a built-in rule.
func TestEveryKindHasServicesAndARule(t *testing.T) {
	e, err := New(context.Background(), Builtin())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range e.Rules() {
		if ids[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		ids[r.ID] = true
		var tf, cfn bool
		for _, typ := range r.ResourceTypes {
			if strings.HasPrefix(typ, "aws_") || typ == "module" {
				tf = true
			}
			if strings.HasPrefix(typ, "AWS::") {
				cfn = true
			}
		}
		if !tf {
			t.Errorf("%s lists no Terraform resource type", r.ID)
		}
		if !cfn && !noCloudFormationType[r.ID] {
			t.Errorf("%s lists no CloudFormation resource type", r.ID)
		}
	}
	for _, k := range loaders.Kinds {
		if len(kindServices[k]) == 0 {
			t.Errorf("kind %s has no services in kindServices", k)
		}
		if len(e.rulesFor(k)) == 0 {
			t.Errorf("no built-in rule judges kind %s", k)
		}
	}
	if len(kindServices) != len(loaders.Kinds) {
		t.Errorf("kindServices has %d kinds, loaders.Kinds %d", len(kindServices), len(loaders.Kinds))
	}
}

// noCloudFormationType are the rules whose resources CloudFormation cannot
// declare (docs/resource-types.md says why).
var noCloudFormationType = map[string]bool{
	"PERIM015": true, // EBS snapshot permissions
	"PERIM016": true, // RDS snapshot sharing
	"PERIM021": true, // AMI launch permissions
	"PERIM024": true, // Glue Data Catalog policy
	"PERIM028": true, // Glacier vaults
	"PERIM031": true, // arguments of a Terraform module that cannot be read
}

// TestRulesOfAKindTogether: the rules judging one kind are evaluated in
// one query; a rule that fails at run time is named, and the other rules'
// findings survive.
func TestRulesOfAKindTogether(t *testing.T) {
	failing := `# METADATA
# title: t
# custom: {id: BROKEN1, severity: low, kinds: ["s3:bucket"]}
package perimeter.rules.broken
findings contains f if { x := 1 / count(input.resource.settings); f := {"exposure": "public", "message": sprintf("%d", [x])} }
`
	src := Source{FS: fstest.MapFS{"broken.rego": {Data: []byte(failing)}}, Dir: ".", Display: "custom"}
	e, err := New(context.Background(), Builtin(), src)
	if err != nil {
		t.Fatal(err)
	}
	if q := e.together[loaders.KindS3Bucket]; q == nil || len(q.rules) != 3 {
		t.Fatalf("s3:bucket rules are not evaluated together: %+v", q)
	}
	at := policy.Range{File: "main.tf", Start: policy.Pos{Line: 3, Column: 1}}
	statement := policy.Value{Kind: policy.Object, Range: at, Fields: []policy.Field{
		{Key: "Effect", Value: policy.StringValue("Allow", at)},
		{Key: "Principal", Value: policy.StringValue("*", at)},
		{Key: "Action", Value: policy.StringValue("s3:GetObject", at)},
	}}
	statements := policy.Value{Kind: policy.List, Range: at, Items: []policy.Value{statement}}
	doc := policy.Parse(policy.Value{Kind: policy.Object, Range: at, Fields: []policy.Field{{Key: "Statement", Value: statements}}})
	res := loaders.Resource{
		Type: "aws_s3_bucket_policy", Kind: loaders.KindS3Bucket, Address: "aws_s3_bucket_policy.p", DeclRange: at,
		Documents: []loaders.Document{{Attribute: "policy", Range: at, Policy: doc}},
	}
	findings, diags := e.Evaluate(context.Background(), Zone{}, []loaders.Resource{res})
	if len(findings) != 1 || findings[0].Rule != "PERIM001" || findings[0].Exposure != "public" {
		t.Errorf("findings = %+v", findings)
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Summary, "rule BROKEN1 failed") {
		t.Errorf("diagnostics = %v, want one naming BROKEN1", diags)
	}
	// Without the failing rule, the same resource gives the same finding
	// through the combined query.
	res.Settings = map[string]any{"x": 1}
	findings, diags = e.Evaluate(context.Background(), Zone{}, []loaders.Resource{res})
	if len(findings) != 2 || len(diags) != 0 {
		t.Errorf("findings = %+v, diagnostics = %v", findings, diags)
	}
}
