package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// Hostile input. hclsyntax parses and evaluates expressions recursively and
// lexes a whole file into tokens before parsing it: a few megabytes of
// "[[[[" or "!!!!" or "a+a+a+..." exhaust the goroutine stack (a fatal error
// no recover can catch), and a few megabytes of "[],[],..." take gigabytes.
// checkSyntax scans the source once, without building anything, and
// refuses a file whose nesting or number of tokens exceeds the limits
// before hclsyntax or hcljson sees it.

// syntaxLimit is a limit a file exceeds, with where it first does.
type syntaxLimit struct {
	msg string
	pos policy.Pos
}

// checkSyntax checks a .tf (native syntax) or .tf.json file against the
// nesting and size limits.
func checkSyntax(name string, src []byte, lim loaders.Limits) *loaders.Diagnostic {
	lim = lim.OrDefaults()
	if !utf8.Valid(src) {
		// hclsyntax would reject it too, and what it makes of the bytes
		// around an invalid sequence is not what the measure below sees.
		pos := invalidUTF8At(src)
		return &loaders.Diagnostic{
			Severity: loaders.Error,
			Summary:  "Invalid character encoding: the file is not valid UTF-8 (Terraform reads UTF-8 only); the file is not analysed",
			Range:    loaders.Range{File: name, Start: pos, End: pos},
		}
	}
	sc := scanSyntax(name, src, lim.MaxDepth, lim.MaxNodes)
	if sc.over == nil {
		return nil
	}
	return &loaders.Diagnostic{
		Severity: loaders.Error,
		Summary:  sc.over.msg + "; the file is not analysed",
		Range:    loaders.Range{File: name, Start: sc.over.pos, End: sc.over.pos},
	}
}

// invalidUTF8At is the position of the first byte of src that is not
// valid UTF-8.
func invalidUTF8At(src []byte) policy.Pos {
	pos := policy.Pos{Line: 1, Column: 1}
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return pos
		}
		if r == '\n' {
			pos.Line++
			pos.Column = 1
		} else {
			pos.Column++
		}
		i += size
	}
	return pos
}

// scanSyntax scans a file, stopping at the first limit it exceeds.
func scanSyntax(name string, src []byte, maxDepth, maxTokens int) *hclScanner {
	sc := &hclScanner{src: src, maxDepth: maxDepth, maxTokens: maxTokens, line: 1, col: 1}
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		sc.scanJSON()
	} else {
		sc.scanNative()
	}
	return sc
}

// Kinds of nesting level.
const (
	lvBrace   = iota // { }
	lvBrack          // [ ]
	lvParen          // ( )
	lvInterp         // ${ } or %{ }
	lvQuote          // "template"
	lvHeredoc        // <<EOT template
	lvTmpl           // a whole string read as a template (.tf.json values)
)

type level struct {
	kind   int
	ops    int    // operators chained at this level since the last separator
	marker string // heredoc end marker
}

// hclScanner measures nesting the way hclsyntax recurses: each open
// bracket, brace, parenthesis, interpolation, string or heredoc is a
// level, and each operator chained inside a level (a+b+c, !!x, a?b:c?d:e,
// x[i][j]) adds one more, since the parser or the evaluator recurses once
// per operator. Separators (commas, and newlines between attributes) end a
// chain.
type hclScanner struct {
	src       []byte
	i         int
	line, col int
	stack     []level
	ops       int // sum of stack[*].ops and topOps
	topOps    int // operators chained outside any level
	tokens    int
	maxDepth  int
	maxTokens int
	postfix   bool // the previous token can be indexed: x[...]
	deepest   int  // the deepest nesting seen
	// commentEnd caches lastCommentEnd.
	commentEnd int
	endKnown   bool
	over       *syntaxLimit
	base       int // depth of the enclosing JSON value (scanJSON)
}

func (s *hclScanner) pos() policy.Pos { return policy.Pos{Line: s.line, Column: s.col} }

// adv moves past n bytes, keeping line and column (in runes).
func (s *hclScanner) adv(n int) {
	for range n {
		if s.i >= len(s.src) {
			return
		}
		c := s.src[s.i]
		s.i++
		switch {
		case c == '\n':
			s.line++
			s.col = 1
		case c&0xC0 != 0x80:
			s.col++
		}
	}
}

