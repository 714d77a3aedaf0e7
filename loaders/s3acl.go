package loaders

import (
	"fmt"
	"slices"
	"strings"

	"github.com/perimeter-iac/perimeter/policy"
)

// S3 ACL grantee types, as S3 spells them (Terraform's grantee.type).
const (
	GranteeCanonicalUser = "CanonicalUser"
	GranteeEmail         = "AmazonCustomerByEmail"
	GranteeGroup         = "Group"
)

// The S3 predefined groups (S3 User Guide, "Access control list (ACL)
// overview", Amazon S3 predefined groups).
const (
	GroupAllUsers           = "http://acs.amazonaws.com/groups/global/AllUsers"
	GroupAuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	GroupLogDelivery        = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// OwnCanonicalUser stands for the S3 canonical user ID of the account the
// configuration deploys to (Terraform's data.aws_canonical_user_id), the
// way policy.OwnAccount stands for its account ID. A grant to it is a grant
// to the bucket owner.
const OwnCanonicalUser = "self-canonical-user"

// The service principals that stand for S3's own grantees: the log
// delivery group and the EC2 grantee of the aws-exec-read canned ACL.
const (
	S3LogDeliveryService = "logging.s3.amazonaws.com"
	EC2ExecReadService   = "ec2.amazonaws.com"
)

// ACLActions maps each bucket ACL permission to the IAM actions it allows
// on the bucket (S3 User Guide, "Access control list (ACL) overview",
// "Mapping of ACL permissions and access policy permissions"). WRITE lets
// the grantee create objects and, as the table's note says, delete and
// overwrite existing ones. FULL_CONTROL is all four.
var ACLActions = map[string][]string{
	"READ":      {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"},
	"WRITE":     {"s3:PutObject", "s3:DeleteObject"},
	"READ_ACP":  {"s3:GetBucketAcl"},
	"WRITE_ACP": {"s3:PutBucketAcl"},
	"FULL_CONTROL": {
		"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads",
		"s3:PutObject", "s3:DeleteObject", "s3:GetBucketAcl", "s3:PutBucketAcl",
	},
}

// ACLGrant is one grant of a bucket ACL.
type ACLGrant struct {
	// Type is GranteeCanonicalUser, GranteeEmail or GranteeGroup; when
	// empty it is inferred from Grantee (a URI is a group, an address with
	// @ an e-mail grantee, anything else a canonical user ID).
	Type string
	// Grantee is the canonical user ID, e-mail address or group URI (a
	// String, or Unknown with the reason).
	Grantee policy.Value
	// Permission is READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL.
	Permission policy.Value
	Range      Range // the grant
}

// CannedACL returns the grants a canned ACL adds to the owner's
// FULL_CONTROL (which never leaves the zone and is left out), in the
// spelling of either language: public-read or PublicRead. ok is false when
// S3 knows no such canned ACL (AWS would reject it). An Unknown name gives
// one grant whose grantee and permission are unknown, so that the ACL is
// reported as unresolved rather than as private. The grants take the
// name's range.
//
// S3 User Guide, "Canned ACL": private, bucket-owner-read and
// bucket-owner-full-control (object ACLs; on a bucket S3 ignores them)
// grant nothing more; public-read gives AllUsers READ; public-read-write
// AllUsers READ and WRITE; authenticated-read AuthenticatedUsers READ;
// log-delivery-write the LogDelivery group WRITE and READ_ACP;
// aws-exec-read gives EC2 READ (to fetch AMI bundles).
func CannedACL(name policy.Value) (grants []ACLGrant, ok bool) {
	r := name.Range
	grant := func(typ, grantee, permission string) ACLGrant {
		return ACLGrant{Type: typ, Grantee: policy.StringValue(grantee, r), Permission: policy.StringValue(permission, r), Range: r}
	}
	switch name.Kind {
	case policy.Unknown:
		reason := "the canned ACL is unknown: " + name.Reason
		return []ACLGrant{{Grantee: policy.UnknownValue(reason, r), Permission: policy.UnknownValue(reason, r), Range: r}}, true
	case policy.String:
	case policy.Null:
		return nil, true
	case policy.Number, policy.Bool, policy.List, policy.Object:
		return nil, false
	}
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name.Str), "-", "")) {
	case "private", "bucketownerread", "bucketownerfullcontrol":
		return nil, true
	case "publicread":
		return []ACLGrant{grant(GranteeGroup, GroupAllUsers, "READ")}, true
	case "publicreadwrite":
		return []ACLGrant{grant(GranteeGroup, GroupAllUsers, "READ"), grant(GranteeGroup, GroupAllUsers, "WRITE")}, true
	case "authenticatedread":
		return []ACLGrant{grant(GranteeGroup, GroupAuthenticatedUsers, "READ")}, true
	case "logdeliverywrite":
		return []ACLGrant{grant(GranteeGroup, GroupLogDelivery, "WRITE"), grant(GranteeGroup, GroupLogDelivery, "READ_ACP")}, true
	case "awsexecread":
		return []ACLGrant{{Type: "Service", Grantee: policy.StringValue(EC2ExecReadService, r), Permission: policy.StringValue("READ", r), Range: r}}, true
	}
	return nil, false
}

