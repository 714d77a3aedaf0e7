package tftypes

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// FuzzBuild builds every type, and links every fact type, from arbitrary
// argument values (a JSON object; nested blocks are lists of objects): no
// input may panic, and every synthesised principal keeps a range.
func FuzzBuild(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "args", "*.json"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"acl": null, "grant": [null, 1, {"permissions": null}], "access_control_policy": [{"grant": [{"grantee": []}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := policy.ParseJSON(data, policy.JSONOptions{File: "main.tf"})
		if err != nil {
			return
		}
		args := valueArgs(v)
		var res []loaders.Resource
		for _, name := range Names() {
			typ, _ := Lookup(name)
			in, _ := typ.Build(Block{Name: name + ".x", Address: name + ".x", Range: at(1), Decl: at(1)}, args)
			for _, d := range in.Documents {
				if d.Synthetic && d.Policy == nil {
					t.Fatalf("%s: synthetic document without a policy", name)
				}
			}
			res = append(res, loaders.Resource{Type: name, Kind: in.Kind, Address: name + ".x", Target: "aws_s3_bucket.b", TargetName: "b", Documents: in.Documents})
		}
		var facts []Fact
		for _, name := range FactTypes() {
			f := Fact{Type: name, Address: name + ".x", Target: "aws_s3_bucket.b", Name: "b", Args: map[string]Arg{}}
			spec, _ := LookupFact(name)
			for _, a := range spec.Args {
				if arg, ok := args(a, false); ok {
					f.Args[a] = arg
				}
			}
			facts = append(facts, f)
		}
		Link(res, facts, "111122223333")
	})
}
