# METADATA
# title: Lambda function URL without authentication
# description: >-
#   A function URL with authorization type NONE lets anyone on the Internet invoke the function over
#   HTTPS.
# custom:
#   id: PERIM020
#   severity: high
#   kinds: ["lambda:functionurl"]
#   resource_types: [aws_lambda_function_url, "AWS::Lambda::Url"]
#   access_analyzer: false
#   remediation: >-
#     Use authorization_type / AuthType AWS_IAM, or put the function behind API Gateway or CloudFront with
#     authentication.
package perimeter.rules.lambda_function_url

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"lambda:functionurl"}
	some f in grants.findings
}
