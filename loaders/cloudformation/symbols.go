package cloudformation

import (
	"fmt"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// symbolSpec says what Ref and Fn::GetAtt return for a resource type
// declared in the template. A resource declared in the scanned code belongs
// to the zone of trust, so its values are symbolic names in the own
// account: the physical name when the template fixes it, the logical ID
// otherwise. Patterns use {p} partition, {r} region, {a} own account,
// {s} URL suffix, {n} name, {id} logical ID and {path} the IAM path.
type symbolSpec struct {
	nameProp string // property that fixes the physical name
	ref      string
	attrs    map[string]string
}

var symbols = map[string]symbolSpec{
	"AWS::S3::Bucket": {nameProp: "BucketName", ref: "{n}", attrs: map[string]string{
		"Arn": "arn:{p}:s3:::{n}", "DomainName": "{n}.s3.{s}", "RegionalDomainName": "{n}.s3.{r}.{s}",
		"DualStackDomainName": "{n}.s3.dualstack.{r}.{s}", "WebsiteURL": "http://{n}.s3-website.{r}.{s}",
	}},
	"AWS::IAM::Role":            {nameProp: "RoleName", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:iam::{a}:role{path}{n}"}},
	"AWS::IAM::User":            {nameProp: "UserName", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:iam::{a}:user{path}{n}"}},
	"AWS::IAM::Group":           {nameProp: "GroupName", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:iam::{a}:group{path}{n}"}},
	"AWS::IAM::InstanceProfile": {nameProp: "InstanceProfileName", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:iam::{a}:instance-profile{path}{n}"}},
	"AWS::IAM::ManagedPolicy":   {nameProp: "ManagedPolicyName", ref: "arn:{p}:iam::{a}:policy{path}{n}", attrs: map[string]string{"PolicyArn": "arn:{p}:iam::{a}:policy{path}{n}"}},
	"AWS::IAM::OIDCProvider":    {nameProp: "Url", ref: "arn:{p}:iam::{a}:oidc-provider/{n}", attrs: map[string]string{"Arn": "arn:{p}:iam::{a}:oidc-provider/{n}"}},
	"AWS::IAM::SAMLProvider":    {nameProp: "Name", ref: "arn:{p}:iam::{a}:saml-provider/{n}", attrs: map[string]string{"Arn": "arn:{p}:iam::{a}:saml-provider/{n}"}},
	"AWS::SQS::Queue": {nameProp: "QueueName", ref: "https://sqs.{r}.{s}/{a}/{n}", attrs: map[string]string{
		"Arn": "arn:{p}:sqs:{r}:{a}:{n}", "QueueName": "{n}", "QueueUrl": "https://sqs.{r}.{s}/{a}/{n}",
	}},
	"AWS::SNS::Topic": {nameProp: "TopicName", ref: "arn:{p}:sns:{r}:{a}:{n}", attrs: map[string]string{
		"TopicArn": "arn:{p}:sns:{r}:{a}:{n}", "TopicName": "{n}",
	}},
	"AWS::KMS::Key":   {ref: "{id}", attrs: map[string]string{"Arn": "arn:{p}:kms:{r}:{a}:key/{id}", "KeyId": "{id}"}},
	"AWS::KMS::Alias": {nameProp: "AliasName", ref: "{n}"},
	"AWS::Lambda::Function": {nameProp: "FunctionName", ref: "{n}", attrs: map[string]string{
		"Arn": "arn:{p}:lambda:{r}:{a}:function:{n}",
	}},
	"AWS::Lambda::LayerVersion": {nameProp: "LayerName", ref: "arn:{p}:lambda:{r}:{a}:layer:{n}:*", attrs: map[string]string{
		"LayerVersionArn": "arn:{p}:lambda:{r}:{a}:layer:{n}:*",
	}},
	"AWS::ECR::Repository": {nameProp: "RepositoryName", ref: "{n}", attrs: map[string]string{
		"Arn": "arn:{p}:ecr:{r}:{a}:repository/{n}", "RepositoryUri": "{a}.dkr.ecr.{r}.{s}/{n}",
	}},
	"AWS::SecretsManager::Secret": {nameProp: "Name", ref: "arn:{p}:secretsmanager:{r}:{a}:secret:{n}", attrs: map[string]string{
		"Id": "arn:{p}:secretsmanager:{r}:{a}:secret:{n}",
	}},
	"AWS::DynamoDB::Table": {nameProp: "TableName", ref: "{n}", attrs: map[string]string{
		"Arn": "arn:{p}:dynamodb:{r}:{a}:table/{n}", "StreamArn": "arn:{p}:dynamodb:{r}:{a}:table/{n}/stream/*",
	}},
	"AWS::Events::EventBus": {nameProp: "Name", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:events:{r}:{a}:event-bus/{n}", "Name": "{n}"}},
	"AWS::Events::Rule":     {nameProp: "Name", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:events:{r}:{a}:rule/{n}"}},
	"AWS::StepFunctions::StateMachine": {nameProp: "StateMachineName", ref: "arn:{p}:states:{r}:{a}:stateMachine:{n}", attrs: map[string]string{
		"Arn": "arn:{p}:states:{r}:{a}:stateMachine:{n}", "Name": "{n}",
	}},
	"AWS::Kinesis::Stream":           {nameProp: "Name", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:kinesis:{r}:{a}:stream/{n}"}},
	"AWS::Logs::LogGroup":            {nameProp: "LogGroupName", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:logs:{r}:{a}:log-group:{n}:*"}},
	"AWS::Elasticsearch::Domain":     {nameProp: "DomainName", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:es:{r}:{a}:domain/{n}", "DomainArn": "arn:{p}:es:{r}:{a}:domain/{n}"}},
	"AWS::OpenSearchService::Domain": {nameProp: "DomainName", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:es:{r}:{a}:domain/{n}", "DomainArn": "arn:{p}:es:{r}:{a}:domain/{n}"}},
	"AWS::SSM::Parameter":            {nameProp: "Name", ref: "{n}"},
	"AWS::EFS::FileSystem":           {ref: "{id}", attrs: map[string]string{"Arn": "arn:{p}:elasticfilesystem:{r}:{a}:file-system/{id}", "FileSystemId": "{id}"}},
	"AWS::ApiGateway::RestApi":       {nameProp: "Name", ref: "{id}"},
	"AWS::S3::AccessPoint": {nameProp: "Name", ref: "{n}", attrs: map[string]string{
		"Arn": "arn:{p}:s3:{r}:{a}:accesspoint/{n}", "Name": "{n}",
	}},
	"AWS::S3::MultiRegionAccessPoint":  {nameProp: "Name", ref: "{n}"},
	"AWS::S3ObjectLambda::AccessPoint": {nameProp: "Name", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:s3-object-lambda:{r}:{a}:accesspoint/{n}"}},
	"AWS::S3Express::DirectoryBucket":  {nameProp: "BucketName", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:s3express:{r}:{a}:bucket/{n}"}},
	"AWS::KMS::ReplicaKey":             {ref: "{id}", attrs: map[string]string{"Arn": "arn:{p}:kms:{r}:{a}:key/{id}", "KeyId": "{id}"}},
	"AWS::SNS::TopicInlinePolicy":      {ref: "{id}"},
	"AWS::Backup::BackupVault": {nameProp: "BackupVaultName", ref: "{n}", attrs: map[string]string{
		"BackupVaultArn": "arn:{p}:backup:{r}:{a}:backup-vault:{n}", "BackupVaultName": "{n}",
	}},
	"AWS::CodeArtifact::Domain": {nameProp: "DomainName", ref: "arn:{p}:codeartifact:{r}:{a}:domain/{n}", attrs: map[string]string{
		"Arn": "arn:{p}:codeartifact:{r}:{a}:domain/{n}", "Name": "{n}",
	}},
	"AWS::CodeArtifact::Repository": {nameProp: "RepositoryName", ref: "arn:{p}:codeartifact:{r}:{a}:repository/*/{n}", attrs: map[string]string{
		"Arn": "arn:{p}:codeartifact:{r}:{a}:repository/*/{n}", "Name": "{n}",
	}},
	"AWS::Logs::Destination":    {nameProp: "DestinationName", ref: "{n}", attrs: map[string]string{"Arn": "arn:{p}:logs:{r}:{a}:destination:{n}"}},
	"AWS::Logs::ResourcePolicy": {nameProp: "PolicyName", ref: "{n}"},
	"AWS::RAM::ResourceShare":   {nameProp: "Name", ref: "arn:{p}:ram:{r}:{a}:resource-share/{id}", attrs: map[string]string{"Arn": "arn:{p}:ram:{r}:{a}:resource-share/{id}"}},
	"AWS::Kinesis::StreamConsumer": {nameProp: "ConsumerName", ref: "arn:{p}:kinesis:{r}:{a}:stream/*/consumer/{n}:*", attrs: map[string]string{
		"ConsumerARN": "arn:{p}:kinesis:{r}:{a}:stream/*/consumer/{n}:*", "ConsumerName": "{n}",
	}},
	"AWS::DynamoDB::GlobalTable": {nameProp: "TableName", ref: "{n}", attrs: map[string]string{
		"Arn": "arn:{p}:dynamodb:{r}:{a}:table/{n}", "StreamArn": "arn:{p}:dynamodb:{r}:{a}:table/{n}/stream/*",
	}},
	"AWS::CloudFront::Distribution": {ref: "{id}", attrs: map[string]string{"DomainName": "{id}.cloudfront.net"}},
	"AWS::Serverless::Function": {nameProp: "FunctionName", ref: "{n}", attrs: map[string]string{
		"Arn": "arn:{p}:lambda:{r}:{a}:function:{n}",
	}},
	"AWS::Serverless::LayerVersion": {nameProp: "LayerName", ref: "arn:{p}:lambda:{r}:{a}:layer:{n}:*"},
	"AWS::Serverless::SimpleTable":  {nameProp: "TableName", ref: "{n}"},
	"AWS::Serverless::StateMachine": {nameProp: "Name", ref: "arn:{p}:states:{r}:{a}:stateMachine:{n}", attrs: map[string]string{
		"Arn": "arn:{p}:states:{r}:{a}:stateMachine:{n}", "Name": "{n}",
	}},
	"AWS::Serverless::Api":         {ref: "{id}"},
	"AWS::Serverless::HttpApi":     {ref: "{id}"},
	"AWS::Serverless::Application": {ref: "arn:{p}:cloudformation:{r}:{a}:stack/{id}/" + stackIDPlaceholder},
	"AWS::CloudFormation::Stack":   {ref: "arn:{p}:cloudformation:{r}:{a}:stack/{id}/" + stackIDPlaceholder},
	// The CDK's own custom resource behind iam.OpenIdConnectProvider: its
	// handler (aws-cdk-lib) creates the provider and returns its ARN.
	cdkOIDCProvider: {nameProp: "Url", ref: "arn:{p}:iam::{a}:oidc-provider/{n}"},
}

const cdkOIDCProvider = "Custom::AWSCDKOpenIdConnectProvider"

// isCustom reports whether a type's values are chosen by code outside the
// template (a custom resource), so that nothing about them can be assumed.
// The CDK's OIDC provider resource is not: what it returns is known.
func isCustom(typ string) bool {
	return (strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource") && typ != cdkOIDCProvider
}

func (e *evaluator) resourceRef(res *resource, r loaders.Range, depth int) policy.Value {
	if isCustom(res.typ) {
		return unknown(fmt.Sprintf("Ref to custom resource %s is known only after deploy", res.id), r)
	}
	spec, ok := symbols[res.typ]
	if !ok {
		// The physical ID of a resource of another type: its logical ID
		// stands for it.
		return str(res.id, r)
	}
	return str(e.expand(spec.ref, res, depth), r)
}

func (e *evaluator) resourceAttr(res *resource, attr string, r loaders.Range, depth int) policy.Value {
	if isCustom(res.typ) || res.typ == cdkOIDCProvider {
		return unknown(fmt.Sprintf("%s.%s is known only after deploy (custom resource)", res.id, attr), r)
	}
	if (res.typ == "AWS::CloudFormation::Stack" || res.typ == "AWS::Serverless::Application") && strings.HasPrefix(attr, "Outputs.") {
		return e.stackOutput(res, strings.TrimPrefix(attr, "Outputs."), r, depth)
	}
	if spec, ok := symbols[res.typ]; ok {
		if pattern, ok := spec.attrs[attr]; ok {
			return str(e.expand(pattern, res, depth), r)
		}
	}
	if attr == "Id" {
		// The physical ID, as Ref gives it for most types.
		return e.resourceRef(res, r, depth)
	}
	if strings.HasSuffix(attr, "Arn") {
		service, kind := typeParts(res.typ)
		return str(e.expand(fmt.Sprintf("arn:{p}:%s:{r}:{a}:%s/{id}", service, kind), res, depth), r)
	}
	return unknown(fmt.Sprintf("%s.%s is known only after deploy", res.id, attr), r)
}

// typeParts turns AWS::SNS::Topic into ("sns", "topic").
func typeParts(typ string) (service, kind string) {
	parts := strings.Split(typ, "::")
	if len(parts) != 3 {
		return "unknown", "resource"
	}
	return strings.ToLower(parts[1]), strings.ToLower(parts[2])
}

// expand fills in a symbol pattern for res.
func (e *evaluator) expand(pattern string, res *resource, depth int) string {
	pairs := []string{"{p}", e.partition(), "{r}", e.region(), "{a}", e.opts.OwnAccount, "{s}", e.urlSuffix(), "{id}", res.id}
	if strings.Contains(pattern, "{path}") {
		pairs = append(pairs, "{path}", e.iamPath(res, depth))
	}
	if strings.Contains(pattern, "{n}") {
		pairs = append(pairs, "{n}", e.symbolicName(res, depth))
	}
	return strings.NewReplacer(pairs...).Replace(pattern)
}

// physicalName is the name the template fixes for res, when it does and the
// value is known offline.
func (e *evaluator) physicalName(res *resource, depth int) (string, bool) {
	spec, ok := symbols[res.typ]
	if !ok || spec.nameProp == "" || e.busy[res.id] {
		return "", false
	}
	e.busy[res.id] = true
	defer delete(e.busy, res.id)
	props := e.props(res, depth+1)
	raw, ok := field(props, spec.nameProp)
	if !ok {
		return "", false
	}
	v, present := e.eval(raw, depth+1)
	if !present || !v.IsScalar() {
		return "", false
	}
	name := v.Str
	if res.typ == "AWS::IAM::OIDCProvider" || res.typ == cdkOIDCProvider {
		name = strings.TrimPrefix(name, "https://")
	}
	return name, true
}

// symbolicName is the physical name when the template fixes it, else the
// logical ID (CloudFormation would generate a name from the stack name and
// the logical ID; the logical ID is the readable stand-in).
func (e *evaluator) symbolicName(res *resource, depth int) string {
	if name, ok := e.physicalName(res, depth); ok {
		return name
	}
	if res.typ == "AWS::SQS::Queue" {
		props := e.props(res, depth+1)
		if raw, ok := field(props, "FifoQueue"); ok {
			if v, _ := e.eval(raw, depth+1); v.Str == "true" {
				return res.id + ".fifo"
			}
		}
	}
	return res.id
}

func (e *evaluator) iamPath(res *resource, depth int) string {
	if !strings.HasPrefix(res.typ, "AWS::IAM::") {
		return "/"
	}
	props := e.props(res, depth+1)
	raw, ok := field(props, "Path")
	if !ok {
		return "/"
	}
	v, present := e.eval(raw, depth+1)
	if !present || v.Kind != policy.String || !strings.HasPrefix(v.Str, "/") || !strings.HasSuffix(v.Str, "/") {
		return "/"
	}
	return v.Str
}

// props returns a resource's Properties, resolving them first when the
// whole mapping is an intrinsic function (Properties: !If [...]).
func (e *evaluator) props(res *resource, depth int) policy.Value {
	if _, _, ok := intrinsic(res.props); ok {
		v, present := e.eval(res.props, depth+1)
		if !present || v.Kind != policy.Object {
			return policy.Value{Kind: policy.Null, Range: res.props.Range}
		}
		return v
	}
	return res.props
}
