package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/rules"
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

// Text writes findings grouped by file, then errors, then a summary line.
func Text(w io.Writer, r *Report, opts Options) error {
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	files, byFile := filesInOrder(r.Findings)
	for _, file := range files {
		b.WriteString(paint(ansiBold, file) + "\n")
		for _, f := range byFile[file] {
			textFinding(&b, f, paint)
		}
		b.WriteString("\n")
	}
	if opts.ShowSuppressed && len(r.Suppressed) > 0 {
		b.WriteString(paint(ansiBold, "suppressed") + "\n")
		for _, sf := range r.Suppressed {
			textFindingAt(&b, sf.Finding, fmt.Sprintf("%s:%d:%d", sf.Location.File, sf.Location.Line, sf.Location.Column), paint)
			fmt.Fprintf(&b, "           %s\n", paint(ansiDim, fmt.Sprintf("suppressed (%s, %s): %s", sf.Suppression.Kind, sf.Suppression.Source, sf.Suppression.Reason)))
		}
		b.WriteString("\n")
	}
	if len(r.Errors) > 0 {
		b.WriteString(paint(ansiBold, "errors") + "\n")
		for _, d := range r.Errors {
			label := string(d.Severity)
			if d.Severity == loaders.Error {
				label = paint(ansiRed, label)
			}
			fmt.Fprintf(&b, "  %s: %s\n", label, d.Error())
		}
		b.WriteString("\n")
	}
	s := r.Summarize()
	fmt.Fprintf(&b, "%d %s (%d public, %d external, %d unresolved) in %d %s, %d %s",
		s.Findings, plural(s.Findings, "finding", "findings"), s.Public, s.External, s.Unresolved,
		s.Files, plural(s.Files, "file", "files"), s.Resources, plural(s.Resources, "resource", "resources"))
	if s.Errors > 0 || s.Warnings > 0 {
		fmt.Fprintf(&b, "; %d %s, %d %s", s.Errors, plural(s.Errors, "error", "errors"), s.Warnings, plural(s.Warnings, "warning", "warnings"))
	}
	if s.Suppressed > 0 {
		fmt.Fprintf(&b, "; %d suppressed", s.Suppressed)
		if !opts.ShowSuppressed {
			b.WriteString(" (--show-suppressed lists them)")
		}
	}
	if r.NewSince != "" {
		fmt.Fprintf(&b, "; %d already present at %s, not shown", s.Existing, r.NewSince)
	}
	b.WriteString("\n")
	if !r.Zone.Declared {
		b.WriteString(paint(ansiDim, "note: "+UndeclaredNote) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func textFinding(b *strings.Builder, f rules.Finding, paint func(code, s string) string) {
	textFindingAt(b, f, fmt.Sprintf("%d:%d", f.Location.Line, f.Location.Column), paint)
}

func textFindingAt(b *strings.Builder, f rules.Finding, pos string, paint func(code, s string) string) {
	exposure := fmt.Sprintf("%-10s", f.Exposure)
	switch f.Exposure {
	case rules.ExposurePublic:
		exposure = paint(ansiRed, exposure)
	case rules.ExposureExternal:
		exposure = paint(ansiYellow, exposure)
	default:
		exposure = paint(ansiCyan, exposure)
	}
	resource := f.Resource.Address
	if f.Resource.Target != "" && f.Resource.Target != f.Resource.Address {
		resource += " -> " + f.Resource.Target
	}
	fmt.Fprintf(b, "  %-8s %s %-8s %s  %s\n", pos, exposure, f.Severity, f.Rule, resource)
	fmt.Fprintf(b, "           %s\n", f.Message)
	if len(f.Conditions) > 0 {
		conds := make([]string, 0, len(f.Conditions))
		for _, c := range f.Conditions {
			values := strings.Join(c.Values, ",")
			if values == "" {
				values = "(a value not known offline)"
			}
			conds = append(conds, fmt.Sprintf("%s %s %s", c.Operator, c.Key, values))
		}
		fmt.Fprintf(b, "           %s\n", paint(ansiDim, "when "+strings.Join(conds, " and ")))
	}
	if f.Resource.Condition != "" {
		fmt.Fprintf(b, "           %s\n", paint(ansiDim, "if "+f.Resource.Condition))
	}
	if f.Resource.Construct != "" {
		fmt.Fprintf(b, "           %s\n", paint(ansiDim, "construct "+f.Resource.Construct))
	}
}
