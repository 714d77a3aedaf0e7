package tfplan

import (
	"context"
	"os"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

// TestTypesAndLink reads a plan Terraform 1.x made of config.tf.txt (the
// configuration is kept under another name so that the plan is read alone,
// positions in the plan): the types of loaders/tftypes are built with their
// kinds and own settings, and Link joins Object Ownership, Block Public
// Access and the RAM share's allow_external_principals from other planned
// resources.
func TestTypesAndLink(t *testing.T) {
	data, err := os.ReadFile("testdata/plans/types/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	res, diags := New().Load(context.Background(), []loaders.File{{Path: "testdata/plans/types/plan.json", Data: data}}, loaders.Options{OwnAccount: "111122223333"})
	for _, d := range diags {
		t.Errorf("diagnostic: %v", d)
	}
	byAddr := map[string]loaders.Resource{}
	for _, r := range res {
		byAddr[r.Address] = r
	}
	state := func(r loaders.Resource, path ...string) string {
		var v any = r.Settings
		for _, p := range path {
			m, _ := v.(map[string]any)
			v = m[p]
		}
		m, _ := v.(map[string]any)
		s, _ := m["state"].(string)
		return s
	}
	tests := []struct {
		addr, kind, targetName string
		settings               [][]string // path..., want state
	}{
		{addr: "aws_s3_bucket_acl.b", kind: loaders.KindS3Bucket, settings: [][]string{{loaders.SettingACLsDisabled, "on"}}},
		{addr: "aws_s3_bucket_acl.c", kind: loaders.KindS3Bucket, settings: [][]string{
			{loaders.SettingPublicAccessBlock, loaders.PublicAccessBlockBlockACLs, "on"},
			{loaders.SettingPublicAccessBlock, loaders.PublicAccessBlockIgnoreACLs, "off"},
		}},
		{addr: "aws_ram_principal_association.p", kind: loaders.KindRAMResourceShare, settings: [][]string{{loaders.SettingAllowExternalPrincipals, "off"}}},
		{addr: "aws_kms_grant.g", kind: loaders.KindKMSKey},
		{addr: "aws_dynamodb_resource_policy.s", kind: loaders.KindDynamoDBStream},
		{addr: "aws_s3control_multi_region_access_point_policy.m", kind: loaders.KindS3MultiRegionAccessPoint, targetName: "mrap"},
	}
	for _, tc := range tests {
		r, ok := byAddr[tc.addr]
		if !ok {
			t.Errorf("%s: not loaded (got %d resources)", tc.addr, len(res))
			continue
		}
		if r.Kind != tc.kind {
			t.Errorf("%s: kind = %s, want %s", tc.addr, r.Kind, tc.kind)
		}
		if tc.targetName != "" && r.TargetName != tc.targetName {
			t.Errorf("%s: target name = %q, want %q", tc.addr, r.TargetName, tc.targetName)
		}
		for _, s := range tc.settings {
			if got := state(r, s[:len(s)-1]...); got != s[len(s)-1] {
				t.Errorf("%s: %v = %q, want %q (%v)", tc.addr, s[:len(s)-1], got, s[len(s)-1], r.Settings)
			}
		}
	}
	r := byAddr["aws_ram_principal_association.p"]
	if acts := r.Documents[0].Policy.Statements[0].Actions; len(acts) != 1 || acts[0] != "ec2:*" {
		t.Errorf("RAM actions = %v", acts)
	}
	if _, ok := byAddr["aws_s3_bucket.b"]; ok {
		t.Error("a bucket without policy or ACL arguments grants nothing")
	}
}
