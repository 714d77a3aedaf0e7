package terraform

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

var update = flag.Bool("update", false, "rewrite golden files")

// summary is the compact, reviewable form of a load result that golden
// files hold: every principal, action and condition with its position.
type summary struct {
	Resources   []resourceSummary `json:"resources"`
	Diagnostics []string          `json:"diagnostics,omitempty"`
}

type resourceSummary struct {
	Address    string            `json:"address"`
	Type       string            `json:"type"`
	Kind       string            `json:"kind"`
	At         string            `json:"at"`
	Decl       string            `json:"decl"`
	Target     string            `json:"target,omitempty"`
	TargetName string            `json:"target_name,omitempty"`
	Condition  string            `json:"condition,omitempty"`
	Modules    []string          `json:"modules,omitempty"`
	Settings   map[string]any    `json:"settings,omitempty"`
	Documents  []documentSummary `json:"documents"`
}

type documentSummary struct {
	Attribute  string             `json:"attribute"`
	Synthetic  bool               `json:"synthetic,omitempty"`
	At         string             `json:"at"`
	Unknown    string             `json:"unknown,omitempty"`
	Problems   []string           `json:"problems,omitempty"`
	Statements []statementSummary `json:"statements,omitempty"`
}

type statementSummary struct {
	Sid        string   `json:"sid,omitempty"`
	Effect     string   `json:"effect,omitempty"`
	Unknown    string   `json:"unknown,omitempty"`
	Principals []string `json:"principals,omitempty"`
	Actions    []string `json:"actions,omitempty"`
	Resources  []string `json:"resources,omitempty"`
	Conditions []string `json:"conditions,omitempty"`
}

func pos(r policy.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Column)
}

func summarize(res []loaders.Resource, diags loaders.Diagnostics) summary {
	s := summary{Resources: []resourceSummary{}}
	for _, r := range res {
		rs := resourceSummary{
			Address: r.Address, Type: r.Type, Kind: r.Kind, At: pos(r.Range), Decl: pos(r.DeclRange),
			Target: r.Target, TargetName: r.TargetName, Condition: r.Condition, Settings: r.Settings, Documents: []documentSummary{},
		}
		for _, mc := range r.ModuleChain {
			rs.Modules = append(rs.Modules, mc.Address+" @ "+pos(mc.Range))
		}
		for _, d := range r.Documents {
			ds := documentSummary{Attribute: d.Attribute, Synthetic: d.Synthetic, At: pos(d.Range)}
			if d.Policy.Unknown {
				ds.Unknown = d.Policy.Reason
			}
			for _, p := range d.Policy.Problems {
				ds.Problems = append(ds.Problems, p.Message+" @ "+pos(p.Range))
			}
			for _, st := range d.Policy.Statements {
				ss := statementSummary{Sid: st.Sid, Effect: st.Effect}
				if st.Unknown {
					ss.Unknown = st.Reason + " @ " + pos(st.Range)
				}
				if st.EffectReason != "" {
					ss.Effect = "unknown: " + st.EffectReason
				}
				for _, p := range st.Principals {
					text := fmt.Sprintf("%s %s %s=%q", st.PrincipalElement, p.Type, p.Kind, p.Value)
					if p.Unknown {
						text = fmt.Sprintf("%s %s unknown: %s", st.PrincipalElement, p.Type, p.Reason)
					}
					ss.Principals = append(ss.Principals, text+" @ "+pos(p.Range))
				}
				prefix := ""
				if st.NotAction {
					prefix = "Not:"
				}
				for _, a := range st.Actions {
					ss.Actions = append(ss.Actions, prefix+a)
				}
				if st.ActionsReason != "" {
					ss.Actions = append(ss.Actions, "unknown: "+st.ActionsReason)
				}
				if len(ss.Actions) > 0 {
					ss.Actions[0] += " @ " + pos(st.ActionRange)
				}
				ss.Resources = append(ss.Resources, st.Resources...)
				if st.ResourceReason != "" {
					ss.Resources = append(ss.Resources, "unknown: "+st.ResourceReason)
				}
				for _, c := range st.Conditions {
					text := fmt.Sprintf("%s %s %s", c.Operator, c.Key, strings.Join(c.Values, ","))
					if c.Unknown {
						text += " unknown: " + c.Reason
					}
					ss.Conditions = append(ss.Conditions, text+" @ "+pos(c.Range))
				}
				ds.Statements = append(ds.Statements, ss)
			}
			rs.Documents = append(rs.Documents, ds)
		}
		s.Resources = append(s.Resources, rs)
	}
	for _, d := range diags {
		s.Diagnostics = append(s.Diagnostics, fmt.Sprintf("%s: %s", d.Severity, d.Error()))
	}
	return s
}

// loadDirs discovers and loads the files under dirs.
func loadDirs(tb testing.TB, opts loaders.Options, dirs ...string) ([]loaders.Resource, loaders.Diagnostics) {
	tb.Helper()
	files, diags := loaders.Discover(dirs, loaders.DiscoverOptions{})
	l := New()
	var claimed []loaders.File
	for _, f := range files {
		if l.Claims(f.Path, f.Data) {
			claimed = append(claimed, f)
		}
	}
	res, ld := l.Load(context.Background(), claimed, opts)
	return res, append(diags, ld...)
}

// checkGolden compares got with testdata/golden/<name>.json.
func checkGolden(t *testing.T, name string, got summary) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	file := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(data)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", name, diff)
	}
}
