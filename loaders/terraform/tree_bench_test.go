package terraform

import (
	"testing"

	"github.com/perimeter-iac/perimeter/bench/loadbench"
)

// BenchmarkLoadTree loads the Terraform half of a generated tree of
// 2,000 resources (the evaluation stage of the Terraform loader: module
// calls with for_each, aws_iam_policy_document, jsonencode, every kind).
func BenchmarkLoadTree(b *testing.B) { loadbench.Run(b, New(), false) }
