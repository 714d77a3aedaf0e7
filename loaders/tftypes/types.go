package tftypes

import (
	"slices"
	"sort"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
)

// Type says how a Terraform resource type grants access. Adding a type is
// adding an entry to types; a new way of granting is a builder in
// synth.go. docs/resource-types.md is the table in prose.
type Type struct {
	Kind string
	// Policies are the arguments that hold policy documents. A dotted name
	// reaches into a nested block or an object ("details.policy",
	// "body.x-amazon-apigateway-policy").
	Policies []string
	// Optional: the block grants nothing unless one of Policies or
	// Triggers is set in the configuration (aws_s3_bucket's legacy policy
	// and ACL arguments, aws_kms_key's policy). Such arguments are often
	// also computed, so a value the provider fills in is not a grant the
	// block makes.
	Optional bool
	// Triggers are the arguments other than Policies whose presence makes
	// an Optional type grant (aws_s3_bucket's acl and grant).
	Triggers []string
	// Target is the argument that names the exposed resource (dotted for a
	// nested block: "details.name"); "" means the block itself is the
	// exposed resource.
	Target string
	// DefaultTarget names the exposed resource when Target is not set (an
	// EventBridge permission without event_bus_name is on the default bus).
	DefaultTarget string
	// Qualifier is appended to the target name after a colon (a Lambda
	// permission's qualifier, a layer permission's version_number).
	Qualifier string
	// Grant, when set, synthesises the policy from arguments.
	Grant *Grant

	// synth builds documents from arguments that are not policies (an S3
	// ACL, a sharing list, a KMS grant); args lists the arguments it reads.
	synth func(c *buildCtx) []loaders.Document
	args  []string
	// settings computes Resource.Settings from the block's own arguments.
	settings func(c *buildCtx) map[string]any
	// kindOf refines Kind from the arguments (a DynamoDB stream's policy).
	kindOf func(c *buildCtx) string
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

// sharing builds a sharing-list type: each grantee of the arguments may do
// actions.
func sharing(kind string, actions []string, target string, optional bool, arguments ...string) Type {
	return Type{
		Kind: kind, Target: target, Optional: optional, Triggers: optionalTriggers(optional, arguments),
		synth: func(c *buildCtx) []loaders.Document { return c.sharingDocs(actions, arguments...) },
		args:  arguments,
	}
}

func optionalTriggers(optional bool, arguments []string) []string {
	if !optional {
		return nil
	}
	return arguments
}

// policyType is a type whose only grant is a policy argument.
func policyType(kind, target string, optional bool, policies ...string) Type {
	return Type{Kind: kind, Policies: policies, Target: target, Optional: optional}
}

var types = map[string]Type{
	// S3 buckets: policies, ACLs, access points, directory buckets. Block
	// Public Access and Object Ownership are joined by Link.
	"aws_s3_bucket_policy": policyType(loaders.KindS3Bucket, "bucket", false, "policy"),
	"aws_s3_bucket": {
		Kind: loaders.KindS3Bucket, Policies: []string{"policy"}, Optional: true, Triggers: []string{"acl", "grant"},
		synth: (*buildCtx).legacyBucketACL, args: []string{"acl", "grant"},
	},
	"aws_s3_bucket_acl": {
		Kind: loaders.KindS3Bucket, Target: "bucket",
		synth: (*buildCtx).bucketACL, args: []string{"acl", "access_control_policy"},
	},
	"aws_s3_access_point":                             policyType(loaders.KindS3AccessPoint, "", true, "policy"),
	"aws_s3control_access_point_policy":               policyType(loaders.KindS3AccessPoint, "access_point_arn", false, "policy"),
	"aws_s3control_object_lambda_access_point_policy": policyType(loaders.KindS3AccessPoint, "name", false, "policy"),
	"aws_s3control_multi_region_access_point_policy":  policyType(loaders.KindS3MultiRegionAccessPoint, "details.name", false, "details.policy"),

	"aws_iam_role": policyType(loaders.KindIAMRole, "", false, "assume_role_policy"),

	// KMS keys and grants.
	"aws_kms_key":                  policyType(loaders.KindKMSKey, "", true, "policy"),
	"aws_kms_key_policy":           policyType(loaders.KindKMSKey, "key_id", false, "policy"),
	"aws_kms_replica_key":          policyType(loaders.KindKMSKey, "", true, "policy"),
	"aws_kms_external_key":         policyType(loaders.KindKMSKey, "", true, "policy"),
	"aws_kms_replica_external_key": policyType(loaders.KindKMSKey, "", true, "policy"),
	"aws_kms_grant": {
		Kind: loaders.KindKMSKey, Target: "key_id",
		synth: (*buildCtx).kmsGrant, args: []string{"grantee_principal", "retiring_principal", "operations"},
	},

	"aws_sqs_queue_policy": policyType(loaders.KindSQSQueue, "queue_url", false, "policy"),
	"aws_sqs_queue":        policyType(loaders.KindSQSQueue, "", true, "policy"),
	"aws_sns_topic":        policyType(loaders.KindSNSTopic, "", true, "policy"),
	"aws_sns_topic_policy": policyType(loaders.KindSNSTopic, "arn", false, "policy"),
	"aws_secretsmanager_secret_policy": {
		Kind: loaders.KindSecret, Policies: []string{"policy"}, Target: "secret_arn",
		settings: (*buildCtx).secretSettings, args: []string{"block_public_policy"},
	},
	"aws_secretsmanager_secret":  policyType(loaders.KindSecret, "", true, "policy"),
	"aws_ecr_repository_policy":  policyType(loaders.KindECRRepository, "repository", false, "policy"),
	"aws_ecr_registry_policy":    policyType(loaders.KindECRRegistry, "", false, "policy"),
	"aws_efs_file_system_policy": policyType(loaders.KindEFSFileSystem, "file_system_id", false, "policy"),
	"aws_ecr_replication_configuration": {
		Kind:  loaders.KindECRRegistry,
		synth: (*buildCtx).ecrReplication, args: []string{"replication_configuration"},
	},

	// Sharing lists.
	"aws_snapshot_create_volume_permission": sharing(loaders.KindEBSSnapshot, []string{"ec2:CreateVolume"}, "snapshot_id", false, "account_id"),
	"aws_db_snapshot": sharing(loaders.KindRDSSnapshot,
		[]string{"rds:RestoreDBInstanceFromDBSnapshot", "rds:CopyDBSnapshot"}, "", true, "shared_accounts"),
	"aws_db_cluster_snapshot": sharing(loaders.KindRDSClusterSnapshot,
		[]string{"rds:RestoreDBClusterFromSnapshot", "rds:CopyDBClusterSnapshot"}, "", true, "shared_accounts"),
	"aws_ami_launch_permission": sharing(loaders.KindAMI, []string{"ec2:RunInstances"}, "image_id", false,
		"account_id", "group", "organization_arn", "organizational_unit_arn"),
	"aws_vpc_endpoint_service":                   sharing(loaders.KindVPCEndpointService, []string{"ec2:CreateVpcEndpoint"}, "", true, "allowed_principals"),
	"aws_vpc_endpoint_service_allowed_principal": sharing(loaders.KindVPCEndpointService, []string{"ec2:CreateVpcEndpoint"}, "vpc_endpoint_service_id", false, "principal_arn"),
	"aws_ram_principal_association": {
		Kind: loaders.KindRAMResourceShare, Target: "resource_share_arn",
		synth: (*buildCtx).ramPrincipal, args: []string{"principal"},
	},

	"aws_dynamodb_resource_policy": {
		Kind: loaders.KindDynamoDBTable, Policies: []string{"policy"}, Target: "resource_arn",
		kindOf: (*buildCtx).dynamoDBKind,
	},

	// Beyond Access Analyzer.
	"aws_api_gateway_rest_api":        policyType(loaders.KindAPIGatewayRestAPI, "", true, "policy", "body.x-amazon-apigateway-policy"),
	"aws_api_gateway_rest_api_policy": policyType(loaders.KindAPIGatewayRestAPI, "rest_api_id", false, "policy"),
	"aws_opensearch_domain":           policyType(loaders.KindOpenSearchDomain, "", true, "access_policies"),
	"aws_elasticsearch_domain":        policyType(loaders.KindOpenSearchDomain, "", true, "access_policies"),
	"aws_opensearch_domain_policy":    policyType(loaders.KindOpenSearchDomain, "domain_name", false, "access_policies"),
	"aws_elasticsearch_domain_policy": policyType(loaders.KindOpenSearchDomain, "domain_name", false, "access_policies"),
	"aws_lambda_function_url": {
		Kind: loaders.KindLambdaFunctionURL, Target: "function_name", Qualifier: "qualifier",
		synth: (*buildCtx).functionURL, args: []string{"authorization_type"},
	},
	"aws_glue_resource_policy":        policyType(loaders.KindGlueCatalog, "", false, "policy"),
	"aws_cloudwatch_event_bus_policy": {Kind: loaders.KindEventBus, Policies: []string{"policy"}, Target: "event_bus_name", DefaultTarget: "default"},
	"aws_cloudwatch_event_permission": {
		Kind: loaders.KindEventBus, Target: "event_bus_name", DefaultTarget: "default",
		synth: (*buildCtx).eventPermission, args: []string{"principal", "action", "condition"},
	},
	"aws_cloudwatch_log_resource_policy":             policyType(loaders.KindLogsResourcePolicy, "", false, "policy_document"),
	"aws_cloudwatch_log_destination_policy":          policyType(loaders.KindLogsDestination, "destination_name", false, "access_policy"),
	"aws_backup_vault_policy":                        policyType(loaders.KindBackupVault, "backup_vault_name", false, "policy"),
	"aws_glacier_vault":                              policyType(loaders.KindGlacierVault, "", true, "access_policy"),
	"aws_glacier_vault_lock":                         policyType(loaders.KindGlacierVault, "vault_name", false, "policy"),
	"aws_codeartifact_domain_permissions_policy":     policyType(loaders.KindCodeArtifactDomain, "domain", false, "policy_document"),
	"aws_codeartifact_repository_permissions_policy": policyType(loaders.KindCodeArtifactRepository, "repository", false, "policy_document"),
	"aws_kinesis_resource_policy":                    policyType(loaders.KindKinesisStream, "resource_arn", false, "policy"),

	// Permissions.
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
// and synthesis arguments), plus the target and qualifier, without
// duplicates. Dotted names ("details.policy") are listed as written.
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
	add(t.args...)
	add(t.Target, t.Qualifier)
	return out
}

// OptionalArgs lists the top-level arguments (or nested block types) whose
// presence in the configuration makes an Optional type grant: the first
// segment of each policy argument, and the triggers.
func (t Type) OptionalArgs() []string {
	var out []string
	for _, p := range append(slices.Clone(t.Policies), t.Triggers...) {
		first, _, _ := strings.Cut(p, ".")
		if !slices.Contains(out, first) {
			out = append(out, first)
		}
	}
	return out
}
