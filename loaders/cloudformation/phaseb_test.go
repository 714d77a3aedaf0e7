package cloudformation

import (
	"path/filepath"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

func TestGoldenPhaseB(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		opts  loaders.Options
	}{
		{name: "sam", files: []string{"testdata/sam/function.yaml"}},
		{name: "sam-events", files: []string{"testdata/sam/events.yaml"}},
		{name: "extensions", files: []string{"testdata/templates/extensions.yaml"}},
		{name: "nested", files: []string{"testdata/nested/child.yaml", "testdata/nested/parent.yaml"}, opts: loaders.Options{Parameters: map[string]string{"Partner": "565656565656"}}},
		{name: "cdk", files: []string{
			"testdata/cdk/cdk.out/manifest.json", "testdata/cdk/cdk.out/AppStack.template.json",
			"testdata/cdk/cdk.out/AppStackNestedB1C2D3E4.nested.template.json",
		}},
		{name: "paramfiles", files: []string{"testdata/templates/conditions.yaml"}, opts: loaders.Options{
			ParameterFiles: []string{filepath.Join("testdata", "params", "cli.json"), filepath.Join("testdata", "params", "config.json")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, ds := load(t, tt.opts, tt.files...)
			checkGolden(t, tt.name, summarise(rs, ds))
		})
	}
}
