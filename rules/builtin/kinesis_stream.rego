# METADATA
# title: Kinesis data stream reachable from outside the zone of trust
# description: >-
#   A Kinesis data stream or consumer resource policy lets a principal outside the zone of trust read or
#   write records.
# custom:
#   id: PERIM030
#   severity: high
#   kinds: ["kinesis:stream"]
#   resource_types: [aws_kinesis_resource_policy, "AWS::Kinesis::ResourcePolicy"]
#   access_analyzer: false
#   remediation: >-
#     Grant only principals of your own accounts.
package perimeter.rules.kinesis_stream

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"kinesis:stream"}
	some f in grants.findings
}
