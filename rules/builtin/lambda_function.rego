# METADATA
# title: Lambda function invocable from outside the zone of trust
# description: >-
#   A Lambda permission lets a principal outside the zone of trust invoke or manage the function.
# custom:
#   id: PERIM004
#   severity: high
#   kinds: ["lambda:function"]
#   resource_types: [aws_lambda_permission, "AWS::Lambda::Permission", "AWS::Serverless::Function"]
#   access_analyzer: true
#   remediation: >-
#     Name a principal of your own account, or for a service principal set source_account/SourceAccount and source_arn/SourceArn; use principal_org_id for organization-wide grants.
package perimeter.rules.lambda_function

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"lambda:function"}
	some f in grants.findings
}
