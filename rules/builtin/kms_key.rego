# METADATA
# title: KMS key usable from outside the zone of trust
# description: >-
#   A key policy (of a key, replica key or external key) or a KMS grant gives use or administration of a KMS key to a principal outside the zone of trust.
# custom:
#   id: PERIM003
#   severity: high
#   kinds: ["kms:key"]
#   resource_types: [aws_kms_key, aws_kms_key_policy, aws_kms_grant, aws_kms_replica_key, aws_kms_external_key, aws_kms_replica_external_key, "AWS::KMS::Key", "AWS::KMS::ReplicaKey"]
#   access_analyzer: true
#   remediation: >-
#     Name only principals of your own accounts in the key policy, or confine "*" with kms:CallerAccount or aws:PrincipalOrgID.
package perimeter.rules.kms_key

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"kms:key"}
	some f in grants.findings
}
