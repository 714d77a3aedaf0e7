# METADATA
# title: API Gateway REST API invocable from outside the zone of trust
# description: >-
#   A REST API resource policy lets anyone, or principals outside the zone of trust, invoke the API. A
#   grant limited only by aws:SourceIp or a VPC endpoint is external, not public.
# custom:
#   id: PERIM018
#   severity: high
#   kinds: ["apigateway:restapi"]
#   resource_types: [aws_api_gateway_rest_api_policy, aws_api_gateway_rest_api, "AWS::ApiGateway::RestApi", "AWS::Serverless::Api"]
#   access_analyzer: false
#   remediation: >-
#     Limit execute-api:Invoke to your accounts, your organization, or a VPC endpoint (aws:SourceVpce) for
#     private APIs.
package perimeter.rules.api_gateway_rest_api

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"apigateway:restapi"}
	some f in grants.findings
}
