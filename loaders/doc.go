// Package loaders holds what every loader shares: the Resource model that
// loaders produce and package rules consumes, Diagnostics with source ranges,
// file discovery, and the Loader interface. Each child package reads one
// input language: loaders/terraform (HCL and .tf.json), loaders/tfplan
// (Terraform plan JSON) and loaders/cloudformation (YAML and JSON templates).
//
// Loaders parse, resolve and normalise; they never judge. A value they cannot
// resolve offline stays unknown (policy.Unknown with a reason) so that the
// rules can report it as "unresolved" instead of guessing.
package loaders
