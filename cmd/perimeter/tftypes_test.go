package main

import (
	"context"
	"slices"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders/tftypes"
)

// TestEveryTerraformTypeHasARule: every Terraform type the loaders read
// (a granting type or a block Link joins) is named by a built-in rule's
// resource_types, so `perimeter rules` and the docs list it.
func TestEveryTerraformTypeHasARule(t *testing.T) {
	e, err := newEngine(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, r := range e.Rules() {
		for _, typ := range r.ResourceTypes {
			named[typ] = true
		}
	}
	for _, typ := range slices.Concat(tftypes.Names(), tftypes.FactTypes()) {
		if !named[typ] {
			t.Errorf("no built-in rule lists %s in its resource_types", typ)
		}
	}
}
