package loaders

import (
	"slices"
	"testing"

	"github.com/perimeter-iac/perimeter/policy"
)

func TestCannedACL(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		want []string // grantee/permission
	}{
		{"private", true, nil},
		{"Private", true, nil},
		{"bucket-owner-full-control", true, nil},
		{"BucketOwnerRead", true, nil},
		{"public-read", true, []string{GroupAllUsers + "/READ"}},
		{"PublicRead", true, []string{GroupAllUsers + "/READ"}},
		{"public-read-write", true, []string{GroupAllUsers + "/READ", GroupAllUsers + "/WRITE"}},
		{"PublicReadWrite", true, []string{GroupAllUsers + "/READ", GroupAllUsers + "/WRITE"}},
		{"authenticated-read", true, []string{GroupAuthenticatedUsers + "/READ"}},
		{"AuthenticatedRead", true, []string{GroupAuthenticatedUsers + "/READ"}},
		{"log-delivery-write", true, []string{GroupLogDelivery + "/WRITE", GroupLogDelivery + "/READ_ACP"}},
		{"LogDeliveryWrite", true, []string{GroupLogDelivery + "/WRITE", GroupLogDelivery + "/READ_ACP"}},
		{"aws-exec-read", true, []string{EC2ExecReadService + "/READ"}},
		{"private-read", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			grants, ok := CannedACL(policy.StringValue(tc.name, at(3)))
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			var got []string
			for _, g := range grants {
				got = append(got, g.Grantee.Str+"/"+g.Permission.Str)
				if g.Range.Start.Line != 3 {
					t.Errorf("grant range = %v, want line 3", g.Range)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	grants, ok := CannedACL(policy.UnknownValue("parameter Acl has no Default", at(4)))
	if !ok || len(grants) != 1 || grants[0].Grantee.Kind != policy.Unknown {
		t.Errorf("unknown canned ACL gave %+v, %v", grants, ok)
	}
}

func TestACLDocument(t *testing.T) {
	str := policy.StringValue
	grants := []ACLGrant{
		{Type: GranteeGroup, Grantee: str(GroupAllUsers, at(2)), Permission: str("READ", at(3)), Range: at(2)},
		{Type: GranteeGroup, Grantee: str(GroupAuthenticatedUsers, at(4)), Permission: str("WRITE", at(5)), Range: at(4)},
		{Type: GranteeGroup, Grantee: str(GroupLogDelivery, at(6)), Permission: str("WRITE", at(7)), Range: at(6)},
		{Type: GranteeCanonicalUser, Grantee: str("79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", at(8)), Permission: str("FULL_CONTROL", at(9)), Range: at(8)},
		{Type: GranteeCanonicalUser, Grantee: str("owner-id", at(10)), Permission: str("FULL_CONTROL", at(10)), Range: at(10)},
		{Type: GranteeCanonicalUser, Grantee: str(OwnCanonicalUser, at(11)), Permission: str("READ", at(11)), Range: at(11)},
		{Type: GranteeEmail, Grantee: str("partner@example.com", at(12)), Permission: str("READ_ACP", at(12)), Range: at(12)},
		{Grantee: policy.UnknownValue("var.grantee has no value", at(13)), Permission: str("READ", at(13)), Range: at(13)},
		{Grantee: str(GroupAllUsers, at(14)), Permission: policy.UnknownValue("var.perm has no value", at(14)), Range: at(14)},
	}
	d := ACLDocument(grants, []string{"owner-id"}, "111122223333", "aws", at(1))
	if len(d.Problems) > 0 {
		t.Fatalf("problems: %+v", d.Problems)
	}
	want := []string{
		"wildcard:*@2", "wildcard:*@4", "service:" + S3LogDeliveryService + "@6",
		"canonical-user:79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be@8",
		"account:111122223333@10", "account:111122223333@11",
		"canonical-user:partner@example.com@12", "unknown:@13", "wildcard:*@14",
	}
	if got := principalSummary(d); !slices.Equal(got, want) {
		t.Errorf("principals:\n got %v\nwant %v", got, want)
	}
	wantActions := [][]string{
		{"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"},
		{"s3:PutObject", "s3:DeleteObject"},
		{"s3:PutObject", "s3:DeleteObject"},
		ACLActions["FULL_CONTROL"],
	}
	for i, w := range wantActions {
		if !slices.Equal(d.Statements[i].Actions, w) {
			t.Errorf("statement %d actions = %v, want %v", i, d.Statements[i].Actions, w)
		}
	}
	if st := d.Statements[8]; st.ActionsReason != "var.perm has no value" {
		t.Errorf("unknown permission: actions reason = %q", st.ActionsReason)
	}
}

func TestFlags(t *testing.T) {
	str := policy.StringValue
	tests := []struct {
		v     policy.Value
		state string
	}{
		{policy.Value{Kind: policy.Bool, Str: "true"}, FlagOn},
		{str("false", at(1)), FlagOff},
		{str("True", at(1)), FlagOn},
		{policy.Value{Kind: policy.Null}, ""},
		{policy.UnknownValue("parameter P has no Default", at(1)), FlagUnknown},
		{str("yes", at(1)), FlagUnknown},
	}
	for _, tc := range tests {
		if got := FlagOf(tc.v, "x"); got.State != tc.state {
			t.Errorf("FlagOf(%+v) = %q, want %q", tc.v, got.State, tc.state)
		}
	}
	on := Flag{State: FlagOn, SetBy: "bucket"}
	off := Flag{State: FlagOff, SetBy: "account"}
	unk := Flag{State: FlagUnknown, Reason: "r", SetBy: "var"}
	for _, tc := range []struct {
		in   []Flag
		want Flag
	}{
		{[]Flag{off, unk, on}, on},
		{[]Flag{off, unk}, unk},
		{[]Flag{{}, off}, off},
		{[]Flag{{}, {}}, Flag{}},
		{nil, Flag{}},
	} {
		if got := AnyOn(tc.in...); got != tc.want {
			t.Errorf("AnyOn(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	b := CombinePublicAccessBlocks(PublicAccessBlock{IgnorePublicACLs: on}, PublicAccessBlock{IgnorePublicACLs: off, RestrictPublicBuckets: unk})
	s := b.Setting()
	if s[PublicAccessBlockIgnoreACLs].(map[string]any)["state"] != FlagOn ||
		s[PublicAccessBlockRestrictBuckets].(map[string]any)["state"] != FlagUnknown ||
		s[PublicAccessBlockBlockACLs].(map[string]any)["state"] != FlagOff {
		t.Errorf("combined setting = %v", s)
	}
}
