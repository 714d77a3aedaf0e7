package tftypes

import (
	"slices"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// fact builds a Fact whose arguments come from a JSON object.
func fact(t *testing.T, typ, addr, target, targetName, name, args string) Fact {
	t.Helper()
	v, err := policy.ParseJSON([]byte(args), policy.JSONOptions{File: "main.tf"})
	if err != nil {
		t.Fatal(err)
	}
	f := Fact{Type: typ, Address: addr, Target: target, TargetName: targetName, Name: name, Args: map[string]Arg{}, Decl: at(1)}
	for _, fl := range v.Fields {
		f.Args[fl.Key] = Arg{Value: fl.Value, Range: fl.KeyRange}
	}
	return f
}

// settingsText renders settings as "key=state" and "pab.flag=state".
func settingsText(s map[string]any) string {
	var out []string
	for k, v := range s {
		m, _ := v.(map[string]any)
		if st, ok := m["state"].(string); ok {
			out = append(out, k+"="+st)
			continue
		}
		for flag, fv := range m {
			fm, _ := fv.(map[string]any)
			if st, _ := fm["state"].(string); st != "off" {
				short := map[string]string{
					loaders.PublicAccessBlockBlockACLs: "acls", loaders.PublicAccessBlockIgnoreACLs: "ignore_acls",
					loaders.PublicAccessBlockBlockPolicy: "policy", loaders.PublicAccessBlockRestrictBuckets: "restrict",
				}[flag]
				out = append(out, short+"="+st)
			}
		}
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

func bucketPolicy(addr, target, targetName string) loaders.Resource {
	return loaders.Resource{
		Type: "aws_s3_bucket_policy", Kind: loaders.KindS3Bucket, Address: addr, Target: target, TargetName: targetName,
		Documents: []loaders.Document{{Attribute: "policy"}},
	}
}

func bucketACL(addr, target, targetName string) loaders.Resource {
	r := bucketPolicy(addr, target, targetName)
	r.Type = "aws_s3_bucket_acl"
	r.Documents = []loaders.Document{{Attribute: "acl", Synthetic: true}}
	return r
}

func TestLinkS3(t *testing.T) {
	pab := func(addr, target, name, flags string) Fact {
		return fact(t, "aws_s3_bucket_public_access_block", addr, target, name, "", flags)
	}
	account := func(addr, flags string) Fact {
		return fact(t, "aws_s3_account_public_access_block", addr, "", "", "", flags)
	}
	tests := []struct {
		name     string
		own      string
		res      loaders.Resource
		facts    []Fact
		want     string
		wantKind string
		diags    int
	}{
		{
			name: "bucket level, by address",
			res:  bucketPolicy("aws_s3_bucket_policy.p", "aws_s3_bucket.b", "b"),
			facts: []Fact{
				pab("aws_s3_bucket_public_access_block.b", "aws_s3_bucket.b", "", `{"restrict_public_buckets": true}`),
				pab("aws_s3_bucket_public_access_block.c", "aws_s3_bucket.c", "b", `{"ignore_public_acls": true}`),
			},
			want: "public_access_block restrict=on",
		},
		{
			name:  "bucket level, by name (ARN or name)",
			res:   bucketPolicy("aws_s3_bucket.b", "aws_s3_bucket.b", "arn:aws:s3:::named"),
			facts: []Fact{pab("aws_s3_bucket_public_access_block.b", "", "named", `{"block_public_policy": true}`)},
			want:  "public_access_block policy=on",
		},
		{
			name:  "a block whose bucket cannot be identified applies to nothing and warns",
			res:   bucketPolicy("aws_s3_bucket_policy.p", "", ""),
			facts: []Fact{pab("aws_s3_bucket_public_access_block.b", "", "", `{"restrict_public_buckets": true}`)},
			want:  "",
			diags: 1,
		},
		{
			name:  "account level applies to every bucket",
			res:   bucketPolicy("aws_s3_bucket_policy.p", "", ""),
			facts: []Fact{account("aws_s3_account_public_access_block.a", `{"ignore_public_acls": true}`)},
			want:  "public_access_block ignore_acls=on",
		},
		{
			name: "account level of another account does not apply", own: "111122223333",
			res:   bucketPolicy("aws_s3_bucket_policy.p", "", ""),
			facts: []Fact{account("aws_s3_account_public_access_block.a", `{"account_id": "444455556666", "restrict_public_buckets": true}`)},
			want:  "",
		},
		{
			name: "account level of the own account applies", own: "111122223333",
			res:   bucketPolicy("aws_s3_bucket_policy.p", "", ""),
			facts: []Fact{account("aws_s3_account_public_access_block.a", `{"account_id": "111122223333", "restrict_public_buckets": true}`)},
			want:  "public_access_block restrict=on",
		},
		{
			name: "account level of a literal account with no zone declared is unknown", own: policy.OwnAccount,
			res:   bucketPolicy("aws_s3_bucket_policy.p", "", ""),
			facts: []Fact{account("aws_s3_account_public_access_block.a", `{"account_id": "444455556666", "restrict_public_buckets": true}`)},
			want:  "public_access_block restrict=unknown",
		},
		{
			name: "levels combine",
			res:  bucketPolicy("aws_s3_bucket_policy.p", "aws_s3_bucket.b", ""),
			facts: []Fact{
				account("aws_s3_account_public_access_block.a", `{"block_public_acls": true}`),
				pab("aws_s3_bucket_public_access_block.b", "aws_s3_bucket.b", "", `{"restrict_public_buckets": "unknown"}`),
			},
			want: "public_access_block acls=on restrict=unknown",
		},
		{
			name: "ownership controls apply to ACLs only",
			res:  bucketACL("aws_s3_bucket_acl.a", "aws_s3_bucket.b", ""),
			facts: []Fact{fact(t, "aws_s3_bucket_ownership_controls", "aws_s3_bucket_ownership_controls.b", "aws_s3_bucket.b", "", "",
				`{"rule": [{"object_ownership": "BucketOwnerEnforced"}]}`)},
			want: "acls_disabled=on",
		},
		{
			name: "ownership controls: ObjectWriter keeps ACLs",
			res:  bucketACL("aws_s3_bucket_acl.a", "", "b"),
			facts: []Fact{fact(t, "aws_s3_bucket_ownership_controls", "aws_s3_bucket_ownership_controls.b", "", "b", "",
				`{"rule": [{"object_ownership": "ObjectWriter"}]}`)},
			want: "acls_disabled=off",
		},
		{
			name: "ownership controls do not touch a bucket policy",
			res:  bucketPolicy("aws_s3_bucket_policy.p", "aws_s3_bucket.b", ""),
			facts: []Fact{fact(t, "aws_s3_bucket_ownership_controls", "aws_s3_bucket_ownership_controls.b", "aws_s3_bucket.b", "", "",
				`{"rule": [{"object_ownership": "BucketOwnerEnforced"}]}`)},
			want: "",
		},
		{
			name:     "a policy on a directory bucket, by address",
			res:      bucketPolicy("aws_s3_bucket_policy.p", `module.m["a.b"].aws_s3_directory_bucket.d`, ""),
			want:     "public_access_block acls=on ignore_acls=on policy=on restrict=on",
			wantKind: loaders.KindS3DirectoryBucket,
		},
		{
			name:     "a policy on a directory bucket, by name",
			res:      bucketPolicy("aws_s3_bucket_policy.p", "", "b--use1-az4--x-s3"),
			want:     "public_access_block acls=on ignore_acls=on policy=on restrict=on",
			wantKind: loaders.KindS3DirectoryBucket,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, diags := Link([]loaders.Resource{tc.res}, tc.facts, tc.own)
			if got := settingsText(res[0].Settings); got != strings.TrimSpace(strings.ReplaceAll(tc.want, "public_access_block ", "")) {
				t.Errorf("settings = %q, want %q (%v)", got, tc.want, res[0].Settings)
			}
			want := tc.wantKind
			if want == "" {
				want = loaders.KindS3Bucket
			}
			if res[0].Kind != want {
				t.Errorf("kind = %s, want %s", res[0].Kind, want)
			}
			if len(diags) != tc.diags {
				t.Errorf("diagnostics = %v, want %d", diags, tc.diags)
			}
		})
	}
}

func TestLinkAccessPoints(t *testing.T) {
	ap := func(addr, bucket, name, args string) Fact {
		return fact(t, "aws_s3_access_point", addr, bucket, "", name, args)
	}
	apPolicy := func(typ, addr, target, targetName string) loaders.Resource {
		return loaders.Resource{Type: typ, Kind: loaders.KindS3AccessPoint, Address: addr, Target: target, TargetName: targetName}
	}
	tests := []struct {
		name  string
		res   loaders.Resource
		facts []Fact
		want  string
	}{
		{
			name:  "its own block: the provider turns absent flags on",
			res:   apPolicy("aws_s3_access_point", "aws_s3_access_point.a", "aws_s3_access_point.a", ""),
			facts: []Fact{ap("aws_s3_access_point.a", "", "", `{"public_access_block_configuration": [{"block_public_acls": false}]}`)},
			want:  "ignore_acls=on policy=on restrict=on",
		},
		{
			// S3 turns every setting on for an access point created without
			// them (S3 User Guide, "Managing public access to access points").
			name:  "no block: S3's access point default is every setting on; a VPC origin",
			res:   apPolicy("aws_s3control_access_point_policy", "aws_s3control_access_point_policy.p", "", "arn:aws:s3:us-east-1:111122223333:accesspoint/a"),
			facts: []Fact{ap("aws_s3_access_point.a", "", "arn:aws:s3:*:self:accesspoint/a", `{"vpc_configuration": [{"vpc_id": "vpc-1"}]}`)},
			want:  "acls=on ignore_acls=on policy=on restrict=on vpc_only=on",
		},
		{
			name: "its bucket's block",
			res:  apPolicy("aws_s3control_access_point_policy", "aws_s3control_access_point_policy.p", "aws_s3_access_point.a", ""),
			facts: []Fact{
				ap("aws_s3_access_point.a", "aws_s3_bucket.b", "", `{"public_access_block_configuration": [{"block_public_acls": false, "ignore_public_acls": false, "block_public_policy": false, "restrict_public_buckets": false}]}`),
				fact(t, "aws_s3_bucket_public_access_block", "aws_s3_bucket_public_access_block.b", "aws_s3_bucket.b", "", "", `{"restrict_public_buckets": true}`),
			},
			want: "restrict=on",
		},
		{
			name: "an access point outside the scan gets the account's block",
			res:  apPolicy("aws_s3control_access_point_policy", "aws_s3control_access_point_policy.p", "", "arn:aws:s3:us-east-1:1:accesspoint/z"),
			facts: []Fact{
				ap("aws_s3_access_point.a", "", "arn:aws:s3:*:self:accesspoint/a", `{"public_access_block_configuration": [{}]}`),
				fact(t, "aws_s3_account_public_access_block", "aws_s3_account_public_access_block.x", "", "", "", `{"ignore_public_acls": true}`),
			},
			want: "ignore_acls=on",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := Link([]loaders.Resource{tc.res}, tc.facts, "111122223333")
			if got := settingsText(res[0].Settings); got != tc.want {
				t.Errorf("settings = %q, want %q (%v)", got, tc.want, res[0].Settings)
			}
		})
	}

	mrap := loaders.Resource{Type: "aws_s3control_multi_region_access_point_policy", Kind: loaders.KindS3MultiRegionAccessPoint, TargetName: "m"}
	res, _ := Link([]loaders.Resource{mrap}, []Fact{fact(t, "aws_s3control_multi_region_access_point", "aws_s3control_multi_region_access_point.m", "", "", "m",
		`{"details": [{"name": "m", "public_access_block": [{"restrict_public_buckets": false, "block_public_acls": false}]}]}`)}, "")
	if got := settingsText(res[0].Settings); got != "ignore_acls=on policy=on" {
		t.Errorf("MRAP settings = %q", got)
	}
}

func TestLinkRAM(t *testing.T) {
	principal := func(addr, target, targetName string) (loaders.Resource, Fact) {
		typ := mustLookup(t, "aws_ram_principal_association")
		args := `{"principal": "444455556666"}`
		in, _ := typ.Build(Block{Name: addr, Range: at(1)}, jsonArgs(t, args))
		r := loaders.Resource{Type: "aws_ram_principal_association", Kind: in.Kind, Address: addr, Target: target, TargetName: targetName, Documents: in.Documents}
		return r, fact(t, "aws_ram_principal_association", addr, target, targetName, "", args)
	}
	share := func(addr, args string) Fact { return fact(t, "aws_ram_resource_share", addr, "", "", "", args) }
	assoc := func(addr, target, args string, refs ...string) Fact {
		f := fact(t, "aws_ram_resource_association", addr, target, "", "", args)
		a := f.Args["resource_arn"]
		a.Refs = refs
		f.Args["resource_arn"] = a
		return f
	}
	tests := []struct {
		name    string
		facts   []Fact
		target  string
		want    string // allow_external_principals state
		actions string
	}{
		{
			name:    "share declared, external principals allowed, resources by ARN and reference",
			target:  "aws_ram_resource_share.s",
			facts:   []Fact{share("aws_ram_resource_share.s", `{"allow_external_principals": true}`), assoc("a1", "aws_ram_resource_share.s", `{"resource_arn": "arn:aws:ec2:us-east-1:1:subnet/s"}`), assoc("a2", "aws_ram_resource_share.s", `{"resource_arn": "x"}`, "aws_route53_resolver_rule.r.arn"), assoc("a3", "aws_ram_resource_share.t", `{"resource_arn": "arn:aws:glue:us-east-1:1:catalog"}`)},
			want:    "on",
			actions: "ec2:*,route53resolver:*",
		},
		{
			name:    "the provider's default is false",
			target:  "aws_ram_resource_share.s",
			facts:   []Fact{share("aws_ram_resource_share.s", `{}`)},
			want:    "off",
			actions: "?the resources shared by the share are not in the scanned code",
		},
		{
			name:    "a share outside the scan: unknown",
			target:  "",
			facts:   []Fact{share("aws_ram_resource_share.s", `{}`)},
			want:    "unknown",
			actions: "?the resources shared by the share are not in the scanned code",
		},
		{
			name:    "a resource that cannot be identified",
			target:  "aws_ram_resource_share.s",
			facts:   []Fact{share("aws_ram_resource_share.s", `{}`), assoc("a1", "aws_ram_resource_share.s", `{"resource_arn": "not-an-arn"}`)},
			want:    "off",
			actions: "?the shared resource is unknown",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, f := principal("aws_ram_principal_association.p", tc.target, "")
			res, _ := Link([]loaders.Resource{r}, append(tc.facts, f), "111122223333")
			if got := settingsText(res[0].Settings); got != "allow_external_principals="+tc.want {
				t.Errorf("settings = %q, want %s", got, tc.want)
			}
			st := res[0].Documents[0].Policy.Statements[0]
			got := strings.Join(st.Actions, ",")
			if st.ActionsReason != "" {
				got = "?" + st.ActionsReason
			}
			if got != tc.actions {
				t.Errorf("actions = %q, want %q", got, tc.actions)
			}
		})
	}
}

