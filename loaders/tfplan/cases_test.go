package tfplan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// loadOne loads one plan written to a temporary directory, with files
// (name -> content) beside it.
func loadOne(t *testing.T, plan string, files map[string]string) ([]loaders.Resource, loaders.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.ToSlash(filepath.Join(dir, "plan.json"))
	return New().Load(context.Background(), []loaders.File{{Path: path, Data: []byte(plan)}}, loaders.Options{})
}

func byAddress(res []loaders.Resource) map[string]loaders.Resource {
	out := map[string]loaders.Resource{}
	for _, r := range res {
		out[r.Address] = r
	}
	return out
}

func TestLoadCases(t *testing.T) {
	tests := []struct {
		name  string
		plan  string
		files map[string]string
		check func(t *testing.T, res map[string]loaders.Resource, diags loaders.Diagnostics)
	}{
		{
			name: "unsupported major version",
			plan: `{"format_version":"2.0","planned_values":{}}`,
			check: func(t *testing.T, res map[string]loaders.Resource, diags loaders.Diagnostics) {
				t.Helper()
				if len(res) != 0 || len(diags) != 1 || diags[0].Severity != loaders.Error ||
					!strings.Contains(diags[0].Summary, `unsupported plan format_version "2.0"`) || diags[0].Range.Start != pos1(1, 19) {
					t.Errorf("diags = %v", diags)
				}
			},
		},
		{
			name: "invalid JSON is an error at its position",
			plan: "{\"format_version\":\"1.2\",\n \"planned_values\": {,}}",
			check: func(t *testing.T, _ map[string]loaders.Resource, diags loaders.Diagnostics) {
				t.Helper()
				if len(diags) != 1 || diags[0].Severity != loaders.Error || diags[0].Range.Start != pos1(2, 21) {
					t.Errorf("diags = %v", diags)
				}
			},
		},
		{
			name: "errored plan is a warning",
			plan: `{"format_version":"1.2","planned_values":{"root_module":{}},"errored":true}`,
			check: func(t *testing.T, _ map[string]loaders.Resource, diags loaders.Diagnostics) {
				t.Helper()
				if len(diags) != 1 || diags[0].Severity != loaders.Warning || !strings.Contains(diags[0].Summary, "errored") {
					t.Errorf("diags = %v", diags)
				}
			},
		},
		{
			name: "redacted sensitive principal is unknown",
			plan: `{"format_version":"1.2",
 "planned_values":{"root_module":{"resources":[
  {"address":"aws_lambda_permission.p","mode":"managed","type":"aws_lambda_permission","name":"p",
   "values":{"action":"lambda:InvokeFunction","function_name":"f","principal":null},"sensitive_values":{"principal":true}}]}},
 "resource_changes":[{"address":"aws_lambda_permission.p","mode":"managed","type":"aws_lambda_permission","name":"p",
   "change":{"actions":["create"],"after":{},"after_unknown":{"id":true},"after_sensitive":{"principal":true}}}]}`,
			check: func(t *testing.T, res map[string]loaders.Resource, diags loaders.Diagnostics) {
				t.Helper()
				r, ok := res["aws_lambda_permission.p"]
				if !ok || len(diags) != 0 {
					t.Fatalf("resources = %v, diags = %v", res, diags)
				}
				p := r.Documents[0].Policy.Statements[0].Principals[0]
				if !p.Unknown || p.Reason != "aws_lambda_permission.p.principal is sensitive in the plan and its value is not shown" || p.Range.Start != pos1(6, 105) {
					t.Errorf("principal = %+v", p)
				}
				if r.TargetName != "f" || r.Target != "" {
					t.Errorf("target = %q %q", r.Target, r.TargetName)
				}
			},
		},
		{
			name: "data sources, deposed objects and deletions grant nothing",
			plan: `{"format_version":"1.2",
 "planned_values":{"root_module":{"resources":[
  {"address":"data.aws_iam_role.r","mode":"data","type":"aws_iam_role","name":"r","values":{"assume_role_policy":"{\"Statement\":[]}"}}]}},
 "resource_changes":[
  {"address":"aws_iam_role.gone","mode":"managed","type":"aws_iam_role","name":"gone","change":{"actions":["delete"],"before":{"assume_role_policy":"{}"},"after":null}},
  {"address":"aws_iam_role.x","mode":"managed","type":"aws_iam_role","name":"x","deposed":"abcd","change":{"actions":["delete"],"after":null}}]}`,
			check: func(t *testing.T, res map[string]loaders.Resource, diags loaders.Diagnostics) {
				t.Helper()
				if len(res) != 0 || len(diags) != 0 {
					t.Errorf("resources = %v, diags = %v", res, diags)
				}
			},
		},
		{
			name: "without planned_values, changes stand in",
			plan: `{"format_version":"1.2","resource_changes":[
  {"address":"module.m[0].aws_iam_role.r","module_address":"module.m[0]","mode":"managed","type":"aws_iam_role","name":"r",
   "change":{"actions":["create"],"after":{"assume_role_policy":"{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\"}}"},"after_unknown":{"arn":true}}},
  {"address":"aws_iam_role.old","mode":"managed","type":"aws_iam_role","name":"old","deposed":"00000001","change":{"actions":["delete"],"after":null}}]}`,
			check: func(t *testing.T, res map[string]loaders.Resource, diags loaders.Diagnostics) {
				t.Helper()
				r, ok := res["module.m[0].aws_iam_role.r"]
				if !ok || len(res) != 1 || len(diags) != 0 {
					t.Fatalf("resources = %v, diags = %v", res, diags)
				}
				if len(r.ModuleChain) != 1 || r.ModuleChain[0].Address != "module.m[0]" {
					t.Errorf("module chain = %v", r.ModuleChain)
				}
				if p := r.Documents[0].Policy.Statements[0].Principals[0]; p.Value != "*" || p.Range.Start.Line != 3 {
					t.Errorf("principal = %+v", p)
				}
			},
		},
		{
			name: "optional policies count only when configured",
			plan: `{"format_version":"1.2",
 "planned_values":{"root_module":{"resources":[
  {"address":"aws_s3_bucket.set","mode":"managed","type":"aws_s3_bucket","name":"set","values":{"bucket":"a","policy":"{\"Statement\":[]}"}},
  {"address":"aws_s3_bucket.unset","mode":"managed","type":"aws_s3_bucket","name":"unset","values":{"bucket":"b"}},
  {"address":"aws_s3_bucket.read","mode":"managed","type":"aws_s3_bucket","name":"read","values":{"bucket":"c","arn":"arn:aws:s3:::c","policy":"{\"Statement\":[]}"}},
  {"address":"aws_sqs_queue.noconfig","mode":"managed","type":"aws_sqs_queue","name":"noconfig","values":{"name":"q","policy":"{\"Statement\":[]}"}}]}},
 "resource_changes":[
  {"address":"aws_s3_bucket.unset","mode":"managed","type":"aws_s3_bucket","name":"unset","change":{"actions":["create"],"after":{},"after_unknown":{"policy":true}}}],
 "configuration":{"root_module":{"resources":[
  {"address":"aws_s3_bucket.set","mode":"managed","type":"aws_s3_bucket","name":"set","expressions":{"bucket":{"constant_value":"a"},"policy":{"references":["local.p"]}}},
  {"address":"aws_s3_bucket.unset","mode":"managed","type":"aws_s3_bucket","name":"unset","expressions":{"bucket":{"constant_value":"b"}}},
  {"address":"aws_s3_bucket.read","mode":"managed","type":"aws_s3_bucket","name":"read","expressions":{"bucket":{"constant_value":"c"}}}]}}}`,
			check: func(t *testing.T, res map[string]loaders.Resource, _ loaders.Diagnostics) {
				t.Helper()
				if _, ok := res["aws_s3_bucket.set"]; !ok {
					t.Error("a configured policy is not read")
				}
				if _, ok := res["aws_s3_bucket.unset"]; ok {
					t.Error("an unconfigured policy known only after apply is reported")
				}
				if _, ok := res["aws_s3_bucket.read"]; ok {
					t.Error("a policy the provider read back (attached elsewhere) is reported")
				}
				if _, ok := res["aws_sqs_queue.noconfig"]; !ok {
					t.Error("a policy of a resource missing from the configuration section is dropped")
				}
			},
		},
		{
			name: "targets follow module inputs and outputs",
			plan: `{"format_version":"1.2",
 "planned_values":{"root_module":{
  "resources":[{"address":"aws_s3_bucket_policy.root","mode":"managed","type":"aws_s3_bucket_policy","name":"root","values":{"bucket":"logs","policy":"{}"}}],
  "child_modules":[{"address":"module.w[\"k\"]","resources":[
    {"address":"module.w[\"k\"].aws_sqs_queue_policy.q","mode":"managed","type":"aws_sqs_queue_policy","name":"q","values":{"queue_url":"https://q","policy":"{}"}}]}]}},
 "configuration":{"root_module":{
  "resources":[{"address":"aws_s3_bucket_policy.root","mode":"managed","type":"aws_s3_bucket_policy","name":"root",
    "expressions":{"bucket":{"references":["module.b.id","module.b"]},"policy":{"constant_value":"{}"}}}],
  "module_calls":{
   "b":{"source":"./b","module":{"outputs":{"id":{"expression":{"references":["aws_s3_bucket.this[0].id","aws_s3_bucket.this[0]","aws_s3_bucket.this"]}}}}},
   "w":{"source":"./w","for_each_expression":{"references":["local.m"]},"expressions":{"queue":{"references":["aws_sqs_queue.q[\"x\"].url","aws_sqs_queue.q[\"x\"]","aws_sqs_queue.q"]}},
     "module":{"resources":[{"address":"aws_sqs_queue_policy.q","mode":"managed","type":"aws_sqs_queue_policy","name":"q",
       "expressions":{"queue_url":{"references":["local.unused","var.queue"]}}}]}}}}}}`,
			check: func(t *testing.T, res map[string]loaders.Resource, diags loaders.Diagnostics) {
				t.Helper()
				if got := res["aws_s3_bucket_policy.root"]; got.Target != "module.b.aws_s3_bucket.this[0]" || got.TargetName != "logs" {
					t.Errorf("root target = %q %q", got.Target, got.TargetName)
				}
				if got := res[`module.w["k"].aws_sqs_queue_policy.q`]; got.Target != `aws_sqs_queue.q["x"]` || got.TargetName != "https://q" {
					t.Errorf("module target = %q %q", got.Target, got.TargetName)
				}
				if len(diags) != 0 {
					t.Errorf("diags = %v", diags)
				}
			},
		},
		{
			name: "sources that do not declare the plan's configuration are not used",
			plan: `{"format_version":"1.2",
 "planned_values":{"root_module":{"resources":[{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","values":{"assume_role_policy":"{}"}}]}},
 "configuration":{"root_module":{"resources":[{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","expressions":{}}]}}}`,
			files: map[string]string{"main.tf": `resource "aws_iam_role" "other" { assume_role_policy = "{}" }`},
			check: func(t *testing.T, res map[string]loaders.Resource, diags loaders.Diagnostics) {
				t.Helper()
				if r := res["aws_iam_role.r"]; !strings.HasSuffix(r.Range.File, "plan.json") {
					t.Errorf("resource at %v", r.Range)
				}
				if len(diags) != 1 || diags[0].Severity != loaders.Warning || !strings.Contains(diags[0].Summary, "do not declare aws_iam_role.r") {
					t.Errorf("diags = %v", diags)
				}
			},
		},
		{
			name: "a module that is not downloaded keeps plan positions",
			plan: `{"format_version":"1.2",
 "planned_values":{"root_module":{"child_modules":[{"address":"module.s3","resources":[
   {"address":"module.s3.aws_s3_bucket_policy.this[0]","mode":"managed","type":"aws_s3_bucket_policy","name":"this","index":0,"values":{"bucket":"b","policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"}]}"}}]}],
  "resources":[{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","values":{"assume_role_policy":"{}"}}]}},
 "configuration":{"root_module":{"resources":[{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","expressions":{"assume_role_policy":{"constant_value":"{}"}}}],
  "module_calls":{"s3":{"source":"terraform-aws-modules/s3-bucket/aws","module":{"resources":[{"address":"aws_s3_bucket_policy.this","mode":"managed","type":"aws_s3_bucket_policy","name":"this","expressions":{"policy":{"references":["data.aws_iam_policy_document.combined[0].json"]}}}]}}}}}}`,
			files: map[string]string{"main.tf": "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = \"{}\"\n}\n\nmodule \"s3\" {\n  source = \"terraform-aws-modules/s3-bucket/aws\"\n}\n"},
			check: func(t *testing.T, res map[string]loaders.Resource, diags loaders.Diagnostics) {
				t.Helper()
				if r := res["aws_iam_role.r"]; !strings.HasSuffix(r.Range.File, "main.tf") || r.Documents[0].Range.Start != pos1(2, 3) {
					t.Errorf("root resource at %v, document at %v", r.Range, r.Documents[0].Range)
				}
				r := res["module.s3.aws_s3_bucket_policy.this[0]"]
				p := r.Documents[0].Policy.Statements[0].Principals[0]
				if !strings.HasSuffix(p.Range.File, "plan.json") || p.Range.Start.Line != 3 || len(r.ModuleChain) != 1 {
					t.Errorf("module resource principal at %v, chain %v", p.Range, r.ModuleChain)
				}
				if len(diags) != 0 {
					t.Errorf("diags = %v", diags)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, diags := loadOne(t, tc.plan, tc.files)
			tc.check(t, byAddress(res), diags)
		})
	}
}

func pos1(line, col int) policy.Pos { return policy.Pos{Line: line, Column: col} }
