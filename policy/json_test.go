package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseJSONPositions(t *testing.T) {
	src := "{\n  \"Statement\": [\n    {\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}, \"n\": -1.5e3}\n  ]\n}"
	v, err := ParseJSON([]byte(src), JSONOptions{File: "p.json"})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := v.Get("statement")
	p, _ := st.Items[0].Get("principal")
	aws, _ := p.Get("AWS")
	if got, want := aws.Range.String(), "p.json:3:27"; got != want {
		t.Errorf("principal range = %s, want %s", got, want)
	}
	if aws.Range.End.Column != 27+len(`"arn:aws:iam::111122223333:root"`) {
		t.Errorf("end column = %d", aws.Range.End.Column)
	}
	n, _ := st.Items[0].Get("n")
	if n.Kind != Number || n.Str != "-1.5e3" {
		t.Errorf("number = %v %q", n.Kind, n.Str)
	}
}

func TestParseJSONOffsetAndRunes(t *testing.T) {
	// A heredoc starting on line 10, column 5; the é counts as one column.
	src := "{\"é\": \"x\",\n \"k\": true}"
	v, err := ParseJSON([]byte(src), JSONOptions{File: "main.tf", Start: Pos{Line: 10, Column: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Fields[0].Value.Range.Start; got != (Pos{10, 11}) {
		t.Errorf("first value at %v, want 10:11", got)
	}
	if got := v.Fields[1].Value.Range.Start; got != (Pos{11, 7}) {
		t.Errorf("second value at %v, want 11:7", got)
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"truncated object", `{"a": `, "1:7: unexpected end of input"},
		{"trailing garbage", `{} x`, `1:4: unexpected 'x' after the JSON value`},
		{"bad key", `{a: 1}`, "expected a string key"},
		{"control char", "\"a\x01\"", "control character"},
		{"bad escape", `"\q"`, `invalid escape \q`},
		{"bad number", `-`, "malformed number"},
		{"missing comma", "[1\n 2]", "2:2: unexpected '2', expected ',' or ']'"},
		{"deep", strings.Repeat("[", 2000) + strings.Repeat("]", 2000), "nests deeper than 1000"},
		{"empty", ``, "unexpected end of input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseJSON([]byte(tt.src), JSONOptions{})
			if _, ok := errors.AsType[*SyntaxError](err); !ok {
				t.Fatalf("err = %v, want a *SyntaxError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseJSONStrings(t *testing.T) {
	tests := []struct{ src, want string }{
		{`"plain"`, "plain"},
		{`"a\"b\\c\/d\n"`, "a\"b\\c/d\n"},
		{`"\u00e9\ud83d\ude00"`, "é😀"},
		{`"\ud83d"`, "\uFFFD"},
		{"\"bad \xff byte\"", "bad \uFFFD byte"},
	}
	for _, tt := range tests {
		v, err := ParseJSON([]byte(tt.src), JSONOptions{})
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if v.Str != tt.want {
			t.Errorf("%s: got %q, want %q", tt.src, v.Str, tt.want)
		}
	}
}

func TestParseJSONByteOrderMark(t *testing.T) {
	v, err := ParseJSON([]byte("\xEF\xBB\xBF{}"), JSONOptions{})
	if err != nil || v.Kind != Object {
		t.Fatalf("got %v, %v", v.Kind, err)
	}
}
