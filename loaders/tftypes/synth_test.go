package tftypes

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// jsonArgs turns a JSON object into Args, the way a loader hands nested
// blocks over: lists of objects, every node with its position in the JSON
// text (line 1 is the object's first line).
func jsonArgs(tb testing.TB, src string) Args {
	tb.Helper()
	v, err := policy.ParseJSON([]byte(src), policy.JSONOptions{File: "main.tf"})
	if err != nil {
		tb.Fatalf("bad fixture: %v", err)
	}
	return valueArgs(v)
}

func valueArgs(v policy.Value) Args {
	return func(name string, _ bool) (Arg, bool) {
		if v.Kind != policy.Object {
			return Arg{}, false
		}
		f, ok := v.Field(name)
		if !ok || f.Key != name {
			return Arg{}, false
		}
		var refs []string
		if r, ok := v.Get("_refs_" + name); ok && r.Kind == policy.String {
			refs = strings.Split(r.Str, ",")
		}
		return Arg{Value: f.Value, Range: f.KeyRange, Refs: refs}, true
	}
}

// describe renders a document's statements: principal@line -> actions
// [conditions].
func describe(d loaders.Document) []string {
	var out []string
	for _, st := range d.Policy.Statements {
		for _, p := range st.Principals {
			who := p.Value
			if p.Unknown {
				who = "?" + p.Reason
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%s %s@%d -> %s", p.Type, who, p.Range.Start.Line, strings.Join(st.Actions, ","))
			if st.ActionsReason != "" {
				b.WriteString("?" + st.ActionsReason)
			}
			for _, c := range st.Conditions {
				fmt.Fprintf(&b, " [%s %s %s]", c.Operator, c.Key, strings.Join(c.Values, ","))
			}
			out = append(out, b.String())
		}
	}
	return out
}

func TestBuildSynthesised(t *testing.T) {
	block := Block{Name: "x.y", Address: "x.y", Range: at(1), Decl: at(1), OwnAccount: "111122223333", Partition: "aws"}
	tests := []struct {
		name, typ, args string
		kind            string
		want            map[string][]string // attribute -> statements
		diags           int
	}{
		{
			name: "canned ACL", typ: "aws_s3_bucket_acl",
			args: `{"bucket": "b", "acl": "public-read-write"}`,
			want: map[string][]string{"acl": {
				"* *@1 -> s3:ListBucket,s3:ListBucketVersions,s3:ListBucketMultipartUploads",
				"* *@1 -> s3:PutObject,s3:DeleteObject",
			}},
		},
		{
			name: "private and unknown canned ACLs", typ: "aws_s3_bucket_acl",
			args:  `{"acl": "privatee"}`,
			want:  map[string][]string{},
			diags: 1,
		},
		{
			name: "access control policy: owner, group, e-mail, unknown grantee", typ: "aws_s3_bucket_acl",
			args: `{"access_control_policy": [{
  "grant": [
    {"grantee": [{"type": "CanonicalUser", "id": "owner"}], "permission": "FULL_CONTROL"},
    {"grantee": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}], "permission": "READ"},
    {"grantee": [{"type": "AmazonCustomerByEmail", "email_address": "a@example.com"}], "permission": "WRITE"},
    {"grantee": [{"type": "CanonicalUser"}], "permission": "READ_ACP"}
  ],
  "owner": [{"id": "owner"}]}]}`,
			want: map[string][]string{"access_control_policy": {
				"AWS arn:aws:iam::111122223333:root@3 -> s3:ListBucket,s3:ListBucketVersions,s3:ListBucketMultipartUploads,s3:PutObject,s3:DeleteObject,s3:GetBucketAcl,s3:PutBucketAcl",
				"AWS *@4 -> s3:ListBucket,s3:ListBucketVersions,s3:ListBucketMultipartUploads",
				"CanonicalUser a@example.com@5 -> s3:PutObject,s3:DeleteObject",
				"AWS ?the grant names no grantee (id, uri or email_address)@6 -> s3:GetBucketAcl",
			}},
		},
		{
			name: "legacy grant: one statement per permission", typ: "aws_s3_bucket",
			args: `{"grant": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers", "permissions": ["READ", "WRITE_ACP"]}]}`,
			want: map[string][]string{"grant": {
				"* *@1 -> s3:ListBucket,s3:ListBucketVersions,s3:ListBucketMultipartUploads",
				"* *@1 -> s3:PutBucketAcl",
			}},
		},
		{
			name: "KMS grant", typ: "aws_kms_grant",
			args: `{"key_id": "k",
"grantee_principal": "arn:aws:iam::444455556666:role/r",
"operations": ["Decrypt", "CreateGrant"],
"retiring_principal": "arn:aws:iam::444455556666:root"}`,
			want: map[string][]string{
				"grantee_principal":  {"AWS arn:aws:iam::444455556666:role/r@2 -> kms:Decrypt,kms:CreateGrant"},
				"retiring_principal": {"AWS arn:aws:iam::444455556666:root@4 -> kms:RetireGrant"},
			},
		},
		{
			name: "KMS grant without operations", typ: "aws_kms_grant",
			args: `{"grantee_principal": "arn:aws:iam::444455556666:role/r"}`,
			want: map[string][]string{"grantee_principal": {"AWS arn:aws:iam::444455556666:role/r@1 -> ?x.y has no operations argument"}},
		},
		{
			name: "RDS snapshot: all, account, organization", typ: "aws_db_snapshot",
			args: `{"shared_accounts": ["all",
"444455556666",
"arn:aws:organizations::111122223333:organization/o-abc"]}`,
			want: map[string][]string{"shared_accounts": {
				"* *@1 -> rds:RestoreDBInstanceFromDBSnapshot,rds:CopyDBSnapshot",
				"AWS 444455556666@2 -> rds:RestoreDBInstanceFromDBSnapshot,rds:CopyDBSnapshot",
				"* *@3 -> rds:RestoreDBInstanceFromDBSnapshot,rds:CopyDBSnapshot [StringEquals aws:PrincipalOrgID o-abc]",
			}},
		},
		{
			name: "empty sharing list grants nothing", typ: "aws_db_cluster_snapshot",
			args: `{"shared_accounts": []}`,
			want: map[string][]string{},
		},
		{
			name: "AMI launch permission by group", typ: "aws_ami_launch_permission",
			args: `{"image_id": "ami-1", "group": "all"}`,
			want: map[string][]string{"group": {"* *@1 -> ec2:RunInstances"}},
		},
		{
			name: "ECR replication destinations", typ: "aws_ecr_replication_configuration",
			args: `{"replication_configuration": [{"rule": [{"destination": [
{"region": "eu-west-1", "registry_id": "444455556666"},
{"region": "us-west-2", "registry_id": "111122223333"}]}]}]}`,
			want: map[string][]string{"replication_configuration": {
				"AWS 444455556666@2,111122223333@3 -> ecr:BatchGetImage,ecr:GetDownloadUrlForLayer",
			}},
		},
		{
			name: "RAM principal before linking: actions unknown", typ: "aws_ram_principal_association",
			args: `{"principal": "444455556666", "resource_share_arn": "arn:aws:ram:us-east-1:111122223333:resource-share/s"}`,
			want: map[string][]string{"principal": {
				"AWS 444455556666@1 -> ?the resources shared by arn:aws:ram:us-east-1:111122223333:resource-share/s are not in the scanned code",
			}},
		},
		{
			name: "function URL NONE", typ: "aws_lambda_function_url",
			args: `{"function_name": "f", "authorization_type": "NONE"}`,
			want: map[string][]string{"authorization_type": {"* *@1 -> lambda:InvokeFunctionUrl [StringEquals lambda:FunctionUrlAuthType NONE]"}},
		},
		{
			name: "function URL AWS_IAM grants nothing", typ: "aws_lambda_function_url",
			args: `{"function_name": "f", "authorization_type": "AWS_IAM"}`,
			want: map[string][]string{},
		},
		{
			name: "EventBridge permission with condition, default action", typ: "aws_cloudwatch_event_permission",
			args: `{"principal": "*",
"condition": [{"key": "aws:PrincipalOrgID", "type": "StringEquals", "value": "o-abc"}]}`,
			want: map[string][]string{"principal": {"* *@1 -> events:PutEvents [StringEquals aws:PrincipalOrgID o-abc]"}},
		},
		{
			name: "EventBridge permission without principal", typ: "aws_cloudwatch_event_permission",
			args:  `{"statement_id": "s"}`,
			want:  map[string][]string{},
			diags: 1,
		},
		{
			name: "MRAP policy in a nested block", typ: "aws_s3control_multi_region_access_point_policy",
			args: `{"details": [{"name": "m",
"policy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}}]}`,
			want: map[string][]string{"details.policy": {"* *@2 -> s3:GetObject"}},
		},
		{
			name: "DynamoDB stream by reference", typ: "aws_dynamodb_resource_policy", kind: loaders.KindDynamoDBStream,
			args: `{"resource_arn": "x", "_refs_resource_arn": "aws_dynamodb_table.t.stream_arn",
"policy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "dynamodb:GetRecords"}]}}`,
			want: map[string][]string{"policy": {"* *@2 -> dynamodb:GetRecords"}},
		},
		{
			name: "DynamoDB table", typ: "aws_dynamodb_resource_policy", kind: loaders.KindDynamoDBTable,
			args: `{"resource_arn": "arn:aws:dynamodb:us-east-1:1:table/t",
"policy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "dynamodb:GetItem"}]}}`,
			want: map[string][]string{"policy": {"* *@2 -> dynamodb:GetItem"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			typ := mustLookup(t, tc.typ)
			in, diags := typ.Build(block, jsonArgs(t, tc.args))
			got := map[string][]string{}
			for _, d := range in.Documents {
				got[d.Attribute] = append(got[d.Attribute], describe(d)...)
				if (d.Attribute != "details.policy" && d.Attribute != "policy") != d.Synthetic {
					t.Errorf("%s: synthetic = %v", d.Attribute, d.Synthetic)
				}
			}
			// Principals of one statement share a line in describe: join them.
			for k, v := range got {
				got[k] = joinSameStatement(v)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("documents:\n got %v\nwant %v", got, tc.want)
			}
			if len(diags) != tc.diags {
				t.Errorf("diagnostics = %v, want %d", diags, tc.diags)
			}
			want := tc.kind
			if want == "" {
				want = typ.Kind
			}
			if in.Kind != want {
				t.Errorf("kind = %s, want %s", in.Kind, want)
			}
		})
	}
}

// joinSameStatement merges "AWS a@1 -> x" and "AWS b@2 -> x" into
// "AWS a@1,b@2 -> x" when they follow each other with the same actions.
func joinSameStatement(lines []string) []string {
	var out []string
	for _, l := range lines {
		if n := len(out); n > 0 {
			prevHead, prevTail, _ := strings.Cut(out[n-1], " -> ")
			head, tail, _ := strings.Cut(l, " -> ")
			pt, _, _ := strings.Cut(prevHead, " ")
			ht, who, _ := strings.Cut(head, " ")
			if pt == ht && prevTail == tail && pt == "AWS" {
				out[n-1] = prevHead + "," + who + " -> " + tail
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

func TestSecretSettings(t *testing.T) {
	typ := mustLookup(t, "aws_secretsmanager_secret_policy")
	in, _ := typ.Build(Block{Name: "s.p", Address: "module.m.s.p"}, jsonArgs(t, `{"policy": "{}", "block_public_policy": true}`))
	got, ok := in.Settings[loaders.SettingBlockPublicPolicy].(map[string]any)
	if !ok || got["state"] != "on" || got["set_by"] != "module.m.s.p.block_public_policy" {
		t.Errorf("settings = %v", in.Settings)
	}
	in, _ = typ.Build(Block{Name: "s.p"}, jsonArgs(t, `{"policy": "{}"}`))
	if in.Settings != nil {
		t.Errorf("settings without block_public_policy = %v", in.Settings)
	}
}

func TestOptionalArgs(t *testing.T) {
	for typ, want := range map[string][]string{
		"aws_s3_bucket":            {"policy", "acl", "grant"},
		"aws_api_gateway_rest_api": {"policy", "body"},
		"aws_db_snapshot":          {"shared_accounts"},
	} {
		if got := mustLookup(t, typ).OptionalArgs(); !slices.Equal(got, want) {
			t.Errorf("%s: OptionalArgs() = %v, want %v", typ, got, want)
		}
	}
}

func TestNavigate(t *testing.T) {
	v, err := policy.ParseJSON([]byte(`{"a": [{"b": 1}, {"c": {"d": "x"}}], "u": null}`), policy.JSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"a.b": "1", "a.c.d": "x", "a.z": "", "u.x": "", "": "object"} {
		got, ok := Navigate(v, path)
		s := got.Str
		if path == "" {
			s = got.Kind.String()
		}
		if (want == "") == ok || s != want {
			t.Errorf("Navigate(%q) = %v %v, want %q", path, got, ok, want)
		}
	}
	u := policy.UnknownValue("why", at(1))
	if got, ok := Navigate(u, "a.b"); !ok || got.Reason != "why" {
		t.Errorf("Navigate(unknown) = %v %v", got, ok)
	}
}
