# METADATA
# title: Glue Data Catalog reachable from outside the zone of trust
# description: >-
#   The Glue Data Catalog resource policy grants access to catalog, database or table resources to a
#   principal outside the zone of trust.
# custom:
#   id: PERIM024
#   severity: high
#   kinds: ["glue:catalog"]
#   resource_types: [aws_glue_resource_policy]
#   access_analyzer: false
#   remediation: >-
#     Grant only principals of your own accounts, or use Lake Formation permissions scoped to your
#     organization.
package perimeter.rules.glue_catalog

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"glue:catalog"}
	some f in grants.findings
}
