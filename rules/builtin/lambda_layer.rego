# METADATA
# title: Lambda layer version shared outside the zone of trust
# description: >-
#   A layer version permission shares the layer with an account outside the zone of trust, or with every account.
# custom:
#   id: PERIM005
#   severity: high
#   kinds: ["lambda:layer"]
#   resource_types: [aws_lambda_layer_version_permission, "AWS::Lambda::LayerVersionPermission"]
#   access_analyzer: true
#   remediation: >-
#     Share the layer with your own accounts, or with your organization through organization_id/OrganizationId.
package perimeter.rules.lambda_layer

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"lambda:layer"}
	some f in grants.findings
}
