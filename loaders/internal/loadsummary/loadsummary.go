// Package loadsummary is the compact, reviewable form of a load result that
// the Terraform and plan loaders' golden files hold: every resource,
// principal, action and condition with its position. Tests only.
package loadsummary

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// Options choose the fields a loader's goldens show.
type Options struct {
	Source      bool // each resource's "source" (the plan loader's goldens)
	Settings    bool // each resource's settings (the Terraform loader's)
	StatementAt bool // each statement's position as "at", not after an unknown reason
}

// Summary is a load result as golden files hold it.
type Summary struct {
	Resources   []Resource `json:"resources"`
	Diagnostics []string   `json:"diagnostics,omitempty"`
}

// Resource is one resource of a Summary.
type Resource struct {
	Address    string         `json:"address"`
	Type       string         `json:"type"`
	Kind       string         `json:"kind"`
	Source     *string        `json:"source,omitempty"`
	At         string         `json:"at"`
	Decl       string         `json:"decl"`
	Target     string         `json:"target,omitempty"`
	TargetName string         `json:"target_name,omitempty"`
	Condition  string         `json:"condition,omitempty"`
	Modules    []string       `json:"modules,omitempty"`
	Settings   map[string]any `json:"settings,omitempty"`
	Documents  []Document     `json:"documents"`
}

// Document is one policy document of a Resource.
type Document struct {
	Attribute  string      `json:"attribute"`
	Synthetic  bool        `json:"synthetic,omitempty"`
	At         string      `json:"at"`
	Unknown    string      `json:"unknown,omitempty"`
	Problems   []string    `json:"problems,omitempty"`
	Statements []Statement `json:"statements,omitempty"`
}

// Statement is one statement of a Document.
type Statement struct {
	Sid        string   `json:"sid,omitempty"`
	Effect     string   `json:"effect,omitempty"`
	At         *string  `json:"at,omitempty"`
	Unknown    string   `json:"unknown,omitempty"`
	Principals []string `json:"principals,omitempty"`
	Actions    []string `json:"actions,omitempty"`
	Resources  []string `json:"resources,omitempty"`
	Conditions []string `json:"conditions,omitempty"`
}

// Pos is a position as goldens show it: file:line:column.
func Pos(r policy.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Column)
}

// Of summarises resources and diagnostics.
func Of(res []loaders.Resource, diags loaders.Diagnostics, opts Options) Summary {
	s := Summary{Resources: []Resource{}}
	for _, r := range res {
		rs := Resource{
			Address: r.Address, Type: r.Type, Kind: r.Kind, At: Pos(r.Range), Decl: Pos(r.DeclRange),
			Target: r.Target, TargetName: r.TargetName, Condition: r.Condition, Documents: []Document{},
		}
		if opts.Source {
			src := string(r.Source)
			rs.Source = &src
		}
		if opts.Settings {
			rs.Settings = r.Settings
		}
		for _, mc := range r.ModuleChain {
			rs.Modules = append(rs.Modules, mc.Address+" @ "+Pos(mc.Range))
		}
		for _, d := range r.Documents {
			rs.Documents = append(rs.Documents, document(d, opts))
		}
		s.Resources = append(s.Resources, rs)
	}
	for _, d := range diags {
		s.Diagnostics = append(s.Diagnostics, fmt.Sprintf("%s: %s", d.Severity, d.Error()))
	}
	return s
}

func document(d loaders.Document, opts Options) Document {
	ds := Document{Attribute: d.Attribute, Synthetic: d.Synthetic, At: Pos(d.Range)}
	if d.Policy.Unknown {
		ds.Unknown = d.Policy.Reason
	}
	for _, p := range d.Policy.Problems {
		ds.Problems = append(ds.Problems, p.Message+" @ "+Pos(p.Range))
	}
	for _, st := range d.Policy.Statements {
		ds.Statements = append(ds.Statements, statement(st, opts))
	}
	return ds
}

func statement(st policy.Statement, opts Options) Statement {
	ss := Statement{Sid: st.Sid, Effect: st.Effect}
	if opts.StatementAt {
		at := Pos(st.Range)
		ss.At = &at
	}
	if st.Unknown {
		ss.Unknown = st.Reason
		if !opts.StatementAt {
			ss.Unknown += " @ " + Pos(st.Range)
		}
	}
	if st.EffectReason != "" {
		ss.Effect = "unknown: " + st.EffectReason
	}
	for _, p := range st.Principals {
		text := fmt.Sprintf("%s %s %s=%q", st.PrincipalElement, p.Type, p.Kind, p.Value)
		if p.Unknown {
			text = fmt.Sprintf("%s %s unknown: %s", st.PrincipalElement, p.Type, p.Reason)
		}
		ss.Principals = append(ss.Principals, text+" @ "+Pos(p.Range))
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
		ss.Actions[0] += " @ " + Pos(st.ActionRange)
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
		ss.Conditions = append(ss.Conditions, text+" @ "+Pos(c.Range))
	}
	return ss
}

// Check compares got with testdata/golden/<name>.json, or writes it there
// when update is set (each package's -update flag).
func Check(t *testing.T, name string, got Summary, update bool) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	file := filepath.Join("testdata", "golden", name+".json")
	if update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil { //nolint:gosec // testdata, readable like the rest of the repository
			t.Fatal(err)
		}
		if err := os.WriteFile(file, data, 0o644); err != nil { //nolint:gosec // a golden file in the repository, world-readable like the rest
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
