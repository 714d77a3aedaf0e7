// Package tfplan reads Terraform plan JSON (`terraform show -json plan.out
// > plan.json`) into loaders.Resource values. A plan holds what Terraform
// itself evaluated: planned values give exact policies, addresses come
// from the plan (module.a["x"].aws_s3_bucket_policy.p), and whatever is
// known only after apply (after_unknown) stays an unknown value whose
// reason names the attribute.
//
// Plans are recognised by content, not name. The plan is scanned without
// building a tree of the whole file; the few values perimeter needs are
// parsed with their positions. When the configuration the plan was made
// from lies beside the plan file, positions point into the .tf files (the
// sibling loaders/terraform evaluates them for this); otherwise they point
// into the plan file, exactly, inside the JSON strings that hold policies.
//
// The table of resource types that grant access is loaders/tftypes,
// shared with loaders/terraform. Supersede lets a scan that sees both a
// plan and its configuration report each resource once. Like every
// loader, this package never judges a grant; package rules does.
package tfplan
