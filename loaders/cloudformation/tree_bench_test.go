package cloudformation

import (
	"testing"

	"github.com/perimeter-iac/perimeter/bench/loadbench"
)

// BenchmarkLoadTree loads the CloudFormation half of a generated tree of
// 2,000 resources (YAML and JSON templates, intrinsics, SAM, every kind).
func BenchmarkLoadTree(b *testing.B) { loadbench.Run(b, New(), true) }
