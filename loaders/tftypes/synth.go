package tftypes

import (
	"fmt"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// The builders of types.go's table that synthesise documents from
// arguments that are not policies (docs/resource-types.md, Terraform
// column).

// cannedACL reads an S3 canned ACL argument into a synthetic document.
func (c *buildCtx) cannedACL(name string) []loaders.Document {
	a, ok := c.arg(name, false)
	if !ok || a.Value.Kind == policy.Null {
		return nil
	}
	grants, ok := loaders.CannedACL(a.Value)
	if !ok {
		c.diags.Warnf(a.Range, "%s %q of %s is not a canned ACL S3 knows; AWS would reject it", name, a.Value.Str, c.b.addr())
		return nil
	}
	if len(grants) == 0 {
		return nil
	}
	doc := loaders.ACLDocument(grants, nil, c.b.OwnAccount, c.b.Partition, a.Range)
	return []loaders.Document{{Attribute: name, Synthetic: true, Range: a.Range, Policy: doc}}
}

// bucketACL: aws_s3_bucket_acl's canned acl and access_control_policy
// grants.
func (c *buildCtx) bucketACL() []loaders.Document {
	docs := c.cannedACL("acl")
	a, ok := c.arg("access_control_policy", false)
	if !ok || a.Value.Kind == policy.Null {
		return docs
	}
	var (
		grants []loaders.ACLGrant
		owners []string
	)
	for _, acp := range blocks(a.Value) {
		if acp.Kind == policy.Unknown {
			grants = append(grants, unknownACLGrant(acp))
			continue
		}
		for _, o := range blocks(field(acp, "owner")) {
			if id := field(o, "id"); id.Kind == policy.String {
				owners = append(owners, id.Str)
			}
		}
		for _, g := range blocks(field(acp, "grant")) {
			if g.Kind == policy.Unknown {
				grants = append(grants, unknownACLGrant(g))
				continue
			}
			grantee := blocks(field(g, "grantee"))
			if len(grantee) == 0 {
				continue
			}
			ge := grantee[0]
			if ge.Kind == policy.Unknown {
				grants = append(grants, loaders.ACLGrant{Grantee: ge, Permission: field(g, "permission"), Range: g.Range})
				continue
			}
			grants = append(grants, loaders.ACLGrant{
				Type: scalar(field(ge, "type")), Grantee: granteeValue(ge), Permission: field(g, "permission"), Range: g.Range,
			})
		}
	}
	if len(grants) == 0 {
		return docs
	}
	doc := loaders.ACLDocument(grants, owners, c.b.OwnAccount, c.b.Partition, a.Range)
	return append(docs, loaders.Document{Attribute: "access_control_policy", Synthetic: true, Range: a.Range, Policy: doc})
}

// legacyBucketACL: aws_s3_bucket's acl and grant blocks (provider v3; one
// ACL grant per permission).
func (c *buildCtx) legacyBucketACL() []loaders.Document {
	docs := c.cannedACL("acl")
	a, ok := c.arg("grant", false)
	if !ok || a.Value.Kind == policy.Null {
		return docs
	}
	var grants []loaders.ACLGrant
	for _, g := range blocks(a.Value) {
		if g.Kind == policy.Unknown {
			grants = append(grants, unknownACLGrant(g))
			continue
		}
		perms := field(g, "permissions")
		list := items(perms)
		if perms.Kind == policy.Null {
			list = []policy.Value{policy.UnknownValue("the grant has no permissions", g.Range)}
		}
		for _, p := range list {
			grants = append(grants, loaders.ACLGrant{Type: scalar(field(g, "type")), Grantee: granteeValue(g), Permission: p, Range: g.Range})
		}
	}
	if len(grants) == 0 {
		return docs
	}
	doc := loaders.ACLDocument(grants, nil, c.b.OwnAccount, c.b.Partition, a.Range)
	return append(docs, loaders.Document{Attribute: "grant", Synthetic: true, Range: a.Range, Policy: doc})
}

// granteeValue picks the argument naming a grantee: uri for a group,
// email_address for an e-mail grantee, id for a canonical user (whichever
// is set when the type is unknown).
func granteeValue(g policy.Value) policy.Value {
	pick := []string{"id", "uri", "email_address"}
	switch typ := field(g, "type"); {
	case typ.Kind == policy.String && typ.Str == loaders.GranteeGroup:
		pick = []string{"uri", "id"}
	case typ.Kind == policy.String && typ.Str == loaders.GranteeEmail:
		pick = []string{"email_address", "id"}
	}
	for _, name := range pick {
		if v := field(g, name); v.Kind != policy.Null {
			return v
		}
	}
	return policy.UnknownValue("the grant names no grantee (id, uri or email_address)", g.Range)
}

func unknownACLGrant(v policy.Value) loaders.ACLGrant {
	return loaders.ACLGrant{Grantee: v, Permission: v, Range: v.Range}
}

// kmsGrant: the grantee may perform the grant's operations; the retiring
// principal may retire it. Constraints narrow the encryption context, not
// the principal, and are left out.
func (c *buildCtx) kmsGrant() []loaders.Document {
	var docs []loaders.Document
	if gp, ok := c.arg("grantee_principal", false); ok && gp.Value.Kind != policy.Null {
		var actions []policy.Value
		op, ok := c.arg("operations", false)
		switch {
		case !ok || op.Value.Kind == policy.Null:
			actions = append(actions, policy.UnknownValue(c.b.addr()+" has no operations argument", c.b.Decl))
		default:
			for _, it := range items(op.Value) {
				if it.Kind == policy.String {
					it.Str = "kms:" + it.Str
				}
				actions = append(actions, it)
			}
		}
		g := loaders.Grant{Principals: []policy.Value{gp.Value}, Actions: actions, Range: c.b.Range}
		docs = append(docs, loaders.Document{Attribute: "grantee_principal", Synthetic: true, Range: gp.Range, Policy: g.Document()})
	}
	if rp, ok := c.arg("retiring_principal", false); ok && rp.Value.Kind != policy.Null {
		g := loaders.Grant{
			Principals: []policy.Value{rp.Value},
			Actions:    []policy.Value{policy.StringValue("kms:RetireGrant", rp.Range)},
			Range:      c.b.Range,
		}
		docs = append(docs, loaders.Document{Attribute: "retiring_principal", Synthetic: true, Range: rp.Range, Policy: g.Document()})
	}
	return docs
}

// sharingDocs: each argument set is a sharing list (or one grantee) whose
// grantees may perform actions.
func (c *buildCtx) sharingDocs(actions []string, arguments ...string) []loaders.Document {
	var docs []loaders.Document
	for _, name := range arguments {
		a, ok := c.arg(name, false)
		if !ok {
			continue
		}
		grantees := items(a.Value)
		if len(grantees) == 0 {
			continue
		}
		docs = append(docs, loaders.Document{
			Attribute: name, Synthetic: true, Range: a.Range,
			Policy: loaders.SharingDocument(grantees, actions, c.b.Range),
		})
	}
	return docs
}

// ecrReplication: replicating to another account's registry copies every
// image there, for that account to read.
func (c *buildCtx) ecrReplication() []loaders.Document {
	a, ok := c.arg("replication_configuration", false)
	if !ok || a.Value.Kind == policy.Null {
		return nil
	}
	var grantees []policy.Value
	for _, rc := range blocks(a.Value) {
		if rc.Kind == policy.Unknown {
			grantees = append(grantees, rc)
			continue
		}
		for _, rule := range blocks(field(rc, "rule")) {
			if rule.Kind == policy.Unknown {
				grantees = append(grantees, rule)
				continue
			}
			for _, d := range blocks(field(rule, "destination")) {
				switch id := field(d, "registry_id"); {
				case d.Kind == policy.Unknown:
					grantees = append(grantees, d)
				case id.Kind != policy.Null:
					grantees = append(grantees, id)
				}
			}
		}
	}
	if len(grantees) == 0 {
		return nil
	}
	doc := loaders.SharingDocument(grantees, []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, c.b.Range)
	return []loaders.Document{{Attribute: "replication_configuration", Synthetic: true, Range: a.Range, Policy: doc}}
}

// ramActionsPending is the reason of the action of a RAM principal
// association before Link finds what the share shares.
const ramActionsPending = "the resources shared by %s are not in the scanned code"

// ramPrincipal: the principal may use what the share shares. Which
// resources that is comes from the share's resource associations, which
// Link joins; until then the actions are unknown.
func (c *buildCtx) ramPrincipal() []loaders.Document {
	a, ok := c.arg("principal", false)
	if !ok || a.Value.Kind == policy.Null {
		return nil
	}
	share := "the share"
	if s, ok := c.arg("resource_share_arn", false); ok && s.Value.Kind == policy.String {
		share = s.Value.Str
	}
	action := policy.UnknownValue(fmt.Sprintf(ramActionsPending, share), a.Range)
	return []loaders.Document{ramDocument(a, []policy.Value{action}, c.b.Range)}
}

func ramDocument(principal Arg, actions []policy.Value, r loaders.Range) loaders.Document {
	return loaders.Document{
		Attribute: "principal", Synthetic: true, Range: principal.Range,
		Policy: loaders.SharingDocumentOf(items(principal.Value), actions, r),
	}
}

// functionURL: a function URL with authorization_type NONE lets anyone
// invoke it; AWS_IAM grants nothing by itself.
func (c *buildCtx) functionURL() []loaders.Document {
	a, ok := c.arg("authorization_type", false)
	if !ok || a.Value.Kind == policy.Null {
		return nil
	}
	v := a.Value
	principal := policy.StringValue("*", v.Range)
	switch {
	case v.Kind == policy.Unknown:
		principal = policy.UnknownValue("authorization_type: "+v.Reason, v.Range)
	case v.Kind != policy.String || !strings.EqualFold(strings.TrimSpace(v.Str), "NONE"):
		return nil
	}
	g := loaders.Grant{
		Principals: []policy.Value{principal},
		Actions:    []policy.Value{policy.StringValue("lambda:InvokeFunctionUrl", v.Range)},
		Conditions: []loaders.GrantCondition{{Operator: "StringEquals", Key: "lambda:FunctionUrlAuthType", Values: []policy.Value{policy.StringValue("NONE", v.Range)}}},
		Range:      c.b.Range,
	}
	return []loaders.Document{{Attribute: "authorization_type", Synthetic: true, Range: a.Range, Policy: g.Document()}}
}

// eventPermission: aws_cloudwatch_event_permission is the statement
// PutPermission writes: principal, action (events:PutEvents by default)
// and the condition block {type, key, value}.
func (c *buildCtx) eventPermission() []loaders.Document {
	pa, ok := c.arg("principal", false)
	if !ok {
		c.diags.Errorf(c.b.Decl, "%s has no principal argument", c.b.Name)
		return nil
	}
	g := loaders.Grant{Principals: []policy.Value{pa.Value}, Range: c.b.Range}
	if aa, ok := c.arg("action", false); ok && aa.Value.Kind != policy.Null {
		g.Actions = []policy.Value{aa.Value}
	} else {
		g.Actions = []policy.Value{policy.StringValue("events:PutEvents", pa.Range)}
	}
	if ca, ok := c.arg("condition", false); ok {
		for _, cond := range blocks(ca.Value) {
			op, key := "StringEquals", "aws:PrincipalOrgID"
			if cond.Kind == policy.Unknown {
				g.Conditions = append(g.Conditions, loaders.GrantCondition{Operator: op, Key: key, Values: []policy.Value{cond}})
				continue
			}
			val := field(cond, "value")
			if val.Kind == policy.Null {
				continue
			}
			if t := field(cond, "type"); t.Kind == policy.String && t.Str != "" {
				op = t.Str
			}
			if k := field(cond, "key"); k.Kind == policy.String && k.Str != "" {
				key = k.Str
			}
			g.Conditions = append(g.Conditions, loaders.GrantCondition{Operator: op, Key: key, Values: []policy.Value{val}})
		}
	}
	return []loaders.Document{{Attribute: "principal", Synthetic: true, Range: pa.Range, Policy: g.Document()}}
}

// secretSettings: block_public_policy makes Secrets Manager refuse a
// policy that allows broad access.
func (c *buildCtx) secretSettings() map[string]any {
	a, ok := c.arg("block_public_policy", false)
	if !ok || a.Value.Kind == policy.Null {
		return nil
	}
	return map[string]any{loaders.SettingBlockPublicPolicy: loaders.FlagOf(a.Value, c.b.addr()+".block_public_policy").Setting()}
}

// dynamoDBKind: a resource policy on a stream ARN (…/stream/…, or a
// reference to a table's stream_arn) exposes the stream.
func (c *buildCtx) dynamoDBKind() string {
	a, ok := c.arg("resource_arn", false)
	if !ok {
		return loaders.KindDynamoDBTable
	}
	if a.Value.Kind == policy.String && strings.Contains(a.Value.Str, "/stream/") {
		return loaders.KindDynamoDBStream
	}
	for _, r := range a.Refs {
		if strings.HasSuffix(r, ".stream_arn") || strings.HasSuffix(r, ".latest_stream_arn") {
			return loaders.KindDynamoDBStream
		}
	}
	return loaders.KindDynamoDBTable
}

// field is an Object's field (Null when absent).
func field(v policy.Value, name string) policy.Value {
	if v.Kind != policy.Object {
		return policy.Value{Kind: policy.Null, Range: v.Range}
	}
	f, ok := fieldExact(v, name)
	if !ok {
		return policy.Value{Kind: policy.Null, Range: v.Range}
	}
	return f
}

// blocks is a nested block type's blocks: a List's items, a lone Object or
// Unknown as one block, nothing for Null.
func blocks(v policy.Value) []policy.Value {
	switch v.Kind {
	case policy.List:
		return v.Items
	case policy.Object, policy.Unknown:
		return []policy.Value{v}
	case policy.Null, policy.String, policy.Number, policy.Bool:
	}
	return nil
}

// scalar is a known string's text, "" otherwise.
func scalar(v policy.Value) string {
	if v.Kind == policy.String {
		return v.Str
	}
	return ""
}
