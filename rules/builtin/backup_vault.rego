# METADATA
# title: Backup vault reachable from outside the zone of trust
# description: >-
#   A backup vault access policy lets a principal outside the zone of trust copy into, read or delete
#   recovery points.
# custom:
#   id: PERIM027
#   severity: high
#   kinds: ["backup:vault"]
#   resource_types: [aws_backup_vault_policy, "AWS::Backup::BackupVault", "AWS::Backup::LogicallyAirGappedBackupVault"]
#   access_analyzer: false
#   remediation: >-
#     Grant only principals of your own accounts or organization.
package perimeter.rules.backup_vault

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"backup:vault"}
	some f in grants.findings
}
