package cloudformation

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

// TestExposureTypes checks what the new types give the rules: kinds,
// settings, attributes and principal lines.
func TestExposureTypes(t *testing.T) {
	rs, ds := load(t, loaders.Options{OwnAccount: "111122223333"}, filepath.Join("testdata", "templates", "exposures.yaml"))
	for _, d := range ds {
		if d.Severity == loaders.Error {
			t.Errorf("error: %v", d)
		}
	}
	type want struct {
		address, kind, target string
		attributes            []string
		settings              string // JSON of Resource.Settings, "" for none
		principalLines        []int
	}
	wants := []want{
		{
			"Site",
			loaders.KindS3Bucket,
			"Site",
			[]string{"AccessControl"},
			`{"acls_disabled":{"reason":"","set_by":"Site.OwnershipControls","state":"on","value":""},"public_access_block":{"block_public_acls":{"reason":"","set_by":"Site.PublicAccessBlockConfiguration.BlockPublicAcls","state":"off","value":""},"block_public_policy":{"reason":"","set_by":"Site.PublicAccessBlockConfiguration.BlockPublicPolicy","state":"off","value":""},"ignore_public_acls":{"reason":"","set_by":"Site.PublicAccessBlockConfiguration.IgnorePublicAcls","state":"on","value":""},"restrict_public_buckets":{"reason":"parameter Restrict has no Default and no --parameter value","set_by":"Site.PublicAccessBlockConfiguration.RestrictPublicBuckets","state":"unknown","value":""}}}`,
			[]int{12},
		},
		{
			"SitePolicy",
			loaders.KindS3Bucket,
			"Site",
			[]string{"PolicyDocument"},
			`{"public_access_block":{"block_public_acls":{"reason":"","set_by":"Site.PublicAccessBlockConfiguration.BlockPublicAcls","state":"off","value":""},"block_public_policy":{"reason":"","set_by":"Site.PublicAccessBlockConfiguration.BlockPublicPolicy","state":"off","value":""},"ignore_public_acls":{"reason":"","set_by":"Site.PublicAccessBlockConfiguration.IgnorePublicAcls","state":"on","value":""},"restrict_public_buckets":{"reason":"parameter Restrict has no Default and no --parameter value","set_by":"Site.PublicAccessBlockConfiguration.RestrictPublicBuckets","state":"unknown","value":""}}}`,
			[]int{24},
		},
		{"Unknown", loaders.KindS3Bucket, "Unknown", []string{"AccessControl"}, "", []int{28}},
		{"Point", loaders.KindS3AccessPoint, "Point", []string{"Policy"}, "", []int{40}},
		{"Express", loaders.KindS3DirectoryBucket, "", []string{"PolicyDocument"}, "", []int{47}},
		{
			"Share",
			loaders.KindRAMResourceShare,
			"Share",
			[]string{"Principals"},
			`{"allow_external_principals":{"reason":"","set_by":"Share (AllowExternalPrincipals defaults to true)","state":"on","value":""}}`,
			[]int{53},
		},
		{"Table", loaders.KindDynamoDBTable, "Table", []string{"ResourcePolicy.PolicyDocument"}, "", []int{60}},
		{"Table", loaders.KindDynamoDBStream, "Table", []string{"StreamSpecification.ResourcePolicy.PolicyDocument"}, "", []int{66}},
		{"Global", loaders.KindDynamoDBTable, `Global["us-east-1"]`, []string{"Replicas[0].ResourcePolicy.PolicyDocument"}, "", []int{74}},
	}
	if len(rs) != len(wants) {
		for _, r := range rs {
			t.Logf("%s %s", r.Address, r.Kind)
		}
		t.Fatalf("got %d resources, want %d (Bare, the replica without a policy and Plain grant nothing)", len(rs), len(wants))
	}
	for i, w := range wants {
		r := rs[i]
		if r.Address != w.address || r.Kind != w.kind || r.Target != w.target {
			t.Errorf("resource %d = %s %s -> %s, want %s %s -> %s", i, r.Address, r.Kind, r.Target, w.address, w.kind, w.target)
			continue
		}
		var attrs []string
		var lines []int
		for _, d := range r.Documents {
			attrs = append(attrs, d.Attribute)
			for _, st := range d.Policy.Statements {
				for _, p := range st.Principals {
					lines = append(lines, p.Range.Start.Line)
				}
			}
		}
		if !slices.Equal(attrs, w.attributes) || !slices.Equal(lines, w.principalLines) {
			t.Errorf("%s %s: attributes %v, principal lines %v; want %v, %v", r.Address, r.Kind, attrs, lines, w.attributes, w.principalLines)
		}
		if w.settings != "" {
			got, _ := json.Marshal(r.Settings)
			if string(got) != w.settings {
				t.Errorf("%s settings:\n got %s\nwant %s", r.Address, got, w.settings)
			}
		}
	}
	// Spot checks of settings the table leaves out.
	byAddr := map[string]loaders.Resource{}
	for _, r := range rs {
		byAddr[r.Address] = r
	}
	state := func(r loaders.Resource, path ...string) string {
		var v any = r.Settings
		for _, p := range path {
			m, _ := v.(map[string]any)
			v = m[p]
		}
		s, _ := v.(string)
		return s
	}
	if got := state(byAddr["Unknown"], "public_access_block", "ignore_public_acls", "state"); got != loaders.FlagUnknown {
		t.Errorf("Unknown: ignore_public_acls = %q, want unknown", got)
	}
	point := byAddr["Point"]
	if state(point, "vpc_only", "value") != "vpc-0abc" || state(point, "public_access_block", "block_public_policy", "state") != loaders.FlagOn ||
		state(point, "public_access_block", "ignore_public_acls", "state") != loaders.FlagOn {
		t.Errorf("Point settings = %v (want the VPC, its own block_public_policy and the bucket's ignore_public_acls)", point.Settings)
	}
	if state(byAddr["Express"], "public_access_block", "restrict_public_buckets", "state") != loaders.FlagOn {
		t.Errorf("Express settings = %v, want every flag on", byAddr["Express"].Settings)
	}
	if acts := byAddr["Share"].Documents[0].Policy.Statements[0].Actions; !slices.Equal(acts, []string{"ec2:*", "license-manager:*"}) {
		t.Errorf("Share actions = %v", acts)
	}
	// AuthenticatedRead: every AWS account, {"AWS": "*"}.
	if st := byAddr["Unknown"].Documents[0].Policy.Statements[0]; st.Principals[0].Type != "AWS" || st.Principals[0].Kind != "wildcard" || st.Actions[0] != "s3:ListBucket" {
		t.Errorf("AuthenticatedRead statement = %+v", st)
	}
}
