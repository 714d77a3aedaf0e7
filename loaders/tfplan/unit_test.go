package tfplan

import (
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

func TestSniff(t *testing.T) {
	plan := `{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{"root_module":{}}}`
	tests := []struct {
		name, path, data string
		want             bool
	}{
		{"compact plan", "plan.json", plan, true},
		{"upper-case extension", "PLAN.JSON", plan, true},
		{"byte order mark and space", "plan.json", "\xEF\xBB\xBF \n" + plan, true},
		{"keys sorted by jq -S", "plan.json", `{"configuration":{"root_module":{}},"format_version":"1.0","resource_changes":[]}`, true},
		{"resource_changes only", "p.json", `{"format_version":"1.1","resource_changes":[]}`, true},
		{"format 1 without minor", "p.json", `{"format_version":"1","planned_values":{}}`, true},
		{"state file", "state.json", `{"format_version":"1.0","terraform_version":"1.9.8","values":{"root_module":{}}}`, false},
		{"major version 2 is claimed, to be reported", "plan.json", `{"format_version":"2.0","planned_values":{}}`, true},
		{"format 0.1 (Terraform 0.12)", "plan.json", `{"format_version":"0.1","planned_values":{}}`, true},
		{"format_version not a string", "plan.json", `{"format_version":1,"planned_values":{}}`, false},
		{"keys only nested", "x.json", `{"a":{"format_version":"1.2","planned_values":{}}}`, false},
		{"CloudFormation template", "t.json", `{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"B":{"Type":"AWS::S3::Bucket"}}}`, false},
		{"package.json", "package.json", `{"name":"x","version":"1.0.0"}`, false},
		{"array", "plan.json", `[{"format_version":"1.2","planned_values":{}}]`, false},
		{"tf.json", "main.tf.json", plan, false},
		{"tfvars.json", "x.tfvars.json", plan, false},
		{"yaml name", "plan.yaml", plan, false},
		{"empty", "plan.json", "", false},
		{"not JSON", "plan.json", `{"format_version":"1.2","planned_values"`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := New().Claims(tc.path, []byte(tc.data)); got != tc.want {
				t.Errorf("Claims(%q) = %v, want %v", tc.path, got, tc.want)
			}
		})
	}
}

func TestParseResourceAddress(t *testing.T) {
	tests := []struct {
		in         string
		ok         bool
		modules    []string // name=address
		block, key string
	}{
		{in: "aws_s3_bucket_policy.p", ok: true, block: "aws_s3_bucket_policy.p"},
		{in: "aws_iam_role.r[0]", ok: true, block: "aws_iam_role.r", key: "[0]"},
		{in: `aws_sqs_queue_policy.q["a.b[c]"]`, ok: true, block: "aws_sqs_queue_policy.q", key: `["a.b[c]"]`},
		{in: `module.a["x"].module.b.aws_kms_key.k`, ok: true, modules: []string{`a=module.a["x"]`, `b=module.a["x"].module.b`}, block: `module.a["x"].module.b.aws_kms_key.k`},
		{in: `module.a[1].aws_kms_key.k["q\"uote"]`, ok: true, modules: []string{"a=module.a[1]"}, block: "module.a[1].aws_kms_key.k", key: `["q\"uote"]`},
		{in: "data.aws_iam_policy_document.d", ok: false},
		{in: `aws_kms_key.k["open`, ok: false},
		{in: "aws_kms_key", ok: false},
		{in: "aws_kms_key.k.extra", ok: false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			a, ok := parseResourceAddress(tc.in)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			var mods []string
			for _, m := range a.modules {
				mods = append(mods, m.name+"="+m.address)
			}
			if strings.Join(mods, " ") != strings.Join(tc.modules, " ") {
				t.Errorf("modules = %v, want %v", mods, tc.modules)
			}
			if a.block() != tc.block || a.key != tc.key {
				t.Errorf("block, key = %q, %q; want %q, %q", a.block(), a.key, tc.block, tc.key)
			}
		})
	}
	if got := stripKeys(`module.a["x.y"].aws_s3_bucket.b[0]`); got != "module.a.aws_s3_bucket.b" {
		t.Errorf("stripKeys = %q", got)
	}
}

