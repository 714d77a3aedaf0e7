package cloudformation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"
)

// Small cloud assemblies in CDK's output shape, for the parts of the CDK
// support that the real apps under testdata/cdk (scanned end to end by
// cmd/perimeter) do not pin down line by line.

func cdkManifestJSON(stacks ...string) string {
	var parts []string
	for _, s := range stacks {
		name, env, _ := strings.Cut(s, "@")
		if env == "" {
			env = "aws://unknown-account/unknown-region"
		}
		parts = append(parts, fmt.Sprintf(`%q: {"type": "aws:cloudformation:stack", "environment": %q, "properties": {"templateFile": %q}}`, name, env, name+".template.json"))
	}
	return `{"version": "55.0.0", "artifacts": {` + strings.Join(parts, ", ") + `}}`
}

// A stack exporting a role ARN, as CDK writes a cross-stack reference.
const rolesStack = `{
 "Resources": {
  "ConsumerRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}}}
 },
 "Outputs": {
  "ExportsOutputFnGetAttConsumerRoleArn": {
   "Value": {"Fn::GetAtt": ["ConsumerRole", "Arn"]},
   "Export": {"Name": "Roles:ExportsOutputFnGetAttConsumerRoleArn"}
  }
 }
}`

// A stack importing it into a queue policy (the principal is on line 6).
const queuesStack = `{
 "Resources": {
  "JobsPolicy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {
   "Queues": ["https://sqs.us-east-1.amazonaws.com/111122223333/jobs"],
   "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sqs:ReceiveMessage",
    "Principal": {"AWS": {"Fn::ImportValue": "Roles:ExportsOutputFnGetAttConsumerRoleArn"}}}]}
  }}
 }
}`

type principalWant struct {
	address string
	value   string // the principal's value, or "unknown: REASON"
	at      string // line:column
}

func principalSummary(rs []loaders.Resource) []principalWant {
	var out []principalWant
	for _, r := range rs {
		for _, p := range principals(r) {
			v := p.Value
			if p.Unknown {
				v = "unknown: " + p.Reason
			}
			out = append(out, principalWant{r.Address, v, pos(p.Range)})
		}
	}
	return out
}

