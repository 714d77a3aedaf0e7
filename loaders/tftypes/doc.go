// Package tftypes is the table of Terraform resource types that grant
// access, and the step that turns one resource instance's argument values
// into loaders.Document values. It is shared by loaders/terraform, which
// evaluates HCL into values, and loaders/tfplan, which reads the values
// Terraform planned from plan JSON: adding a type here teaches both.
//
// The package knows nothing of HCL or JSON. A loader hands it each
// argument as a policy.Value whose nodes carry the ranges the loader
// chose; unknown parts stay policy.Unknown with their reasons.
package tftypes
