# METADATA
# title: VPC endpoint service open to principals outside the zone of trust
# description: >-
#   An endpoint service's allowed principals let anyone ("*") or another account create an interface
#   endpoint to the service.
# custom:
#   id: PERIM023
#   severity: high
#   kinds: ["ec2:vpcendpointservice"]
#   resource_types: [aws_vpc_endpoint_service, aws_vpc_endpoint_service_allowed_principal, "AWS::EC2::VPCEndpointServicePermissions"]
#   access_analyzer: false
#   remediation: >-
#     Allow only the accounts that should connect, and keep acceptance_required / AcceptanceRequired on.
package perimeter.rules.vpc_endpoint_service

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"ec2:vpcendpointservice"}
	some f in grants.findings
}
