package rules

import "embed"

// FS holds the built-in rules, the shared library and their Rego tests.
//
//go:embed lib/*.rego builtin/*.rego
var FS embed.FS
