package rules_test

import (
	"context"
	"slices"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
	"github.com/perimeter-iac/perimeter/rules"
)

// The vocabulary the fuzz target builds statements from: principals and
// condition values inside and outside the zone (account 111122223333,
// organization o-abcdefghij), the keys the rules treat specially and some
// they do not, and operators of every family, qualified or not.
var (
	fuzzKinds = []string{loaders.KindSQSQueue, loaders.KindS3Bucket, loaders.KindKMSKey, loaders.KindIAMRole, loaders.KindLambdaFunction, loaders.KindLambdaLayer}
	fuzzTypes = map[string]string{
		loaders.KindSQSQueue: "aws_sqs_queue_policy", loaders.KindS3Bucket: "aws_s3_bucket_policy", loaders.KindKMSKey: "aws_kms_key",
		loaders.KindIAMRole: "aws_iam_role", loaders.KindLambdaFunction: "aws_lambda_permission", loaders.KindLambdaLayer: "aws_lambda_layer_version_permission",
	}
	fuzzPrincipalTypes = []string{"AWS", "AWS", "AWS", "Service", "Federated", "CanonicalUser"}
	fuzzPrincipals     = []string{
		"*", "111122223333", "444455556666", "arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:role/r",
		"arn:aws:iam::111122223333:role/*", "sqs.amazonaws.com", "cognito-identity.amazonaws.com", "AIDAJQABLZS4A3QDU576Q",
		"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", "not a principal",
	}
	fuzzActions   = []string{"sqs:SendMessage", "s3:GetObject", "s3:Put*", "*", "kms:Decrypt", "sts:AssumeRole", "lambda:InvokeFunction", "iam:PassRole", "s3:ListBucket"}
	fuzzResources = []string{"*", "arn:aws:s3:::b/*", "arn:aws:sqs:us-east-1:111122223333:q"}
	fuzzOperators = []string{
		"StringEquals", "StringLike", "StringNotEquals", "StringNotLike", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike",
		"ArnNotEquals", "IpAddress", "NotIpAddress", "Bool", "Null", "NumericLessThan", "ForAnyValue:StringEquals", "ForAllValues:StringLike",
		"StringEqualsIfExists", "ArnLikeIfExists", "BogusOperator",
	}
	fuzzKeys = []string{
		"aws:PrincipalAccount", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceArn", "aws:PrincipalArn",
		"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:SourceOrgID", "aws:SourceIp", "aws:SourceVpce", "aws:VpcSourceIp",
		"aws:PrincipalIsAWSService", "aws:PrincipalServiceName", "kms:CallerAccount", "aws:SecureTransport", "s3:x-amz-acl", "aws:userid",
		"AWS:SOURCEACCOUNT",
	}
	fuzzValues = []string{
		"111122223333", "444455556666", "o-abcdefghij", "o-zzzzzzzzzz", "o-abcdefghij/r-ab12/ou-ab12-11111111/", "*",
		"arn:aws:iam::111122223333:role/*", "arn:aws:iam::444455556666:root", "arn:aws:sqs:*:111122223333:*", "arn:aws:iam::*:root",
		"203.0.113.0/24", "0.0.0.0/0", "::/0", "vpce-1a2b3c4d", "true", "false", "sqs.amazonaws.com", "${aws:username}", "",
	}
)

// chooser turns the fuzzer's bytes into choices; once they run out every
// choice is the first.
type chooser struct{ data []byte }

func (c *chooser) pick(n int) int {
	if len(c.data) == 0 || n <= 1 {
		return 0
	}
	b := c.data[0]
	c.data = c.data[1:]
	return int(b) % n
}

// builder builds a policy from the choices, with the scalar numbered
// unknown (if any) replaced by an Unknown value.
type builder struct {
	c       *chooser
	effect  string // forces every statement's effect when set
	unknown int    // 1-based index of the scalar to make unknown; 0: none
	scalars int
	// extra, when set, chooses a condition whose value is unknown to add
	// to each statement (from choices of its own, so that the rest of the
	// policy stays the same).
	extra *chooser
}

func (b *builder) scalar(s string) policy.Value {
	b.scalars++
	r := policy.Range{File: "fuzz.json", Start: policy.Pos{Line: b.scalars, Column: 1}, End: policy.Pos{Line: b.scalars, Column: 2}}
	if b.scalars == b.unknown {
		return policy.UnknownValue("var.fuzz has no value", r)
	}
	return policy.StringValue(s, r)
}

func (b *builder) list(vocab []string, most int) policy.Value {
	n := 1 + b.c.pick(most)
	items := make([]policy.Value, n)
	for i := range items {
		items[i] = b.scalar(vocab[b.c.pick(len(vocab))])
	}
	if n == 1 && b.c.pick(2) == 0 {
		return items[0]
	}
	return policy.Value{Kind: policy.List, Items: items}
}

func field(k string, v policy.Value) policy.Field { return policy.Field{Key: k, Value: v} }