func loadMemory(t *testing.T, files map[string]string, opts loaders.Options) ([]loaders.Resource, loaders.Diagnostics) {
	t.Helper()
	l := New()
	var in []loaders.File
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	}) {
		f := loaders.File{Path: p, Data: []byte(files[p])}
		if !l.Claims(f.Path, f.Data) {
			t.Fatalf("%s is not claimed", p)
		}
		in = append(in, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return l.Load(ctx, in, opts)
}

func TestCDKCrossStackReferences(t *testing.T) {
	own := loaders.Options{OwnAccount: "111122223333"}
	tests := []struct {
		name  string
		files map[string]string
		want  []principalWant
	}{
		{
			name: "an export of a stack of the same assembly resolves, positioned at the import",
			files: map[string]string{
				"cdk.out/manifest.json":        cdkManifestJSON("Roles", "Queues"),
				"cdk.out/Roles.template.json":  rolesStack,
				"cdk.out/Queues.template.json": queuesStack,
			},
			want: []principalWant{{"JobsPolicy", "arn:aws:iam::111122223333:role/ConsumerRole", "6:26"}, {"ConsumerRole", "ecs-tasks.amazonaws.com", "3:177"}},
		},
		{
			name: "the exporting stack is not part of the scan",
			files: map[string]string{
				"cdk.out/manifest.json":        cdkManifestJSON("Queues"),
				"cdk.out/Queues.template.json": queuesStack,
			},
			want: []principalWant{{"JobsPolicy", "unknown: Fn::ImportValue Roles:ExportsOutputFnGetAttConsumerRoleArn is resolved at deploy time", "6:26"}},
		},
		{
			name: "templates outside a cloud assembly do not read each other's exports",
			files: map[string]string{
				"infra/Roles.template.json":  rolesStack,
				"infra/Queues.template.json": queuesStack,
			},
			want: []principalWant{{"JobsPolicy", "unknown: Fn::ImportValue Roles:ExportsOutputFnGetAttConsumerRoleArn is resolved at deploy time", "6:26"}, {"ConsumerRole", "ecs-tasks.amazonaws.com", "3:177"}},
		},
		{
			name: "an export name given twice in the assembly is not guessed",
			files: map[string]string{
				"cdk.out/manifest.json":        cdkManifestJSON("Roles", "Other", "Queues"),
				"cdk.out/Roles.template.json":  rolesStack,
				"cdk.out/Other.template.json":  strings.ReplaceAll(rolesStack, "ConsumerRole\"", "OtherRole\""),
				"cdk.out/Queues.template.json": queuesStack,
			},
			want: []principalWant{{"OtherRole", "ecs-tasks.amazonaws.com", "3:174"}, {"JobsPolicy", "unknown: Fn::ImportValue Roles:ExportsOutputFnGetAttConsumerRoleArn is resolved at deploy time", "6:26"}, {"ConsumerRole", "ecs-tasks.amazonaws.com", "3:177"}},
		},
		{
			name: "an export whose value is a parameter without a value keeps the reason",
			files: map[string]string{
				"cdk.out/manifest.json": cdkManifestJSON("Roles", "Queues"),
				"cdk.out/Roles.template.json": `{"Parameters": {"Partner": {"Type": "String"}},
 "Resources": {"T": {"Type": "AWS::SNS::Topic"}},
 "Outputs": {"P": {"Value": {"Fn::Sub": "arn:aws:iam::${Partner}:root"}, "Export": {"Name": "Roles:ExportsOutputFnGetAttConsumerRoleArn"}}}}`,
				"cdk.out/Queues.template.json": queuesStack,
			},
			want: []principalWant{{"JobsPolicy", "unknown: parameter Partner has no Default and no --parameter value", "6:26"}},
		},
		{
			name: "exports that import each other end",
			files: map[string]string{
				"cdk.out/manifest.json": cdkManifestJSON("A", "B"),
				"cdk.out/A.template.json": `{"Resources": {"P": {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": ["t"],
  "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Principal": {"AWS": {"Fn::ImportValue": "Y"}}}]}}}},
 "Outputs": {"X": {"Value": {"Fn::ImportValue": "Y"}, "Export": {"Name": "X"}}}}`,
				"cdk.out/B.template.json": `{"Resources": {"T": {"Type": "AWS::SNS::Topic"}},
 "Outputs": {"Y": {"Value": {"Fn::ImportValue": "X"}, "Export": {"Name": "Y"}}}}`,
			},
			want: []principalWant{{"P", "unknown: Fn::ImportValue Y refers back to itself", "2:102"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, ds := loadMemory(t, tt.files, own)
			for _, d := range ds {
				if d.Severity == loaders.Error {
					t.Errorf("error: %v", d)
				}
			}
			if got := principalSummary(rs); !slices.Equal(got, tt.want) {
				t.Errorf("principals:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// A parent passing a role ARN and a parameter to a nested stack, and
// reading the nested stack's outputs.
const nestedParent = `{
 "Parameters": {"Partner": {"Type": "String"}},
 "Resources": {
  "Ops": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "ops", "AssumeRolePolicyDocument": {"Statement": []}}},
  "Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {
   "TemplateURL": {"Fn::Join": ["", ["https://s3.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}, "/cdk-hnb659fds-assets-", {"Ref": "AWS::AccountId"}, "/0f1e2d3c.json"]]},
   "Parameters": {"referencetoOpsArn": {"Fn::GetAtt": ["Ops", "Arn"]}, "referencetoPartner": {"Ref": "Partner"}}
  }},
  "BucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "archive",
   "PolicyDocument": {"Statement": [
    {"Effect": "Allow", "Action": "s3:PutObject", "Principal": {"AWS": {"Fn::GetAtt": ["Child", "Outputs.PublisherArn"]}}},
    {"Effect": "Allow", "Action": "s3:GetObject", "Principal": {"AWS": {"Fn::GetAtt": ["Child", "Outputs.PartnerRoot"]}}},
    {"Effect": "Allow", "Action": "s3:ListBucket", "Principal": {"AWS": {"Fn::GetAtt": ["Child", "Outputs.Missing"]}}}
   ]}
  }}
 }
}`

const nestedChild = `{
 "Parameters": {"referencetoOpsArn": {"Type": "String"}, "referencetoPartner": {"Type": "String"}},
 "Resources": {
  "Publisher": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": []}}},
  "TopicPolicy": {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": ["t"],
   "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Principal": {"AWS": {"Ref": "referencetoOpsArn"}}}]}}}
 },
 "Outputs": {
  "PublisherArn": {"Value": {"Fn::GetAtt": ["Publisher", "Arn"]}},
  "PartnerRoot": {"Value": {"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "referencetoPartner"}, ":root"]]}}
 }
}`

const nestedAssets = `{"version": "55.0.0", "files": {
 "0f1e2d3c": {"source": {"path": "ParentChild.nested.template.json", "packaging": "file"},
  "destinations": {"current_account-current_region": {"bucketName": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}", "objectKey": "0f1e2d3c.json"}}}
}}`

func TestCDKNestedStackOutputsAndAssets(t *testing.T) {
	files := map[string]string{
		"cdk.out/manifest.json":                    cdkManifestJSON("Parent@aws://111122223333/eu-west-1"),
		"cdk.out/Parent.template.json":             nestedParent,
		"cdk.out/ParentChild.nested.template.json": nestedChild,
		"cdk.out/Parent.assets.json":               nestedAssets,
	}
	for _, tt := range []struct {
		name string
		opts loaders.Options
		want []principalWant
	}{
		{"partner unknown", loaders.Options{OwnAccount: "111122223333"}, []principalWant{
			{"BucketPolicy", "arn:aws:iam::111122223333:role/Publisher", "11:72"},
			{"BucketPolicy", "unknown: parameter Partner has no Default and no --parameter value", "12:72"},
			{"BucketPolicy", "unknown: Child.Outputs.Missing: the nested template cdk.out/ParentChild.nested.template.json has no output Missing", "13:73"},
			{"TopicPolicy", "arn:aws:iam::111122223333:role/ops", "6:103"},
		}},
		{"partner given", loaders.Options{OwnAccount: "111122223333", Parameters: map[string]string{"Partner": "444455556666"}}, []principalWant{
			{"BucketPolicy", "arn:aws:iam::111122223333:role/Publisher", "11:72"},
			{"BucketPolicy", "arn:aws:iam::444455556666:root", "12:72"},
			{"BucketPolicy", "unknown: Child.Outputs.Missing: the nested template cdk.out/ParentChild.nested.template.json has no output Missing", "13:73"},
			{"TopicPolicy", "arn:aws:iam::111122223333:role/ops", "6:103"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rs, ds := loadMemory(t, files, tt.opts)
			if len(ds) > 0 {
				t.Errorf("diagnostics: %v", ds)
			}
			if got := principalSummary(rs); !slices.Equal(got, tt.want) {
				t.Errorf("principals:\n got %v\nwant %v", got, tt.want)
			}
			for _, r := range rs {
				if r.Address == "TopicPolicy" && (len(r.ModuleChain) != 1 || r.ModuleChain[0].Address != "Child") {
					t.Errorf("the nested template found through the asset manifest is not analysed as a nested stack: chain %v", r.ModuleChain)
				}
			}
		})
	}
}

func TestCDKManifestRegion(t *testing.T) {
	perm := `{"Resources": {"P": {"Type": "AWS::Lambda::Permission", "Properties": {
  "FunctionName": "f", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
  "SourceArn": {"Fn::Sub": "arn:aws:s3:${AWS::Region}:${AWS::AccountId}:x"}}}}}`
	for _, tt := range []struct {
		env, flag, want string
	}{
		{"aws://111122223333/eu-west-1", "", "arn:aws:s3:eu-west-1:111122223333:x"},
		{"aws://111122223333/eu-west-1", "us-east-2", "arn:aws:s3:eu-west-1:111122223333:x"},
		{"aws://unknown-account/unknown-region", "", "arn:aws:s3:*:111122223333:x"},
		{"aws://unknown-account/unknown-region", "us-east-2", "arn:aws:s3:us-east-2:111122223333:x"},
	} {
		rs, _ := loadMemory(t, map[string]string{
			"cdk.out/manifest.json":   cdkManifestJSON("S@" + tt.env),
			"cdk.out/S.template.json": perm,
		}, loaders.Options{OwnAccount: "111122223333", Region: tt.flag})
		if len(rs) != 1 {
			t.Fatalf("%d resources", len(rs))
		}
		var got []string
		for _, s := range rs[0].Documents[0].Policy.Statements {
			for _, c := range s.Conditions {
				got = append(got, c.Values...)
			}
		}
		if !slices.Equal(got, []string{tt.want}) {
			t.Errorf("env %s, --region %q: SourceArn %v, want %s", tt.env, tt.flag, got, tt.want)
		}
	}
}

func TestInvokedViaFunctionURL(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  []string
	}{
		{"true", []string{"Bool lambda:InvokedViaFunctionUrl true"}},
		{`"true"`, []string{"Bool lambda:InvokedViaFunctionUrl true"}},
		{"false", nil},
		{`{"Ref": "Via"}`, []string{"Bool lambda:InvokedViaFunctionUrl unknown: parameter Via has no Default and no --parameter value"}},
	} {
		tpl := `{"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {"Via": {"Type": "String"}}, "Resources": {"P": {"Type": "AWS::Lambda::Permission", "Properties": {
  "FunctionName": "f", "Action": "lambda:InvokeFunction", "Principal": "*", "InvokedViaFunctionUrl": ` + tt.value + `}}}}`
		rs, _ := loadMemory(t, map[string]string{"t.json": tpl}, loaders.Options{})
		if len(rs) != 1 {
			t.Fatalf("%d resources", len(rs))
		}
		var got []string
		for _, s := range rs[0].Documents[0].Policy.Statements {
			for _, c := range s.Conditions {
				v := strings.Join(c.Values, ",")
				if c.Unknown {
					v = "unknown: " + c.Reason
				}
				got = append(got, c.Operator+" "+c.Key+" "+v)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("InvokedViaFunctionUrl %s: conditions %q, want %q", tt.value, got, tt.want)
		}
	}
}

// FuzzCDKAssembly loads a fuzzed template as one stack of a cloud assembly
// whose other stack imports its exports, reads its nested stack outputs and
// whose fuzzed asset manifest may point anywhere: no panic, no hang.
func FuzzCDKAssembly(f *testing.F) {
	f.Add([]byte(rolesStack), []byte(nestedAssets))
	f.Add([]byte(nestedParent), []byte(nestedAssets))
	f.Add([]byte(nestedChild), []byte(`{"files": {"x": {"source": {"path": "A.template.json", "packaging": "file"}, "destinations": {"d": {"objectKey": "0f1e2d3c.json"}}}}}`))
	importer := `{"Resources": {
  "P": {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": ["t"], "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sns:Publish",
   "Principal": {"AWS": [{"Fn::ImportValue": "Roles:ExportsOutputFnGetAttConsumerRoleArn"}, {"Fn::GetAtt": ["Child", "Outputs.PublisherArn"]}]}}]}}},
  "Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "https://s3.amazonaws.com/b/0f1e2d3c.json", "Parameters": {"referencetoPartner": {"Fn::ImportValue": "X"}}}}
 },
 "Outputs": {"X": {"Value": {"Fn::GetAtt": ["Child", "Outputs.PartnerRoot"]}, "Export": {"Name": "X"}}}}`
	f.Fuzz(func(t *testing.T, tpl, assets []byte) {
		files := []loaders.File{
			{Path: "cdk.out/manifest.json", Data: []byte(cdkManifestJSON("A", "B"))},
			{Path: "cdk.out/A.template.json", Data: tpl},
			{Path: "cdk.out/B.template.json", Data: []byte(importer)},
			{Path: "cdk.out/A.assets.json", Data: assets},
		}
		start := time.Now()
		_, ds := New().Load(context.Background(), files, loaders.Options{})
		if time.Since(start) > 5*time.Second {
			t.Errorf("loading took %v", time.Since(start))
		}
		for _, d := range ds {
			if strings.Contains(d.Summary, "internal error") {
				t.Fatalf("panic: %v", d)
			}
		}
	})
}

// The CDK's iam.OpenIdConnectProvider is a custom resource whose handler
// returns the provider's ARN: a trust policy naming it resolves.
func TestCDKOpenIDConnectProvider(t *testing.T) {
	tpl := `{"Resources": {
 "Oidc": {"Type": "Custom::AWSCDKOpenIdConnectProvider", "Properties": {"ServiceToken": {"Fn::GetAtt": ["Handler", "Arn"]}, "Url": "https://gitlab.example.com"}},
 "Deploy": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [
  {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": {"Ref": "Oidc"}}},
  {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": {"Fn::GetAtt": ["Oidc", "Thumbprints"]}}}
 ]}}}}}`
	rs, _ := loadMemory(t, map[string]string{"t.json": tpl}, loaders.Options{OwnAccount: "111122223333"})
	want := []principalWant{
		{"Deploy", "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com", "4:93"},
		{"Deploy", "unknown: Oidc.Thumbprints is known only after deploy (custom resource)", "5:93"},
	}
	if got := principalSummary(rs); !slices.Equal(got, want) {
		t.Errorf("principals:\n got %v\nwant %v", got, want)
	}
}
