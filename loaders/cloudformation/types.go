package cloudformation

import (
	"regexp"
	"slices"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// exposure describes a resource type that grants access: the kind of
// resource it exposes, the properties holding its policy documents (or how to
// synthesise one from its properties), and the property naming the exposed
// resource. Adding a type is adding an entry; docs/resource-types.md is the
// table in prose.
type exposure struct {
	kind string
	// policy is the property holding a policy document ("" when the grant
	// is synthesised from other properties); a dotted path reaches into
	// nested properties ("ResourcePolicy.PolicyDocument").
	policy string
	// more are further policy properties, each exposing a resource of its
	// own kind (a DynamoDB table's stream policy) or of kind when empty.
	more []policyProp
	// optional: the resource grants nothing unless a policy property is
	// set or synth builds a document (an AWS::S3::Bucket without
	// AccessControl, an AWS::ECR::Repository without a policy).
	optional bool
	// target is the property naming the exposed resource; "" means the
	// resource exposes itself (a role's trust policy, a key's key policy).
	target string
	// targetList is set when target is a list: one Resource per item.
	targetList bool
	grant      *grantSpec
	// synth builds documents from properties that are not policies (an
	// S3 canned ACL, a RAM share's principals).
	synth func(e *evaluator, res *resource, props policy.Value) []loaders.Document
	// settings computes Resource.Settings for one exposed target (S3 Block
	// Public Access of the bucket a policy is attached to).
	settings func(e *evaluator, res *resource, props policy.Value, t target) map[string]any
	// custom builds the resources itself (SAM's resources, which stand
	// for several generated ones).
	custom func(e *evaluator, res *resource, props policy.Value) []loaders.Resource
}

// policyProp is a policy property of a resource and the kind it exposes.
type policyProp struct {
	path, kind string
}

// grantSpec synthesises a policy from permission-style properties.
type grantSpec struct {
	principal  string
	action     string
	conditions []grantCond
}

type grantCond struct {
	prop, operator, key string
}

var exposures = map[string]exposure{
	"AWS::S3::BucketPolicy": {kind: loaders.KindS3Bucket, policy: "PolicyDocument", target: "Bucket", settings: (*evaluator).bucketPolicySettings},
	"AWS::S3::Bucket":       {kind: loaders.KindS3Bucket, optional: true, synth: (*evaluator).bucketACL, settings: (*evaluator).bucketSettings},
	"AWS::IAM::Role":        {kind: loaders.KindIAMRole, policy: "AssumeRolePolicyDocument"},
	"AWS::KMS::Key":         {kind: loaders.KindKMSKey, policy: "KeyPolicy"},
	"AWS::SQS::QueuePolicy": {kind: loaders.KindSQSQueue, policy: "PolicyDocument", target: "Queues", targetList: true},
	"AWS::Lambda::Permission": {kind: loaders.KindLambdaFunction, target: "FunctionName", grant: &grantSpec{
		principal: "Principal", action: "Action",
		conditions: []grantCond{
			{"SourceAccount", "StringEquals", "aws:SourceAccount"},
			{"SourceArn", "ArnLike", "aws:SourceArn"},
			{"PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"},
			{"EventSourceToken", "StringEquals", "lambda:EventSourceToken"},
			{"FunctionUrlAuthType", "StringEquals", "lambda:FunctionUrlAuthType"},
			{"InvokedViaFunctionUrl", "Bool", "lambda:InvokedViaFunctionUrl"},
		},
	}},
	"AWS::Lambda::LayerVersionPermission": {kind: loaders.KindLambdaLayer, target: "LayerVersionArn", grant: &grantSpec{
		principal: "Principal", action: "Action",
		conditions: []grantCond{{"OrganizationId", "StringEquals", "aws:PrincipalOrgID"}},
	}},

	// S3 access points and directory buckets.
	"AWS::S3::AccessPoint":                   {kind: loaders.KindS3AccessPoint, policy: "Policy", optional: true, settings: (*evaluator).accessPointSettings},
	"AWS::S3::MultiRegionAccessPointPolicy":  {kind: loaders.KindS3MultiRegionAccessPoint, policy: "Policy", target: "MrapName", settings: (*evaluator).mrapSettings},
	"AWS::S3ObjectLambda::AccessPointPolicy": {kind: loaders.KindS3AccessPoint, policy: "PolicyDocument", target: "ObjectLambdaAccessPoint"},
	"AWS::S3Express::BucketPolicy":           {kind: loaders.KindS3DirectoryBucket, policy: "PolicyDocument", target: "Bucket", settings: directoryBucketSettings},

	// Access Analyzer's other types.
	"AWS::KMS::ReplicaKey":                {kind: loaders.KindKMSKey, policy: "KeyPolicy"},
	"AWS::SNS::TopicPolicy":               {kind: loaders.KindSNSTopic, policy: "PolicyDocument", target: "Topics", targetList: true},
	"AWS::SNS::TopicInlinePolicy":         {kind: loaders.KindSNSTopic, policy: "PolicyDocument", target: "TopicArn"},
	"AWS::SQS::QueueInlinePolicy":         {kind: loaders.KindSQSQueue, policy: "PolicyDocument", target: "Queue"},
	"AWS::SecretsManager::ResourcePolicy": {kind: loaders.KindSecret, policy: "ResourcePolicy", target: "SecretId", settings: secretSettings},
	"AWS::ECR::Repository":                {kind: loaders.KindECRRepository, policy: "RepositoryPolicyText", optional: true},
	"AWS::EFS::FileSystem":                {kind: loaders.KindEFSFileSystem, policy: "FileSystemPolicy", optional: true},
	"AWS::DynamoDB::Table": {kind: loaders.KindDynamoDBTable, policy: "ResourcePolicy.PolicyDocument", optional: true, more: []policyProp{
		{path: "StreamSpecification.ResourcePolicy.PolicyDocument", kind: loaders.KindDynamoDBStream},
	}},
	"AWS::DynamoDB::GlobalTable": {kind: loaders.KindDynamoDBTable, custom: (*evaluator).globalTable},

	// Exposures Access Analyzer does not analyse.
	"AWS::ApiGateway::RestApi": {kind: loaders.KindAPIGatewayRestAPI, policy: "Policy", optional: true, more: []policyProp{
		{path: "Body.x-amazon-apigateway-policy"},
	}},
	"AWS::OpenSearchService::Domain":             {kind: loaders.KindOpenSearchDomain, policy: "AccessPolicies", optional: true},
	"AWS::Elasticsearch::Domain":                 {kind: loaders.KindOpenSearchDomain, policy: "AccessPolicies", optional: true},
	"AWS::Lambda::Url":                           {kind: loaders.KindLambdaFunctionURL, target: "TargetFunctionArn", optional: true, synth: (*evaluator).lambdaURL},
	"AWS::RAM::ResourceShare":                    {kind: loaders.KindRAMResourceShare, optional: true, synth: (*evaluator).ramShare, settings: ramSettings},
	"AWS::EC2::VPCEndpointServicePermissions":    {kind: loaders.KindVPCEndpointService, target: "ServiceId", optional: true, synth: (*evaluator).endpointServicePrincipals},
	"AWS::Events::EventBusPolicy":                {kind: loaders.KindEventBus, target: "EventBusName", optional: true, synth: (*evaluator).eventBusPolicy},
	"AWS::Events::EventBus":                      {kind: loaders.KindEventBus, policy: "Policy", optional: true},
	"AWS::Logs::ResourcePolicy":                  {kind: loaders.KindLogsResourcePolicy, policy: "PolicyDocument"},
	"AWS::Logs::Destination":                     {kind: loaders.KindLogsDestination, policy: "DestinationPolicy", optional: true},
	"AWS::Backup::BackupVault":                   {kind: loaders.KindBackupVault, policy: "AccessPolicy", optional: true},
	"AWS::Backup::LogicallyAirGappedBackupVault": {kind: loaders.KindBackupVault, policy: "AccessPolicy", optional: true},
	"AWS::CodeArtifact::Domain":                  {kind: loaders.KindCodeArtifactDomain, policy: "PermissionsPolicyDocument", optional: true},
	"AWS::CodeArtifact::Repository":              {kind: loaders.KindCodeArtifactRepository, policy: "PermissionsPolicyDocument", optional: true},
	"AWS::Kinesis::ResourcePolicy":               {kind: loaders.KindKinesisStream, policy: "ResourcePolicy", target: "ResourceArn"},
	"AWS::ECR::RegistryPolicy":                   {kind: loaders.KindECRRegistry, policy: "PolicyText"},
	"AWS::ECR::ReplicationConfiguration":         {kind: loaders.KindECRRegistry, optional: true, synth: (*evaluator).ecrReplication},
}

// exposureFor returns how a resource type grants access: an entry of
// exposures, or a builder for the types that stand for several resources
// (SAM's, nested stacks).
func exposureFor(typ string) (exposure, bool) {
	switch typ {
	case "AWS::Serverless::Function":
		return exposure{kind: loaders.KindLambdaFunction, custom: (*evaluator).samFunction}, true
	case "AWS::Serverless::Api":
		return exposure{kind: loaders.KindAPIGatewayRestAPI, custom: (*evaluator).samAPI}, true
	case "AWS::Serverless::StateMachine":
		return exposure{kind: loaders.KindAPIGatewayRestAPI, custom: (*evaluator).samEventPolicies}, true
	case "AWS::CloudFormation::Stack", "AWS::Serverless::Application":
		return exposure{custom: (*evaluator).nestedStack}, true
	}
	e, ok := exposures[typ]
	return e, ok
}

type target struct {
	id, name string
}

// build evaluates one resource under the current variant. exists is false
// when the resource's own Condition is false.
func (e *evaluator) build(res *resource, spec exposure) (exists bool, out []loaders.Resource) {
	if res.condition != "" {
		c := e.condition(res.condition, res.condRange, 1)
		if c.known && !c.val {
			return false, nil
		}
	}
	props := e.props(res, 0)
	if props.Kind != policy.Object && props.Kind != policy.Null {
		e.diags.errorf(props.Range, "the Properties of resource %s are a %s, not a mapping", res.id, props.Kind)
		return true, nil
	}
	if spec.custom != nil {
		return true, e.withConstruct(res, spec.custom(e, res, props))
	}
	docs := map[string][]loaders.Document{}
	kinds := []string{spec.kind}
	for _, pp := range spec.policyProps() {
		raw, ok := e.lookup(props, pp.path)
		if !ok {
			continue
		}
		v, present := e.eval(raw, 1)
		if !present {
			continue
		}
		if !slices.Contains(kinds, pp.kind) {
			kinds = append(kinds, pp.kind)
		}
		docs[pp.kind] = append(docs[pp.kind], loaders.Document{Attribute: pp.path, Range: raw.Range, Policy: e.parsePolicy(raw, v)})
	}
	if spec.grant != nil {
		if d, ok := e.synthesise(res, props, spec.grant); ok {
			docs[spec.kind] = append(docs[spec.kind], d)
		}
	}
	if spec.synth != nil {
		docs[spec.kind] = append(docs[spec.kind], spec.synth(e, res, props)...)
	}
	for _, kind := range kinds {
		if spec.optional && len(docs[kind]) == 0 {
			continue
		}
		for _, t := range e.targets(res, props, spec) {
			r := loaders.Resource{
				Type:       res.typ,
				Kind:       kind,
				Address:    res.id,
				Target:     t.id,
				TargetName: t.name,
				Source:     loaders.SourceCloudFormation,
				Range:      res.rng,
				DeclRange:  res.declRange,
				Documents:  docs[kind],
			}
			if spec.settings != nil {
				r.Settings = spec.settings(e, res, props, t)
			}
			out = append(out, r)
		}
	}
	return true, e.withConstruct(res, out)
}

// policyProps lists the policy properties of a type with their kinds.
func (spec exposure) policyProps() []policyProp {
	var out []policyProp
	if spec.policy != "" {
		out = append(out, policyProp{path: spec.policy, kind: spec.kind})
	}
	for _, pp := range spec.more {
		if pp.kind == "" {
			pp.kind = spec.kind
		}
		out = append(out, pp)
	}
	return out
}

// lookup follows a dotted property path from props, resolving an intrinsic
// function met on the way (StreamSpecification: !If [...]). An Unknown
// value on the way is returned as the value: the policy is unknown.
func (e *evaluator) lookup(props policy.Value, path string) (policy.Value, bool) {
	v := props
	for key := range strings.SplitSeq(path, ".") {
		if _, _, isFn := intrinsic(v); isFn {
			ev, present := e.eval(v, 1)
			if !present {
				return policy.Value{}, false
			}
			v = ev
		}
		if v.Kind == policy.Unknown {
			return v, true
		}
		f, ok := field(v, key)
		if !ok {
			return policy.Value{}, false
		}
		v = f
	}
	return v, true
}

// withConstruct records the CDK construct path of res on its resources.
func (e *evaluator) withConstruct(res *resource, out []loaders.Resource) []loaders.Resource {
	p, ok := field(res.metadata, "aws:cdk:path")
	if !ok || p.Kind != policy.String {
		return out
	}
	for i := range out {
		if out[i].Construct == "" && len(out[i].ModuleChain) == 0 {
			out[i].Construct = p.Str
		}
	}
	return out
}

func (e *evaluator) synthesise(res *resource, props policy.Value, g *grantSpec) (loaders.Document, bool) {
	raw, ok := field(props, g.principal)
	if !ok {
		e.diags.warnf(res.declRange, "%s %s has no %s; it grants nothing", res.typ, res.id, g.principal)
		return loaders.Document{}, false
	}
	principal, present := e.eval(raw, 1)
	if !present {
		e.diags.warnf(raw.Range, "the %s of %s is AWS::NoValue; it grants nothing", g.principal, res.id)
		return loaders.Document{}, false
	}
	grant := loaders.Grant{Principals: []policy.Value{principal}, Range: res.rng}
	if raw, ok := field(props, g.action); ok {
		if v, present := e.eval(raw, 1); present {
			grant.Actions = append(grant.Actions, v)
		}
	}
	for _, c := range g.conditions {
		raw, ok := field(props, c.prop)
		if !ok {
			continue
		}
		v, present := e.eval(raw, 1)
		if !present || c.operator == "Bool" && isFalse(v) {
			continue // InvokedViaFunctionUrl: false adds no condition
		}
		grant.Conditions = append(grant.Conditions, loaders.GrantCondition{Operator: c.operator, Key: c.key, Values: []policy.Value{v}})
	}
	return loaders.Document{Attribute: g.principal, Synthetic: true, Range: raw.Range, Policy: grant.Document()}, true
}

// isFalse reports whether v is the boolean false, as YAML or JSON writes it.
func isFalse(v policy.Value) bool {
	return (v.Kind == policy.Bool || v.Kind == policy.String) && strings.EqualFold(v.Str, "false")
}

// targets names the resources exposed: the resource itself, or what its
// target property refers to (one per item of a list such as Queues).
func (e *evaluator) targets(res *resource, props policy.Value, spec exposure) []target {
	if spec.target == "" {
		name, _ := e.physicalName(res, 1)
		return []target{{id: res.id, name: name}}
	}
	raw, ok := field(props, spec.target)
	if !ok {
		return []target{{}}
	}
	if !spec.targetList {
		t, _ := e.target(raw)
		return []target{t}
	}
	var out []target
	if raw.Kind == policy.List {
		for _, it := range raw.Items {
			if t, present := e.target(it); present {
				out = append(out, t)
			}
		}
	} else {
		v, _ := e.eval(raw, 1)
		if v.Kind == policy.List {
			for _, it := range v.Items {
				t := target{}
				if it.IsScalar() {
					t.name = it.Str
				}
				out = append(out, t)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, target{})
	}
	return out
}

func (e *evaluator) target(raw policy.Value) (target, bool) {
	if id := e.refTarget(raw, 0); id != "" {
		name, _ := e.physicalName(e.t.resources[id], 1)
		return target{id: id, name: name}, true
	}
	v, present := e.eval(raw, 1)
	if v.IsScalar() {
		return target{name: v.Str}, present
	}
	return target{}, present
}

var subRefPattern = regexp.MustCompile(`^\$\{([^}.!]+)(\.[^}]+)?\}$`)

// refTarget returns the logical ID of the template resource that raw refers
// to (Ref, Fn::GetAtt, "${Name}" or "${Name.Attr}", through Fn::If), or "".
func (e *evaluator) refTarget(raw policy.Value, depth int) string {
	if depth > maxDepth {
		return ""
	}
	name, arg, ok := intrinsic(raw)
	if !ok {
		return ""
	}
	id := ""
	switch name {
	case "Ref":
		if arg.Kind == policy.String {
			id = arg.Str
		}
	case "Fn::GetAtt":
		switch {
		case arg.Kind == policy.String:
			id, _, _ = strings.Cut(arg.Str, ".")
		case arg.Kind == policy.List && len(arg.Items) > 0 && arg.Items[0].Kind == policy.String:
			id = arg.Items[0].Str
		}
	case "Fn::Sub":
		if arg.Kind == policy.String {
			if m := subRefPattern.FindStringSubmatch(arg.Str); m != nil {
				id = strings.TrimSpace(m[1])
			}
		}
	case "Fn::If":
		if arg.Kind == policy.List && len(arg.Items) == 3 && arg.Items[0].Kind == policy.String {
			c := e.condition(arg.Items[0].Str, arg.Items[0].Range, depth+1)
			if !c.known {
				return ""
			}
			if c.val {
				return e.refTarget(arg.Items[1], depth+1)
			}
			return e.refTarget(arg.Items[2], depth+1)
		}
	}
	if _, ok := e.t.resources[id]; ok {
		return id
	}
	return ""
}

// parsePolicy parses a resolved policy property. A policy written as a JSON
// string is parsed with positions in the file: exact for a literal block
// scalar (|), on the string's line for a one-line string, and at the
// string's position for a string built by intrinsic functions.
func (e *evaluator) parsePolicy(raw, v policy.Value) *policy.Document {
	if v.Kind != policy.String {
		return policy.Parse(v)
	}
	parsed, ok := e.embeddedJSON(raw, v)
	if !ok {
		return policy.Parse(v) // records the syntax error as a problem
	}
	d := policy.Parse(parsed)
	d.Range = v.Range
	return d
}

func (e *evaluator) embeddedJSON(raw, v policy.Value) (policy.Value, bool) {
	file := e.t.src.path
	if raw.Kind == policy.String && raw.Str == v.Str {
		if start, ok := e.t.src.blocks[raw.Range.Start]; ok {
			pv, err := policy.ParseJSON([]byte(v.Str), policy.JSONOptions{File: file, Start: policy.Pos{Line: start.Line, Column: 1}})
			if err != nil {
				return policy.Value{}, false
			}
			return shiftColumns(pv, start.Column-1), true
		}
		if !strings.Contains(v.Str, "\n") {
			start := raw.Range.Start
			if e.t.src.json || e.t.src.quoted[start] {
				start.Column++ // past the opening quote
			}
			pv, err := policy.ParseJSON([]byte(v.Str), policy.JSONOptions{File: file, Start: start})
			if err != nil {
				return policy.Value{}, false
			}
			return pv, true
		}
	}
	pv, err := policy.ParseJSON([]byte(v.Str), policy.JSONOptions{File: file, Start: v.Range.Start})
	if err != nil {
		return policy.Value{}, false
	}
	return withRange(pv, v.Range), true
}

// shiftColumns moves every position of v right by n columns: the JSON
// inside a block scalar is indented by n in the file.
func shiftColumns(v policy.Value, n int) policy.Value {
	shift := func(r loaders.Range) loaders.Range {
		if r.Start.Line > 0 {
			r.Start.Column += n
		}
		if r.End.Line > 0 {
			r.End.Column += n
		}
		return r
	}
	v.Range = shift(v.Range)
	for i := range v.Items {
		v.Items[i] = shiftColumns(v.Items[i], n)
	}
	for i := range v.Fields {
		v.Fields[i].KeyRange = shift(v.Fields[i].KeyRange)
		v.Fields[i].Value = shiftColumns(v.Fields[i].Value, n)
	}
	return v
}

// describe joins a variant's assignment into Resource.Condition text.
func describe(pairs []string) string { return strings.Join(pairs, ", ") }
