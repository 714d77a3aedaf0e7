# METADATA
# title: IAM role assumable from outside the zone of trust
# description: >-
#   A role's trust policy lets a principal outside the zone of trust assume it: another account, a federated identity provider, or anyone.
# custom:
#   id: PERIM002
#   severity: high
#   kinds: ["iam:role"]
#   resource_types: [aws_iam_role, "AWS::IAM::Role"]
#   access_analyzer: true
#   remediation: >-
#     Trust only principals of your own accounts or organization; for third parties, name their account and require sts:ExternalId.
package perimeter.rules.iam_role_trust

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"iam:role"}
	some f in grants.findings
}
