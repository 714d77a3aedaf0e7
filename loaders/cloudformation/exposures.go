package cloudformation

import (
	"fmt"
	"slices"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// The builders of types.go's table that synthesise documents or settings
// (docs/resource-types.md, CloudFormation columns).

// bucketACL turns an AWS::S3::Bucket's AccessControl canned ACL into the
// grants it stands for.
func (e *evaluator) bucketACL(res *resource, props policy.Value) []loaders.Document {
	raw, ok := field(props, "AccessControl")
	if !ok {
		return nil
	}
	v, present := e.eval(raw, 1)
	if !present {
		return nil
	}
	grants, ok := loaders.CannedACL(v)
	if !ok {
		e.diags.warnf(raw.Range, "AccessControl %q of %s is not a canned ACL S3 knows; AWS would reject it", v.Str, res.id)
		return nil
	}
	if len(grants) == 0 {
		return nil
	}
	doc := loaders.ACLDocument(grants, nil, e.opts.OwnAccount, e.partition(), raw.Range)
	return []loaders.Document{{Attribute: "AccessControl", Synthetic: true, Range: raw.Range, Policy: doc}}
}

// publicAccessBlock reads a PublicAccessBlockConfiguration property.
func (e *evaluator) publicAccessBlock(res *resource, props policy.Value) loaders.PublicAccessBlock {
	raw, ok := field(props, "PublicAccessBlockConfiguration")
	if !ok {
		return loaders.PublicAccessBlock{}
	}
	v, present := e.eval(raw, 1)
	if !present {
		return loaders.PublicAccessBlock{}
	}
	flag := func(name string) loaders.Flag {
		setBy := fmt.Sprintf("%s.PublicAccessBlockConfiguration.%s", res.id, name)
		if v.Kind == policy.Unknown {
			return loaders.Flag{State: loaders.FlagUnknown, Reason: v.Reason, SetBy: setBy}
		}
		fv, ok := field(v, name)
		if !ok {
			return loaders.Flag{State: loaders.FlagOff, SetBy: setBy}
		}
		return loaders.FlagOf(fv, setBy)
	}
	return loaders.PublicAccessBlock{
		BlockPublicACLs:       flag("BlockPublicAcls"),
		IgnorePublicACLs:      flag("IgnorePublicAcls"),
		BlockPublicPolicy:     flag("BlockPublicPolicy"),
		RestrictPublicBuckets: flag("RestrictPublicBuckets"),
	}
}

// aclsDisabled reads OwnershipControls: ObjectOwnership BucketOwnerEnforced
// disables ACLs.
func (e *evaluator) aclsDisabled(res *resource, props policy.Value) loaders.Flag {
	raw, ok := field(props, "OwnershipControls")
	if !ok {
		return loaders.Flag{}
	}
	setBy := res.id + ".OwnershipControls"
	v, present := e.eval(raw, 1)
	if !present {
		return loaders.Flag{}
	}
	if v.Kind == policy.Unknown {
		return loaders.Flag{State: loaders.FlagUnknown, Reason: v.Reason, SetBy: setBy}
	}
	rules, _ := field(v, "Rules")
	out := loaders.Flag{State: loaders.FlagOff, SetBy: setBy}
	for _, r := range rules.Items {
		o, ok := field(r, "ObjectOwnership")
		switch {
		case !ok:
		case o.Kind == policy.Unknown:
			out = loaders.Flag{State: loaders.FlagUnknown, Reason: o.Reason, SetBy: setBy}
		case o.Str == "BucketOwnerEnforced":
			return loaders.Flag{State: loaders.FlagOn, SetBy: setBy}
		}
	}
	return out
}

// s3Settings renders S3 settings, leaving out what no level sets.
func s3Settings(pab loaders.PublicAccessBlock, acls loaders.Flag) map[string]any {
	var s map[string]any
	if !pab.IsZero() {
		s = map[string]any{loaders.SettingPublicAccessBlock: pab.Setting()}
	}
	if acls.State != "" {
		if s == nil {
			s = map[string]any{}
		}
		s[loaders.SettingACLsDisabled] = acls.Setting()
	}
	return s
}

func (e *evaluator) bucketSettings(res *resource, props policy.Value, _ target) map[string]any {
	return s3Settings(e.publicAccessBlock(res, props), e.aclsDisabled(res, props))
}

// templateResource returns the resource of the template a target names,
// when it has one of the types.
func (e *evaluator) templateResource(t target, types ...string) (*resource, bool) {
	if t.id == "" {
		return nil, false
	}
	r, ok := e.t.resources[t.id]
	if !ok || !slices.Contains(types, r.typ) {
		return nil, false
	}
	return r, true
}

// bucketPolicySettings: a bucket policy is subject to its bucket's Block
// Public Access, when the bucket is declared in the template.
func (e *evaluator) bucketPolicySettings(_ *resource, _ policy.Value, t target) map[string]any {
	b, ok := e.templateResource(t, "AWS::S3::Bucket")
	if !ok {
		return nil
	}
	return s3Settings(e.publicAccessBlock(b, e.props(b, 1)), loaders.Flag{})
}

// accessPointSettings: an access point is subject to its own Block Public
// Access and its bucket's; a VpcConfiguration makes it VPC-only.
func (e *evaluator) accessPointSettings(res *resource, props policy.Value, _ target) map[string]any {
	pab := e.publicAccessBlock(res, props)
	if _, ok := field(props, "PublicAccessBlockConfiguration"); !ok {
		// S3 turns every Block Public Access setting on for an access point
		// created without them, and they cannot be changed afterwards (S3
		// User Guide, "Managing public access to access points").
		pab = loaders.AllOn(res.id + " (access point default)")
	}
	if raw, ok := field(props, "Bucket"); ok {
		if id := e.refTarget(raw, 0); id != "" {
			if b, ok := e.templateResource(target{id: id}, "AWS::S3::Bucket"); ok {
				pab = loaders.CombinePublicAccessBlocks(pab, e.publicAccessBlock(b, e.props(b, 1)))
			}
		}
	}
	s := s3Settings(pab, loaders.Flag{})
	if raw, ok := field(props, "VpcConfiguration"); ok {
		if v, present := e.eval(raw, 1); present {
			vpc, hasVPC := field(v, "VpcId")
			if v.Kind == policy.Unknown || hasVPC {
				f := loaders.Flag{State: loaders.FlagOn, SetBy: res.id + ".VpcConfiguration"}
				if vpc.Kind == policy.String {
					f.Value = vpc.Str
				}
				if s == nil {
					s = map[string]any{}
				}
				s[loaders.SettingVPCOnly] = f.Setting()
			}
		}
	}
	return s
}

// mrapSettings: a Multi-Region Access Point policy is subject to the
// access point's Block Public Access, when it is declared in the template.
func (e *evaluator) mrapSettings(_ *resource, _ policy.Value, t target) map[string]any {
	m, ok := e.templateResource(t, "AWS::S3::MultiRegionAccessPoint")
	if !ok {
		return nil
	}
	return s3Settings(e.publicAccessBlock(m, e.props(m, 1)), loaders.Flag{})
}

// directoryBucketSettings: S3 turns every Block Public Access setting on
// for directory buckets, and they cannot be turned off.
func directoryBucketSettings(*evaluator, *resource, policy.Value, target) map[string]any {
	return s3Settings(loaders.AllOn("S3 directory buckets (Block Public Access is always on)"), loaders.Flag{})
}

func secretSettings(e *evaluator, res *resource, props policy.Value, _ target) map[string]any {
	raw, ok := field(props, "BlockPublicPolicy")
	if !ok {
		return nil
	}
	v, _ := e.eval(raw, 1)
	return map[string]any{loaders.SettingBlockPublicPolicy: loaders.FlagOf(v, res.id+".BlockPublicPolicy").Setting()}
}

// ramSettings: AllowExternalPrincipals defaults to true.
func ramSettings(e *evaluator, res *resource, props policy.Value, _ target) map[string]any {
	f := loaders.Flag{State: loaders.FlagOn, SetBy: res.id + " (AllowExternalPrincipals defaults to true)"}
	if raw, ok := field(props, "AllowExternalPrincipals"); ok {
		if v, present := e.eval(raw, 1); present {
			f = loaders.FlagOf(v, res.id+".AllowExternalPrincipals")
		}
	}
	return map[string]any{loaders.SettingAllowExternalPrincipals: f.Setting()}
}

// listItems evaluates a list property: its items, or one Unknown item when
// the list itself cannot be resolved.
func (e *evaluator) listItems(raw policy.Value) []policy.Value {
	v, present := e.eval(raw, 1)
	switch {
	case !present:
		return nil
	case v.Kind == policy.List:
		return v.Items
	case v.Kind == policy.Unknown, v.IsScalar():
		return []policy.Value{v}
	}
	return []policy.Value{unknown(fmt.Sprintf("expected a list, found a %s", v.Kind), v.Range)}
}

// ramShare: every principal of a RAM share may use its resources. The
// actions are every action of the shared resources' services (the managed
// permissions, PermissionArns, are not read).
func (e *evaluator) ramShare(res *resource, props policy.Value) []loaders.Document {
	raw, ok := field(props, "Principals")
	if !ok {
		return nil
	}
	grantees := e.listItems(raw)
	if len(grantees) == 0 {
		return nil
	}
	arns, ok := field(props, "ResourceArns")
	if !ok {
		return nil // nothing is shared yet
	}
	var actions []policy.Value
	seen := map[string]bool{}
	for _, a := range e.listItems(arns) {
		switch a.Kind {
		case policy.Unknown:
			actions = append(actions, unknown("the shared resource is unknown: "+a.Reason, a.Range))
		case policy.String:
			service := "*"
			if arn, ok := policy.ParseARN(a.Str); ok && arn.Service != "" {
				service = arn.Service
			}
			if !seen[service] {
				seen[service] = true
				actions = append(actions, str(service+":*", a.Range))
			}
		case policy.Null, policy.Number, policy.Bool, policy.List, policy.Object:
		}
	}
	if len(actions) == 0 {
		return nil
	}
	return []loaders.Document{{Attribute: "Principals", Synthetic: true, Range: raw.Range, Policy: loaders.SharingDocumentOf(grantees, actions, res.rng)}}
}

// endpointServicePrincipals: each allowed principal may create an
// interface endpoint to the service.
func (e *evaluator) endpointServicePrincipals(res *resource, props policy.Value) []loaders.Document {
	raw, ok := field(props, "AllowedPrincipals")
	if !ok {
		return nil
	}
	grantees := e.listItems(raw)
	if len(grantees) == 0 {
		return nil
	}
	doc := loaders.SharingDocument(grantees, []string{"ec2:CreateVpcEndpoint"}, res.rng)
	return []loaders.Document{{Attribute: "AllowedPrincipals", Synthetic: true, Range: raw.Range, Policy: doc}}
}

// ecrReplication: replicating to another account's registry copies every
// image there.
func (e *evaluator) ecrReplication(res *resource, props policy.Value) []loaders.Document {
	raw, ok := field(props, "ReplicationConfiguration")
	if !ok {
		return nil
	}
	v, present := e.eval(raw, 1)
	if !present {
		return nil
	}
	var grantees []policy.Value
	if v.Kind == policy.Unknown {
		grantees = append(grantees, v)
	}
	rules, _ := field(v, "Rules")
	for _, r := range rules.Items {
		dests, _ := field(r, "Destinations")
		for _, d := range dests.Items {
			if id, ok := field(d, "RegistryId"); ok {
				grantees = append(grantees, id)
			}
		}
	}
	if len(grantees) == 0 {
		return nil
	}
	doc := loaders.SharingDocument(grantees, []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, res.rng)
	return []loaders.Document{{Attribute: "ReplicationConfiguration", Synthetic: true, Range: raw.Range, Policy: doc}}
}

// lambdaURL: a function URL with AuthType NONE lets anyone invoke it.
func (e *evaluator) lambdaURL(_ *resource, props policy.Value) []loaders.Document {
	if d, ok := e.functionURL(props, "AuthType"); ok {
		return []loaders.Document{d}
	}
	return nil
}

// eventBusPolicy reads an AWS::Events::EventBusPolicy: a Statement as
// written, or the legacy Principal/Action/Condition properties.
func (e *evaluator) eventBusPolicy(res *resource, props policy.Value) []loaders.Document {
	if raw, ok := field(props, "Statement"); ok {
		return e.eventBusStatement(raw)
	}
	pr, ok := field(props, "Principal")
	if !ok {
		e.diags.warnf(res.declRange, "AWS::Events::EventBusPolicy %s has neither Statement nor Principal; it grants nothing", res.id)
		return nil
	}
	principal, present := e.eval(pr, 1)
	if !present {
		return nil
	}
	g := loaders.Grant{Principals: []policy.Value{principal}, Range: res.rng}
	if raw, ok := field(props, "Action"); ok {
		if v, present := e.eval(raw, 1); present {
			g.Actions = append(g.Actions, v)
		}
	}
	if len(g.Actions) == 0 {
		g.Actions = append(g.Actions, str("events:PutEvents", pr.Range))
	}
	if raw, ok := field(props, "Condition"); ok {
		if c, present := e.eval(raw, 1); present {
			g.Conditions = append(g.Conditions, eventBusCondition(c)...)
		}
	}
	return []loaders.Document{{Attribute: "Principal", Synthetic: true, Range: pr.Range, Policy: g.Document()}}
}

// eventBusStatement wraps the one statement of an EventBusPolicy in a
// policy document.
func (e *evaluator) eventBusStatement(raw policy.Value) []loaders.Document {
	v, present := e.eval(raw, 1)
	if !present {
		return nil
	}
	if v.Kind == policy.String {
		if parsed, ok := e.embeddedJSON(raw, v); ok {
			v = parsed
		}
	}
	r := raw.Range
	doc := v
	if v.Kind != policy.Unknown {
		doc = policy.Value{Kind: policy.Object, Range: r, Fields: []policy.Field{
			{Key: "Version", KeyRange: r, Value: str("2012-10-17", r)},
			{Key: "Statement", KeyRange: r, Value: policy.Value{Kind: policy.List, Range: r, Items: []policy.Value{v}}},
		}}
	}
	return []loaders.Document{{Attribute: "Statement", Range: r, Policy: policy.Parse(doc)}}
}

// eventBusCondition reads the legacy Condition {Type, Key, Value}, which
// EventBridge accepts only as StringEquals aws:PrincipalOrgID.
func eventBusCondition(c policy.Value) []loaders.GrantCondition {
	op, key := "StringEquals", "aws:PrincipalOrgID"
	if c.Kind == policy.Unknown {
		return []loaders.GrantCondition{{Operator: op, Key: key, Values: []policy.Value{c}}}
	}
	val, ok := field(c, "Value")
	if !ok {
		return nil
	}
	if typ, _ := field(c, "Type"); typ.Kind == policy.String && typ.Str != "" {
		op = typ.Str
	}
	if k, _ := field(c, "Key"); k.Kind == policy.String && k.Str != "" {
		key = k.Str
	}
	return []loaders.GrantCondition{{Operator: op, Key: key, Values: []policy.Value{val}}}
}

// globalTable: each replica of an AWS::DynamoDB::GlobalTable has its own
// table and stream policies; each is a resource named by its region.
func (e *evaluator) globalTable(res *resource, props policy.Value) []loaders.Resource {
	raw, ok := field(props, "Replicas")
	if !ok {
		return nil
	}
	if _, _, isFn := intrinsic(raw); isFn {
		raw, _ = e.eval(raw, 1)
	}
	name := res.id
	if n, ok := e.physicalName(res, 1); ok {
		name = n
	}
	var out []loaders.Resource
	for i, rep := range raw.Items {
		if _, _, isFn := intrinsic(rep); isFn {
			v, present := e.eval(rep, 1)
			if !present {
				continue
			}
			rep = v
		}
		region := fmt.Sprintf("replica %d", i)
		if rv, ok := field(rep, "Region"); ok {
			if v, _ := e.eval(rv, 1); v.Kind == policy.String {
				region = v.Str
			}
		}
		for _, pp := range []policyProp{
			{path: "ResourcePolicy.PolicyDocument", kind: loaders.KindDynamoDBTable},
			{path: "ReplicaStreamSpecification.ResourcePolicy.PolicyDocument", kind: loaders.KindDynamoDBStream},
		} {
			praw, ok := e.lookup(rep, pp.path)
			if !ok {
				continue
			}
			v, present := e.eval(praw, 1)
			if !present {
				continue
			}
			targetName := fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", e.partition(), region, e.opts.OwnAccount, name)
			if pp.kind == loaders.KindDynamoDBStream {
				targetName += "/stream/*"
			}
			out = append(out, loaders.Resource{
				Type: res.typ, Kind: pp.kind, Address: res.id,
				Target: fmt.Sprintf("%s[%q]", res.id, region), TargetName: targetName,
				Source: loaders.SourceCloudFormation, Range: res.rng, DeclRange: res.declRange,
				Documents: []loaders.Document{{Attribute: fmt.Sprintf("Replicas[%d].%s", i, pp.path), Range: praw.Range, Policy: e.parsePolicy(praw, v)}},
			})
		}
	}
	return out
}