// TestEmbeddedPositions checks that positions inside a policy held in a
// JSON string point at the escape or character that produced them.
func TestEmbeddedPositions(t *testing.T) {
	// col:      1234567890
	line1 := `{"p": 1,`
	line2 := `  "policy": "{\"A\":\"x\\u0026y\",\n \"B\":\"\ud83d\ude00z\",\"C\":[\"é\",\"\\\"q\"]}"}`
	data := line1 + "\n" + line2
	d := &doc{file: "plan.json", data: []byte(data)}
	root := d.root()
	n := d.get(root, "policy")
	v, ok := d.embedded(n)
	if !ok {
		t.Fatal("the embedded policy did not parse")
	}
	col := func(sub string) int { return strings.Index(line2, sub) + 1 }
	check := func(what string, r loaders.Range, want int) {
		t.Helper()
		if r.Start.Line != 2 || r.Start.Column != want {
			t.Errorf("%s at %d:%d, want 2:%d", what, r.Start.Line, r.Start.Column, want)
		}
	}
	check("document", v.Range, col(`{\"A`))
	a, _ := v.Field("A")
	check("key A", a.KeyRange, col(`\"A\"`))
	check("value of A", a.Value.Range, col(`\"x\\u0026`))
	if a.Value.Str != "x&y" {
		t.Errorf("A = %q", a.Value.Str)
	}
	b, _ := v.Field("B")
	check("key B (after an escaped newline)", b.KeyRange, col(`\"B\"`))
	check("value of B", b.Value.Range, col(`\"\ud83d`))
	if b.Value.Str != "😀z" {
		t.Errorf("B = %q", b.Value.Str)
	}
	if end := b.Value.Range.End.Column; end != col(`,\"C\"`) {
		t.Errorf("end of B at column %d, want %d", end, col(`,\"C\"`))
	}
	c, _ := v.Field("C")
	before, _, _ := strings.Cut(line2, `\"\\\"q`)
	check("second item of C (after a non-ASCII character)", c.Value.Items[1].Range, len([]rune(before))+1)
	if c.Value.Items[1].Str != `"q` {
		t.Errorf("C[1] = %q", c.Value.Items[1].Str)
	}
	if _, ok := d.embedded(d.get(root, "p")); ok {
		t.Error("a number is not an embedded document")
	}
}

