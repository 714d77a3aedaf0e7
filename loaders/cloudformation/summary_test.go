package cloudformation

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// The golden files hold a readable summary of what the loader returns:
// every resource with its documents, each principal with its kind and
// line:column, unknown reasons and problems, and every diagnostic.

type sumResult struct {
	Resources   []sumResource `json:"resources"`
	Diagnostics []string      `json:"diagnostics"`
}

type sumResource struct {
	Address    string   `json:"address"`
	Type       string   `json:"type"`
	Kind       string   `json:"kind"`
	At         string   `json:"at"`
	Decl       string   `json:"decl"`
	Target     string   `json:"target,omitempty"`
	TargetName string   `json:"target_name,omitempty"`
	Condition  string   `json:"condition,omitempty"`
	Construct  string   `json:"construct,omitempty"`
	Chain      []string `json:"module_chain,omitempty"`
	Documents  []sumDoc `json:"documents"`
}

type sumDoc struct {
	Attribute  string    `json:"attribute"`
	Synthetic  bool      `json:"synthetic,omitempty"`
	At         string    `json:"at"`
	Unknown    string    `json:"unknown,omitempty"`
	Problems   []string  `json:"problems,omitempty"`
	Statements []sumStmt `json:"statements,omitempty"`
}

type sumStmt struct {
	Effect     string   `json:"effect"`
	Element    string   `json:"element,omitempty"`
	Principals []string `json:"principals,omitempty"`
	Actions    []string `json:"actions,omitempty"`
	ActionsWhy string   `json:"actions_unknown,omitempty"`
	Resources  []string `json:"resources,omitempty"`
	ResWhy     string   `json:"resources_unknown,omitempty"`
	Conditions []string `json:"conditions,omitempty"`
	Unknown    string   `json:"unknown,omitempty"`
}

func pos(r loaders.Range) string { return fmt.Sprintf("%d:%d", r.Start.Line, r.Start.Column) }

func summarise(rs []loaders.Resource, ds loaders.Diagnostics) sumResult {
	out := sumResult{Resources: []sumResource{}, Diagnostics: []string{}}
	for _, r := range rs {
		sr := sumResource{
			Address: r.Address, Type: r.Type, Kind: r.Kind, At: pos(r.Range), Decl: pos(r.DeclRange),
			Target: r.Target, TargetName: r.TargetName, Condition: r.Condition, Construct: r.Construct,
			Documents: []sumDoc{},
		}
		for _, m := range r.ModuleChain {
			sr.Chain = append(sr.Chain, m.Address+"@"+m.Range.String())
		}
		for _, d := range r.Documents {
			sd := sumDoc{Attribute: d.Attribute, Synthetic: d.Synthetic, At: pos(d.Range)}
			if d.Policy.Unknown {
				sd.Unknown = d.Policy.Reason
			}
			for _, p := range d.Policy.Problems {
				sd.Problems = append(sd.Problems, pos(p.Range)+" "+p.Message)
			}
			for _, s := range d.Policy.Statements {
				ss := sumStmt{
					Effect: s.Effect, Element: s.PrincipalElement, Actions: s.Actions, ActionsWhy: s.ActionsReason,
					Resources: s.Resources, ResWhy: s.ResourceReason,
				}
				if s.Unknown {
					ss.Unknown = s.Reason
				}
				for _, p := range s.Principals {
					desc := fmt.Sprintf("%s %s %s=%q", pos(p.Range), p.Kind, p.Type, p.Value)
					if p.Account != "" {
						desc += " account=" + p.Account
					}
					if p.Reason != "" {
						desc += " reason=" + p.Reason
					}
					ss.Principals = append(ss.Principals, desc)
				}
				for _, c := range s.Conditions {
					desc := fmt.Sprintf("%s %s %s %q", pos(c.Range), c.Operator, c.Key, c.Values)
					if c.Unknown {
						desc += " unknown=" + c.Reason
					}
					ss.Conditions = append(ss.Conditions, desc)
				}
				sd.Statements = append(sd.Statements, ss)
			}
			sr.Documents = append(sr.Documents, sd)
		}
		out.Resources = append(out.Resources, sr)
	}
	for _, d := range ds {
		out.Diagnostics = append(out.Diagnostics, fmt.Sprintf("%s %s: %s", d.Severity, d.Range, d.Summary))
	}
	return out
}

// checkGolden compares got with testdata/golden/name.json, or rewrites it
// under -update.
func checkGolden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, b) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff.\ngot:\n%s", path, b)
	}
}

// load runs the loader over files on disk, as discovery would hand them in.
func load(t *testing.T, opts loaders.Options, paths ...string) ([]loaders.Resource, loaders.Diagnostics) {
	t.Helper()
	var files []loaders.File
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, loaders.File{Path: filepath.ToSlash(p), Data: data})
	}
	return New().Load(context.Background(), files, opts)
}

// principals lists every principal of a resource's documents.
func principals(r loaders.Resource) []policy.Principal {
	var out []policy.Principal
	for _, d := range r.Documents {
		for _, s := range d.Policy.Statements {
			out = append(out, s.Principals...)
		}
	}
	return out
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
