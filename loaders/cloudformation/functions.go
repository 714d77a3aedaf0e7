package cloudformation

import (
	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// extraFunctions are the intrinsic functions beyond the core set, by name.
var extraFunctions = map[string]func(e *evaluator, arg policy.Value, r loaders.Range, depth int) (policy.Value, bool){}

// implicit resolves a Ref to a name that a transform declares rather than
// the template (none yet).
func (e *evaluator) implicit(string, loaders.Range) (policy.Value, bool) {
	return policy.Value{}, false
}

// implicitAttr resolves Fn::GetAtt on a resource that a transform declares
// rather than the template (none yet).
func (e *evaluator) implicitAttr(_, _ string, _ loaders.Range) (policy.Value, bool) {
	return policy.Value{}, false
}