func TestArgValue(t *testing.T) {
	tests := []struct {
		name                   string
		value, unknown, sensit string // JSON, "" for absent
		refs                   []string
		doc                    bool
		want                   string // rendering of the value
	}{
		{
			name: "known string", value: `"s3.amazonaws.com"`,
			want: `"s3.amazonaws.com"`,
		},
		{
			name: "unknown whole, with the configuration's references", unknown: `true`,
			refs: []string{"data.aws_iam_policy_document.d.json", "data.aws_iam_policy_document.d", "var.x"},
			want: `?(r.a is known only after apply (it refers to data.aws_iam_policy_document.d.json, var.x))`,
		},
		{
			name: "absent and not unknown is null", want: `null`,
		},
		{
			name: "sensitive, printed", value: `"arn:aws:iam::111122223333:root"`, sensit: `true`,
			want: `"arn:aws:iam::111122223333:root"`,
		},
		{
			name: "sensitive, redacted", value: `null`, sensit: `true`,
			want: `?(r.a is sensitive in the plan and its value is not shown)`,
		},
		{
			name:    "nested unknown leaves name their path",
			value:   `[{"identifiers":[null,"arn:x"],"type":"AWS"}]`,
			unknown: `[{"identifiers":[true,false]}]`,
			want:    `[{identifiers:[?(r.a[0].identifiers[0] is known only after apply),"arn:x"],type:"AWS"}]`,
		},
		{
			name:    "unknown members absent from the value are added",
			value:   `{"x":"1"}`,
			unknown: `{"y":true,"weird key":true}`,
			want:    `{x:"1",y:?(r.a.y is known only after apply),weird key:?(r.a["weird key"] is known only after apply)}`,
		},
		{
			name:    "unknown list absent from the value",
			unknown: `[true]`,
			want:    `[?(r.a[0] is known only after apply)]`,
		},
		{
			name: "a policy string is parsed", value: `"{\"Version\":\"2012-10-17\"}"`, doc: true,
			want: `{Version:"2012-10-17"}`,
		},
		{
			name: "an invalid policy string stays a string", value: `"{not json"`, doc: true,
			want: `"{not json"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Build {"v": value, "u": unknown, "s": sensitive} and point the
			// nodes into it.
			var parts []string
			for _, kv := range [][2]string{{"v", tc.value}, {"u", tc.unknown}, {"s", tc.sensit}} {
				if kv[1] != "" {
					parts = append(parts, `"`+kv[0]+`":`+kv[1])
				}
			}
			d := &doc{file: "plan.json", data: []byte("{" + strings.Join(parts, ",") + "}")}
			root := d.root()
			v := d.argValue(d.get(root, "v"), masks{unknown: d.get(root, "u"), sensitive: d.get(root, "s")}, "r.a", tc.refs, tc.doc)
			if got := render(v); got != tc.want {
				t.Errorf("value = %s\nwant    %s", got, tc.want)
			}
			if v.Kind == policy.Unknown && v.Range.Start.Line != 1 {
				t.Errorf("unknown value has no position: %v", v.Range)
			}
		})
	}
}

// render writes a value compactly: ?(reason) for unknowns.
func render(v policy.Value) string {
	switch v.Kind {
	case policy.Null:
		return "null"
	case policy.String:
		return `"` + v.Str + `"`
	case policy.Number, policy.Bool:
		return v.Str
	case policy.Unknown:
		return "?(" + v.Reason + ")"
	case policy.List:
		var items []string
		for _, it := range v.Items {
			items = append(items, render(it))
		}
		return "[" + strings.Join(items, ",") + "]"
	case policy.Object:
		var fields []string
		for _, f := range v.Fields {
			fields = append(fields, f.Key+":"+render(f.Value))
		}
		return "{" + strings.Join(fields, ",") + "}"
	}
	return "invalid"
}

func TestPosIndex(t *testing.T) {
	// Long lines cross checkpoints; non-ASCII characters count once.
	line := strings.Repeat("é", 3000) + "x"
	data := []byte("ab\n" + line + "\ncd")
	p := newPosIndex(data)
	tests := []struct {
		off  int
		want policy.Pos
	}{
		{0, policy.Pos{Line: 1, Column: 1}},
		{3, policy.Pos{Line: 2, Column: 1}},
		{3 + 2*2999, policy.Pos{Line: 2, Column: 3000}},
		{3 + 2*3000, policy.Pos{Line: 2, Column: 3001}},
		{len(data) - 1, policy.Pos{Line: 3, Column: 2}},
		{len(data), policy.Pos{Line: 3, Column: 3}},
		{len(data) + 10, policy.Pos{Line: 3, Column: 3}},
	}
	for _, tc := range tests {
		if got := p.at(data, tc.off); got != tc.want {
			t.Errorf("at(%d) = %v, want %v", tc.off, got, tc.want)
		}
	}
}

func TestSupersede(t *testing.T) {
	at := func(file string) loaders.Range {
		return loaders.Range{File: file, Start: policy.Pos{Line: 1, Column: 1}}
	}
	chain := func(file, addr string) []loaders.ModuleCall {
		return []loaders.ModuleCall{{Address: addr, Range: at(file)}}
	}
	res := []loaders.Resource{
		{Address: "aws_s3_bucket_policy.p", Source: loaders.SourceTerraformPlan, Range: at("infra/main.tf")},
		{Address: `module.m["a"].aws_kms_key.k`, Source: loaders.SourceTerraformPlan, Range: at("infra/modules/m/main.tf"), ModuleChain: chain("infra/main.tf", `module.m["a"]`)},
		{Address: "aws_iam_role.r[0]", Source: loaders.SourceTerraformPlan, Range: at("other/plan.json")},
		// covered: same root, same address
		{Address: "aws_s3_bucket_policy.p", Source: loaders.SourceTerraform, Range: at("infra/main.tf")},
		{Address: `module.m["a"].aws_kms_key.k`, Source: loaders.SourceTerraform, Range: at("infra/modules/m/main.tf"), ModuleChain: chain("infra/main.tf", `module.m["a"]`)},
		// covered: unexpanded block with an undecided count
		{Address: "module.m.aws_kms_key.k", Source: loaders.SourceTerraform, Condition: "for_each of module.m is unknown", Range: at("infra/modules/m/main.tf"), ModuleChain: chain("infra/main.tf", "module.m")},
		// kept: another root module
		{Address: "aws_s3_bucket_policy.p", Source: loaders.SourceTerraform, Range: at("staging/main.tf")},
		// kept: the plan does not list it
		{Address: "aws_sqs_queue_policy.q", Source: loaders.SourceTerraform, Range: at("infra/main.tf")},
		// kept: same block, other instance, decided count
		{Address: `module.m["b"].aws_kms_key.k`, Source: loaders.SourceTerraform, Range: at("infra/modules/m/main.tf"), ModuleChain: chain("infra/main.tf", `module.m["b"]`)},
		// kept: CloudFormation
		{Address: "aws_s3_bucket_policy.p", Source: loaders.SourceCloudFormation, Range: at("infra/main.tf")},
	}
	got := Supersede(res)
	var kept []string
	for _, r := range got {
		kept = append(kept, string(r.Source)+" "+r.Address+" "+r.Range.File)
	}
	want := []string{
		"terraform-plan aws_s3_bucket_policy.p infra/main.tf",
		`terraform-plan module.m["a"].aws_kms_key.k infra/modules/m/main.tf`,
		"terraform-plan aws_iam_role.r[0] other/plan.json",
		"terraform aws_s3_bucket_policy.p staging/main.tf",
		"terraform aws_sqs_queue_policy.q infra/main.tf",
		`terraform module.m["b"].aws_kms_key.k infra/modules/m/main.tf`,
		"cloudformation aws_s3_bucket_policy.p infra/main.tf",
	}
	if strings.Join(kept, "\n") != strings.Join(want, "\n") {
		t.Errorf("kept:\n%s\nwant:\n%s", strings.Join(kept, "\n"), strings.Join(want, "\n"))
	}
	if n := len(Supersede(res[3:])); n != len(res)-3 {
		t.Errorf("without plan resources %d of %d are kept", n, len(res)-3)
	}
}
