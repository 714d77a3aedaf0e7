package terraform

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// callResult is the evaluation of one module call.
type callResult struct{}

// roots returns the modules evaluated as roots: every directory.
func (ls *loadState) roots(dirs []string) ([]*module, loaders.Diagnostics) {
	var out []*module
	for _, d := range dirs {
		out = append(out, ls.modules[d])
	}
	return out, nil
}

// callValue is the value of module.NAME as a reference sees it.
func (m *modInst) callValue(mc *moduleCall, _ []string, _ bool, _ hcl.Range) cty.Value {
	return unknownBecause(fmt.Sprintf("%smodule.%s outputs are not evaluated", m.prefix(), mc.name))
}

func (m *modInst) runCalls(context.Context) {}

func (s *scope) walkModuleOutput(hcl.Traversal, bool, int) (policy.Value, bool) {
	return policy.Value{}, false
}
