package terraform

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/perimeter-iac/perimeter/policy"
)

// naiveOffset is the obvious (quadratic over a long line) conversion the
// index replaces.
func naiveOffset(text string, p policy.Pos) int {
	lines := strings.SplitAfter(text, "\n")
	if p.Line < 1 || p.Line > len(lines) {
		return len(text)
	}
	off := 0
	for _, l := range lines[:p.Line-1] {
		off += len(l)
	}
	for c := 1; c < p.Column && off < len(text) && text[off] != '\n'; c++ {
		_, size := utf8.DecodeRuneInString(text[off:])
		off += size
	}
	return off
}

func TestTextIndexAgreesWithTheNaiveConversion(t *testing.T) {
	for _, text := range []string{
		"",
		"abc\ndef\n",
		`{"a": "é", "b": ["日本語", "x"]}` + "\n" + strings.Repeat("ü", 300) + "z\n\nlast",
		strings.Repeat("ab\u00e9\u65e5", 200),
	} {
		tx := newTextIndex(text)
		lines := strings.Count(text, "\n") + 1
		for line := 0; line <= lines+1; line++ {
			for col := 0; col <= utf8.RuneCountInString(text)+2; col += 1 + col/50 {
				p := policy.Pos{Line: line, Column: col}
				if got, want := tx.offset(p), naiveOffset(text, p); got != want {
					t.Fatalf("offset(%v) = %d, want %d in %q", p, got, want, text)
				}
			}
		}
		for a := 0; a <= len(text); a += 1 + a/40 {
			for b := a; b <= len(text); b += 7 + b/30 {
				if got, want := tx.runes(a, b), runeStarts(text[a:b]); got != want {
					t.Fatalf("runes(%d, %d) = %d, want %d", a, b, got, want)
				}
			}
			if got, want := tx.lineOf(a), strings.Count(text[:a], "\n"); got != want {
				t.Fatalf("lineOf(%d) = %d, want %d", a, got, want)
			}
		}
	}
}

func runeStarts(s string) int {
	n := 0
	for i := range len(s) {
		if isRuneStart(s[i]) {
			n++
		}
	}
	return n
}
