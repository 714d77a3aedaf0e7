# METADATA
# title: SNS topic reachable from outside the zone of trust
# description: >-
#   A topic policy lets a principal outside the zone of trust publish to, subscribe to or manage the
#   topic.
# custom:
#   id: PERIM010
#   severity: high
#   kinds: ["sns:topic"]
#   resource_types: [aws_sns_topic, aws_sns_topic_policy, "AWS::SNS::TopicPolicy", "AWS::SNS::TopicInlinePolicy"]
#   access_analyzer: true
#   remediation: >-
#     Grant only principals of your own accounts; for AWS services grant the service principal with
#     aws:SourceAccount or aws:SourceArn.
package perimeter.rules.sns_topic

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"sns:topic"}
	some f in grants.findings
}
