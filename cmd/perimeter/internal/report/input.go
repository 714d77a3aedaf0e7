package report

import (
	"cmp"
	"encoding/json"
	"io"
	"slices"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/rules"
)

// Input writes the Rego input of every resource as a JSON array, in file,
// line and address order: what custom rules see (docs/input.md).
func Input(w io.Writer, r *Report, _ Options) error {
	resources := slices.Clone(r.Resources)
	slices.SortStableFunc(resources, func(a, b loaders.Resource) int {
		return cmp.Or(
			cmp.Compare(a.DeclRange.File, b.DeclRange.File),
			cmp.Compare(a.DeclRange.Start.Line, b.DeclRange.Start.Line),
			cmp.Compare(a.Address, b.Address),
			cmp.Compare(a.Condition, b.Condition),
		)
	})
	inputs := make([]any, 0, len(resources))
	for i := range resources {
		in, err := rules.Input(r.Zone, &resources[i])
		if err != nil {
			return err
		}
		inputs = append(inputs, in)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(inputs)
}
