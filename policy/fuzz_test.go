package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/internal/conformance"
)

func addSeeds(f *testing.F) {
	f.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "policies", "*.json"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// The conformance corpus's JSON templates and plans are JSON documents
	// full of policies (absent on machines without it).
	conformance.Seed(f, ".json")
	for _, s := range []string{`{}`, `[]`, `"x"`, `{"Statement": null}`, `"{\"Statement\": \"*\"}"`, `{"a":"\ud800"}`, `-0.1e+5`} {
		f.Add([]byte(s))
	}
}

// FuzzParseJSON checks that the position-keeping JSON parser never panics,
// keeps every range inside the input, and agrees with itself on re-parse.
func FuzzParseJSON(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseJSON(data, JSONOptions{File: "f.json", MaxDepth: 64})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.json:") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		var check func(Value)
		check = func(v Value) {
			if v.Range.Start.Line < 1 || v.Range.End.Line > lines || v.Range.Start.Column < 1 {
				t.Fatalf("range %v outside the input (%d lines)", v.Range, lines)
			}
			for _, it := range v.Items {
				check(it)
			}
			for _, fl := range v.Fields {
				check(fl.Value)
			}
		}
		check(v)
	})
}

// FuzzParse checks that Parse never panics on any JSON value and that every
// principal it returns is classified.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseJSON(data, JSONOptions{MaxDepth: 64})
		if err != nil {
			return
		}
		d := Parse(v)
		for _, s := range d.Statements {
			for _, p := range s.Principals {
				if p.Kind == "" {
					t.Fatalf("principal %+v has no kind", p)
				}
			}
			for _, c := range s.Conditions {
				if c.Base != "" {
					if _, _, _, _, ok := ParseOperator(c.Operator); !ok {
						t.Fatalf("condition %+v has a base but an unknown operator", c)
					}
				}
			}
		}
		// Access levels for whatever actions came out never panic either.
		for _, s := range d.Statements {
			LoadCatalog().AccessLevels(s.Actions, s.NotAction, []string{"s3"})
		}
	})
}

// FuzzWildcardMatch checks the matcher against a simple recursive oracle.
func FuzzWildcardMatch(f *testing.F) {
	f.Add("s3:get*", "s3:getobject")
	f.Add("a*b?c*", "axxbycz")
	f.Add("***?", "")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 12 || len(s) > 24 {
			return // the oracle is exponential
		}
		if got, want := WildcardMatch(pattern, s), oracleMatch(pattern, s); got != want {
			t.Fatalf("WildcardMatch(%q, %q) = %v, oracle says %v", pattern, s, got, want)
		}
	})
}

func oracleMatch(p, s string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		return oracleMatch(p[1:], s) || (s != "" && oracleMatch(p, s[1:]))
	case '?':
		return s != "" && oracleMatch(p[1:], s[1:])
	default:
		return s != "" && s[0] == p[0] && oracleMatch(p[1:], s[1:])
	}
}
