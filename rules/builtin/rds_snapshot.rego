# METADATA
# title: RDS snapshot shared outside the zone of trust
# description: >-
#   A DB snapshot or DB cluster snapshot is shared with all accounts ("all") or with an account outside
#   the zone of trust.
# custom:
#   id: PERIM016
#   severity: high
#   kinds: ["rds:snapshot", "rds:clustersnapshot"]
#   resource_types: [aws_db_snapshot, aws_db_cluster_snapshot]
#   access_analyzer: true
#   remediation: >-
#     Remove "all" and accounts outside the zone of trust from shared_accounts.
package perimeter.rules.rds_snapshot

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"rds:snapshot", "rds:clustersnapshot"}
	some f in grants.findings
}
