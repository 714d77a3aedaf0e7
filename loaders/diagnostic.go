package loaders

import (
	"cmp"
	"fmt"
	"slices"
)

// Severity of a diagnostic.
type Severity string

// The severities. An Error means part of the input was not analysed (and the
// scan exits 2); a Warning is reported but leaves the analysis whole.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Diagnostic is a problem with the input, at a position.
type Diagnostic struct {
	Severity Severity
	Summary  string
	Detail   string
	Range    Range
}

func (d Diagnostic) Error() string {
	msg := d.Summary
	if d.Detail != "" {
		msg += ": " + d.Detail
	}
	if d.Range.File == "" {
		return msg
	}
	return d.Range.String() + ": " + msg
}

// Diagnostics is a list of diagnostics.
type Diagnostics []Diagnostic

// Errorf appends an error at r.
func (ds *Diagnostics) Errorf(r Range, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Severity: Error, Summary: fmt.Sprintf(format, args...), Range: r})
}

// Warnf appends a warning at r.
func (ds *Diagnostics) Warnf(r Range, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Severity: Warning, Summary: fmt.Sprintf(format, args...), Range: r})
}

// HasErrors reports whether any diagnostic is an error.
func (ds *Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(*ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Sort orders diagnostics by file, line, column and message, so that output
// does not depend on the order files were loaded in.
func (ds *Diagnostics) Sort() {
	slices.SortStableFunc(*ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Range.File, b.Range.File),
			cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
			cmp.Compare(a.Range.Start.Column, b.Range.Start.Column),
			cmp.Compare(a.Summary, b.Summary),
			cmp.Compare(a.Detail, b.Detail),
		)
	})
}
