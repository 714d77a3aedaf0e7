// Package rules judges resources with Rego. It embeds the built-in rules
// (builtin/*.rego, sharing the judgement in lib/grants.rego), loads users'
// own rules beside them, compiles everything once with capabilities that
// leave out every non-deterministic or network builtin, and evaluates each
// resource against the rules indexed for its kind.
//
// Package rules sees only the model (package policy and the shared types of
// package loaders); it never parses HCL, YAML or JSON source. Its sibling on
// the way in is package loaders, and on the way out cmd/perimeter's report
// writers, which print the []Finding this package returns.
package rules
