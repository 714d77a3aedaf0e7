# METADATA
# title: RAM resource share outside the zone of trust
# description: >-
#   A Resource Access Manager share names an account, organization or organizational unit outside the
#   zone of trust. allow_external_principals is taken into account.
# custom:
#   id: PERIM022
#   severity: high
#   kinds: ["ram:resourceshare"]
#   resource_types: [aws_ram_resource_share, aws_ram_principal_association, aws_ram_resource_association, "AWS::RAM::ResourceShare"]
#   access_analyzer: false
#   remediation: >-
#     Share only with your organization and set allow_external_principals / AllowExternalPrincipals to
#     false.
package perimeter.rules.ram_resource_share

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"ram:resourceshare"}
	some f in grants.findings
}
