package terraform

import (
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// A resource declared in the scanned configuration belongs to the zone of
// trust, so references to its identifying attributes resolve to ARNs in the
// own account (Options.OwnAccount), the partition and the provider's region.
// The name is the configured one when an argument fixes it; otherwise the
// resource address stands in for it (arn:aws:sqs:*:self:aws_sqs_queue.q)
// and the value carries placeholderMark.

// computedSpec describes the identifying attributes of one resource type.
// Templates use {partition}, {region}, {account}, {name}, {path} and {dns}
// (the partition's DNS suffix).
type computedSpec struct {
	// nameAttr is the argument that fixes the name; "" when the name is
	// always chosen by AWS (a KMS key ID).
	nameAttr string
	attrs    map[string]string
}

var computedSpecs = map[string]computedSpec{
	"aws_s3_bucket": {nameAttr: "bucket", attrs: map[string]string{
		"arn": "arn:{partition}:s3:::{name}", "id": "{name}", "bucket": "{name}",
		"bucket_domain_name":          "{name}.s3.{dns}",
		"bucket_regional_domain_name": "{name}.s3.{region}.{dns}",
	}},
	"aws_sqs_queue": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:sqs:{region}:{account}:{name}", "name": "{name}",
		"url": "https://sqs.{region}.{dns}/{account}/{name}", "id": "https://sqs.{region}.{dns}/{account}/{name}",
	}},
	"aws_sns_topic": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:sns:{region}:{account}:{name}", "id": "arn:{partition}:sns:{region}:{account}:{name}", "name": "{name}",
	}},
	"aws_iam_role": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:iam::{account}:role{path}{name}", "name": "{name}", "id": "{name}",
	}},
	"aws_iam_user": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:iam::{account}:user{path}{name}", "name": "{name}", "id": "{name}",
	}},
	"aws_iam_group": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:iam::{account}:group{path}{name}", "name": "{name}", "id": "{name}",
	}},
	"aws_iam_policy": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:iam::{account}:policy{path}{name}", "name": "{name}", "id": "arn:{partition}:iam::{account}:policy{path}{name}",
	}},
	"aws_iam_saml_provider": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:iam::{account}:saml-provider/{name}", "id": "arn:{partition}:iam::{account}:saml-provider/{name}", "name": "{name}",
	}},
	// The ARN of an OpenID Connect provider names its URL without the
	// scheme (token.actions.githubusercontent.com).
	"aws_iam_openid_connect_provider": {nameAttr: "url", attrs: map[string]string{
		"arn": "arn:{partition}:iam::{account}:oidc-provider/{urlhost}", "id": "arn:{partition}:iam::{account}:oidc-provider/{urlhost}", "url": "{name}",
	}},
	"aws_iam_instance_profile": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:iam::{account}:instance-profile{path}{name}", "name": "{name}", "id": "{name}",
	}},
	"aws_kms_key": {attrs: map[string]string{
		"arn": "arn:{partition}:kms:{region}:{account}:key/{name}", "key_id": "{name}", "id": "{name}",
	}},
	"aws_kms_alias": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:kms:{region}:{account}:{name}", "name": "{name}", "id": "{name}",
	}},
	"aws_lambda_function": {nameAttr: "function_name", attrs: map[string]string{
		"arn":           "arn:{partition}:lambda:{region}:{account}:function:{name}",
		"function_name": "{name}", "id": "{name}",
		"invoke_arn": "arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/arn:{partition}:lambda:{region}:{account}:function:{name}/invocations",
	}},
	"aws_lambda_alias": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:lambda:{region}:{account}:function:{function_name}:{name}", "name": "{name}",
	}},
	"aws_lambda_layer_version": {nameAttr: "layer_name", attrs: map[string]string{
		"layer_arn": "arn:{partition}:lambda:{region}:{account}:layer:{name}",
		// The version is chosen at apply; "*" stands for it as for the region.
		"arn": "arn:{partition}:lambda:{region}:{account}:layer:{name}:*", "layer_name": "{name}",
	}},
	"aws_ecr_repository": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:ecr:{region}:{account}:repository/{name}", "name": "{name}", "id": "{name}",
		"repository_url": "{account}.dkr.ecr.{region}.{dns}/{name}",
	}},
	"aws_secretsmanager_secret": {nameAttr: "name", attrs: map[string]string{
		// Secrets Manager appends six random characters to the name.
		"arn": "arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-??????", "name": "{name}",
		"id": "arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-??????",
	}},
	"aws_dynamodb_table": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:dynamodb:{region}:{account}:table/{name}", "name": "{name}", "id": "{name}",
		// The stream's label is chosen at apply; "*" stands for it.
		"stream_arn": "arn:{partition}:dynamodb:{region}:{account}:table/{name}/stream/*",
	}},
	"aws_s3_directory_bucket": {nameAttr: "bucket", attrs: map[string]string{
		"arn": "arn:{partition}:s3express:{region}:{account}:bucket/{name}", "id": "{name}", "bucket": "{name}",
	}},
	"aws_cloudwatch_log_group": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:logs:{region}:{account}:log-group:{name}", "name": "{name}", "id": "{name}",
	}},
	"aws_kinesis_stream": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:kinesis:{region}:{account}:stream/{name}", "name": "{name}", "id": "arn:{partition}:kinesis:{region}:{account}:stream/{name}",
	}},
	"aws_sfn_state_machine": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:states:{region}:{account}:stateMachine:{name}", "name": "{name}", "id": "arn:{partition}:states:{region}:{account}:stateMachine:{name}",
	}},
	"aws_cloudtrail": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:cloudtrail:{region}:{account}:trail/{name}", "name": "{name}",
	}},
	"aws_cloudwatch_event_rule": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:events:{region}:{account}:rule/{name}", "name": "{name}",
	}},
	"aws_cloudwatch_event_bus": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:events:{region}:{account}:event-bus/{name}", "name": "{name}", "id": "{name}",
	}},
	"aws_efs_file_system": {attrs: map[string]string{
		"arn": "arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{name}", "id": "{name}",
	}},
	"aws_elasticsearch_domain": {nameAttr: "domain_name", attrs: map[string]string{
		"arn": "arn:{partition}:es:{region}:{account}:domain/{name}", "domain_name": "{name}",
	}},
	"aws_opensearch_domain": {nameAttr: "domain_name", attrs: map[string]string{
		"arn": "arn:{partition}:es:{region}:{account}:domain/{name}", "domain_name": "{name}",
	}},
	"aws_s3_access_point": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:s3:{region}:{account}:accesspoint/{name}", "name": "{name}",
	}},
	"aws_api_gateway_rest_api": {attrs: map[string]string{
		"id":            "{name}",
		"arn":           "arn:{partition}:apigateway:{region}::/restapis/{name}",
		"execution_arn": "arn:{partition}:execute-api:{region}:{account}:{name}",
	}},
	"aws_apigatewayv2_api": {attrs: map[string]string{
		"id":            "{name}",
		"arn":           "arn:{partition}:apigateway:{region}::/apis/{name}",
		"execution_arn": "arn:{partition}:execute-api:{region}:{account}:{name}",
	}},
	"aws_glue_catalog_database": {nameAttr: "name", attrs: map[string]string{
		"arn": "arn:{partition}:glue:{region}:{account}:database/{name}", "name": "{name}",
	}},
	"aws_ssm_parameter": {nameAttr: "name", attrs: map[string]string{
		"name": "{name}",
	}},
}