func (b *builder) statement() policy.Value {
	c := b.c
	effect := []string{"Allow", "Allow", "Deny"}[c.pick(3)]
	if b.effect != "" {
		effect = b.effect
	}
	st := policy.Value{Kind: policy.Object, Fields: []policy.Field{field("Effect", policy.StringValue(effect, policy.Range{}))}}
	principalElement := []string{"Principal", "Principal", "Principal", "NotPrincipal"}[c.pick(4)]
	var principal policy.Value
	if c.pick(4) == 0 {
		principal = b.scalar("*")
	} else {
		var fields []policy.Field
		for range 1 + c.pick(2) {
			fields = append(fields, field(fuzzPrincipalTypes[c.pick(len(fuzzPrincipalTypes))], b.list(fuzzPrincipals, 2)))
		}
		principal = policy.Value{Kind: policy.Object, Fields: fields}
	}
	st.Fields = append(st.Fields, field(principalElement, principal))
	st.Fields = append(st.Fields, field([]string{"Action", "Action", "Action", "NotAction"}[c.pick(4)], b.list(fuzzActions, 3)))
	st.Fields = append(st.Fields, field("Resource", b.list(fuzzResources, 2)))
	var ops []policy.Field
	for range c.pick(4) {
		var keys []policy.Field
		for range 1 + c.pick(2) {
			keys = append(keys, field(fuzzKeys[c.pick(len(fuzzKeys))], b.list(fuzzValues, 3)))
		}
		ops = append(ops, field(fuzzOperators[c.pick(len(fuzzOperators))], policy.Value{Kind: policy.Object, Fields: keys}))
	}
	if x := b.extra; x != nil {
		unknown := policy.UnknownValue("var.extra has no value", policy.Range{})
		ops = append(ops, field(fuzzOperators[x.pick(len(fuzzOperators))], policy.Value{Kind: policy.Object, Fields: []policy.Field{
			field(fuzzKeys[x.pick(len(fuzzKeys))], unknown),
		}}))
	}
	if len(ops) > 0 {
		st.Fields = append(st.Fields, field("Condition", policy.Value{Kind: policy.Object, Fields: ops}))
	}
	return st
}

func (b *builder) resource() loaders.Resource {
	kind := fuzzKinds[b.c.pick(len(fuzzKinds))]
	var statements []policy.Value
	for range 1 + b.c.pick(3) {
		statements = append(statements, b.statement())
	}
	doc := policy.Value{Kind: policy.Object, Fields: []policy.Field{
		field("Version", policy.StringValue("2012-10-17", policy.Range{})),
		field("Statement", policy.Value{Kind: policy.List, Items: statements}),
	}}
	r := policy.Range{File: "fuzz.json", Start: policy.Pos{Line: 1, Column: 1}, End: policy.Pos{Line: 1, Column: 2}}
	return loaders.Resource{
		Type: fuzzTypes[kind], Kind: kind, Address: fuzzTypes[kind] + ".fuzz", Source: loaders.SourceTerraform, Range: r, DeclRange: r,
		Documents: []loaders.Document{{Attribute: "policy", Range: r, Policy: policy.Parse(doc)}},
	}
}

// FuzzConditionJudgement builds random statements with random conditions
// and judges them with the built-in rules, checking invariants that hold
// whatever the statement says:
//   - judging never fails and never panics;
//   - a policy whose statements are all Deny never yields a finding;
//   - making any one principal, action, resource or condition value
//     unknown, or adding a condition whose value is unknown, never turns a
//     finding into no finding (unknown must never read as "clean");
//   - every finding has a known exposure and severity and a location.
func FuzzConditionJudgement(f *testing.F) {
	e, err := rules.New(context.Background(), rules.Builtin())
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{1, 0, 1, 1, 0, 3, 1, 0, 2, 0, 1, 8, 0, 1, 0, 0, 1, 0})
	f.Add([]byte{3, 2, 0, 0, 2, 1, 2, 1, 4, 0, 0, 0, 5, 1, 0, 2, 6, 1, 1, 0, 3, 1})
	f.Add([]byte("\x02\x01\x00\x03\x02\x05\x01\x00\x02\x07\x00\x06\x01\x01\x09\x03\x00\x0a\x00\x01\x04\x02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 256 {
			return
		}
		zone := rules.Zone{Accounts: []string{"111122223333"}, Declared: true}
		if len(data) > 0 && data[0]&0x80 != 0 {
			zone.OrgID = "o-abcdefghij"
		}
		judge := func(b *builder) []rules.Finding {
			t.Helper()
			res := b.resource()
			findings, diags := e.Evaluate(context.Background(), zone, []loaders.Resource{res})
			for _, d := range diags {
				if d.Severity == loaders.Error {
					t.Fatalf("judging %+v: %v", res.Documents[0].Policy, d)
				}
			}
			for _, fd := range findings {
				if !slices.Contains([]string{"public", "external", "unresolved"}, fd.Exposure) ||
					!slices.Contains([]string{"info", "low", "medium", "high", "critical"}, fd.Severity) || fd.Location.File == "" {
					t.Fatalf("malformed finding %+v", fd)
				}
			}
			return findings
		}

		base := &builder{c: &chooser{data: data}}
		findings := judge(base)

		if deny := judge(&builder{c: &chooser{data: data}, effect: "Deny"}); len(deny) > 0 {
			t.Fatalf("a Deny-only policy yields %d findings: %+v", len(deny), deny[0])
		}
		if len(findings) == 0 {
			return
		}
		// One scalar made unknown, chosen by the last byte.
		slot := 1
		if len(data) > 0 {
			slot = 1 + int(data[len(data)-1])%base.scalars
		}
		if got := judge(&builder{c: &chooser{data: data}, unknown: slot}); len(got) == 0 {
			t.Fatalf("making scalar %d unknown turned %d findings (%s: %s) into none", slot, len(findings), findings[0].Exposure, findings[0].Message)
		}
		if got := judge(&builder{c: &chooser{data: data}, extra: &chooser{data: reversed(data)}}); len(got) == 0 {
			t.Fatalf("adding an unknown condition turned %d findings (%s) into none", len(findings), findings[0].Message)
		}
	})
}

func reversed(b []byte) []byte {
	r := slices.Clone(b)
	slices.Reverse(r)
	return r
}
