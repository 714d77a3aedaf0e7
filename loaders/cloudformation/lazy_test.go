package cloudformation

import (
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

// Templates that no other template reads are parsed when they are analysed
// and then dropped; parents of nested stacks are found by their bytes
// before anything is analysed. These cases check that the children of
// every kind of parent are analysed as nested stacks (with the parent's
// parameters), never as roots, and that a child's own problems are
// reported once.
func TestNestedChildrenFoundBeforeAnalysis(t *testing.T) {
	child := `{"Parameters": {"Trusted": {"Type": "String"}},
 "Resources": {"P": {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": ["t"],
  "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sns:Publish",
   "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${Trusted}:root"}}}]}}}},
 "Outputs": {"Name": {"Value": "t"}}}`
	parent := func(typ string) string {
		return `{"Resources": {"Child": {"Type": "` + typ + `", "Properties": {
  "TemplateURL": "./child.json", "Parameters": {"Trusted": "444455556666"}}},
 "Q": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Fn::GetAtt": ["Child", "Outputs.Name"]}],
  "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Principal": "*"}]}}}}}`
	}
	for _, tt := range []struct{ name, parent string }{
		{"plain", parent("AWS::CloudFormation::Stack")},
		{"JSON escape in the type", parent(`AWS::CloudFormation::Stac\u006b`)},
		{"YAML", "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./child.json\n      Parameters: {Trusted: \"444455556666\"}\n"},
		{"YAML escape in the type", "Resources:\n  Child:\n    Type: \"AWS::CloudFormation::\\x53tack\"\n    Properties:\n      TemplateURL: ./child.json\n      Parameters: {Trusted: \"444455556666\"}\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			name := "parent.json"
			if !strings.HasPrefix(tt.parent, "{") {
				name = "parent.yaml"
			}
			rs, ds := loadMemory(t, map[string]string{name: tt.parent, "child.json": child}, loaders.Options{OwnAccount: "111122223333"})
			if len(ds) > 0 {
				t.Errorf("diagnostics: %v", ds)
			}
			var topic []loaders.Resource
			for _, r := range rs {
				if r.Address == "P" {
					topic = append(topic, r)
				}
			}
			if len(topic) != 1 || len(topic[0].ModuleChain) != 1 || topic[0].ModuleChain[0].Address != "Child" {
				t.Fatalf("want the child's topic policy once, through the parent's Child stack; got %d: %+v", len(topic), topic)
			}
			if got := principalSummary(topic); len(got) != 1 || got[0].value != "arn:aws:iam::444455556666:root" {
				t.Errorf("the child was not analysed with the parent's parameters: %v", got)
			}
		})
	}
	t.Run("broken child reported once", func(t *testing.T) {
		_, ds := loadMemory(t, map[string]string{"parent.json": parent("AWS::CloudFormation::Stack"), "child.json": `{"Resources": {"P": {"Type": "AWS::SNS::TopicPolicy",}}}`}, loaders.Options{})
		errs := 0
		for _, d := range ds {
			if d.Range.File == "child.json" && d.Severity == loaders.Error {
				errs++
			}
		}
		if errs != 1 {
			t.Errorf("want one error for child.json, got %d: %v", errs, ds)
		}
	})
}

func TestMayNest(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want bool
	}{
		{"Type: AWS::CloudFormation::Stack", true},
		{"Type: AWS::Serverless::Application", true},
		{`"Type": "AWS::CloudFormation::Stac\u006b"`, true},
		{"Type: AWS::S3::Bucket\nName: !Ref AWS::StackName", false},
		{"Type: AWS::SNS::TopicPolicy", false},
		{`"Type": "AWS::CloudFormation::\\u0053tack"`, false}, // an escaped backslash, then "u0053"
		{`"Policy": {"Fn::Sub": "{\"Effect\": \"Allow\", \"Sid\": \"a\\\\b\nc\"}"}`, false},
		{"Type: \"AWS::CloudFormation::\\x53tack\"", true},
		{"Type: \"AWS::CloudFormation::\\\n  Stack\"", true},
		{`"Type": "AWS::CloudFormation::\\\u0053tack"`, true}, // \\ then \u0053
	} {
		if got := mayNest([]byte(tt.src)); got != tt.want {
			t.Errorf("mayNest(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

// A nested stack whose TemplateURL reads the stack's own outputs (found by
// FuzzCDKAssembly) recursed until the Go stack overflowed, a crash no
// recover() catches. Its outputs are now unknown while its path is worked
// out.
func TestStackOutputsInItsOwnTemplateURL(t *testing.T) {
	for _, n := range []int{1, 3, 8} {
		items := strings.Repeat(`{"Fn::GetAtt": ["Child", "Outputs.X"]}, `, n-1) + `{"Fn::GetAtt": ["Child", "Outputs.X"]}`
		tpl := `{"Resources": {"Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": {"Fn::Join": ["", [` + items + `]]}}},
 "P": {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": ["t"], "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sns:Publish",
  "Principal": {"AWS": {"Fn::GetAtt": ["Child", "Outputs.X"]}}}]}}}}}`
		rs, _ := loadMemory(t, map[string]string{"a.json": tpl}, loaders.Options{})
		got := principalSummary(rs)
		if len(got) != 1 || !strings.Contains(got[0].value, "Child.Outputs.X is known only after deploy") {
			t.Errorf("n=%d: %v", n, got)
		}
	}
}
