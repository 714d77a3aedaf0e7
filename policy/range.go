package policy

import (
	"fmt"
)

// Pos is a position in a source file. Line and Column count from 1; Column
// counts Unicode code points, the way HCL and YAML report them. A zero Line
// means the position is not known.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Range is a span of a source file, from Start (inclusive) to End
// (exclusive, as in HCL). File is the path as the loader was given it.
type Range struct {
	File  string `json:"file"`
	Start Pos    `json:"start"`
	End   Pos    `json:"end"`
}

// IsZero reports whether the range carries no position at all.
func (r Range) IsZero() bool { return r.File == "" && r.Start.Line == 0 }

// String renders the range as file:line:column, the form editors jump to.
func (r Range) String() string {
	switch {
	case r.Start.Line == 0:
		return r.File
	case r.Start.Column == 0:
		return fmt.Sprintf("%s:%d", r.File, r.Start.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Column)
	}
}

// Or returns r, or fallback when r carries no position.
func (r Range) Or(fallback Range) Range {
	if r.Start.Line == 0 {
		return fallback
	}
	return r
}
