# METADATA
# title: AMI shared outside the zone of trust
# description: >-
#   An AMI launch permission shares the image with every AWS account (group all), another account, or an
#   organization or organizational unit outside the zone of trust.
# custom:
#   id: PERIM021
#   severity: high
#   kinds: ["ec2:image"]
#   resource_types: [aws_ami_launch_permission]
#   access_analyzer: false
#   remediation: >-
#     Share AMIs only with accounts of the zone of trust, or with your organization (organization_arn).
package perimeter.rules.ami_launch_permission

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"ec2:image"}
	some f in grants.findings
}
