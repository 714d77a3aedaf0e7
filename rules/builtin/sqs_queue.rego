# METADATA
# title: SQS queue reachable from outside the zone of trust
# description: >-
#   A queue policy lets a principal outside the zone of trust send, receive or manage messages.
# custom:
#   id: PERIM006
#   severity: high
#   kinds: ["sqs:queue"]
#   resource_types: [aws_sqs_queue_policy, aws_sqs_queue, "AWS::SQS::QueuePolicy", "AWS::SQS::QueueInlinePolicy"]
#   access_analyzer: true
#   remediation: >-
#     Grant only principals of your own accounts; for services such as SNS or S3, grant the service principal with aws:SourceArn or aws:SourceAccount.
package perimeter.rules.sqs_queue

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"sqs:queue"}
	some f in grants.findings
}
