// Package policy is perimeter's model of an AWS IAM policy: documents,
// statements, principals, actions and conditions, each carrying the source
// range it was read from, plus the embedded IAM action catalog that turns
// actions into access levels.
//
// The package is a leaf: it imports only the standard library. Loaders
// (package loaders and its children) turn Terraform and CloudFormation into
// policy.Value trees and call Parse; package rules turns the parsed model into
// the Rego input and judges it. Nothing here decides whether a grant leaves
// the zone of trust: that judgement lives in Rego.
package policy