func computedAttrNames(b *block) []string {
	spec, ok := computedSpecs[b.typ]
	if !ok {
		return nil
	}
	out := make([]string, 0, len(spec.attrs))
	for name := range spec.attrs {
		out = append(out, name)
	}
	if b.typ == "aws_lambda_function" {
		out = append(out, "qualified_arn")
	}
	slices.Sort(out)
	return out
}

// computedAttr resolves an identifying attribute of a declared resource.
// ok is false when the loader has no rule for it (then a configured
// argument reads as configured, and anything else is known only after
// apply).
func computedAttr(sc *scope, b *block, k instKey, name string) (cty.Value, bool) {
	spec, ok := computedSpecs[b.typ]
	if !ok {
		return cty.NilVal, false
	}
	m := sc.inst
	if b.typ == "aws_lambda_function" && name == "qualified_arn" {
		arn := expandTemplate(sc, b, k, spec, spec.attrs["arn"])
		publish := cty.False
		if a, ok := configuredAttr(b.body, "publish"); ok {
			publish = sc.eval(a.Expr)
		}
		pv, marks := publish.UnmarkDeep()
		switch {
		case !pv.IsKnown():
			return unknownOf(cty.String, joinReasons(reasonsOf(marks))), true
		case pv.Type() == cty.Bool && !pv.IsNull() && pv.True():
			return unknownOf(cty.String, m.blockAddr(b, k)+".qualified_arn is known only after apply (a published version)"), true
		}
		return concatStr(arn, cty.StringVal(":$LATEST")), true
	}
	tmpl, ok := spec.attrs[name]
	if !ok {
		return cty.NilVal, false
	}
	return expandTemplate(sc, b, k, spec, tmpl), true
}

