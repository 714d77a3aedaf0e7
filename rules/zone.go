package rules

import (
	"github.com/perimeter-iac/perimeter/policy"
)

// Zone is the zone of trust: the accounts (and optionally the organization)
// whose principals may reach a resource without a finding.
type Zone struct {
	// Accounts are the declared accounts; the first is the account the
	// templates are deployed to.
	Accounts []string `json:"accounts"`
	// OrgID is the AWS Organizations ID (o-...) when the zone is the whole
	// organization.
	OrgID string `json:"org_id"`
	// Declared is false when neither accounts nor an organization were
	// given: own-account references stay inside, every literal account is
	// outside.
	Declared bool `json:"declared"`
}

// OwnAccount is the account that own-account references (Terraform's
// aws_caller_identity, CloudFormation's AWS::AccountId) resolve to.
func (z Zone) OwnAccount() string {
	if len(z.Accounts) > 0 {
		return z.Accounts[0]
	}
	return policy.OwnAccount
}