// ACLDocument builds the policy document a bucket ACL amounts to: one
// statement per grant, its principal at the grantee's range and its
// actions (ACLActions) at the permission's range.
//
//   - AllUsers becomes "Principal": "*" and AuthenticatedUsers
//     {"AWS": "*"} (S3 calls an ACL granting either of them public:
//     AuthenticatedUsers is every AWS account);
//   - the LogDelivery group becomes the service principal
//     logging.s3.amazonaws.com (an AWS service, never reported);
//   - a canonical user ID that is OwnCanonicalUser or one of owners (the
//     ACL's owner) becomes the own account (arn:<partition>:iam::<own>:root);
//   - any other canonical user ID, and an e-mail grantee, becomes a
//     CanonicalUser principal (another account);
//   - an unknown grantee or permission stays unknown; a permission S3 does
//     not know is kept as an action it does not know either.
func ACLDocument(grants []ACLGrant, owners []string, ownAccount, partition string, r Range) *policy.Document {
	if partition == "" {
		partition = "aws"
	}
	if ownAccount == "" {
		ownAccount = policy.OwnAccount
	}
	var statements []policy.Statement
	for _, g := range grants {
		principal, typ := aclPrincipal(g, owners, ownAccount, partition)
		grant := Grant{
			Principals:    []policy.Value{principal},
			PrincipalType: typ,
			Actions:       aclActions(g.Permission),
			Range:         g.Range,
		}
		statements = append(statements, grant.Document().Statements...)
	}
	return joinStatements(statements, r)
}

func aclPrincipal(g ACLGrant, owners []string, ownAccount, partition string) (policy.Value, string) {
	v := g.Grantee
	if v.Kind != policy.String {
		if v.Kind != policy.Unknown {
			v = policy.UnknownValue(fmt.Sprintf("the ACL grantee is a %s, not a string", v.Kind), v.Range)
		}
		return v, policy.TypeAWS
	}
	id := strings.TrimSpace(v.Str)
	typ := g.Type
	if typ == "" {
		switch {
		case strings.HasPrefix(id, "http://") || strings.HasPrefix(id, "https://"):
			typ = GranteeGroup
		case strings.Contains(id, "@"):
			typ = GranteeEmail
		default:
			typ = GranteeCanonicalUser
		}
	}
	switch typ {
	case "Service":
		return v, policy.TypeService
	case GranteeGroup:
		switch id {
		case GroupAllUsers:
			return policy.StringValue("*", v.Range), policy.TypeAny
		case GroupAuthenticatedUsers:
			return policy.StringValue("*", v.Range), policy.TypeAWS
		case GroupLogDelivery:
			return policy.StringValue(S3LogDeliveryService, v.Range), policy.TypeService
		}
		return v, policy.TypeAWS // not a group S3 knows: reported as an invalid principal
	case GranteeCanonicalUser:
		if id == OwnCanonicalUser || slices.Contains(owners, id) {
			return policy.StringValue(fmt.Sprintf("arn:%s:iam::%s:root", partition, ownAccount), v.Range), policy.TypeAWS
		}
		return v, policy.TypeCanonicalUser
	case GranteeEmail:
		return v, policy.TypeCanonicalUser
	}
	return policy.UnknownValue(fmt.Sprintf("ACL grantee type %q is not one S3 knows", typ), v.Range), policy.TypeAWS
}

func aclActions(permission policy.Value) []policy.Value {
	r := permission.Range
	switch permission.Kind {
	case policy.String:
		if actions, ok := ACLActions[strings.ToUpper(strings.TrimSpace(permission.Str))]; ok {
			return actionValues(actions, r)
		}
		return []policy.Value{policy.StringValue("s3:"+permission.Str, r)}
	case policy.Unknown:
		return []policy.Value{permission}
	case policy.Null, policy.Number, policy.Bool, policy.List, policy.Object:
	}
	return []policy.Value{policy.UnknownValue(fmt.Sprintf("the ACL permission is a %s, not a string", permission.Kind), r)}
}
