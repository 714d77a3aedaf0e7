# METADATA
# title: CloudWatch Logs reachable from outside the zone of trust
# description: >-
#   A CloudWatch Logs resource policy or a log destination policy lets a principal outside the zone of
#   trust write to log groups or subscribe to the destination.
# custom:
#   id: PERIM026
#   severity: high
#   kinds: ["logs:resourcepolicy", "logs:destination"]
#   resource_types: [aws_cloudwatch_log_resource_policy, aws_cloudwatch_log_destination_policy, "AWS::Logs::ResourcePolicy", "AWS::Logs::Destination"]
#   access_analyzer: false
#   remediation: >-
#     Grant only AWS service principals (with aws:SourceAccount / aws:SourceArn) and accounts of the zone
#     of trust.
package perimeter.rules.cloudwatch_logs

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"logs:resourcepolicy", "logs:destination"}
	some f in grants.findings
}