func TestAddrType(t *testing.T) {
	for addr, want := range map[string]string{
		"aws_s3_bucket.b":                                "aws_s3_bucket",
		`module.a["x.y"].aws_s3_bucket.b["k.z"]`:         "aws_s3_bucket",
		"module.a.module.b[0].aws_s3_directory_bucket.d": "aws_s3_directory_bucket",
		"aws_dynamodb_table.t.stream_arn":                "aws_dynamodb_table",
		"data.aws_s3_bucket.b":                           "",
		"module.m":                                       "",
		"":                                               "",
	} {
		if got := addrType(addr); got != want {
			t.Errorf("addrType(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestFactSpecs(t *testing.T) {
	for _, typ := range FactTypes() {
		spec, ok := LookupFact(typ)
		if !ok || len(spec.Args) == 0 {
			t.Errorf("%s: %+v", typ, spec)
		}
	}
	if _, ok := LookupFact("aws_s3_bucket_policy"); ok {
		t.Error("aws_s3_bucket_policy is a grant, not a fact")
	}
}

// A block that may not exist turns nothing on: what it would turn on is
// unknown.
func TestLinkUncertainFacts(t *testing.T) {
	pab := fact(t, "aws_s3_bucket_public_access_block", "aws_s3_bucket_public_access_block.b", "aws_s3_bucket.b", "", "", `{"restrict_public_buckets": true, "block_public_acls": false}`)
	pab.Condition = "count of aws_s3_bucket_public_access_block.b is unknown: var.on has no value"
	own := fact(t, "aws_s3_bucket_ownership_controls", "aws_s3_bucket_ownership_controls.b", "aws_s3_bucket.b", "", "", `{"rule": [{"object_ownership": "BucketOwnerEnforced"}]}`)
	own.Condition = pab.Condition
	res, _ := Link([]loaders.Resource{bucketACL("aws_s3_bucket_acl.a", "aws_s3_bucket.b", "")}, []Fact{pab, own}, "111122223333")
	if got := settingsText(res[0].Settings); got != "acls_disabled=unknown restrict=unknown" {
		t.Errorf("settings = %q", got)
	}
	share := fact(t, "aws_ram_resource_share", "aws_ram_resource_share.s", "", "", "", `{}`)
	share.Condition = "for_each of aws_ram_resource_share.s is unknown"
	r := loaders.Resource{Type: "aws_ram_principal_association", Kind: loaders.KindRAMResourceShare, Address: "p", Target: "aws_ram_resource_share.s"}
	res, _ = Link([]loaders.Resource{r}, []Fact{share}, "111122223333")
	if got := settingsText(res[0].Settings); got != "allow_external_principals=unknown" {
		t.Errorf("RAM settings = %q", got)
	}
}

// A block whose bucket is another bucket configuration block's id names
// that block's bucket.
func TestLinkThroughBucketConfig(t *testing.T) {
	pol := bucketPolicy("module.b.aws_s3_bucket_policy.this[0]", "module.b.aws_s3_bucket.this[0]", "")
	acl := bucketACL("module.b.aws_s3_bucket_acl.this[0]", "module.b.aws_s3_bucket_public_access_block.this[0]", "")
	pab := fact(t, "aws_s3_bucket_public_access_block", "module.b.aws_s3_bucket_public_access_block.this[0]", "module.b.aws_s3_bucket_policy.this[0]", "", "", `{"ignore_public_acls": true, "restrict_public_buckets": true}`)
	res, _ := Link([]loaders.Resource{pol, acl}, []Fact{pab}, "111122223333")
	for _, r := range res {
		if r.Target != "module.b.aws_s3_bucket.this[0]" {
			t.Errorf("%s: target = %s", r.Address, r.Target)
		}
		if got := settingsText(r.Settings); !strings.Contains(got, "restrict=on") {
			t.Errorf("%s: settings = %q", r.Address, got)
		}
	}
}
