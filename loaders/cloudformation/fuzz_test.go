package cloudformation

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"

	"github.com/perimeter-iac/perimeter/internal/conformance"
)

func seedFuzz(f *testing.F, exts ...string) {
	f.Helper()
	for _, dir := range []string{"templates", "bad", "sam", "nested", "cdk"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
		for _, p := range paths {
			for _, ext := range exts {
				if strings.HasSuffix(p, ext) {
					data, err := os.ReadFile(p)
					if err != nil {
						f.Fatal(err)
					}
					f.Add(data)
				}
			}
		}
	}
}

// fuzzLoad checks the loader's promises on arbitrary input: no panic (a
// recovered panic shows up as an "internal error" diagnostic), no hang, and
// every diagnostic names the file.
func fuzzLoad(t *testing.T, name string, data []byte) {
	t.Helper()
	start := time.Now()
	rs, ds := New().Load(context.Background(), []loaders.File{{Path: name, Data: data}}, loaders.Options{})
	if time.Since(start) > 5*time.Second {
		t.Errorf("loading %d bytes took %v", len(data), time.Since(start))
	}
	for _, d := range ds {
		if strings.Contains(d.Summary, "internal error") {
			t.Fatalf("panic: %v", d)
		}
		if d.Range.File != name {
			t.Errorf("diagnostic without the file name: %v", d)
		}
	}
	for _, r := range rs {
		if r.Range.File != name || r.Address == "" {
			t.Errorf("resource without file or address: %+v", r)
		}
	}
	// The loader keeps only templates that mayNest says may declare a
	// nested stack as parents: the sniff must never miss one the parser
	// finds, or the child would be analysed as a root.
	if tpl := parseFile(loaders.File{Path: name, Data: data}, &diagSet{}, &loaders.Options{}); tpl != nil && !mayNest(data) {
		for _, r := range tpl.resources {
			if r.typ == "AWS::CloudFormation::Stack" || r.typ == "AWS::Serverless::Application" {
				t.Fatalf("mayNest missed the nested stack %s in %q", r.id, data)
			}
		}
	}
}

func FuzzYAMLTemplate(f *testing.F) {
	seedFuzz(f, ".yaml", ".yml")
	conformance.Seed(f, ".yaml", ".yml")
	f.Add([]byte("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: !If [C, !Sub '${A}', !Ref B]\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzLoad(t, "fuzz.yaml", data) })
}

func FuzzJSONTemplate(f *testing.F) {
	seedFuzz(f, ".json")
	conformance.Seed(f, ".json")
	f.Add([]byte(`{"Resources": {"R": {"Type": "AWS::Lambda::Permission", "Properties": {"Principal": {"Fn::Select": ["0", {"Fn::Split": [",", "a,b"]}]}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzLoad(t, "fuzz.json", data) })
}
