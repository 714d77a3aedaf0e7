package tfplan

import (
	"unicode/utf16"
	"unicode/utf8"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// A policy in a plan is a JSON string holding JSON: "{\"Version\":...}".
// embedded parses the inner document and maps every position inside it back
// to the plan file. A JSON string never spans lines, so an inner position
// is the string's line and the column of the escape or character that
// produced it: exact, escapes included.

// embedded parses the JSON held in string node n. ok is false when the
// string does not hold valid JSON (policy.Parse then reports the problem).
func (d *doc) embedded(n node) (policy.Value, bool) {
	if !d.isString(n) || n.end-n.start < 2 {
		return policy.Value{}, false
	}
	dec, cols, lines := unescape(d.data[n.start+1 : n.end-1])
	v, err := policy.ParseJSON(dec, policy.JSONOptions{File: d.file})
	if err != nil {
		return policy.Value{}, false
	}
	open := d.at(n.start) // the opening quote
	m := columnMap{line: open.Line, col: open.Column + 1, cols: cols, lines: lines}
	m.remap(&v, 0)
	return v, true
}

// unescape decodes the raw content of a JSON string. cols[i] is the raw
// column offset (in code points from the first character after the quote)
// of the i-th code point of the decoded text, with one extra entry for the
// end; lines[k] is the index (into cols) of the first code point of
// decoded line k+1. Code points are counted as policy.ParseJSON counts
// columns: every byte that is not a UTF-8 continuation byte.
func unescape(raw []byte) (dec []byte, cols, lines []int) {
	dec = make([]byte, 0, len(raw))
	cols = make([]int, 0, len(raw)+1)
	lines = []int{0}
	col := 0
	emit := func(b []byte, at int) {
		for _, c := range b {
			dec = append(dec, c)
			if c&0xC0 != 0x80 {
				cols = append(cols, at)
				if c == '\n' {
					lines = append(lines, len(cols))
				}
			}
		}
	}
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			emit(raw[i:i+1], col)
			if c&0xC0 != 0x80 {
				col++
			}
			i++
			continue
		}
		at := col
		n := 2
		var r rune
		switch e := raw[i+1]; e {
		case 'n':
			r = '\n'
		case 't':
			r = '\t'
		case 'r':
			r = '\r'
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'u':
			r, n = hexRune(raw[i:])
			if utf16.IsSurrogate(r) {
				r2, n2 := hexRune(raw[i+n:])
				if dr := utf16.DecodeRune(r, r2); n2 == 6 && dr != utf8.RuneError {
					r, n = dr, n+n2
				} else {
					r = utf8.RuneError
				}
			}
		default: // \" \\ \/
			r = rune(e)
		}
		emit(buf[:utf8.EncodeRune(buf[:], r)], at)
		col += n
		i += n
	}
	cols = append(cols, col)
	return dec, cols, lines
}

// hexRune reads a \uXXXX escape at the start of b; n is its length (2 when
// it is malformed, so that decoding goes on).
func hexRune(b []byte) (r rune, n int) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return utf8.RuneError, 2
	}
	for _, c := range b[2:6] {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return utf8.RuneError, 2
		}
		r = r<<4 | rune(v)
	}
	return r, 6
}

// columnMap maps positions in the decoded text to the plan file.
type columnMap struct {
	line, col int // the first character inside the quotes
	cols      []int
	lines     []int
}

func (m columnMap) pos(p policy.Pos) policy.Pos {
	if p.Line < 1 || p.Line > len(m.lines) {
		return policy.Pos{Line: m.line, Column: m.col}
	}
	i := m.lines[p.Line-1] + p.Column - 1
	i = max(0, min(i, len(m.cols)-1))
	return policy.Pos{Line: m.line, Column: m.col + m.cols[i]}
}

func (m columnMap) rng(r loaders.Range) loaders.Range {
	r.Start, r.End = m.pos(r.Start), m.pos(r.End)
	return r
}

// remap rewrites every range of v. Depth is bounded by ParseJSON already.
func (m columnMap) remap(v *policy.Value, depth int) {
	v.Range = m.rng(v.Range)
	if depth > policy.DefaultMaxDepth {
		return
	}
	for i := range v.Items {
		m.remap(&v.Items[i], depth+1)
	}
	for i := range v.Fields {
		v.Fields[i].KeyRange = m.rng(v.Fields[i].KeyRange)
		m.remap(&v.Fields[i].Value, depth+1)
	}
}
