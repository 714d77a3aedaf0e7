package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/perimeter-iac/perimeter/rules"
)

// MarkdownRowLimit bounds the findings table so that a pull-request comment
// stays under GitHub's size limit; the rest are counted, never dropped
// silently.
const MarkdownRowLimit = 200

// Markdown writes a compact summary for a pull-request comment or
// $GITHUB_STEP_SUMMARY: a heading with the counts, a table of findings,
// errors, and with ShowSuppressed a collapsed table of suppressed findings.
func Markdown(w io.Writer, r *Report, opts Options) error {
	var b strings.Builder
	s := r.Summarize()
	switch {
	case s.Findings == 0 && s.Errors == 0:
		b.WriteString("### perimeter: no findings\n\n")
	case s.Findings == 0:
		b.WriteString("### perimeter: no findings, but errors stopped part of the analysis\n\n")
	default:
		fmt.Fprintf(&b, "### perimeter: %d %s (%d public, %d external, %d unresolved)\n\n",
			s.Findings, plural(s.Findings, "finding", "findings"), s.Public, s.External, s.Unresolved)
	}
	var notes []string
	notes = append(notes, fmt.Sprintf("%d %s, %d %s, %d %s scanned",
		s.Files, plural(s.Files, "file", "files"), s.Resources, plural(s.Resources, "resource", "resources"), s.Policies, plural(s.Policies, "policy", "policies")))
	if r.NewSince != "" {
		notes = append(notes, fmt.Sprintf("new since %s (%d already present, not shown)", mdCode(r.NewSince), s.Existing))
	}
	if s.Suppressed > 0 {
		notes = append(notes, fmt.Sprintf("%d suppressed", s.Suppressed))
	}
	if !r.Zone.Declared {
		notes = append(notes, "zone of trust undeclared (set `--account` or `accounts:` in `.perimeter.yml`)")
	}
	b.WriteString(strings.Join(notes, " · ") + "\n\n")

	if len(r.Findings) > 0 {
		b.WriteString("| Severity | Exposure | Rule | Location | Resource | Finding |\n|---|---|---|---|---|---|\n")
		for i, f := range r.Findings {
			if i == MarkdownRowLimit {
				fmt.Fprintf(&b, "\n… and %d more findings: see the SARIF or JSON report.\n", len(r.Findings)-MarkdownRowLimit)
				break
			}
			mdRow(&b, &f, "")
		}
		b.WriteString("\n")
	}
	if opts.ShowSuppressed && len(r.Suppressed) > 0 {
		fmt.Fprintf(&b, "<details><summary>%d suppressed %s</summary>\n\n", len(r.Suppressed), plural(len(r.Suppressed), "finding", "findings"))
		b.WriteString("| Severity | Exposure | Rule | Location | Resource | Suppressed by |\n|---|---|---|---|---|---|\n")
		for i, sf := range r.Suppressed {
			if i == MarkdownRowLimit {
				fmt.Fprintf(&b, "\n… and %d more.\n", len(r.Suppressed)-MarkdownRowLimit)
				break
			}
			mdRow(&b, &sf.Finding, fmt.Sprintf("%s (%s, %s)", sf.Suppression.Reason, sf.Suppression.Kind, sf.Suppression.Source))
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(r.Errors) > 0 {
		b.WriteString("**Errors and warnings**\n\n")
		for i, d := range r.Errors {
			if i == MarkdownRowLimit {
				fmt.Fprintf(&b, "- … and %d more\n", len(r.Errors)-MarkdownRowLimit)
				break
			}
			fmt.Fprintf(&b, "- %s: %s\n", d.Severity, mdEscape(d.Error()))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var severityMark = map[string]string{"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "🔵", "info": "⚪"}

// mdRow writes one table row; last replaces the message column when set.
func mdRow(b *strings.Builder, f *rules.Finding, last string) {
	resource := f.Resource.Address
	if f.Resource.Target != "" && f.Resource.Target != f.Resource.Address {
		resource += " → " + f.Resource.Target
	}
	msg := withConstruct(f)
	if last != "" {
		msg = last
	}
	fmt.Fprintf(b, "| %s %s | %s | %s | %s | %s | %s |\n",
		severityMark[f.Severity], f.Severity, f.Exposure, mdEscape(f.Rule),
		mdCode(fmt.Sprintf("%s:%d", f.Location.File, f.Location.Line)), mdCode(resource), mdEscape(msg))
}

// mdEscape makes text safe in a table cell: no line breaks, pipes escaped,
// and no HTML or emphasis from the configuration's strings.
func mdEscape(s string) string {
	r := strings.NewReplacer("\r", " ", "\n", " ", "|", `\|`, "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

// mdCode writes s as a code span that survives a table cell.
func mdCode(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ", "|", `\|`).Replace(s)
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}
