// Package tftypes is the table of Terraform resource types that grant
// access, and the step that turns one resource instance's argument values
// into loaders.Document values. It is shared by loaders/terraform, which
// evaluates HCL into values, and loaders/tfplan, which reads the values
// Terraform planned from plan JSON: adding a type here teaches both.
//
// A loader looks a type up (Lookup), hands Build each argument as a
// policy.Value whose nodes carry the ranges the loader chose (nested
// blocks as lists of objects; unknown parts stay policy.Unknown with their
// reasons), and gets the instance's kind, documents and own settings. The
// blocks that grant nothing themselves but change what others grant (S3
// Block Public Access and Object Ownership, access points, RAM shares and
// their resource associations) are recorded as Facts (LookupFact), and
// Link joins them to the resources of one configuration. The package
// knows nothing of HCL or JSON, and never judges a grant.
package tftypes
