package tftypes

import (
	"slices"
	"sort"

	"github.com/perimeter-iac/perimeter/loaders"
)

// Type says how a Terraform resource type grants access. Adding a type is
// adding an entry to types; a new way of granting is a new field here,
// handled in Documents.
type Type struct {
	Kind string
	// Policies are the arguments that hold policy documents.
	Policies []string
	// Optional: the block grants nothing unless one of Policies is set in
	// the configuration (aws_s3_bucket's legacy policy argument,
	// aws_kms_key's policy). Such arguments are often also computed, so
	// a value the provider fills in is not a grant the block makes.
	Optional bool
	// Target is the argument that names the exposed resource; "" means the
	// block itself is the exposed resource.
	Target string
	// Qualifier is appended to the target name after a colon (a Lambda
	// permission's qualifier, a layer permission's version_number).
	Qualifier string
	// Grant, when set, synthesises the policy from arguments.
	Grant *Grant
}

// Grant describes a permission resource whose arguments AWS turns into a
// policy statement.
type Grant struct {
	Principal  string // argument naming the grantee
	Action     string
	Conditions []GrantArg
}

// GrantArg is an argument that becomes a condition of the synthesised
// statement.
type GrantArg struct {
	Arg, Operator, Key string
}

var types = map[string]Type{
	"aws_s3_bucket_policy": {Kind: loaders.KindS3Bucket, Policies: []string{"policy"}, Target: "bucket"},
	"aws_s3_bucket":        {Kind: loaders.KindS3Bucket, Policies: []string{"policy"}, Optional: true},
	"aws_iam_role":         {Kind: loaders.KindIAMRole, Policies: []string{"assume_role_policy"}},
	"aws_kms_key":          {Kind: loaders.KindKMSKey, Policies: []string{"policy"}, Optional: true},
	"aws_kms_key_policy":   {Kind: loaders.KindKMSKey, Policies: []string{"policy"}, Target: "key_id"},
	"aws_sqs_queue_policy": {Kind: loaders.KindSQSQueue, Policies: []string{"policy"}, Target: "queue_url"},
	"aws_sqs_queue":        {Kind: loaders.KindSQSQueue, Policies: []string{"policy"}, Optional: true},
	"aws_lambda_permission": {
		Kind: loaders.KindLambdaFunction, Target: "function_name", Qualifier: "qualifier",
		Grant: &Grant{Principal: "principal", Action: "action", Conditions: []GrantArg{
			{"source_account", "StringEquals", "aws:SourceAccount"},
			{"source_arn", "ArnLike", "aws:SourceArn"},
			{"principal_org_id", "StringEquals", "aws:PrincipalOrgID"},
			{"event_source_token", "StringEquals", "lambda:EventSourceToken"},
			{"function_url_auth_type", "StringEquals", "lambda:FunctionUrlAuthType"},
		}},
	},
	"aws_lambda_layer_version_permission": {
		Kind: loaders.KindLambdaLayer, Target: "layer_name", Qualifier: "version_number",
		Grant: &Grant{Principal: "principal", Action: "action", Conditions: []GrantArg{
			{"organization_id", "StringEquals", "aws:PrincipalOrgID"},
		}},
	},
}

// Lookup returns the type's entry; ok is false for a type that grants
// nothing perimeter knows of.
func Lookup(typ string) (Type, bool) {
	t, ok := types[typ]
	return t, ok
}

// Names lists the known types, sorted.
func Names() []string {
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Arguments lists every argument Documents may ask for (policies, grant
// arguments), plus the target and qualifier, without duplicates.
func (t Type) Arguments() []string {
	var out []string
	add := func(names ...string) {
		for _, n := range names {
			if n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	add(t.Policies...)
	if t.Grant != nil {
		add(t.Grant.Principal, t.Grant.Action)
		for _, c := range t.Grant.Conditions {
			add(c.Arg)
		}
	}
	add(t.Target, t.Qualifier)
	return out
}
