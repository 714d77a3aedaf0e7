# METADATA
# title: Policy passed to a Terraform module perimeter cannot read
# description: >-
#   A module call whose module is not downloaded (or has no files) receives a policy document as an
#   argument; perimeter analyses it as the grants of what the module creates, assuming the module
#   applies it as written. A module of terraform-aws-modules whose kind is known (s3-bucket, sqs, sns,
#   kms ...) is judged by that kind's rule instead.
# custom:
#   id: PERIM031
#   severity: high
#   kinds: ["module:input"]
#   resource_types: [module]
#   access_analyzer: false
#   remediation: >-
#     Run terraform init so that perimeter reads the module and reports the resources it creates; grant
#     only principals of your own accounts.
package perimeter.rules.module_input

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"module:input"}
	some f in grants.findings
}
