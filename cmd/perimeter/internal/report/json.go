package report

import (
	"encoding/json"
	"io"

	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/suppress"
	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/rules"
)

type jsonReport struct {
	Schema   int             `json:"schema"`
	Version  string          `json:"version"`
	Zone     jsonZone        `json:"zone"`
	NewSince string          `json:"new_since,omitempty"`
	Findings []rules.Finding `json:"findings"`
	// Suppressed are the findings a suppression accepted, each with a
	// "suppressed" object: kind (inline or archive), reason, source.
	Suppressed []suppress.Suppressed `json:"suppressed_findings"`
	Errors     []jsonError           `json:"errors"`
	Summary    Summary               `json:"summary"`
}

type jsonZone struct {
	Declared bool     `json:"declared"`
	Accounts []string `json:"accounts"`
	OrgID    string   `json:"org_id"`
	Note     string   `json:"note,omitempty"`
}

type jsonError struct {
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Message  string `json:"message"`
}

// UndeclaredNote explains a scan without a declared zone of trust.
const UndeclaredNote = "zone of trust undeclared: own-account references stay inside, every literal account is outside (set --account or --org-id, or accounts: in .perimeter.yml)"

// JSON writes the report as one JSON object (the contract in the README).
func JSON(w io.Writer, r *Report, _ Options) error {
	out := jsonReport{
		Schema:     SchemaVersion,
		Version:    r.Version,
		Zone:       jsonZone{Declared: r.Zone.Declared, Accounts: nonNil(r.Zone.Accounts), OrgID: r.Zone.OrgID},
		NewSince:   r.NewSince,
		Findings:   r.Findings,
		Suppressed: r.Suppressed,
		Errors:     jsonErrors(r.Errors),
		Summary:    r.Summarize(),
	}
	if out.Suppressed == nil {
		out.Suppressed = []suppress.Suppressed{}
	}
	if !r.Zone.Declared {
		out.Zone.Note = UndeclaredNote
	}
	if out.Findings == nil {
		out.Findings = []rules.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func jsonErrors(ds loaders.Diagnostics) []jsonError {
	out := make([]jsonError, 0, len(ds))
	for _, d := range ds {
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		out = append(out, jsonError{Severity: string(d.Severity), File: d.Range.File, Line: d.Range.Start.Line, Column: d.Range.Start.Column, Message: msg})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
