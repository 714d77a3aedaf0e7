# METADATA
# title: Secrets Manager secret readable from outside the zone of trust
# description: >-
#   A secret's resource policy grants access to a principal outside the zone of trust.
# custom:
#   id: PERIM011
#   severity: high
#   kinds: ["secretsmanager:secret"]
#   resource_types: [aws_secretsmanager_secret_policy, aws_secretsmanager_secret, "AWS::SecretsManager::ResourcePolicy"]
#   access_analyzer: true
#   remediation: >-
#     Name only principals of your own accounts, and set block_public_policy / BlockPublicPolicy so that
#     AWS refuses public policies.
package perimeter.rules.secretsmanager_secret

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"secretsmanager:secret"}
	some f in grants.findings
}
