package policy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// DefaultMaxDepth bounds how deeply JSON may nest before ParseJSON refuses
// it. Real policies nest six levels; the bound keeps hostile input from
// exhausting the stack.
const DefaultMaxDepth = 1000

// DefaultMaxValues bounds how many values a JSON text may hold before
// ParseJSON refuses it, and so the memory its tree takes. The largest
// policy AWS accepts (32 KB) holds a few thousand.
const DefaultMaxValues = 1_000_000

// SyntaxError is a JSON syntax error at a position.
type SyntaxError struct {
	File string
	Pos  Pos
	Msg  string
	// Limit is set when the text is not wrong but over a limit
	// (JSONOptions.MaxDepth or MaxValues).
	Limit bool
}

func (e *SyntaxError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Column, e.Msg)
}

// JSONOptions say where a JSON text sits in its file. A policy written as a
// heredoc inside a .tf file starts at the heredoc's first line, so the ranges
// ParseJSON returns point into the .tf file.
type JSONOptions struct {
	File     string
	Start    Pos // position of the first byte; zero means 1:1
	MaxDepth int // zero means DefaultMaxDepth
	// MaxValues bounds how many values (scalars, arrays, objects) the text
	// may hold, and so the memory the tree takes; zero means
	// DefaultMaxValues.
	MaxValues int
}

// ParseJSON parses one JSON value, recording the range of every node. Numbers
// keep their spelling. Invalid UTF-8 in strings is replaced by U+FFFD, as
// encoding/json does. Trailing non-space content is an error.
func ParseJSON(data []byte, opts JSONOptions) (Value, error) {
	p := jsonParser{data: data, file: opts.File, line: opts.Start.Line, col: opts.Start.Column, maxDepth: opts.MaxDepth, maxValues: opts.MaxValues}
	if p.line == 0 {
		p.line, p.col = 1, 1
	}
	if p.col == 0 {
		p.col = 1
	}
	if p.maxDepth <= 0 {
		p.maxDepth = DefaultMaxDepth
	}
	if p.maxValues <= 0 {
		p.maxValues = DefaultMaxValues
	}
	// A UTF-8 byte order mark is tolerated, as AWS's own parsers do.
	if len(p.data) >= 3 && p.data[0] == 0xEF && p.data[1] == 0xBB && p.data[2] == 0xBF {
		p.off = 3
	}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.skipSpace()
	if p.off < len(p.data) {
		return Value{}, p.errorf("unexpected %s after the JSON value", p.describe())
	}
	return v, nil
}

type jsonParser struct {
	data      []byte
	off       int
	line, col int
	file      string
	maxDepth  int
	maxValues int
	values    int
}

func (p *jsonParser) pos() Pos { return Pos{Line: p.line, Column: p.col} }

func (p *jsonParser) errorf(format string, args ...any) error {
	return &SyntaxError{File: p.file, Pos: p.pos(), Msg: fmt.Sprintf(format, args...)}
}

func (p *jsonParser) limitf(format string, args ...any) error {
	return &SyntaxError{File: p.file, Pos: p.pos(), Msg: fmt.Sprintf(format, args...), Limit: true}
}

func (p *jsonParser) describe() string {
	if p.off >= len(p.data) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.data[p.off:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", p.data[p.off])
	}
	return strconv.QuoteRune(r)
}

// advance consumes n bytes that contain no newline.
func (p *jsonParser) advance(n int) {
	for _, b := range p.data[p.off : p.off+n] {
		if b&0xC0 != 0x80 {
			p.col++
		}
	}
	p.off += n
}

func (p *jsonParser) skipSpace() {
	for p.off < len(p.data) {
		switch p.data[p.off] {
		case ' ', '\t', '\r':
			p.off++
			p.col++
		case '\n':
			p.off++
			p.line++
			p.col = 1
		default:
			return
		}
	}
}

func (p *jsonParser) rangeFrom(start Pos) Range {
	return Range{File: p.file, Start: start, End: p.pos()}
}

func (p *jsonParser) value(depth int) (Value, error) {
	if depth > p.maxDepth {
		return Value{}, p.limitf("JSON nests deeper than %d levels", p.maxDepth)
	}
	p.values++
	if p.values > p.maxValues {
		return Value{}, p.limitf("JSON holds more than %d values", p.maxValues)
	}
	if p.off >= len(p.data) {
		return Value{}, p.errorf("unexpected end of input, expected a value")
	}
	start := p.pos()
	switch c := p.data[p.off]; {
	case c == '{':
		return p.object(depth, start)
	case c == '[':
		return p.list(depth, start)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return Value{}, err
		}
		return Value{Kind: String, Str: s, Range: p.rangeFrom(start)}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		n, err := p.number()
		if err != nil {
			return Value{}, err
		}
		return Value{Kind: Number, Str: n, Range: p.rangeFrom(start)}, nil
	default:
		for _, lit := range [...]struct {
			word string
			kind Kind
		}{{"true", Bool}, {"false", Bool}, {"null", Null}} {
			if strings.HasPrefix(string(p.data[p.off:min(len(p.data), p.off+len(lit.word))]), lit.word) {
				p.advance(len(lit.word))
				v := Value{Kind: lit.kind, Range: p.rangeFrom(start)}
				if lit.kind == Bool {
					v.Str = lit.word
				}
				return v, nil
			}
		}
		return Value{}, p.errorf("unexpected %s, expected a JSON value", p.describe())
	}
}