func (s *hclScanner) peek(k int) byte {
	if s.i+k < len(s.src) {
		return s.src[s.i+k]
	}
	return 0
}

func (s *hclScanner) token() {
	s.tokens++
	if s.tokens > s.maxTokens && s.over == nil {
		s.over = &syntaxLimit{fmt.Sprintf("the file has more than %d tokens (raise the limit with --max-nodes)", s.maxTokens), s.pos()}
	}
}

func (s *hclScanner) checkDepth() {
	d := s.base + len(s.stack) + s.ops
	s.deepest = max(s.deepest, d)
	if d > s.maxDepth && s.over == nil {
		s.over = &syntaxLimit{fmt.Sprintf("expressions nest deeper than %d levels (raise the limit with --max-depth)", s.maxDepth), s.pos()}
	}
}

func (s *hclScanner) push(kind int) {
	s.stack = append(s.stack, level{kind: kind})
	s.token()
	s.checkDepth()
}

func (s *hclScanner) pop() {
	if n := len(s.stack); n > 0 {
		s.ops -= s.stack[n-1].ops
		s.stack = s.stack[:n-1]
	}
	s.token()
}

func (s *hclScanner) top() *level {
	if len(s.stack) == 0 {
		return nil
	}
	return &s.stack[len(s.stack)-1]
}

func (s *hclScanner) op() {
	if t := s.top(); t != nil {
		t.ops++
	} else {
		s.topOps++
	}
	s.ops++
	s.token()
	s.checkDepth()
}

// separator ends an operator chain at the current level.
func (s *hclScanner) separator() {
	if t := s.top(); t != nil {
		s.ops -= t.ops
		t.ops = 0
	} else {
		s.ops -= s.topOps
		s.topOps = 0
	}
}

func (s *hclScanner) inTemplate() bool {
	t := s.top()
	return t != nil && (t.kind == lvQuote || t.kind == lvHeredoc || t.kind == lvTmpl)
}

func (s *hclScanner) scanNative() {
	for s.i < len(s.src) && s.over == nil {
		if s.inTemplate() {
			s.template()
		} else {
			s.code()
		}
	}
}

// code scans one token of expression syntax.
func (s *hclScanner) code() {
	c := s.src[s.i]
	switch {
	case c == ' ' || c == '\t' || c == '\r' && s.peek(1) == '\n':
		s.adv(1)
	case c == '\r': // alone, a token of its own (an invalid character)
		s.adv(1)
		s.token()
	case c == '\n': // hclsyntax makes a token of every newline
		if t := s.top(); t == nil || t.kind == lvBrace {
			s.separator()
			s.postfix = false
		}
		s.adv(1)
		s.token()
	case s.comment(c):
	case c == '{' || c == '(' || c == '[':
		if c == '[' && s.postfix {
			s.op() // an index: x[i][j] nests
		}
		s.adv(1)
		s.push(map[byte]int{'{': lvBrace, '(': lvParen, '[': lvBrack}[c])
		s.postfix = false
	case c == '}' || c == ')' || c == ']':
		s.adv(1)
		if t := s.top(); t != nil && closes(c, t.kind) {
			s.pop()
		} else {
			s.token() // a stray closer closes nothing (hclsyntax's recovery may close more: never less)
		}
		s.postfix = true
	case c == '"':
		s.adv(1)
		s.push(lvQuote)
	case c == '<' && s.peek(1) == '<' && s.heredoc():
	case c == ',':
		s.adv(1)
		s.token()
		s.separator()
		s.postfix = false
	case s.operator(c):
	case isIdentStart(c) || isDigit(c):
		s.word(c)
	default: // = : . ...
		s.adv(1)
		s.token()
		s.postfix = c == '.'
	}
}

// comment skips a comment starting at c, if one does.
func (s *hclScanner) comment(c byte) bool {
	switch {
	case c == '#' || (c == '/' && s.peek(1) == '/'):
		for s.i < len(s.src) && s.src[s.i] != '\n' {
			s.adv(1)
		}
	case c == '/' && s.peek(1) == '*' && s.i+2 <= s.lastCommentEnd():
		// (hclsyntax lexes an unterminated comment as "/", "*" and the
		// tokens after them; so does operator.)
		s.adv(2)
		for s.i < len(s.src) && (s.src[s.i] != '*' || s.peek(1) != '/') {
			s.adv(1)
		}
		s.adv(2)
	default:
		return false
	}
	s.token()
	return true
}

