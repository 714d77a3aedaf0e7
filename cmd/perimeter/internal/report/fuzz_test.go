package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
	"github.com/perimeter-iac/perimeter/rules"
)

// fuzzReport builds a report whose strings come from the fuzzer: messages,
// paths, principals and error texts with quotes, control characters,
// invalid UTF-8 and HTML.
func fuzzReport(msg, file, value string, line int, declared bool) *Report {
	f := rules.Finding{
		ID: "0123456789abcdef", Rule: "PERIM001", Title: "t " + msg, Severity: "high", Exposure: "public", Public: true,
		Resource:  rules.ResourceRef{Type: "aws_s3_bucket_policy", Kind: "s3:bucket", Address: value, Target: value, File: file, Line: line, Source: "terraform"},
		Location:  rules.Location{File: file, Line: line, Column: 1, EndLine: line, EndColumn: 2},
		Principal: rules.Principal{Type: "AWS", Value: value, Account: "*"},
		Accounts:  []string{value}, Actions: []string{msg, "s3:GetObject"}, AccessLevels: []string{"Read"},
		Conditions: []rules.Condition{{Operator: "StringEquals", Key: msg, Values: []string{value, ""}}},
		Message:    msg, Reason: value,
	}
	return &Report{
		Tool: "perimeter", Version: value,
		Zone:     rules.Zone{Accounts: []string{"111122223333", value}, OrgID: msg, Declared: declared},
		Findings: []rules.Finding{f, f},
		Errors: loaders.Diagnostics{
			{Severity: loaders.Error, Summary: msg, Detail: value, Range: loaders.Range{File: file, Start: policy.Pos{Line: line, Column: 3}}},
			{Severity: loaders.Warning, Summary: value, Range: loaders.Range{File: file}},
		},
		Stats: Stats{Files: line, Resources: 2, Policies: 3},
	}
}

// FuzzJSONRoundTrip writes a report as JSON, reads it back and checks that
// nothing was lost or changed (strings come back as encoding/json makes
// them valid UTF-8), that writing what was read gives the same bytes, and
// that the output is one JSON value.
func FuzzJSONRoundTrip(f *testing.F) {
	f.Add("anyone (\"*\") can s3:GetObject", "infra/main.tf", "*", 9, true)
	f.Add("<script>&\u2028\x00\x1f\\", "dir with spaces/ü.tf", "\xff\xfe", 0, false)
	f.Add("", "", "", -1, true)
	f.Fuzz(func(t *testing.T, msg, file, value string, line int, declared bool) {
		rep := fuzzReport(msg, file, value, line, declared)
		var out bytes.Buffer
		if err := JSON(&out, rep, Options{}); err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
		var got jsonReport
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out.Bytes())
		}
		if dec.More() {
			t.Fatal("output holds more than one JSON value")
		}
		valid := validUTF8
		wantFinding := rep.Findings[0]
		for _, p := range []*string{
			&wantFinding.Title, &wantFinding.Message, &wantFinding.Reason, &wantFinding.Resource.Address,
			&wantFinding.Resource.Target, &wantFinding.Resource.File, &wantFinding.Location.File, &wantFinding.Principal.Value,
		} {
			*p = valid(*p)
		}
		wantFinding.Accounts = []string{valid(value)}
		wantFinding.Actions = []string{valid(msg), "s3:GetObject"}
		wantFinding.Conditions = []rules.Condition{{Operator: "StringEquals", Key: valid(msg), Values: []string{valid(value), ""}}}
		if len(got.Findings) != 2 || !reflect.DeepEqual(got.Findings[0], wantFinding) || !reflect.DeepEqual(got.Findings[1], wantFinding) {
			t.Fatalf("findings changed in the round trip:\n got %+v\nwant %+v", got.Findings, wantFinding)
		}
		wantErrors := []jsonError{
			{Severity: "error", File: valid(file), Line: line, Column: 3, Message: valid(msg + ": " + value)},
			{Severity: "warning", File: valid(file), Message: valid(value)},
		}
		if value == "" {
			wantErrors[0].Message = valid(msg)
		}
		if !reflect.DeepEqual(got.Errors, wantErrors) {
			t.Fatalf("errors changed in the round trip:\n got %+v\nwant %+v", got.Errors, wantErrors)
		}
		if got.Schema != SchemaVersion || got.Version != valid(value) || got.Zone.Declared != declared ||
			!reflect.DeepEqual(got.Zone.Accounts, []string{"111122223333", valid(value)}) || got.Zone.OrgID != valid(msg) ||
			(got.Zone.Note != "") == declared {
			t.Fatalf("header changed in the round trip: %+v", got)
		}
		if !reflect.DeepEqual(got.Summary, rep.Summarize()) {
			t.Fatalf("summary changed in the round trip: %+v, want %+v", got.Summary, rep.Summarize())
		}
		// What was read writes back to the same bytes (once invalid UTF-8,
		// which encoding/json writes as \ufffd escapes, has become U+FFFD).
		first := out.Bytes()
		if !utf8.ValidString(msg) || !utf8.ValidString(file) || !utf8.ValidString(value) {
			first = rewrite(t, first)
		}
		if a, b := rewrite(t, first), first; !bytes.Equal(a, b) {
			i := 0
			for i < min(len(a), len(b)) && a[i] == b[i] {
				i++
			}
			t.Fatalf("writing the decoded report gives different bytes from byte %d: %q, first %q", i, a[i:min(len(a), i+40)], b[i:min(len(b), i+40)])
		}
	})
}

// validUTF8 is s as encoding/json writes it: each byte of an invalid
// sequence becomes U+FFFD.
func validUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// rewrite decodes a JSON report and encodes it again as the writer does.
func rewrite(t *testing.T, data []byte) []byte {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
