# METADATA
# title: EventBridge event bus reachable from outside the zone of trust
# description: >-
#   An event bus policy lets another account, or every account, put events on the bus or manage its
#   rules.
# custom:
#   id: PERIM025
#   severity: high
#   kinds: ["events:eventbus"]
#   resource_types: [aws_cloudwatch_event_bus_policy, aws_cloudwatch_event_permission, "AWS::Events::EventBusPolicy", "AWS::Events::EventBus"]
#   access_analyzer: false
#   remediation: >-
#     Grant events:PutEvents only to your accounts, or to your organization with aws:PrincipalOrgID.
package perimeter.rules.event_bus

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"events:eventbus"}
	some f in grants.findings
}
