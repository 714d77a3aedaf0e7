# METADATA
# title: S3 Glacier vault reachable from outside the zone of trust
# description: >-
#   A Glacier vault access policy or vault lock policy grants access to a principal outside the zone of
#   trust.
# custom:
#   id: PERIM028
#   severity: high
#   kinds: ["glacier:vault"]
#   resource_types: [aws_glacier_vault, aws_glacier_vault_lock]
#   access_analyzer: false
#   remediation: >-
#     Grant only principals of your own accounts.
package perimeter.rules.glacier_vault

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"glacier:vault"}
	some f in grants.findings
}
