// Package report writes a scan's findings and errors in each output format:
// text for people, json for scripts (the documented contract), sarif for
// code scanning, markdown for pull requests and step summaries, and
// codequality for GitLab. Every writer takes an io.Writer and the
// same Report, and produces the same bytes for the same Report.
package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/suppress"
	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/rules"
)

// SchemaVersion is the version of the JSON output contract. It changes only
// when a field is removed or changes meaning.
const SchemaVersion = 1

// Report is everything a scan produced.
type Report struct {
	Tool     string
	Version  string
	Zone     rules.Zone
	Findings []rules.Finding
	Errors   loaders.Diagnostics
	Rules    []*rules.Rule
	Stats    Stats
	// Resources are the loaded resources, for the input format.
	Resources []loaders.Resource

	// Suppressed are the findings an inline directive or the archive
	// accepted. They never fail the run, and every format shows or counts
	// them.
	Suppressed []suppress.Suppressed
	// NewSince is the git revision of --new-since; Existing counts the
	// findings not reported because they were present there already, and
	// Preexisting holds them: only SARIF carries them (baselineState
	// "unchanged"), because code scanning needs the whole set to track
	// alerts.
	NewSince    string
	Existing    int
	Preexisting []rules.Finding
	// SourceRoot is the directory SARIF artifact URIs are relative to
	// (%SRCROOT%: the repository root), and WorkDir the directory finding
	// paths are relative to; both absolute with forward slashes. Empty
	// SourceRoot: URIs are the finding paths as they are.
	SourceRoot string
	WorkDir    string
}

// Stats counts what the scan looked at.
type Stats struct {
	Files     int `json:"files"`
	Resources int `json:"resources"`
	Policies  int `json:"policies"`
}

// Options adjust a writer.
type Options struct {
	Color bool // ANSI colour in text output
	// ShowSuppressed lists suppressed findings in text and markdown
	// (JSON and SARIF always carry them).
	ShowSuppressed bool
}

// Writer writes a report in one format.
type Writer func(w io.Writer, r *Report, opts Options) error

// Formats maps format names to writers.
var Formats = map[string]Writer{
	"text":        Text,
	"json":        JSON,
	"input":       Input,
	"sarif":       SARIF,
	"markdown":    Markdown,
	"codequality": CodeQuality,
}

// FormatNames lists the formats, sorted, for help and error messages.
func FormatNames() []string {
	names := make([]string, 0, len(Formats))
	for n := range Formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the writer for name, or an error listing the valid names.
func Lookup(name string) (Writer, error) {
	if w, ok := Formats[name]; ok {
		return w, nil
	}
	return nil, fmt.Errorf("unknown format %q (valid: %s)", name, strings.Join(FormatNames(), ", "))
}

// Summary counts findings and errors.
type Summary struct {
	Files      int            `json:"files"`
	Resources  int            `json:"resources"`
	Policies   int            `json:"policies"`
	Findings   int            `json:"findings"`
	Public     int            `json:"public"`
	External   int            `json:"external"`
	Unresolved int            `json:"unresolved"`
	BySeverity map[string]int `json:"by_severity"`
	Errors     int            `json:"errors"`
	Warnings   int            `json:"warnings"`
	// Suppressed counts the findings suppressions accepted; they are not
	// in Findings.
	Suppressed int `json:"suppressed"`
	// Existing counts, with --new-since, the findings not reported because
	// they were present at that revision.
	Existing int `json:"existing"`
}

// Summarize counts the report.
func (r *Report) Summarize() Summary {
	s := Summary{
		Files: r.Stats.Files, Resources: r.Stats.Resources, Policies: r.Stats.Policies, BySeverity: map[string]int{},
		Suppressed: len(r.Suppressed), Existing: r.Existing,
	}
	for _, sev := range rules.Severities {
		s.BySeverity[sev] = 0
	}
	for _, f := range r.Findings {
		s.Findings++
		s.BySeverity[f.Severity]++
		switch f.Exposure {
		case rules.ExposurePublic:
			s.Public++
		case rules.ExposureExternal:
			s.External++
		case rules.ExposureUnresolved:
			s.Unresolved++
		}
	}
	for _, d := range r.Errors {
		if d.Severity == loaders.Error {
			s.Errors++
		} else {
			s.Warnings++
		}
	}
	return s
}

// filesInOrder groups findings by file, files sorted.
func filesInOrder(fs []rules.Finding) (files []string, byFile map[string][]rules.Finding) {
	byFile = map[string][]rules.Finding{}
	for _, f := range fs {
		if _, ok := byFile[f.Location.File]; !ok {
			files = append(files, f.Location.File)
		}
		byFile[f.Location.File] = append(byFile[f.Location.File], f)
	}
	slices.Sort(files)
	return files, byFile
}