func concatStr(a, b cty.Value) cty.Value {
	ua, ma := a.Unmark()
	ub, mb := b.Unmark()
	if !ua.IsKnown() || !ub.IsKnown() {
		return cty.UnknownVal(cty.String).WithMarks(ma, mb)
	}
	return cty.StringVal(ua.AsString()+ub.AsString()).WithMarks(ma, mb)
}

// expandTemplate fills a computed-attribute template.
func expandTemplate(sc *scope, b *block, k instKey, spec computedSpec, tmpl string) cty.Value {
	m := sc.inst
	ls := m.ev.ls
	var marks []cty.ValueMarks
	unknown := false
	get := func(attr string, fallback cty.Value) string {
		v := fallback
		if a, ok := configuredAttr(b.body, attr); ok {
			v = sc.eval(a.Expr)
		}
		uv, mk := v.UnmarkDeep()
		marks = append(marks, mk)
		if !uv.IsKnown() {
			unknown = true
			return ""
		}
		if uv.IsNull() {
			uv, mk = fallback.UnmarkDeep()
			marks = append(marks, mk)
			if uv.IsNull() || !uv.IsKnown() {
				unknown = !uv.IsKnown()
				return ""
			}
		}
		if uv.Type() != cty.String {
			return ""
		}
		return uv.AsString()
	}
	placeholder := cty.StringVal(m.blockAddr(b, k)).Mark(placeholderMark{})
	var out strings.Builder
	rest := tmpl
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			out.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			out.WriteString(rest)
			break
		}
		out.WriteString(rest[:i])
		token := rest[i+1 : i+j]
		rest = rest[i+j+1:]
		switch token {
		case "partition":
			out.WriteString(ls.partition)
		case "region":
			out.WriteString(m.region(b.provider))
		case "account":
			out.WriteString(ls.account)
		case "dns":
			out.WriteString(dnsSuffix(ls.partition))
		case "path":
			out.WriteString(get("path", cty.StringVal("/")))
		case "urlhost":
			out.WriteString(strings.TrimPrefix(get(spec.nameAttr, placeholder), "https://"))
		case "name":
			if spec.nameAttr == "" {
				out.WriteString(get("", placeholder))
			} else {
				out.WriteString(get(spec.nameAttr, placeholder))
			}
		default:
			out.WriteString(get(token, cty.NullVal(cty.String)))
		}
	}
	if unknown {
		rs := []string{}
		for _, mk := range marks {
			rs = append(rs, reasonsOf(mk)...)
		}
		if len(rs) == 0 {
			rs = append(rs, m.blockAddr(b, k)+" is unknown")
		}
		return unknownOf(cty.String, joinReasons(rs))
	}
	return cty.StringVal(out.String()).WithMarks(marks...)
}

func dnsSuffix(partition string) string {
	switch partition {
	case "aws-cn":
		return "amazonaws.com.cn"
	case "aws-iso":
		return "c2s.ic.gov"
	case "aws-iso-b":
		return "sc2s.sgov.gov"
	default:
		return "amazonaws.com"
	}
}

// dataAttr resolves an attribute of a data source instance.
func (m *modInst) dataAttr(b *block, is *instSet, k instKey, name string) cty.Value {
	sc := m.blockScope(is, k)
	if f := dataSourceFor(b.typ); f != nil {
		if v, ok := f(sc, b, is, k, name); ok {
			return v
		}
	}
	if a, ok := configuredAttr(b.body, name); ok {
		return sc.eval(a.Expr)
	}
	return unknownBecause(m.prefix() + "data." + b.typ + "." + b.name + k.String() + " is read from AWS at plan time")
}

// dataSource resolves an attribute of a data source offline; ok is false
// when it cannot (then a configured argument reads as configured and
// anything else is read from AWS at plan time).
type dataSource func(sc *scope, b *block, is *instSet, k instKey, name string) (cty.Value, bool)

// dataSourceFor returns the offline resolver of a data source type, nil
// for types read from AWS.
func dataSourceFor(typ string) dataSource {
	switch typ {
	case "aws_caller_identity":
		return callerIdentity
	case "aws_partition":
		return partitionData
	case "aws_region":
		return regionData
	case "aws_iam_policy_document":
		return policyDocumentData
	case "aws_service_principal":
		return servicePrincipal
	case "aws_arn":
		return arnData
	case "aws_iam_session_context":
		return sessionContext
	case "aws_canonical_user_id":
		return canonicalUser
	}
	return nil
}

