package loaders

import (
	"fmt"
	"strings"

	"github.com/perimeter-iac/perimeter/policy"
)

// SharingDocument builds the policy document a sharing list amounts to:
// an EBS snapshot's create-volume permissions, an AMI's launch
// permissions, an RDS snapshot's shared accounts, a VPC endpoint service's
// allowed principals, a RAM share's principals. Each grantee is a String
// (or Unknown) value with the range of the argument that names it:
//
//   - "all" or "*": everyone (one statement with "Principal": "*");
//   - an account ID or an IAM ARN: that principal;
//   - an AWS Organizations organization ARN
//     (arn:aws:organizations::111122223333:organization/o-abc): "*" limited
//     by aws:PrincipalOrgID = o-abc;
//   - an organizational unit ARN
//     (arn:aws:organizations::111122223333:ou/o-abc/ou-xyz): "*" limited by
//     aws:PrincipalOrgPaths like o-abc/*/ou-xyz/*;
//   - a service principal (RAM shares with services): that service.
//
// actions are what each grantee may do; they take the grantee's range.
// Statements keep the order of the list, so findings are stable.
func SharingDocument(grantees []policy.Value, actions []string, r Range) *policy.Document {
	return SharingDocumentOf(grantees, actionValues(actions, r), r)
}

// SharingDocumentOf is SharingDocument with actions that may be Unknown
// (a RAM share whose resources cannot be resolved). Each action is given
// the range of the grantee it is granted to.
func SharingDocumentOf(grantees, actions []policy.Value, r Range) *policy.Document {
	var statements []policy.Statement
	var plain []policy.Value
	flush := func() {
		if len(plain) == 0 {
			return
		}
		g := Grant{Principals: plain, Actions: rangedActions(actions, plain[0].Range), Range: r}
		statements = append(statements, g.Document().Statements...)
		plain = nil
	}
	for _, v := range grantees {
		cond, everyone := shareCondition(v)
		switch {
		case cond != nil:
			flush()
			g := Grant{
				Principals: []policy.Value{policy.StringValue("*", v.Range)},
				Actions:    rangedActions(actions, v.Range),
				Conditions: []GrantCondition{*cond},
				Range:      r,
			}
			statements = append(statements, g.Document().Statements...)
		case everyone:
			plain = append(plain, policy.StringValue("*", v.Range))
		default:
			plain = append(plain, v)
		}
	}
	flush()
	return joinStatements(statements, r)
}

func actionValues(actions []string, r Range) []policy.Value {
	out := make([]policy.Value, len(actions))
	for i, a := range actions {
		out[i] = policy.StringValue(a, r)
	}
	return out
}

func rangedActions(actions []policy.Value, r Range) []policy.Value {
	out := make([]policy.Value, len(actions))
	for i, a := range actions {
		a.Range = r
		out[i] = a
	}
	return out
}

// shareCondition reads an Organizations ARN into the condition that stands
// for it; everyone is true for "all" and "*".
func shareCondition(v policy.Value) (cond *GrantCondition, everyone bool) {
	if v.Kind != policy.String {
		return nil, false
	}
	s := strings.TrimSpace(v.Str)
	if s == "*" || strings.EqualFold(s, "all") {
		return nil, true
	}
	a, ok := policy.ParseARN(s)
	if !ok || a.Service != "organizations" {
		return nil, false
	}
	parts := strings.Split(a.Resource, "/")
	switch {
	case len(parts) == 2 && parts[0] == "organization":
		return &GrantCondition{Operator: "StringEquals", Key: "aws:PrincipalOrgID", Values: []policy.Value{policy.StringValue(parts[1], v.Range)}}, false
	case len(parts) == 3 && parts[0] == "ou":
		path := fmt.Sprintf("%s/*/%s/*", parts[1], parts[2])
		return &GrantCondition{Operator: "ForAnyValue:StringLike", Key: "aws:PrincipalOrgPaths", Values: []policy.Value{policy.StringValue(path, v.Range)}}, false
	}
	// Another Organizations ARN (an account's, a root's) names no grantee
	// AWS accepts; keep it as written so that it is reported as invalid.
	return nil, false
}

// joinStatements makes one document of statements built separately.
func joinStatements(statements []policy.Statement, r Range) *policy.Document {
	for i := range statements {
		statements[i].Index = i
	}
	return &policy.Document{Version: "2012-10-17", Statements: statements, Range: r}
}
