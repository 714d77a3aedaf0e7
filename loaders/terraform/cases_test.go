package terraform

import (
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

func TestGoldenCases(t *testing.T) {
	cases := []struct {
		name string
		opts loaders.Options
	}{
		{name: "smoke"},
		{name: "heredoc"},
		{name: "jsonencode"},
		{name: "policydoc"},
		{name: "variables", opts: loaders.Options{
			EnvVars:  map[string]string{"TF_VAR_from_env": "222222222222", "from_tfvars": "env-loses-to-tfvars"},
			VarFiles: []string{"testdata/varfiles/prod.tfvars"},
			Vars: []loaders.Var{
				{Name: "from_flag", Value: "arn:aws:iam::777777777777:root"},
				{Name: "list_from_flag", Value: `["arn:aws:iam::888888888888:root"]`},
			},
		}},
		{name: "unknowns"},
		{name: "types", opts: loaders.Options{OwnAccount: "123456789012", Partition: "aws"}},
		{name: "instances"},
		{name: "errors"},
		{name: "tfjson"},
		{name: "modules"},
		{name: "expressions"},
		{name: "sharedmodule"},
		{name: "overrides"},
		{name: "resourcetypes", opts: loaders.Options{OwnAccount: "111122223333"}},
		{name: "moduleinputs", opts: loaders.Options{OwnAccount: "111122223333"}},
		{name: "linking", opts: loaders.Options{OwnAccount: "111122223333"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, diags := loadDirs(t, tc.opts, "testdata/cases/"+tc.name)
			checkGolden(t, tc.name, summarize(res, diags))
		})
	}
}
