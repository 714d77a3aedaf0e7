# METADATA
# title: ECR registry shared outside the zone of trust
# description: >-
#   A registry policy lets another account replicate into or pull through the registry, or a replication
#   configuration copies images into another account's registry.
# custom:
#   id: PERIM013
#   severity: high
#   kinds: ["ecr:registry"]
#   resource_types: [aws_ecr_registry_policy, aws_ecr_replication_configuration, "AWS::ECR::RegistryPolicy", "AWS::ECR::ReplicationConfiguration"]
#   access_analyzer: false
#   remediation: >-
#     Replicate only to registries of your own accounts and grant registry permissions only to them.
package perimeter.rules.ecr_registry

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"ecr:registry"}
	some f in grants.findings
}
