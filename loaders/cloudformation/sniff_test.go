package cloudformation

import (
	"os"
	"path/filepath"
	"testing"
)

func TestClaims(t *testing.T) {
	tests := []struct {
		name, path, data string
		want             bool
	}{
		{"version yaml", "a.yaml", "AWSTemplateFormatVersion: '2010-09-09'\n", true},
		{"version quoted key", "a.yml", "\"AWSTemplateFormatVersion\": x\n", true},
		{"resources yaml", "a.template", "# c\nResources:\n  B:\n    Type: AWS::S3::Bucket\n", true},
		{"alexa type", "a.yaml", "Resources:\n  S:\n    Type: \"Alexa::ASK::Skill\"\n", true},
		{"custom type", "a.yaml", "Resources:\n  S:\n    Type: 'Custom::Thing'\n", true},
		{"resources json", "a.json", `{"Resources": {"B": {"Properties": {}, "Type": "AWS::S3::Bucket"}}}`, true},
		{"version json after others", "a.json", `{"Description": "x", "Outputs": {"a": [1, {"b": "}"}]}, "AWSTemplateFormatVersion": "2010-09-09"}`, true},
		{"json with bom", "a.json", "\xEF\xBB\xBF{\"AWSTemplateFormatVersion\": \"x\"}", true},
		{"yaml flow", "a.yaml", "{Resources: {B: {Type: AWS::S3::Bucket}}}", false},
		{"nested version key", "a.json", `{"x": {"AWSTemplateFormatVersion": "2010-09-09"}}`, false},
		{"plan json", "plan.json", `{"format_version": "1.2", "x": "Resources: Type: AWS::S3::Bucket"}`, false},
		{"package json", "package.json", `{"name": "x", "scripts": {"Resources": "y"}}`, false},
		{"tf json", "main.tf.json", `{"AWSTemplateFormatVersion": "x"}`, false},
		{"tf file", "main.tf", "AWSTemplateFormatVersion: x\n", false},
		{"indented version", "a.yaml", "x:\n  AWSTemplateFormatVersion: y\n", false},
		{"resources without type", "a.yaml", "Resources:\n  B:\n    Kind: AWS::S3::Bucket\n", false},
		{"cdk asset manifest", "cdk.out/S.assets.json", `{"version": "55.0.0", "files": {"h": {"source": {"path": "S.nested.template.json", "packaging": "file"}, "destinations": {"d": {"objectKey": "h.json"}}}}}`, true},
		{"other assets json", "web/app.assets.json", `{"main.js": "main.1234.js"}`, false},
		{"cdk manifest", "cdk.out/manifest.json", `{"version": "55.0.0", "artifacts": {"S": {"type": "aws:cloudformation:stack"}}}`, true},
		{"k8s", "a.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  Resources: x\n  Type: AWS::S3::Bucket\n", false},
		{"type outside resources", "a.yaml", "Resources:\n  B: {}\nOther:\n  Type: AWS::S3::Bucket\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New().Claims(tt.path, []byte(tt.data)); got != tt.want {
				t.Errorf("Claims(%s) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

// TestClaimsTestdata: every fixture template is claimed, and nothing under
// testdata/notemplates is; unclaimed files produce no diagnostic either way.
func TestClaimsTestdata(t *testing.T) {
	for dir, want := range map[string]bool{"templates": true, "notemplates": false} {
		paths, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no fixtures in %s: %v", dir, err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := New().Claims(p, data); got != want {
				t.Errorf("Claims(%s) = %v, want %v", p, got, want)
			}
		}
	}
}

func BenchmarkClaimsReject(b *testing.B) {
	data := []byte(`{"name": "x", "version": "1.0.0", "dependencies": {"a": "1", "b": "2"}}`)
	for b.Loop() {
		New().Claims("package.json", data)
	}
}
