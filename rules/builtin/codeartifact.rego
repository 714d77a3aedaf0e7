# METADATA
# title: CodeArtifact domain or repository reachable from outside the zone of trust
# description: >-
#   A CodeArtifact domain or repository permissions policy lets a principal outside the zone of trust
#   read or publish packages.
# custom:
#   id: PERIM029
#   severity: high
#   kinds: ["codeartifact:domain", "codeartifact:repository"]
#   resource_types: [aws_codeartifact_domain_permissions_policy, aws_codeartifact_repository_permissions_policy, "AWS::CodeArtifact::Domain", "AWS::CodeArtifact::Repository"]
#   access_analyzer: false
#   remediation: >-
#     Grant only principals of your own accounts or organization.
package perimeter.rules.codeartifact

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"codeartifact:domain", "codeartifact:repository"}
	some f in grants.findings
}
