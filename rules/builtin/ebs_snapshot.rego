# METADATA
# title: EBS snapshot shared outside the zone of trust
# description: >-
#   A snapshot's create-volume permission shares it with every AWS account (group all) or with an
#   account outside the zone of trust.
# custom:
#   id: PERIM015
#   severity: high
#   kinds: ["ec2:snapshot"]
#   resource_types: [aws_snapshot_create_volume_permission]
#   access_analyzer: true
#   remediation: >-
#     Share snapshots only with accounts of the zone of trust; never with group all.
package perimeter.rules.ebs_snapshot

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"ec2:snapshot"}
	some f in grants.findings
}