// sessionContext: for an ARN that is not an assumed-role session the
// provider returns it unchanged (issuer_arn = arn) without a request; a
// session's issuer needs IAM and stays read from AWS.
func sessionContext(sc *scope, b *block, _ *instSet, _ instKey, name string) (cty.Value, bool) {
	a, ok := configuredAttr(b.body, "arn")
	if !ok || (name != "issuer_arn" && name != "id") {
		return cty.NilVal, false
	}
	v := sc.eval(a.Expr)
	uv, marks := v.UnmarkDeep()
	if !uv.IsKnown() {
		return unknownOf(cty.String, joinReasons(reasonsOf(marks))), true
	}
	if uv.IsNull() || uv.Type() != cty.String {
		return cty.NilVal, false
	}
	if arn, ok := policy.ParseARN(uv.AsString()); ok && arn.Service == "sts" {
		return cty.NilVal, false
	}
	return v, true
}

// canonicalUser: the S3 canonical user ID of the account the configuration
// deploys to, which S3 ACLs name as the owner (loaders.OwnCanonicalUser).
func canonicalUser(_ *scope, _ *block, _ *instSet, _ instKey, name string) (cty.Value, bool) {
	if name == "id" {
		return cty.StringVal(loaders.OwnCanonicalUser), true
	}
	return cty.NilVal, false
}

func callerIdentity(sc *scope, _ *block, _ *instSet, _ instKey, name string) (cty.Value, bool) {
	ls := sc.inst.ev.ls
	switch name {
	case "account_id", "id":
		return cty.StringVal(ls.account), true
	case "arn":
		return cty.StringVal("arn:" + ls.partition + ":iam::" + ls.account + ":root"), true
	}
	return cty.NilVal, false
}

func partitionData(sc *scope, _ *block, _ *instSet, _ instKey, name string) (cty.Value, bool) {
	ls := sc.inst.ev.ls
	switch name {
	case "partition", "id":
		return cty.StringVal(ls.partition), true
	case "dns_suffix":
		return cty.StringVal(dnsSuffix(ls.partition)), true
	case "reverse_dns_prefix":
		parts := strings.Split(dnsSuffix(ls.partition), ".")
		slices.Reverse(parts)
		return cty.StringVal(strings.Join(parts, ".")), true
	}
	return cty.NilVal, false
}

func regionData(sc *scope, b *block, _ *instSet, _ instKey, name string) (cty.Value, bool) {
	switch name {
	case "name", "id", "region":
	default:
		return cty.NilVal, false
	}
	for _, arg := range []string{"region", "name"} {
		if a, ok := configuredAttr(b.body, arg); ok {
			// region = var.region with a null default means the
			// provider's region, as the provider reads it.
			if v := sc.eval(a.Expr); !v.IsKnown() || !v.IsNull() {
				return v, true
			}
		}
	}
	return cty.StringVal(sc.inst.region(b.provider)), true
}

func policyDocumentData(sc *scope, b *block, is *instSet, k instKey, name string) (cty.Value, bool) {
	switch name {
	case "json":
		return sc.inst.policyDoc(b, is, k).json, true
	case "minified_json":
		return sc.inst.policyDoc(b, is, k).minified, true
	}
	return cty.NilVal, false
}

// servicePrincipal: the provider builds the name from the service and the
// partition; no request is made.
func servicePrincipal(sc *scope, b *block, _ *instSet, _ instKey, name string) (cty.Value, bool) {
	suffix := dnsSuffix(sc.inst.ev.ls.partition)
	if name == "suffix" {
		return cty.StringVal(suffix), true
	}
	a, ok := configuredAttr(b.body, "service_name")
	if !ok || (name != "name" && name != "id") {
		return cty.NilVal, false
	}
	v, marks := sc.eval(a.Expr).UnmarkDeep()
	switch {
	case !v.IsKnown():
		return unknownOf(cty.String, joinReasons(reasonsOf(marks))), true
	case v.IsNull() || v.Type() != cty.String:
		return cty.NilVal, false
	}
	return cty.StringVal(v.AsString() + "." + suffix).WithMarks(marks), true
}

func arnData(sc *scope, b *block, _ *instSet, _ instKey, name string) (cty.Value, bool) {
	a, ok := configuredAttr(b.body, "arn")
	if !ok {
		return cty.NilVal, false
	}
	uv, marks := sc.eval(a.Expr).UnmarkDeep()
	if !uv.IsKnown() {
		return unknownOf(cty.String, joinReasons(reasonsOf(marks))), true
	}
	if uv.IsNull() || uv.Type() != cty.String {
		return cty.NilVal, false
	}
	arn, ok := policy.ParseARN(uv.AsString())
	if !ok {
		return cty.NilVal, false
	}
	parts := map[string]string{
		"partition": arn.Partition, "service": arn.Service, "region": arn.Region,
		"account": arn.Account, "resource": arn.Resource, "id": uv.AsString(), "arn": uv.AsString(),
	}
	if s, ok := parts[name]; ok {
		return cty.StringVal(s).WithMarks(marks), true
	}
	return cty.NilVal, false
}
