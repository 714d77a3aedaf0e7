package suppress

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Marker starts an inline suppression comment.
const Marker = "perimeter:ignore"

// directive is one `perimeter:ignore` comment.
type directive struct {
	file      string
	line, col int
	selectors []string // lower case: rule IDs or names, exposures, "all"
	reason    string
	// problem is set when the directive cannot suppress anything (no
	// reason, unknown rule); it is reported as a warning.
	problem string

	// The code lines the directive attaches to: the line it trails, the
	// first code line below its comment run, and the last code line above
	// that run (a block header whose body starts with the comment).
	trailing, next, prev int
}

func (d *directive) source() string { return fmt.Sprintf("%s:%d", d.file, d.line) }

// commentStyle is how a file writes comments.
type commentStyle int

const (
	styleNone   commentStyle = iota // JSON: no comments
	styleHash                       // YAML: #
	styleHCL                        // HCL: # and //
	styleTFJSON                     // Terraform JSON: "//" keys
)

// styleOf picks the comment syntax from the file name, and for .template and
// .json files from the first byte (CloudFormation templates may be either).
func styleOf(name string, data []byte) commentStyle {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".tf.json"), strings.HasSuffix(lower, ".tfvars.json"):
		return styleTFJSON
	case strings.HasSuffix(lower, ".tf"), strings.HasSuffix(lower, ".tfvars"), strings.HasSuffix(lower, ".hcl"):
		return styleHCL
	case strings.HasSuffix(lower, ".yaml"), strings.HasSuffix(lower, ".yml"):
		return styleHash
	}
	if trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff"); len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return styleNone
	}
	if path.Ext(lower) == ".json" {
		return styleNone
	}
	return styleHash // .template in YAML
}

var tfJSONComment = regexp.MustCompile(`^\s*"//"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,?\s*$`)

// lineKind classifies a line for attaching comments to code.
type lineKind int

const (
	lineBlank lineKind = iota
	lineComment
	lineCode
)

// commentAt returns the comment text of a line (without its marker) and
// the byte offset of the marker, or -1. Quotes are tracked so that
// "https://..." or "a # b" inside a string is not a comment.
func commentAt(line string, style commentStyle) (string, int) {
	switch style {
	case styleNone:
		return "", -1
	case styleTFJSON:
		if m := tfJSONComment.FindStringSubmatchIndex(line); m != nil {
			return strings.ReplaceAll(line[m[2]:m[3]], `\"`, `"`), strings.Index(line, `"//"`)
		}
		return "", -1
	case styleHash, styleHCL:
	}
	inDouble, inSingle := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inDouble:
			switch c {
			case '\\':
				i++
			case '"':
				inDouble = false
			}
		case inSingle:
			if c == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' { // YAML's '' escape
					i++
				} else {
					inSingle = false
				}
			}
		case c == '"':
			inDouble = true
		case c == '\'' && style == styleHash && quoteCanOpen(line, i):
			inSingle = true
		case c == '#' && (style == styleHCL || i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return line[i+1:], i
		case c == '/' && style == styleHCL && i+1 < len(line) && line[i+1] == '/':
			return line[i+2:], i
		}
	}
	return "", -1
}

// quoteCanOpen reports whether a YAML quote at i starts a quoted scalar
// rather than being an apostrophe inside a plain one ("it's").
func quoteCanOpen(line string, i int) bool {
	j := i - 1
	for j >= 0 && (line[j] == ' ' || line[j] == '\t') {
		j--
	}
	if j < 0 {
		return true
	}
	switch line[j] {
	case ':', '-', '[', '{', ',', '?':
		return j < i-1 || line[j] != ':' // "a:'b'" is a plain scalar in YAML
	}
	return false
}

// scanDirectives finds every perimeter:ignore comment of a file.
func scanDirectives(file string, data []byte, style commentStyle) []*directive {
	if style == styleNone || !bytes.Contains(data, []byte(Marker)) {
		return nil
	}
	lines := strings.Split(string(data), "\n")
	kinds := make([]lineKind, len(lines)+2) // 1-based, with sentinels
	opens := make([]bool, len(lines)+2)     // the code of the line opens a block
	var found []*directive
	for i, raw := range lines {
		n := i + 1
		text := strings.TrimSuffix(raw, "\r")
		comment, at := commentAt(text, style)
		kinds[n] = classify(text, at)
		code := text
		if at >= 0 {
			code = text[:at]
		}
		code = strings.TrimSpace(code)
		opens[n] = strings.HasSuffix(code, "{") || strings.HasSuffix(code, ":") || strings.HasSuffix(code, "[")
		if at < 0 {
			continue
		}
		body, ok := cutMarker(comment)
		if !ok {
			continue
		}
		d := parseDirective(body)
		d.file, d.line, d.col = file, n, utf8.RuneCountInString(text[:at])+1
		if kinds[n] == lineCode {
			d.trailing = n
		}
		found = append(found, d)
	}
	for _, d := range found {
		if d.trailing == 0 {
			d.next = codeLine(kinds, d.line, +1)
			// Only a line that opens a block can be the header whose
			// first lines the directive is in: a one-line block above
			// must not be suppressed by a directive meant for the next.
			if prev := codeLine(kinds, d.line, -1); prev > 0 && opens[prev] {
				d.prev = prev
			}
		}
	}
	return found
}

func classify(text string, commentAt int) lineKind {
	switch {
	case commentAt >= 0 && strings.TrimSpace(text[:commentAt]) == "":
		return lineComment
	case strings.TrimSpace(text) != "":
		return lineCode
	default:
		return lineBlank
	}
}

// codeLine walks from a comment line in direction step over comment lines
// and returns the code line reached, or 0 at a blank line or the file's end.
func codeLine(kinds []lineKind, from, step int) int {
	for j := from + step; j >= 1 && j < len(kinds)-1; j += step {
		switch kinds[j] {
		case lineCode:
			return j
		case lineBlank:
			return 0
		case lineComment:
		}
	}
	return 0
}

// cutMarker returns what follows "perimeter:ignore" at the start of a
// comment.
func cutMarker(comment string) (string, bool) {
	c := strings.TrimLeft(comment, " \t#/*")
	rest, ok := strings.CutPrefix(c, Marker)
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// parseDirective reads "SELECTOR[,SELECTOR...] REASON...".
func parseDirective(body string) *directive {
	d := &directive{}
	sel, reason, _ := strings.Cut(body, " ")
	if i := strings.IndexByte(sel, '\t'); i >= 0 {
		sel, reason = sel[:i], sel[i+1:]+" "+reason
	}
	reason = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(reason), "*/"))
	for s := range strings.SplitSeq(sel, ",") {
		if s = strings.TrimSpace(s); s != "" {
			d.selectors = append(d.selectors, strings.ToLower(s))
		}
	}
	d.reason = reason
	switch {
	case len(d.selectors) == 0:
		d.problem = Marker + " needs a rule ID or exposure and a reason, as in `" + Marker + " PERIM001 the partner account reads reports`"
	case reason == "":
		d.problem = fmt.Sprintf("%s %s has no reason, so it suppresses nothing: add why the access is intended", Marker, sel)
	}
	return d
}
