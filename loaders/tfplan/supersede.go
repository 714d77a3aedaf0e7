package tfplan

import (
	"path"

	"github.com/perimeter-iac/perimeter/loaders"
)

// Supersede drops the resources read from Terraform configuration that a
// plan made from the same root module lists, so that a scan seeing both a
// plan and its configuration reports each grant once: the plan wins for
// the addresses it lists. A configuration resource is covered when a plan
// resource has its root module directory and its address, or, for one the
// HCL loader could not expand (an unknown count or for_each, reported with
// a Condition), the same address without instance keys. Resources the plan
// does not list (a targeted or errored plan, a stale one) are kept.
//
// The root module directory of a resource is the directory of its first
// module call's block, or of its own block in the root module; for a plan
// resource positioned in the plan file, the plan's directory.
func Supersede(res []loaders.Resource) []loaders.Resource {
	exact := map[string]bool{}
	blocks := map[string]bool{}
	for _, r := range res {
		if r.Source != loaders.SourceTerraformPlan {
			continue
		}
		dir := rootDir(r)
		exact[dir+"\x00"+r.Address] = true
		blocks[dir+"\x00"+stripKeys(r.Address)] = true
	}
	if len(exact) == 0 {
		return res
	}
	out := make([]loaders.Resource, 0, len(res))
	for _, r := range res {
		if r.Source == loaders.SourceTerraform {
			dir := rootDir(r)
			if exact[dir+"\x00"+r.Address] || (r.Condition != "" && blocks[dir+"\x00"+stripKeys(r.Address)]) {
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

func rootDir(r loaders.Resource) string {
	if len(r.ModuleChain) > 0 && r.ModuleChain[0].Range.File != "" {
		return path.Dir(r.ModuleChain[0].Range.File)
	}
	return path.Dir(r.Range.File)
}
