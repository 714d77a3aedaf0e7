package cloudformation

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

func TestGolden(t *testing.T) {
	tests := []struct {
		file string
		opts loaders.Options
	}{
		{file: "intrinsics.yaml", opts: loaders.Options{Parameters: map[string]string{"Overridden": "121212121212"}}},
		{file: "intrinsics.json"},
		{file: "types.yaml", opts: loaders.Options{Region: "eu-west-1", OwnAccount: "000011112222"}},
		{file: "types.json", opts: loaders.Options{Partition: "aws-cn"}},
		{file: "conditions.yaml"},
		{file: "toomany.yaml"},
		{file: "errors.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rs, ds := load(t, tt.opts, filepath.Join("testdata", "templates", tt.file))
			checkGolden(t, strings.TrimSuffix(tt.file, filepath.Ext(tt.file))+"-"+strings.TrimPrefix(filepath.Ext(tt.file), "."), summarise(rs, ds))
		})
	}
}

func TestBadFiles(t *testing.T) {
	tests := []struct {
		file, want string
		line       int
	}{
		{"syntax.yaml", "YAML syntax error", 4},
		{"syntax.json", "JSON syntax error", 3},
		{"laughs.yaml", "YAML aliases expand to too many values", 0},
		{"deep.yaml", "nests deeper than", 6},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rs, ds := load(t, loaders.Options{}, filepath.Join("testdata", "bad", tt.file))
			if len(rs) != 0 {
				t.Errorf("resources = %d, want none", len(rs))
			}
			if len(ds) == 0 || ds[0].Severity != loaders.Error || !strings.Contains(ds[0].Summary, tt.want) {
				t.Fatalf("diagnostics = %v, want an error containing %q", ds, tt.want)
			}
			if tt.line != 0 && ds[0].Range.Start.Line != tt.line {
				t.Errorf("error at line %d, want %d: %v", ds[0].Range.Start.Line, tt.line, ds[0])
			}
			if !strings.HasSuffix(ds[0].Range.File, tt.file) {
				t.Errorf("error names file %q, want %s", ds[0].Range.File, tt.file)
			}
		})
	}
}
