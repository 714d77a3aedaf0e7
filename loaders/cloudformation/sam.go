package cloudformation

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// samTransform is the transform that makes a template a SAM template.
const samTransform = "AWS::Serverless-2016-10-31"

// samEvent says which Lambda permission SAM creates for an event source.
type samEvent struct {
	principal string
	// sourceArn builds the aws:SourceArn condition from the event's
	// properties ("" for none).
	sourceArn     func(e *evaluator, fn *resource, event string, props policy.Value, r loaders.Range) (policy.Value, bool)
	sourceAccount bool
	tokenProp     string // property that becomes lambda:EventSourceToken
}

// samEvents lists the push event sources; poll-based ones (SQS, Kinesis,
// DynamoDB, MSK, MQ, SelfManagedKafka, DocumentDB) use the function's role,
// not a resource policy, and ScheduleV2 uses a scheduler role.
var samEvents = map[string]samEvent{
	"Api":             {principal: "apigateway.amazonaws.com", sourceArn: apiSourceArn("RestApiId", "ServerlessRestApi")},
	"HttpApi":         {principal: "apigateway.amazonaws.com", sourceArn: apiSourceArn("ApiId", "ServerlessHttpApi")},
	"S3":              {principal: "s3.amazonaws.com", sourceAccount: true},
	"SNS":             {principal: "sns.amazonaws.com", sourceArn: propArn("Topic")},
	"EventBridgeRule": {principal: "events.amazonaws.com", sourceArn: ruleArn("RuleName")},
	"CloudWatchEvent": {principal: "events.amazonaws.com", sourceArn: ruleArn("RuleName")},
	"Schedule":        {principal: "events.amazonaws.com", sourceArn: ruleArn("Name")},
	"CloudWatchLogs":  {principal: "logs.amazonaws.com", sourceArn: logGroupArn},
	"IoTRule":         {principal: "iot.amazonaws.com", sourceAccount: true, sourceArn: iotRuleArn},
	"AlexaSkill":      {principal: "alexa-appkit.amazon.com", tokenProp: "SkillId"},
	"Cognito":         {principal: "cognito-idp.amazonaws.com", sourceArn: userPoolArn},
}

// apiSourceArn builds the SourceArn SAM gives an Api or HttpApi event:
// ${ApiId}/*/METHOD/path, every stage. As SAM does, ANY is "*", a trailing
// slash is dropped and path parameters ({id}, {proxy+}) become "*"; an
// HttpApi event without Path and Method is the $default route, ${ApiId}/*/*.
func apiSourceArn(idProp, implicit string) func(*evaluator, *resource, string, policy.Value, loaders.Range) (policy.Value, bool) {
	return func(e *evaluator, _ *resource, _ string, props policy.Value, r loaders.Range) (policy.Value, bool) {
		api := str(implicit, r)
		if raw, ok := field(props, idProp); ok {
			api, _ = e.eval(raw, 2)
		}
		if api.Kind == policy.Unknown {
			return unknown(api.Reason, r), true
		}
		method, path := "*", "/*"
		m, hasMethod := field(props, "Method")
		if hasMethod {
			if v, _ := e.eval(m, 2); v.Kind == policy.String && !strings.EqualFold(v.Str, "any") && !strings.EqualFold(v.Str, samAnyMethod) {
				method = strings.ToUpper(v.Str)
			}
		}
		p, hasPath := field(props, "Path")
		if hasPath {
			if v, _ := e.eval(p, 2); v.Kind == policy.String {
				path = samAPIPath(v.Str)
			}
		}
		if !hasMethod && !hasPath && implicit == "ServerlessHttpApi" {
			path = ""
		}
		return str(fmt.Sprintf("arn:%s:execute-api:%s:%s:%s/*/%s%s", e.partition(), e.region(), e.opts.OwnAccount, api.Str, method, path), r), true
	}
}

// samAnyMethod is the OpenAPI extension SAM accepts for ANY.
const samAnyMethod = "x-amazon-apigateway-any-method"

var samPathParam = regexp.MustCompile(`{([a-zA-Z0-9._-]+|proxy\+)}`)

