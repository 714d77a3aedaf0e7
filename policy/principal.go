package policy

import (
	"strings"
)

// Principal types as they appear as keys of a Principal element. TypeAny is
// the bare string "*".
const (
	TypeAny           = "*"
	TypeAWS           = "AWS"
	TypeService       = "Service"
	TypeFederated     = "Federated"
	TypeCanonicalUser = "CanonicalUser"
)

// PrincipalKind classifies what a principal value names. The rules decide
// whether it leaves the zone of trust; the kind only says what it is.
type PrincipalKind string

// The principal kinds.
const (
	KindWildcard      PrincipalKind = "wildcard"       // "*", {"AWS":"*"}, arn:aws:iam::*:root
	KindAccount       PrincipalKind = "account"        // "123456789012", arn:aws:iam::123456789012:root
	KindRole          PrincipalKind = "role"           // arn:aws:iam::123456789012:role/name
	KindUser          PrincipalKind = "user"           // arn:aws:iam::123456789012:user/name
	KindSession       PrincipalKind = "session"        // assumed-role and federated-user sessions (sts ARNs)
	KindIAMOther      PrincipalKind = "iam"            // another IAM ARN (group, instance profile...)
	KindService       PrincipalKind = "service"        // s3.amazonaws.com
	KindFederated     PrincipalKind = "federated"      // SAML/OIDC provider, web identity provider
	KindCanonicalUser PrincipalKind = "canonical-user" // S3 canonical user ID
	KindUniqueID      PrincipalKind = "unique-id"      // AIDA.../AROA... left behind by a deleted principal
	KindUnknown       PrincipalKind = "unknown"        // not resolvable offline
	KindInvalid       PrincipalKind = "invalid"        // AWS would reject it
)

// OwnAccount stands for "the account these templates are deployed to" when
// no account was declared: Terraform's data.aws_caller_identity and
// CloudFormation's AWS::AccountId resolve to it. It is never a real account
// ID, so it cannot collide with one.
const OwnAccount = "self"

// Principal is one principal named by a statement.
type Principal struct {
	Type    string // TypeAWS, TypeService, ..., or TypeAny
	Value   string // as written
	Kind    PrincipalKind
	Account string // 12-digit account, OwnAccount, "*" for a wildcard, "" when the principal is not account-scoped
	Unknown bool
	Reason  string // for KindUnknown and KindInvalid: why
	Range   Range
}

func canonicalPrincipalType(key string) string {
	for _, t := range [...]string{TypeAWS, TypeService, TypeFederated, TypeCanonicalUser} {
		if strings.EqualFold(key, t) {
			return t
		}
	}
	if key == "*" {
		return TypeAny
	}
	return ""
}

// UnknownPrincipal is a principal whose value could not be resolved.
func UnknownPrincipal(typ, reason string, r Range) Principal {
	return Principal{Type: typ, Kind: KindUnknown, Unknown: true, Reason: reason, Range: r}
}

// NewPrincipal classifies value as a principal of type typ.
func NewPrincipal(typ, value string, r Range) Principal {
	p := Principal{Type: typ, Value: value, Range: r}
	v := strings.TrimSpace(value)
	switch typ {
	case TypeAny:
		p.Kind, p.Account = KindWildcard, "*"
	case TypeService:
		p.Kind = KindService
		if v == "*" {
			// {"Service": "*"} is not a service AWS knows; it does not
			// widen access to every AWS account, but it is not a service
			// principal either.
			p.Kind, p.Reason = KindInvalid, `"*" is not a service principal`
		}
	case TypeCanonicalUser:
		p.Kind = KindCanonicalUser
		if v == "*" {
			p.Kind, p.Account = KindWildcard, "*"
		}
	case TypeFederated:
		p.Kind = KindFederated
		if a, ok := ParseARN(v); ok {
			p.Account = a.Account
		}
		if v == "*" {
			p.Kind, p.Account = KindWildcard, "*"
		}
	case TypeAWS:
		classifyAWS(&p, v)
	default:
		p.Kind, p.Reason = KindInvalid, "unknown principal type "+typ
	}
	return p
}

func classifyAWS(p *Principal, v string) {
	switch {
	case v == "*":
		p.Kind, p.Account = KindWildcard, "*"
	case IsAccountID(v):
		p.Kind, p.Account = KindAccount, v
	case strings.HasPrefix(v, "arn:"):
		a, ok := ParseARN(v)
		if !ok || (a.Service != "iam" && a.Service != "sts") {
			p.Kind, p.Reason = KindInvalid, "not an IAM or STS ARN"
			return
		}
		p.Account = a.Account
		switch {
		case strings.ContainsAny(a.Account, "*?"):
			p.Kind, p.Account = KindWildcard, "*"
			return
		case !IsAccountID(a.Account):
			p.Kind, p.Reason = KindInvalid, "the ARN has no valid account ID"
			return
		}
		kind, _, _ := strings.Cut(a.Resource, "/")
		switch {
		case a.Resource == "root":
			p.Kind = KindAccount
		case a.Service == "iam" && kind == "role":
			p.Kind = KindRole
		case a.Service == "iam" && kind == "user":
			p.Kind = KindUser
		case a.Service == "sts" && (kind == "assumed-role" || kind == "federated-user"):
			p.Kind = KindSession
		default:
			p.Kind = KindIAMOther
		}
	case isUniqueID(v):
		p.Kind = KindUniqueID
	default:
		p.Kind, p.Reason = KindInvalid, "neither \"*\", an account ID nor an IAM ARN"
	}
}

// IsAccountID reports whether s is a 12-digit AWS account ID or OwnAccount.
func IsAccountID(s string) bool {
	if s == OwnAccount {
		return true
	}
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isUniqueID reports whether s looks like an IAM unique ID (AIDA..., AROA...),
// which IAM writes into a policy in place of a principal that was deleted.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	switch s[:4] {
	case "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ASIA", "AKIA", "AGPA":
	default:
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// ARN is an Amazon Resource Name split into its parts.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// ParseARN splits s into its six colon-separated parts.
func ParseARN(s string) (ARN, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ARN{}, false
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, true
}

// PrincipalTypeOf says which principal type a bare principal string (the
// `principal` argument of a Lambda permission, an account in a snapshot's
// sharing list) belongs to: "*" is TypeAny, a service name such as
// s3.amazonaws.com is TypeService, anything else (account IDs, IAM ARNs)
// is TypeAWS. This is how Lambda's AddPermission reads its Principal.
func PrincipalTypeOf(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "*":
		return TypeAny
	case strings.HasPrefix(s, "arn:") || IsAccountID(s) || isUniqueID(s):
		return TypeAWS
	case strings.Contains(s, ".") && !strings.ContainsAny(s, ":/ "):
		return TypeService
	default:
		return TypeAWS
	}
}
