# METADATA
# title: ECR repository reachable from outside the zone of trust
# description: >-
#   A repository policy lets a principal outside the zone of trust pull, push or manage images.
# custom:
#   id: PERIM012
#   severity: high
#   kinds: ["ecr:repository"]
#   resource_types: [aws_ecr_repository_policy, "AWS::ECR::Repository"]
#   access_analyzer: true
#   remediation: >-
#     Grant only principals of your own accounts, or confine "*" with aws:PrincipalOrgID.
package perimeter.rules.ecr_repository

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"ecr:repository"}
	some f in grants.findings
}