// operator counts an operator starting at c, if one does: "=>" is a
// separator, the others chain.
func (s *hclScanner) operator(c byte) bool {
	switch {
	case c == '=' && s.peek(1) == '>':
		s.adv(2)
		s.token()
	case c == '&' || c == '|' || c == '!' || c == '-' || c == '+' || c == '*' || c == '/' || c == '%' ||
		c == '?' || c == '<' || c == '>' || (c == '=' && s.peek(1) == '='):
		n := 1
		if n2 := s.peek(1); n2 == '=' || (c == '&' && n2 == '&') || (c == '|' && n2 == '|') {
			n = 2
		}
		s.adv(n)
		s.op()
	default:
		return false
	}
	s.postfix = false
	return true
}

// word skips an identifier (with its traversal: a.b.c) or a number. Each
// dot counts as a token too: the lexer makes two tokens of every ".b" of a
// traversal (the fuzzer found "A.0.A.0.A.0", twelve tokens counted as one).
func (s *hclScanner) word(c byte) {
	if isDigit(c) {
		for s.i < len(s.src) && (isDigit(s.src[s.i]) || s.src[s.i] == '.' ||
			s.src[s.i] == 'e' || s.src[s.i] == 'E' || (s.src[s.i] == '-' || s.src[s.i] == '+') && (s.src[s.i-1]|0x20) == 'e') {
			if s.src[s.i] == '.' {
				s.token()
			}
			s.adv(1)
		}
	} else {
		for s.i < len(s.src) && (isIdentStart(s.src[s.i]) || isDigit(s.src[s.i]) || s.src[s.i] == '-' ||
			s.src[s.i] == '.' && s.peek(1) != '.') {
			if s.src[s.i] == '.' {
				s.token()
			}
			s.adv(1)
		}
	}
	s.token()
	s.postfix = true
}

