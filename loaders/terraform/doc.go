// Package terraform reads Terraform configuration (.tf, .tf.json and
// .tfvars files) into loaders.Resource values. It evaluates the
// configuration offline the way Terraform would before a plan: variables
// from defaults, tfvars files, --var, --var-file and TF_VAR_ values; lazy,
// memoised locals; Terraform's pure functions; local and downloaded module
// calls; count, for_each and dynamic blocks; and the aws_iam_policy_document
// data source. Whatever cannot be known offline (a variable without a value,
// an attribute known only after apply, a data source read from AWS) stays
// an unknown value whose reason names the expression that caused it.
//
// Every policy document keeps the source range of each principal, action
// and condition: policies written with jsonencode, heredocs, quoted JSON,
// file()/templatefile() or aws_iam_policy_document are all walked alongside
// the HCL syntax that produced them.
//
// Its siblings are loaders/tfplan (Terraform plan JSON) and
// loaders/cloudformation. The package never judges whether a grant leaves
// the zone of trust; package rules does.
package terraform