func (p *jsonParser) object(depth int, start Pos) (Value, error) {
	p.advance(1) // {
	v := Value{Kind: Object}
	p.skipSpace()
	if p.off < len(p.data) && p.data[p.off] == '}' {
		p.advance(1)
		v.Range = p.rangeFrom(start)
		return v, nil
	}
	for {
		p.skipSpace()
		if p.off >= len(p.data) || p.data[p.off] != '"' {
			return Value{}, p.errorf("unexpected %s, expected a string key", p.describe())
		}
		keyStart := p.pos()
		key, err := p.str()
		if err != nil {
			return Value{}, err
		}
		keyRange := p.rangeFrom(keyStart)
		p.skipSpace()
		if p.off >= len(p.data) || p.data[p.off] != ':' {
			return Value{}, p.errorf("unexpected %s, expected ':' after object key", p.describe())
		}
		p.advance(1)
		p.skipSpace()
		val, err := p.value(depth + 1)
		if err != nil {
			return Value{}, err
		}
		v.Fields = append(v.Fields, Field{Key: key, KeyRange: keyRange, Value: val})
		p.skipSpace()
		if p.off >= len(p.data) {
			return Value{}, p.errorf("unexpected end of input, expected ',' or '}'")
		}
		switch p.data[p.off] {
		case ',':
			p.advance(1)
		case '}':
			p.advance(1)
			v.Range = p.rangeFrom(start)
			return v, nil
		default:
			return Value{}, p.errorf("unexpected %s, expected ',' or '}'", p.describe())
		}
	}
}

func (p *jsonParser) list(depth int, start Pos) (Value, error) {
	p.advance(1) // [
	v := Value{Kind: List}
	p.skipSpace()
	if p.off < len(p.data) && p.data[p.off] == ']' {
		p.advance(1)
		v.Range = p.rangeFrom(start)
		return v, nil
	}
	for {
		p.skipSpace()
		item, err := p.value(depth + 1)
		if err != nil {
			return Value{}, err
		}
		v.Items = append(v.Items, item)
		p.skipSpace()
		if p.off >= len(p.data) {
			return Value{}, p.errorf("unexpected end of input, expected ',' or ']'")
		}
		switch p.data[p.off] {
		case ',':
			p.advance(1)
		case ']':
			p.advance(1)
			v.Range = p.rangeFrom(start)
			return v, nil
		default:
			return Value{}, p.errorf("unexpected %s, expected ',' or ']'", p.describe())
		}
	}
}

func (p *jsonParser) number() (string, error) {
	start := p.off
	i := p.off
	if i < len(p.data) && p.data[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(p.data) && p.data[i] >= '0' && p.data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if digits() == 0 {
		p.advance(i - start)
		return "", p.errorf("malformed number")
	}
	if i < len(p.data) && p.data[i] == '.' {
		i++
		if digits() == 0 {
			p.advance(i - start)
			return "", p.errorf("malformed number: no digits after '.'")
		}
	}
	if i < len(p.data) && (p.data[i] == 'e' || p.data[i] == 'E') {
		i++
		if i < len(p.data) && (p.data[i] == '+' || p.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.advance(i - start)
			return "", p.errorf("malformed number: no digits in exponent")
		}
	}
	p.advance(i - start)
	return string(p.data[start:i]), nil
}

// str consumes a JSON string and returns its decoded content.
func (p *jsonParser) str() (string, error) {
	p.advance(1) // opening quote
	// Fast path: no escapes, valid UTF-8.
	i := p.off
	for i < len(p.data) {
		b := p.data[i]
		if b == '"' || b == '\\' || b < 0x20 {
			break
		}
		i++
	}
	if i < len(p.data) && p.data[i] == '"' && utf8.Valid(p.data[p.off:i]) {
		s := string(p.data[p.off:i])
		p.advance(i - p.off + 1)
		return s, nil
	}
	var sb strings.Builder
	for {
		if p.off >= len(p.data) {
			return "", p.errorf("unexpected end of input in a string")
		}
		b := p.data[p.off]
		switch {
		case b == '"':
			p.advance(1)
			return strings.ToValidUTF8(sb.String(), "\uFFFD"), nil
		case b == '\\':
			if err := p.escape(&sb); err != nil {
				return "", err
			}
		case b < 0x20:
			return "", p.errorf("control character 0x%02x in a string", b)
		default:
			sb.WriteByte(b)
			p.advance(1)
		}
	}
}

var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func (p *jsonParser) escape(sb *strings.Builder) error {
	if p.off+1 >= len(p.data) {
		return p.errorf("unexpected end of input in an escape")
	}
	c := p.data[p.off+1]
	if r, ok := simpleEscapes[c]; ok {
		sb.WriteByte(r)
		p.advance(2)
		return nil
	}
	if c != 'u' {
		return p.errorf("invalid escape \\%c", c)
	}
	r, err := p.hex4(p.off + 2)
	if err != nil {
		return err
	}
	p.advance(6)
	if utf16.IsSurrogate(r) {
		if p.off+1 < len(p.data) && p.data[p.off] == '\\' && p.data[p.off+1] == 'u' {
			r2, err := p.hex4(p.off + 2)
			if err == nil {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					p.advance(6)
					sb.WriteRune(dec)
					return nil
				}
			}
		}
		r = utf8.RuneError
	}
	sb.WriteRune(r)
	return nil
}

func (p *jsonParser) hex4(at int) (rune, error) {
	if at+4 > len(p.data) {
		return 0, p.errorf("unexpected end of input in a \\u escape")
	}
	var r rune
	for _, c := range p.data[at : at+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, p.errorf("invalid \\u escape %q", p.data[at:at+4])
		}
		r = r<<4 | rune(d)
	}
	return r, nil
}
