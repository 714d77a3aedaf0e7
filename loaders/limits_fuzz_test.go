package loaders

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// FuzzTextProblem checks the UTF-16 decoder and the text check: any text
// written as UTF-16 (either byte order, with its mark) decodes back to the
// same UTF-8 and is reported as UTF-16; UTF-8 text without NUL bytes passes.
func FuzzTextProblem(f *testing.F) {
	for _, s := range []string{"", "a", "resource \"x\" \"y\" {}\n", "日本語 é \U0001F600", "\x00", "\xff\xfe", "\xfe\xff\x00a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p := TextProblem([]byte(s)); p != "" {
			if !strings.Contains(s[:min(len(s), 8000)], "\x00") && !strings.HasPrefix(s, "\xfe\xff") && !strings.HasPrefix(s, "\xff\xfe") {
				t.Fatalf("TextProblem(%q) = %q", s, p)
			}
		}
		DecodeUTF16([]byte(s)) // never panics on anything
		if !utf8.ValidString(s) {
			return
		}
		units := utf16.Encode([]rune(s))
		for _, big := range []bool{false, true} {
			var b bytes.Buffer
			if big {
				b.Write([]byte{0xFE, 0xFF})
			} else {
				b.Write([]byte{0xFF, 0xFE})
			}
			for _, u := range units {
				if big {
					b.Write([]byte{byte(u >> 8), byte(u)})
				} else {
					b.Write([]byte{byte(u), byte(u >> 8)})
				}
			}
			got, ok := DecodeUTF16(b.Bytes())
			if !ok || string(got) != s {
				t.Fatalf("DecodeUTF16(UTF-16 of %q, big endian %v) = %q, %v", s, big, got, ok)
			}
			if p := TextProblem(b.Bytes()); !strings.Contains(p, "UTF-16") && !strings.Contains(p, "UTF-32") {
				t.Fatalf("TextProblem(UTF-16 of %q) = %q", s, p)
			}
		}
	})
}
