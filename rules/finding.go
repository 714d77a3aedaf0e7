package rules

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/perimeter-iac/perimeter/loaders"
)

// The exposures a finding may have.
const (
	ExposurePublic     = "public"
	ExposureExternal   = "external"
	ExposureUnresolved = "unresolved"
)

// Finding is one grant that leaves the zone of trust. Its JSON form is the
// output contract documented in the README.
type Finding struct {
	// ID is a fingerprint that stays the same when unrelated lines move:
	// it hashes the rule, file, resource address, principal, exposure,
	// actions and conditions, never a line number.
	ID       string `json:"id"`
	Rule     string `json:"rule"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Exposure string `json:"exposure"`
	Public   bool   `json:"public"`
	// Resource is the block that carries the grant.
	Resource ResourceRef `json:"resource"`
	// Location points at the principal (or the argument naming the
	// grantee) that grants the access.
	Location  Location  `json:"location"`
	Principal Principal `json:"principal"`
	// Accounts are the accounts or organizations outside the zone that the
	// grant reaches, when known.
	Accounts     []string    `json:"accounts"`
	Actions      []string    `json:"actions"`
	NotAction    bool        `json:"not_action,omitempty"`
	AccessLevels []string    `json:"access_levels"`
	Conditions   []Condition `json:"conditions"`
	Message      string      `json:"message"`
	// Reason says, for unresolved findings, what could not be known.
	Reason string `json:"reason,omitempty"`
}

// ResourceRef names the resource of a finding.
type ResourceRef struct {
	Type       string               `json:"type"`
	Kind       string               `json:"kind"`
	Address    string               `json:"address"`
	Target     string               `json:"target"`
	TargetName string               `json:"target_name,omitempty"`
	Attribute  string               `json:"attribute,omitempty"`
	File       string               `json:"file"`
	Line       int                  `json:"line"`
	Source     string               `json:"source"`
	Condition  string               `json:"condition,omitempty"`
	Modules    []loaders.ModuleCall `json:"-"`
	ModuleRefs []ModuleRef          `json:"module_chain,omitempty"`
	Range      loaders.Range        `json:"-"`

	// Construct is the CDK construct path (aws:cdk:path metadata) of a
	// resource read from a synthesized template.
	Construct string `json:"construct,omitempty"`
}

// ModuleRef is one module call of a resource's module chain.
type ModuleRef struct {
	Address string `json:"address"`
	File    string `json:"file"`
	Line    int    `json:"line"`
}

// Location is a source span; columns count characters from 1 and EndColumn
// is exclusive.
type Location struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
}

// Principal is the grantee of a finding.
type Principal struct {
	Type    string `json:"type"`
	Value   string `json:"value"`
	Account string `json:"account"`
}

// Condition is a condition of the granting statement, as written.
type Condition struct {
	Operator string   `json:"operator"`
	Key      string   `json:"key"`
	Values   []string `json:"values"`
}

// rawFinding is what a rule returns; every field but exposure and message
// is optional for custom rules.
type rawFinding struct {
	Exposure     string      `json:"exposure"`
	Severity     string      `json:"severity"`
	Principal    Principal   `json:"principal"`
	Accounts     []string    `json:"accounts"`
	Actions      []string    `json:"actions"`
	NotAction    bool        `json:"not_action"`
	AccessLevels []string    `json:"access_levels"`
	Conditions   []Condition `json:"conditions"`
	Location     *Location   `json:"location"`
	Attribute    string      `json:"attribute"`
	Message      string      `json:"message"`
	Reason       string      `json:"reason"`
}

func decodeFindings(rs rego.ResultSet, r *Rule, res *loaders.Resource) ([]Finding, error) {
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, nil
	}
	return decodeValue(rs[0].Expressions[0].Value, r, res)
}

// decodeValue decodes the value of one rule's findings set.
func decodeValue(v any, r *Rule, res *loaders.Resource) ([]Finding, error) {
	if v == nil {
		return nil, nil
	}
	var raws []rawFinding
	if t, isTerm := v.(*ast.Term); isTerm {
		if direct, ok := decodeTerm(t.Value); ok {
			return buildFindings(direct, r, res)
		}
		// Something decodeTerm leaves to json.Unmarshal, which also says
		// what is wrong.
		var err error
		if v, err = ast.JSON(t.Value); err != nil {
			return nil, err
		}
	}
	// Round-trip through JSON: this keeps custom rules' extra fields from
	// mattering and words the errors.
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &raws); err != nil {
		return nil, fmt.Errorf("findings must be a set of objects: %w", err)
	}
	return buildFindings(raws, r, res)
}

func buildFindings(raws []rawFinding, r *Rule, res *loaders.Resource) ([]Finding, error) {
	out := make([]Finding, 0, len(raws))
	var problems []string
	for _, raw := range raws {
		f, err := buildFinding(raw, r, res)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		out = append(out, f)
	}
	if len(problems) > 0 {
		return out, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return out, nil
}

func buildFinding(raw rawFinding, r *Rule, res *loaders.Resource) (Finding, error) {
	switch raw.Exposure {
	case ExposurePublic, ExposureExternal, ExposureUnresolved:
	default:
		return Finding{}, fmt.Errorf("exposure %q is not public, external or unresolved", raw.Exposure)
	}
	if raw.Message == "" {
		return Finding{}, errors.New("finding has no message")
	}
	sev := raw.Severity
	if SeverityRank(sev) < 0 {
		sev = r.Severity
	}
	loc := Location{File: res.DeclRange.File, Line: res.DeclRange.Start.Line, Column: res.DeclRange.Start.Column, EndLine: res.DeclRange.End.Line, EndColumn: res.DeclRange.End.Column}
	if raw.Location != nil && raw.Location.Line > 0 {
		loc = *raw.Location
		if loc.File == "" {
			loc.File = res.DeclRange.File
		}
	}
	f := Finding{
		Rule:     r.ID,
		Title:    r.Title,
		Severity: sev,
		Exposure: raw.Exposure,
		Public:   raw.Exposure == ExposurePublic,
		Resource: ResourceRef{
			Type: res.Type, Kind: res.Kind, Address: res.Address, Target: res.Target, TargetName: res.TargetName,
			Attribute: raw.Attribute, File: res.DeclRange.File, Line: res.DeclRange.Start.Line, Source: string(res.Source),
			Condition: res.Condition, Modules: res.ModuleChain, Range: res.Range, Construct: res.Construct,
		},
		Location:     loc,
		Principal:    raw.Principal,
		Accounts:     nonNil(raw.Accounts),
		Actions:      nonNil(raw.Actions),
		NotAction:    raw.NotAction,
		AccessLevels: nonNil(raw.AccessLevels),
		Conditions:   raw.Conditions,
		Message:      raw.Message,
		Reason:       raw.Reason,
	}
	if f.Conditions == nil {
		f.Conditions = []Condition{}
	}
	for _, m := range res.ModuleChain {
		f.Resource.ModuleRefs = append(f.Resource.ModuleRefs, ModuleRef{Address: m.Address, File: m.Range.File, Line: m.Range.Start.Line})
	}
	f.ID = fingerprint(&f)
	return f, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// fingerprint identifies a finding across edits that do not change the
// grant: no line numbers, statement positions or messages go into it.
func fingerprint(f *Finding) string {
	h := sha256.New()
	write := func(parts ...string) {
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
	}
	write(f.Rule, f.Resource.File, f.Resource.Address, f.Resource.Target, f.Resource.Condition, f.Exposure,
		f.Principal.Type, f.Principal.Value, f.Resource.Attribute, f.Reason)
	// A module called from several root modules: the calls' files tell the
	// instances apart (their lines do not go in, to survive edits).
	for _, m := range f.Resource.ModuleRefs {
		write(m.File, m.Address)
	}
	actions := slices.Clone(f.Actions)
	slices.Sort(actions)
	write(actions...)
	if f.NotAction {
		write("!")
	}
	conds := make([]string, 0, len(f.Conditions))
	for _, c := range f.Conditions {
		conds = append(conds, c.Operator+"|"+strings.ToLower(c.Key)+"|"+strings.Join(c.Values, ","))
	}
	slices.Sort(conds)
	write(conds...)
	sum := h.Sum(nil)
	return hex.EncodeToString(sum[:8])
}

// SortFindings orders findings by file, line, column, rule, resource
// address, principal and message, so output never depends on scheduling.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Location.File, b.Location.File),
			cmp.Compare(a.Location.Line, b.Location.Line),
			cmp.Compare(a.Location.Column, b.Location.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Resource.Address, b.Resource.Address),
			cmp.Compare(a.Resource.Condition, b.Resource.Condition),
			cmp.Compare(a.Principal.Value, b.Principal.Value),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.ID, b.ID),
		)
	})
}

func stackHash(stack []byte) string { return loaders.StackHash(stack) }
