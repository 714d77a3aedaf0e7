# METADATA
# title: DynamoDB table or stream reachable from outside the zone of trust
# description: >-
#   A table's or stream's resource-based policy grants access to a principal outside the zone of trust.
# custom:
#   id: PERIM017
#   severity: high
#   kinds: ["dynamodb:table", "dynamodb:stream"]
#   resource_types: [aws_dynamodb_resource_policy, "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"]
#   access_analyzer: true
#   remediation: >-
#     Grant only principals of your own accounts, or confine the grant with aws:PrincipalOrgID.
package perimeter.rules.dynamodb

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"dynamodb:table", "dynamodb:stream"}
	some f in grants.findings
}
