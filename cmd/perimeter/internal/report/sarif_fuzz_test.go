package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
	"github.com/perimeter-iac/perimeter/rules"
)

// FuzzSARIFRoundTrip writes a report as SARIF, reads it back and checks
// what code scanning relies on: one result per finding with its message,
// level and location; every error and warning as a tool execution
// notification; artifact URIs that resolve to the file written; regions
// that SARIF allows (lines and columns from 1, the end not before the
// start); and that writing what was read gives the same bytes.
func FuzzSARIFRoundTrip(f *testing.F) {
	f.Add("anyone (\"*\") can s3:GetObject", "infra/main.tf", "*", 9, 3, 9, 12, true)
	f.Add("<script>&\u2028\x00\\ ", "dir with spaces/ü%20.tf", "\xff\xfe", 0, 0, -1, 0, false)
	f.Add("", "/abs/path/a:b#c?.tf", "", 1, 5, 1, 2, true)
	f.Add("x", "a:b/c.tf", "y", 2, 1, 1, 1, false)
	f.Fuzz(func(t *testing.T, msg, file, value string, line, col, endLine, endCol int, warning bool) {
		if file == "" || strings.ContainsAny(file, "\\") {
			return // discovery never gives an empty path; backslashes become slashes
		}
		rep := fuzzReport(msg, file, value, line, true)
		rep.Rules = []*rules.Rule{{ID: "PERIM001", Name: "s3_bucket", Title: "t", Description: value, Severity: "high", Remediation: msg}}
		for i := range rep.Findings {
			rep.Findings[i].Location = rules.Location{File: file, Line: line, Column: col, EndLine: endLine, EndColumn: endCol}
		}
		rep.Errors[0].Range = loaders.Range{File: file, Start: policy.Pos{Line: line, Column: col}, End: policy.Pos{Line: endLine, Column: endCol}}
		if warning {
			rep.Errors[0].Severity = loaders.Warning
		}
		var out bytes.Buffer
		if err := SARIF(&out, rep, Options{}); err != nil {
			t.Fatal(err)
		}
		var log sarifLog
		dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
		if err := dec.Decode(&log); err != nil || dec.More() {
			t.Fatalf("output is not one JSON value (%v):\n%s", err, out.Bytes())
		}
		if log.Version != "2.1.0" || len(log.Runs) != 1 {
			t.Fatalf("log %+v", log)
		}
		run := log.Runs[0]
		if len(run.Results) != len(rep.Findings) {
			t.Fatalf("%d results for %d findings", len(run.Results), len(rep.Findings))
		}
		wantPath, inRoot := rep.RepoPath(file)
		for _, res := range run.Results {
			if res.Message.Text != validUTF8(sentence(msg)) || res.Level != "error" || res.RuleID != "PERIM001" ||
				res.RuleIndex < 0 || res.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[res.RuleIndex].ID != "PERIM001" {
				t.Fatalf("result %+v", res)
			}
			checkLocation(t, res.Locations[0], wantPath, inRoot)
		}
		inv := run.Invocations[0]
		if len(inv.ToolExecutionNotifications) != len(rep.Errors) || inv.ExecutionSuccessful != !rep.Errors.HasErrors() {
			t.Fatalf("invocation %+v for errors %v", inv, rep.Errors)
		}
		for i, n := range inv.ToolExecutionNotifications {
			want := map[loaders.Severity]string{loaders.Error: "error", loaders.Warning: "warning"}[rep.Errors[i].Severity]
			if n.Level != want || n.Message.Text != validUTF8(sentence(diagnosticText(rep.Errors[i]))) || len(n.Locations) != 1 {
				t.Fatalf("notification %d %+v for %v", i, n, rep.Errors[i])
			}
			checkLocation(t, n.Locations[0], wantPath, inRoot)
		}
		first := out.Bytes()
		if !utf8.ValidString(msg) || !utf8.ValidString(file) || !utf8.ValidString(value) {
			first = resarif(t, first)
		}
		if again := resarif(t, first); !bytes.Equal(again, first) {
			t.Fatalf("writing the decoded log gives different bytes")
		}
	})
}

// checkLocation checks that a location names the file (its URI resolves to
// it) with a region SARIF allows.
func checkLocation(t *testing.T, loc sarifLocation, wantPath string, inRoot bool) {
	t.Helper()
	al := loc.PhysicalLocation.ArtifactLocation
	u, err := url.Parse(al.URI)
	if err != nil {
		t.Fatalf("artifact URI %q: %v", al.URI, err)
	}
	switch {
	case inRoot && (al.URIBaseID != srcRoot || u.Scheme != "" || u.Host != "" || path.Clean(u.Path) != path.Clean(wantPath)):
		t.Fatalf("artifact %+v (path %q) does not name %q", al, u.Path, wantPath)
	case !inRoot && (u.Scheme != "file" || path.Clean(u.Path) != path.Clean("/"+strings.TrimPrefix(wantPath, "/"))):
		t.Fatalf("artifact %+v (path %q) does not name %q", al, u.Path, wantPath)
	}
	if r := loc.PhysicalLocation.Region; r != nil {
		if r.StartLine < 1 || r.StartColumn < 1 || (r.EndLine != 0 && r.EndLine < r.StartLine) ||
			(r.EndLine == r.StartLine && r.EndColumn != 0 && r.EndColumn < r.StartColumn) {
			t.Fatalf("region %+v", *r)
		}
	}
}

// resarif decodes a SARIF log and encodes it again as the writer does.
func resarif(t *testing.T, data []byte) []byte {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