// samAPIPath is an event's Path as SAM writes it into the SourceArn.
func samAPIPath(p string) string {
	if p == "$default" {
		return ""
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	p = samPathParam.ReplaceAllString(p, "*")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

func propArn(prop string) func(*evaluator, *resource, string, policy.Value, loaders.Range) (policy.Value, bool) {
	return func(e *evaluator, _ *resource, _ string, props policy.Value, _ loaders.Range) (policy.Value, bool) {
		raw, ok := field(props, prop)
		if !ok {
			return policy.Value{}, false
		}
		return e.eval(raw, 2)
	}
}

// ruleArn is the ARN of the rule SAM creates for an event, named by the
// event's nameProp (Schedule: Name; EventBridgeRule and CloudWatchEvent:
// RuleName) or, without it, after the function and the event.
func ruleArn(nameProp string) func(*evaluator, *resource, string, policy.Value, loaders.Range) (policy.Value, bool) {
	return func(e *evaluator, fn *resource, event string, props policy.Value, r loaders.Range) (policy.Value, bool) {
		name := fn.id + event
		if raw, ok := field(props, nameProp); ok {
			v, _ := e.eval(raw, 2)
			if v.Kind == policy.Unknown {
				return unknown(v.Reason, r), true
			}
			name = v.Str
		}
		bus := ""
		if raw, ok := field(props, "EventBusName"); ok {
			if v, _ := e.eval(raw, 2); v.Kind == policy.String && v.Str != "default" {
				bus = v.Str + "/"
			}
		}
		return str(fmt.Sprintf("arn:%s:events:%s:%s:rule/%s%s", e.partition(), e.region(), e.opts.OwnAccount, bus, name), r), true
	}
}

func logGroupArn(e *evaluator, _ *resource, _ string, props policy.Value, r loaders.Range) (policy.Value, bool) {
	raw, ok := field(props, "LogGroupName")
	if !ok {
		return policy.Value{}, false
	}
	v, _ := e.eval(raw, 2)
	if v.Kind != policy.String {
		return withRange(v, r), true
	}
	return str(fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s:*", e.partition(), e.region(), e.opts.OwnAccount, v.Str), r), true
}

func iotRuleArn(e *evaluator, fn *resource, event string, _ policy.Value, r loaders.Range) (policy.Value, bool) {
	return str(fmt.Sprintf("arn:%s:iot:%s:%s:rule/%s%s", e.partition(), e.region(), e.opts.OwnAccount, fn.id, event), r), true
}

func userPoolArn(e *evaluator, _ *resource, _ string, props policy.Value, r loaders.Range) (policy.Value, bool) {
	raw, ok := field(props, "UserPool")
	if !ok {
		return policy.Value{}, false
	}
	if id := e.refTarget(raw, 2); id != "" {
		return e.resourceAttr(e.t.resources[id], "Arn", r, 2), true
	}
	return e.eval(raw, 2)
}

// samFunction turns an AWS::Serverless::Function into the Lambda
// permissions SAM would create: one per push event source, and one for a
// function URL with AuthType NONE.
func (e *evaluator) samFunction(res *resource, props policy.Value) []loaders.Resource {
	name, _ := e.physicalName(res, 1)
	targetName := name
	if raw, ok := field(props, "AutoPublishAlias"); ok {
		if v, _ := e.eval(raw, 1); v.Kind == policy.String && name != "" {
			targetName = name + ":" + v.Str
		}
	}
	base := loaders.Resource{
		Type: res.typ, Kind: loaders.KindLambdaFunction, Target: res.id, TargetName: targetName,
		Source: loaders.SourceCloudFormation,
	}
	var out []loaders.Resource
	if events, ok := field(props, "Events"); ok && events.Kind == policy.Object {
		for _, ev := range events.Fields {
			typRaw, _ := field(ev.Value, "Type")
			spec, ok := samEvents[typRaw.Str]
			if !ok {
				continue
			}
			g := e.eventGrant(res, ev, typRaw, spec)
			r2 := base
			r2.Address = res.id + ev.Key + "Permission"
			r2.Range, r2.DeclRange = ev.Value.Range, ev.KeyRange
			r2.Documents = []loaders.Document{{Attribute: "Events." + ev.Key, Synthetic: true, Range: typRaw.Range, Policy: g.Document()}}
			out = append(out, r2)
		}
	}
	out = append(out, e.samEventPolicies(res, props)...)
	if url, ok := field(props, "FunctionUrlConfig"); ok {
		if d, ok := e.functionURL(url, "FunctionUrlConfig.AuthType"); ok {
			r2 := base
			r2.Address = res.id + "UrlPublicPermissions"
			r2.Range, r2.DeclRange = url.Range, res.declRange
			r2.Documents = []loaders.Document{d}
			out = append(out, r2)
		}
	}
	return out
}

// eventGrant builds the permission SAM creates for one event source.
func (e *evaluator) eventGrant(res *resource, ev policy.Field, typRaw policy.Value, spec samEvent) loaders.Grant {
	eprops, _ := field(ev.Value, "Properties")
	g := loaders.Grant{
		Principals: []policy.Value{str(spec.principal, typRaw.Range)},
		Actions:    []policy.Value{str("lambda:InvokeFunction", typRaw.Range)},
		Range:      ev.Value.Range,
	}
	if spec.sourceAccount {
		g.Conditions = append(g.Conditions, loaders.GrantCondition{Operator: "StringEquals", Key: "aws:SourceAccount", Values: []policy.Value{str(e.opts.OwnAccount, typRaw.Range)}})
	}
	if spec.sourceArn != nil {
		if v, ok := spec.sourceArn(e, res, ev.Key, eprops, typRaw.Range); ok {
			g.Conditions = append(g.Conditions, loaders.GrantCondition{Operator: "ArnLike", Key: "aws:SourceArn", Values: []policy.Value{v}})
		}
	}
	if spec.tokenProp != "" {
		if raw, ok := field(eprops, spec.tokenProp); ok {
			v, _ := e.eval(raw, 2)
			g.Conditions = append(g.Conditions, loaders.GrantCondition{Operator: "StringEquals", Key: "lambda:EventSourceToken", Values: []policy.Value{v}})
		}
	}
	return g
}

// functionURL: SAM adds a public permission for AuthType NONE only. An
// AuthType that cannot be resolved gives an unknown grantee.
func (e *evaluator) functionURL(url policy.Value, attribute string) (loaders.Document, bool) {
	raw, ok := field(url, "AuthType")
	if !ok {
		return loaders.Document{}, false
	}
	v, present := e.eval(raw, 1)
	if !present {
		return loaders.Document{}, false
	}
	principal := str("*", v.Range)
	switch {
	case v.Kind == policy.Unknown:
		principal = unknown(attribute+": "+v.Reason, v.Range)
	case v.Str != "NONE":
		return loaders.Document{}, false
	}
	g := loaders.Grant{
		Principals: []policy.Value{principal},
		Actions:    []policy.Value{str("lambda:InvokeFunctionUrl", v.Range)},
		Conditions: []loaders.GrantCondition{{Operator: "StringEquals", Key: "lambda:FunctionUrlAuthType", Values: []policy.Value{str("NONE", v.Range)}}},
		Range:      url.Range,
	}
	return loaders.Document{Attribute: attribute, Synthetic: true, Range: v.Range, Policy: g.Document()}, true
}

// samAPI turns an AWS::Serverless::Api's Auth.ResourcePolicy into the
// policy it amounts to: account lists name principals, IP and VPC lists
// narrow a grant to everyone, blacklists add denies, CustomStatements are
// kept as written.
// Its Policy (a policy document, as on AWS::ApiGateway::RestApi) and the
// x-amazon-apigateway-policy of its DefinitionBody are read as written.
func (e *evaluator) samAPI(res *resource, props policy.Value) []loaders.Resource {
	var docs []loaders.Document
	for _, path := range []string{"Policy", "DefinitionBody.x-amazon-apigateway-policy"} {
		if raw, ok := e.lookup(props, path); ok {
			if v, present := e.eval(raw, 1); present {
				docs = append(docs, loaders.Document{Attribute: path, Range: raw.Range, Policy: e.parsePolicy(raw, v)})
			}
		}
	}
	auth, _ := field(props, "Auth")
	if d, ok := e.samResourcePolicy(auth, "Auth.ResourcePolicy"); ok {
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return nil
	}
	return []loaders.Resource{{
		Type: res.typ, Kind: loaders.KindAPIGatewayRestAPI, Address: res.id, Target: res.id,
		Source: loaders.SourceCloudFormation, Range: res.rng, DeclRange: res.declRange,
		Documents: docs,
	}}
}

// samResourcePolicy reads the ResourcePolicy of an Auth mapping (of an
// AWS::Serverless::Api or of an Api event) as the document it amounts to.
func (e *evaluator) samResourcePolicy(auth policy.Value, attribute string) (loaders.Document, bool) {
	raw, ok := field(auth, "ResourcePolicy")
	if !ok {
		return loaders.Document{}, false
	}
	rp, present := e.eval(raw, 1)
	if !present {
		return loaders.Document{}, false
	}
	doc := e.resourcePolicyDocument(rp)
	return loaders.Document{Attribute: attribute, Synthetic: true, Range: raw.Range, Policy: policy.Parse(doc)}, true
}

// samEventPolicies gives the API resource policies that the Api events of a
// function or state machine add (Events.X.Properties.Auth.ResourcePolicy):
// SAM merges them into the policy of the event's API (RestApiId, or the
// implicit ServerlessRestApi). Each is a resource of its own, at the event.
func (e *evaluator) samEventPolicies(res *resource, props policy.Value) []loaders.Resource {
	events, ok := field(props, "Events")
	if !ok || events.Kind != policy.Object {
		return nil
	}
	var out []loaders.Resource
	for _, ev := range events.Fields {
		typ, _ := field(ev.Value, "Type")
		if typ.Str != "Api" {
			continue
		}
		eprops, _ := field(ev.Value, "Properties")
		auth, _ := field(eprops, "Auth")
		d, ok := e.samResourcePolicy(auth, "Events."+ev.Key+".Auth.ResourcePolicy")
		if !ok {
			continue
		}
		api := target{id: "ServerlessRestApi"}
		if raw, ok := field(eprops, "RestApiId"); ok {
			api = target{}
			if id := e.refTarget(raw, 1); id != "" {
				api.id = id
			} else if v, _ := e.eval(raw, 1); v.Kind == policy.String {
				if _, declared := e.t.resources[v.Str]; declared {
					api.id = v.Str
				} else {
					api.name = v.Str
				}
			}
		}
		out = append(out, loaders.Resource{
			Type: res.typ, Kind: loaders.KindAPIGatewayRestAPI, Address: res.id + ev.Key + "ResourcePolicy",
			Target: api.id, TargetName: api.name, Source: loaders.SourceCloudFormation,
			Range: ev.Value.Range, DeclRange: ev.KeyRange, Documents: []loaders.Document{d},
		})
	}
	return out
}

func (e *evaluator) resourcePolicyDocument(rp policy.Value) policy.Value {
	r := rp.Range
	if rp.Kind == policy.Unknown {
		return rp
	}
	stmt := func(effect string, principal policy.Value, cond *policy.Field) policy.Value {
		fields := []policy.Field{
			{Key: "Effect", KeyRange: r, Value: str(effect, r)},
			{Key: "Principal", KeyRange: r, Value: principal},
			{Key: "Action", KeyRange: r, Value: str("execute-api:Invoke", r)},
			{Key: "Resource", KeyRange: r, Value: str("execute-api:/*", r)},
		}
		if cond != nil {
			fields = append(fields, policy.Field{Key: "Condition", KeyRange: r, Value: policy.Value{Kind: policy.Object, Range: r, Fields: []policy.Field{*cond}}})
		}
		return policy.Value{Kind: policy.Object, Range: r, Fields: fields}
	}
	anyone := func(at loaders.Range) policy.Value { return str("*", at) }
	cond := func(op, key string, v policy.Value) *policy.Field {
		return &policy.Field{Key: op, KeyRange: v.Range, Value: policy.Value{Kind: policy.Object, Range: v.Range, Fields: []policy.Field{{Key: key, KeyRange: v.Range, Value: v}}}}
	}
	aws := func(v policy.Value) policy.Value {
		return policy.Value{Kind: policy.Object, Range: v.Range, Fields: []policy.Field{{Key: "AWS", KeyRange: v.Range, Value: v}}}
	}
	// The statements SAM writes (samtranslator/swagger add_resource_policy):
	// every IP and VPC list adds one Allow to everyone (written once) and a
	// Deny to everyone outside (whitelist) or inside (blacklist) the list.
	var statements []policy.Value
	allowedAnyone := false
	allowAnyone := func(at loaders.Range) {
		if !allowedAnyone {
			allowedAnyone = true
			statements = append(statements, stmt("Allow", anyone(at), nil))
		}
	}
	for _, f := range samPolicyOrder(rp.Fields) {
		v := f.Value
		switch f.Key {
		case "AwsAccountWhitelist":
			statements = append(statements, stmt("Allow", aws(v), nil))
		case "AwsAccountBlacklist":
			// SAM adds only the Deny: a blacklist grants nothing by itself.
			statements = append(statements, stmt("Deny", aws(v), nil))
		case "IpRangeWhitelist":
			allowAnyone(v.Range)
			statements = append(statements, stmt("Deny", anyone(v.Range), cond("NotIpAddress", "aws:SourceIp", v)))
		case "IpRangeBlacklist":
			allowAnyone(v.Range)
			statements = append(statements, stmt("Deny", anyone(v.Range), cond("IpAddress", "aws:SourceIp", v)))
		case "SourceVpcWhitelist", "IntrinsicVpcWhitelist", "IntrinsicVpceWhitelist":
			allowAnyone(v.Range)
			statements = append(statements, stmt("Deny", anyone(v.Range), cond("StringNotEquals", vpcKey(f.Key, v), v)))
		case "SourceVpcBlacklist", "IntrinsicVpcBlacklist", "IntrinsicVpceBlacklist":
			allowAnyone(v.Range)
			statements = append(statements, stmt("Deny", anyone(v.Range), cond("StringEquals", vpcKey(f.Key, v), v)))
		case "CustomStatements":
			if v.Kind == policy.List {
				statements = append(statements, v.Items...)
			} else {
				statements = append(statements, v)
			}
		default:
			e.diags.warnf(f.KeyRange, "Auth.ResourcePolicy.%s is not analysed", f.Key)
		}
	}
	return policy.Value{Kind: policy.Object, Range: r, Fields: []policy.Field{
		{Key: "Version", KeyRange: r, Value: str("2012-10-17", r)},
		{Key: "Statement", KeyRange: r, Value: policy.Value{Kind: policy.List, Range: r, Items: statements}},
	}}
}

// samPolicyKeys is the order in which SAM reads Auth.ResourcePolicy.
var samPolicyKeys = []string{
	"AwsAccountWhitelist", "AwsAccountBlacklist", "IpRangeWhitelist", "IpRangeBlacklist",
	"SourceVpcBlacklist", "IntrinsicVpcBlacklist", "IntrinsicVpceBlacklist",
	"SourceVpcWhitelist", "IntrinsicVpcWhitelist", "IntrinsicVpceWhitelist", "CustomStatements",
}

// samPolicyOrder sorts ResourcePolicy fields in SAM's order (so the one
// Allow to everyone is where SAM's first list is, whatever the order in the
// template or Globals); other keys follow as written.
func samPolicyOrder(fields []policy.Field) []policy.Field {
	out := make([]policy.Field, 0, len(fields))
	for _, k := range samPolicyKeys {
		for _, f := range fields {
			if f.Key == k {
				out = append(out, f)
			}
		}
	}
	for _, f := range fields {
		if !slices.Contains(samPolicyKeys, f.Key) {
			out = append(out, f)
		}
	}
	return out
}

// vpcKey: VPC endpoint IDs (vpce-) are matched by aws:SourceVpce, VPC IDs
// by aws:SourceVpc.
func vpcKey(prop string, v policy.Value) string {
	if strings.Contains(prop, "Vpce") {
		return "aws:SourceVpce"
	}
	items := []policy.Value{v}
	if v.Kind == policy.List {
		items = v.Items
	}
	for _, it := range items {
		if strings.HasPrefix(it.Str, "vpce-") {
			return "aws:SourceVpce"
		}
	}
	return "aws:SourceVpc"
}

// samApplication: a nested application from the Serverless Application
// Repository or S3 is remote; a local path is a nested stack.
func (e *evaluator) samApplication(res *resource, props policy.Value) {
	loc, ok := field(props, "Location")
	if ok && loc.Kind == policy.String && isLocalPath(loc.Str) {
		return // analysed as a nested stack
	}
	e.diags.warnf(res.declRange, "AWS::Serverless::Application %s is a remote application; it is not analysed", res.id)
}

// samImplicitRef resolves the names SAM generates: ServerlessRestApi,
// ServerlessHttpApi, <Function>Role, and Function.Alias/Function.Version.
func samImplicitRef(e *evaluator, name string, r loaders.Range) (policy.Value, bool) {
	switch name {
	case "ServerlessRestApi", "ServerlessHttpApi":
		return str(name, r), true
	}
	if id, sub, ok := strings.Cut(name, "."); ok {
		if res, ok := e.t.resources[id]; ok && strings.HasPrefix(res.typ, "AWS::Serverless::") {
			if res.typ == "AWS::Serverless::Function" && (sub == "Alias" || sub == "Version") {
				return str(e.resourceAttr(res, "Arn", r, 1).Str+":"+sub, r), true
			}
			return str(name, r), true
		}
	}
	if id, ok := strings.CutSuffix(name, "Role"); ok {
		if res, ok := e.t.resources[id]; ok && res.typ == "AWS::Serverless::Function" {
			return str(name, r), true
		}
	}
	return policy.Value{}, false
}

func samImplicitAttr(e *evaluator, id, attr string, r loaders.Range) (policy.Value, bool) {
	if fn, ok := strings.CutSuffix(id, "Role"); ok && attr == "Arn" {
		if res, ok := e.t.resources[fn]; ok && res.typ == "AWS::Serverless::Function" {
			return str(fmt.Sprintf("arn:%s:iam::%s:role/%s", e.partition(), e.opts.OwnAccount, id), r), true
		}
	}
	if id == "ServerlessRestApi" || id == "ServerlessHttpApi" {
		return unknown(fmt.Sprintf("%s.%s is known only after deploy", id, attr), r), true
	}
	return policy.Value{}, false
}
