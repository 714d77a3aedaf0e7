package loaders

import (
	"github.com/perimeter-iac/perimeter/policy"
)

// Range is a span of a source file.
type Range = policy.Range

// Source names the language a resource was read from.
type Source string

// The sources.
const (
	SourceTerraform      Source = "terraform"
	SourceTerraformPlan  Source = "terraform-plan"
	SourceCloudFormation Source = "cloudformation"
)

// Resource is one configuration block that grants access to something: a
// bucket policy, a role's trust policy, a Lambda permission. Loaders fill it
// in; package rules turns it into the Rego input.
type Resource struct {
	// Type is the resource type as written: "aws_s3_bucket_policy",
	// "AWS::S3::BucketPolicy".
	Type string
	// Kind is the kind of thing exposed, independent of the language:
	// "s3:bucket", "iam:role", "kms:key", "lambda:function",
	// "lambda:layer", "sqs:queue" (see the README's rule table).
	Kind string
	// Address is the Terraform address of the block that carries the grant,
	// with module path and instance key (module.a.aws_sqs_queue_policy.q["k"]),
	// or the CloudFormation logical ID.
	Address string
	// Target is the address of the resource being exposed when it is known
	// (aws_s3_bucket.logs for a bucket policy whose bucket = aws_s3_bucket.logs.id);
	// TargetName is its AWS name or ARN when the configuration fixes it.
	Target     string
	TargetName string
	Source     Source
	// Range covers the block; DeclRange is its header line.
	Range     Range
	DeclRange Range
	// ModuleChain lists the module calls that lead to this resource,
	// outermost first (empty for a root-module resource).
	ModuleChain []ModuleCall
	// Documents are the policies (real or synthesised from a permission's
	// arguments) that grant access to the target.
	Documents []Document
	// Settings carries type-specific facts the rules need beyond policies
	// (for S3: the Block Public Access flags that apply). Values are JSON
	// scalars, lists or maps.
	Settings map[string]any
	// Condition is set when the resource exists only under a condition the
	// loader could not decide (a CloudFormation Condition, a Terraform count
	// on an unknown value); it is reported with the findings.
	Condition string
	// Construct is the CDK construct path (aws:cdk:path metadata) of the
	// resource in a synthesized template: "App/Stack/Bucket/Policy/Resource".
	Construct string
}

// ModuleCall is one step of a module chain.
type ModuleCall struct {
	Address string // module.a["x"]
	Range   Range  // the module block
}

// Document is one policy attached to a resource.
type Document struct {
	// Attribute names where the policy came from: "policy",
	// "assume_role_policy", "KeyPolicy", or for synthesised documents the
	// argument that names the grantee ("principal").
	Attribute string
	// Synthetic is true when the loader built the document from a
	// resource's arguments (a Lambda permission) rather than reading a
	// policy the user wrote.
	Synthetic bool
	Range     Range // the attribute
	Policy    *policy.Document
}