// closes reports whether closer c ends a level of kind.
func closes(c byte, kind int) bool {
	switch c {
	case '}':
		return kind == lvBrace || kind == lvInterp
	case ')':
		return kind == lvParen
	default:
		return kind == lvBrack
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lastCommentEnd is the offset of the last "*/" in the file (-1 if none),
// found once: a comment that starts after it is unterminated.
func (s *hclScanner) lastCommentEnd() int {
	if !s.endKnown {
		s.commentEnd, s.endKnown = bytes.LastIndex(s.src, []byte("*/")), true
	}
	return s.commentEnd
}

// heredoc starts a heredoc at "<<" when an identifier follows (with "-"
// for the flush form) and the line ends after it.
func (s *hclScanner) heredoc() bool {
	j := s.i + 2
	if j < len(s.src) && s.src[j] == '-' {
		j++
	}
	if j >= len(s.src) || !isIdentStart(s.src[j]) {
		return false
	}
	k := j
	for k < len(s.src) && (isIdentStart(s.src[k]) || isDigit(s.src[k]) || s.src[k] == '-') {
		k++
	}
	if k == j {
		return false
	}
	e := k // hclsyntax wants the line break right after the marker
	if e < len(s.src) && s.src[e] == '\r' {
		e++
	}
	if e >= len(s.src) || s.src[e] != '\n' {
		return false
	}
	marker := string(s.src[j:k])
	s.adv(e + 1 - s.i)
	s.push(lvHeredoc)
	s.top().marker = marker
	s.postfix = false
	return true
}

// template scans template text up to the next interpolation, directive or
// end of the template.
func (s *hclScanner) template() {
	t := s.top()
	lineStart := s.i == 0 || s.src[s.i-1] == '\n'
	if t.kind == lvHeredoc && lineStart {
		end := s.i
		for end < len(s.src) && s.src[end] != '\n' {
			end++
		}
		if strings.TrimSpace(string(s.src[s.i:end])) == t.marker {
			s.adv(end - s.i)
			s.pop()
			s.postfix = true
			return
		}
	}
	c := s.src[s.i]
	switch {
	case t.kind == lvQuote && c == '"':
		s.adv(1)
		s.pop()
		s.postfix = true
	case t.kind == lvQuote && c == '\n':
		// hclsyntax goes on with the string (and reports it): a token per
		// line break.
		s.adv(1)
		s.token()
	case t.kind == lvQuote && c == '\\':
		if s.peek(1) == '\n' {
			s.adv(1) // an invalid escape, then the line break
			s.token()
			return
		}
		s.adv(2)
	case (c == '$' || c == '%') && s.peek(1) == c && s.peek(2) == '{': // $${ and %%{ are literal
		s.adv(3)
	case (c == '$' || c == '%') && s.peek(1) == '{':
		s.adv(2)
		if c == '%' {
			s.directive(t)
		}
		s.push(lvInterp)
		s.postfix = false
	default:
		s.adv(1)
		// The lexer ends a literal at a line start and at a lone $ or %
		// (each becomes a token of its own): "0$0$0" is five tokens.
		if lineStart || c == '$' || c == '%' {
			s.token()
		}
	}
}

// directive counts %{if} and %{for} as a level of the template until
// their %{endif} or %{endfor}: hclsyntax nests their bodies.
func (s *hclScanner) directive(t *level) {
	j := s.i
	for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '~' || s.src[j] == '\t') {
		j++
	}
	word := func(w string) bool {
		return strings.HasPrefix(string(s.src[j:min(len(s.src), j+len(w)+1)]), w)
	}
	switch {
	case word("endif"), word("endfor"):
		if t.ops > 0 {
			t.ops--
			s.ops--
		}
	case word("if"), word("for"):
		t.ops++
		s.ops++
		s.checkDepth()
	}
}

// scanJSON checks a .tf.json file: JSON nesting and values, and every
// string, which hcljson reads as a template, as template syntax.
func (s *hclScanner) scanJSON() {
	depth := 0
	for s.i < len(s.src) && s.over == nil {
		c := s.src[s.i]
		switch c {
		case '{', '[':
			depth++
			s.deepest = max(s.deepest, depth)
			s.token()
			if depth > s.maxDepth {
				s.over = &syntaxLimit{fmt.Sprintf("JSON nests deeper than %d levels (raise the limit with --max-depth)", s.maxDepth), s.pos()}
			}
			s.adv(1)
		case '}', ']':
			depth = max(0, depth-1)
			s.adv(1)
		case '"':
			s.jsonString(depth)
		case ' ', '\t', '\r', '\n', ',', ':':
			s.adv(1)
		default:
			s.token()
			for s.i < len(s.src) && !strings.ContainsRune(" \t\r\n,:]}\"[{", rune(s.src[s.i])) {
				s.adv(1)
			}
		}
	}
}

// jsonString checks one JSON string: when it holds a template sequence,
// its decoded text is scanned as a template nested at depth.
func (s *hclScanner) jsonString(depth int) {
	s.token()
	start, startLine, startCol := s.i, s.line, s.col
	s.adv(1)
	escaped := false
	for s.i < len(s.src) && s.src[s.i] != '"' {
		if s.src[s.i] == '\\' {
			escaped = true
			s.adv(1)
		}
		s.adv(1)
	}
	s.adv(1)
	raw := s.src[start:min(s.i, len(s.src))]
	text := string(raw[1:])
	if len(raw) >= 2 && raw[len(raw)-1] == '"' {
		text = string(raw[1 : len(raw)-1])
	}
	if escaped {
		if err := json.Unmarshal(raw, &text); err != nil {
			return // hcljson reports the bad string
		}
	}
	if !strings.Contains(text, "${") && !strings.Contains(text, "%{") {
		return
	}
	inner := &hclScanner{src: []byte(text), maxDepth: s.maxDepth, maxTokens: s.maxTokens - s.tokens, line: startLine, col: startCol, base: depth}
	inner.stack = []level{{kind: lvTmpl}}
	inner.scanNative()
	s.tokens += inner.tokens
	s.deepest = max(s.deepest, inner.deepest)
	if inner.over != nil && s.over == nil {
		// Positions inside an escaped string are approximate; the line of
		// the string is right.
		s.over = inner.over
	}
}
