package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/perimeter-iac/perimeter/loaders"
)

// GitLab's code quality report: a JSON array of issues in the subset of the
// Code Climate format GitLab reads (docs/integrations.md, GitLab CI).
type cqIssue struct {
	Description string     `json:"description"`
	CheckName   string     `json:"check_name"`
	Fingerprint string     `json:"fingerprint"`
	Severity    string     `json:"severity"`
	Categories  []string   `json:"categories"`
	Type        string     `json:"type"`
	Location    cqLocation `json:"location"`
}

type cqLocation struct {
	Path  string  `json:"path"`
	Lines cqLines `json:"lines"`
}

type cqLines struct {
	Begin int `json:"begin"`
}

// cqSeverity maps perimeter's severities to GitLab's (info, minor, major,
// critical, blocker).
var cqSeverity = map[string]string{"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}

// CodeQuality writes the unsuppressed findings as a GitLab code quality
// report. Paths are relative to the source root, as GitLab expects.
func CodeQuality(w io.Writer, r *Report, _ Options) error {
	issues := make([]cqIssue, 0, len(r.Findings))
	for _, f := range r.Findings {
		p, _ := r.RepoPath(f.Location.File)
		sev := cqSeverity[f.Severity]
		if sev == "" {
			sev = "info"
		}
		issues = append(issues, cqIssue{
			Description: fmt.Sprintf("%s: %s", f.Rule, withConstruct(&f)),
			CheckName:   f.Rule,
			Fingerprint: f.ID,
			Severity:    sev,
			Categories:  []string{"Security"},
			Type:        "issue",
			Location:    cqLocation{Path: p, Lines: cqLines{Begin: max(f.Location.Line, 1)}},
		})
	}
	issues = append(issues, cqErrors(r)...)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}

// cqErrors lists the errors and warnings of the scan as issues (check
// perimeter/error or perimeter/warning): a file perimeter could not read
// must show in the merge request, not vanish from it.
func cqErrors(r *Report) []cqIssue {
	issues := make([]cqIssue, 0, len(r.Errors))
	for _, d := range r.Errors {
		p, _ := r.RepoPath(d.Range.File)
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		check, sev := "perimeter/error", "major"
		if d.Severity != loaders.Error {
			check, sev = "perimeter/warning", "minor"
		}
		sum := sha256.Sum256([]byte(check + "\x00" + p + "\x00" + msg))
		issues = append(issues, cqIssue{
			Description: fmt.Sprintf("%s: %s", check, msg),
			CheckName:   check,
			Fingerprint: hex.EncodeToString(sum[:8]),
			Severity:    sev,
			Categories:  []string{"Bug Risk"},
			Type:        "issue",
			Location:    cqLocation{Path: p, Lines: cqLines{Begin: max(d.Range.Start.Line, 1)}},
		})
	}
	return issues
}
