# METADATA
# title: EFS file system reachable from outside the zone of trust
# description: >-
#   A file system policy lets a principal outside the zone of trust mount, write to or administer the
#   file system.
# custom:
#   id: PERIM014
#   severity: high
#   kinds: ["elasticfilesystem:filesystem"]
#   resource_types: [aws_efs_file_system_policy, "AWS::EFS::FileSystem"]
#   access_analyzer: true
#   remediation: >-
#     Grant only principals of your own accounts, and require elasticfilesystem:AccessedViaMountTarget.
package perimeter.rules.efs_file_system

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"elasticfilesystem:filesystem"}
	some f in grants.findings
}
