package suppress

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/rules"
)

var testRules = []*rules.Rule{
	{ID: "PERIM001", Name: "s3_bucket"},
	{ID: "PERIM002", Name: "iam_role_trust"},
}

// fixed is the clock of every test.
var fixed = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

// tfFinding is a finding of a Terraform bucket policy whose header is on
// resLine and whose principal is on line.
func tfFinding(file string, resLine, line int) rules.Finding {
	f := rules.Finding{
		ID: "id-" + file, Rule: "PERIM001", Severity: "critical", Exposure: rules.ExposurePublic, Public: true,
		Resource: rules.ResourceRef{
			Type: "aws_s3_bucket_policy", Kind: "s3:bucket", Address: "aws_s3_bucket_policy.p", Target: "aws_s3_bucket.b",
			File: file, Line: resLine, Source: string(loaders.SourceTerraform),
		},
		Location:  rules.Location{File: file, Line: line, Column: 5, EndLine: line, EndColumn: 8},
		Principal: rules.Principal{Type: "AWS", Value: "*", Account: "*"},
		Actions:   []string{"s3:GetObject"},
	}
	return f
}

func cfnFinding(file, logicalID string, resLine, line int) rules.Finding {
	f := tfFinding(file, resLine, line)
	f.Resource.Type, f.Resource.Address, f.Resource.Target = "AWS::S3::BucketPolicy", logicalID, "Bucket"
	f.Resource.Source = string(loaders.SourceCloudFormation)
	return f
}

// readTestdata returns the contents of testdata files keyed by their path
// relative to testdata.
func readTestdata(t *testing.T, names ...string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		files[n] = data
	}
	return files
}

func TestInlineSuppressions(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		finding    rules.Finding
		wantSource string // "" = not suppressed
		wantReason string
	}{
		// hcl/main.tf
		{"trailing comment on the grant", "hcl/main.tf", tfFinding("hcl/main.tf", 1, 9), "hcl/main.tf:9", "public website assets"},
		{"comment above the grant", "hcl/main.tf", tfFinding("hcl/main.tf", 1, 17), "hcl/main.tf:16", "CDN origin reads it"},
		{"// comment above the block header", "hcl/main.tf", tfFinding("hcl/main.tf", 27, 33), "hcl/main.tf:26", "legacy partner"},
		{"comment in the block's first lines", "hcl/main.tf", tfFinding("hcl/main.tf", 40, 45), "hcl/main.tf:43", "second of two directives"},
		{"other rule named", "hcl/main.tf", withRule(tfFinding("hcl/main.tf", 49, 51), "PERIM002"), "", ""},
		{"rule named by package name", "hcl/main.tf", tfFinding("hcl/main.tf", 49, 51), "hcl/main.tf:48", "named by package"},
		{"exposure selector", "hcl/main.tf", tfFinding("hcl/main.tf", 54, 56), "hcl/main.tf:53", "anything public here is a website"},
		{"exposure selector does not cover other exposures", "hcl/main.tf", withExposure(tfFinding("hcl/main.tf", 54, 56), rules.ExposureExternal), "", ""},
		{"blank line detaches the directive", "hcl/main.tf", tfFinding("hcl/main.tf", 61, 63), "", ""},
		{"no reason: not suppressed", "hcl/main.tf", tfFinding("hcl/main.tf", 67, 68), "", ""},
		{"unknown rule: not suppressed", "hcl/main.tf", tfFinding("hcl/main.tf", 72, 73), "", ""},
		{"marker inside a string is no directive", "hcl/main.tf", tfFinding("hcl/main.tf", 75, 76), "", ""},
		{"comma-separated selectors", "hcl/main.tf", tfFinding("hcl/main.tf", 80, 81), "hcl/main.tf:79", "both rules"},
		{"comment two blocks away does not apply", "hcl/main.tf", tfFinding("hcl/main.tf", 83, 84), "", ""},
		// yaml
		{"yaml comment above the resource", "cfn/template.yaml", cfnFinding("cfn/template.yaml", "OpenPolicy", 5, 12), "cfn/template.yaml:4", "intentionally public bucket"},
		{"yaml comment on the principal line", "cfn/template.yaml", cfnFinding("cfn/template.yaml", "PartnerPolicy", 14, 22), "cfn/template.yaml:22", "partner's data lake"},
		{"yaml Metadata entry", "cfn/template.yaml", cfnFinding("cfn/template.yaml", "MetaPolicy", 24, 35), "cfn/template.yaml:29", "CloudFront logs are public"},
		{"yaml Metadata entry without reason", "cfn/template.yaml", cfnFinding("cfn/template.yaml", "NoReasonPolicy", 37, 48), "", ""},
		{"yaml # inside a quoted string", "cfn/template.yaml", cfnFinding("cfn/template.yaml", "QuotedPolicy", 50, 57), "", ""},
		// json
		{"json Metadata entry", "cfn/template.json", cfnFinding("cfn/template.json", "MetaPolicy", 3, 18), "cfn/template.json:10", "reviewed in SEC-42"},
		{"json Metadata of another resource", "cfn/template.json", cfnFinding("cfn/template.json", "Other", 24, 29), "", ""},
		// tf.json
		{"tf.json // key", "tfjson/main.tf.json", tfFinding("tfjson/main.tf.json", 4, 9), "tfjson/main.tf.json:5", "public assets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Apply([]rules.Finding{tt.finding}, readTestdata(t, tt.file), Options{Rules: testRules, Now: fixed})
			if tt.wantSource == "" {
				if len(res.Suppressed) != 0 || len(res.Active) != 1 {
					t.Fatalf("suppressed by %+v, want it reported", res.Suppressed)
				}
				return
			}
			if len(res.Suppressed) != 1 {
				t.Fatalf("not suppressed; diagnostics: %v", res.Diagnostics)
			}
			s := res.Suppressed[0].Suppression
			if s.Source != tt.wantSource || s.Reason != tt.wantReason || s.Kind != KindInline {
				t.Errorf("suppression = %+v, want %s %q", s, tt.wantSource, tt.wantReason)
			}
		})
	}
}

func withRule(f rules.Finding, id string) rules.Finding { f.Rule = id; return f }

func withExposure(f rules.Finding, e string) rules.Finding {
	f.Exposure, f.Public = e, e == rules.ExposurePublic
	return f
}

func TestBadDirectivesAreWarnings(t *testing.T) {
	files := readTestdata(t, "hcl/main.tf", "cfn/template.yaml")
	res := Apply(nil, files, Options{Rules: testRules, Now: fixed})
	var got []string
	for _, d := range res.Diagnostics {
		if d.Severity != loaders.Warning {
			t.Errorf("%v is not a warning", d)
		}
		got = append(got, d.Range.String()+" "+d.Summary)
	}
	slices.Sort(got)
	want := []string{
		"cfn/template.yaml:41:13 Metadata.perimeter.ignore entry for PERIM001 has no reason, so it suppresses nothing: add why the access is intended",
		"hcl/main.tf:66:1 perimeter:ignore PERIM001 has no reason, so it suppresses nothing: add why the access is intended",
		`hcl/main.tf:71:1 perimeter:ignore: unknown rule or exposure "this" (want a rule ID such as PERIM001, public, external, unresolved or all)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestModuleCallDirective(t *testing.T) {
	files := map[string][]byte{
		"root/main.tf":    []byte("# perimeter:ignore all the whole module is a public website\nmodule \"site\" {\n  source = \"../mod\"\n}\n"),
		"mod/policy.tf":   []byte("resource \"aws_s3_bucket_policy\" \"p\" {\n  policy = \"...\"\n}\n"),
		"other/unrelated": []byte("# perimeter:ignore all not this one\nmodule \"x\" {}\n"),
	}
	f := tfFinding("mod/policy.tf", 1, 2)
	f.Resource.ModuleRefs = []rules.ModuleRef{{Address: "module.site", File: "root/main.tf", Line: 2}}
	res := Apply([]rules.Finding{f}, files, Options{Rules: testRules, Now: fixed})
	if len(res.Suppressed) != 1 || res.Suppressed[0].Suppression.Source != "root/main.tf:1" {
		t.Fatalf("got %+v", res)
	}
}

// A directive above a block must not reach the one-line block before it.
func TestDirectiveDoesNotReachTheBlockAbove(t *testing.T) {
	files := map[string][]byte{"main.tf": []byte(`resource "aws_lambda_permission" "a" { principal = "*" }
# perimeter:ignore PERIM001 meant for b only
resource "aws_s3_bucket_policy" "b" {
  policy = local.p
}
`)}
	a := tfFinding("main.tf", 1, 1)
	b := tfFinding("main.tf", 3, 4)
	res := Apply([]rules.Finding{a, b}, files, Options{Rules: testRules, Now: fixed})
	if len(res.Active) != 1 || res.Active[0].Resource.Line != 1 || len(res.Suppressed) != 1 {
		t.Fatalf("active %+v, suppressed %+v", res.Active, res.Suppressed)
	}
}

func TestSplitComment(t *testing.T) {
	tests := []struct {
		line    string
		style   commentStyle
		comment string
		code    bool
		ok      bool
	}{
		{`  # x`, styleHCL, " x", false, true},
		{`  // x`, styleHCL, " x", false, true},
		{`a = "https://example.com" # x`, styleHCL, " x", true, true},
		{`a = "x # y"`, styleHCL, "", true, false},
		{`a = "say \"#\"" // z`, styleHCL, " z", true, true},
		{`Description: it's a bucket # x`, styleHash, " x", true, true},
		{`Description: 'a # b' # x`, styleHash, " x", true, true},
		{`Value: a#b`, styleHash, "", true, false},
		{`- '#not' # yes`, styleHash, " yes", true, true},
		{`  "//": "perimeter:ignore all why",`, styleTFJSON, "perimeter:ignore all why", false, true},
		{`{"a": 1} # x`, styleNone, "", true, false},
	}
	for _, tt := range tests {
		c, at := commentAt(tt.line, tt.style)
		ok := at >= 0
		code := strings.TrimSpace(tt.line) != ""
		if ok {
			code = strings.TrimSpace(tt.line[:at]) != ""
		}
		if c != tt.comment || code != tt.code || ok != tt.ok {
			t.Errorf("commentAt(%q) = %q %v %v, want %q %v %v", tt.line, c, code, ok, tt.comment, tt.code, tt.ok)
		}
	}
}

func TestParseDirective(t *testing.T) {
	tests := []struct {
		body      string
		selectors []string
		reason    string
		problem   bool
	}{
		{"PERIM001 the partner reads it", []string{"perim001"}, "the partner reads it", false},
		{"public,PERIM002   two words ", []string{"public", "perim002"}, "two words", false},
		{"PERIM001\tthe reason", []string{"perim001"}, "the reason", false},
		{"PERIM001", []string{"perim001"}, "", true},
		{"", nil, "", true},
		{"PERIM001 in a block comment */", []string{"perim001"}, "in a block comment", false},
	}
	for _, tt := range tests {
		d := parseDirective(tt.body)
		if !slices.Equal(d.selectors, tt.selectors) || d.reason != tt.reason || (d.problem != "") != tt.problem {
			t.Errorf("parseDirective(%q) = %q %q problem=%q", tt.body, d.selectors, d.reason, d.problem)
		}
	}
	if _, ok := cutMarker(" perimeter:ignored PERIM001 x"); ok {
		t.Error("perimeter:ignored is not the marker")
	}
}

func FuzzScanDirectives(f *testing.F) {
	for _, name := range []string{"hcl/main.tf", "cfn/template.yaml", "cfn/template.json", "tfjson/main.tf.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		ds := scanDirectives(name, data, styleOf(name, data))
		lines := strings.Count(string(data), "\n") + 1
		for _, d := range ds {
			if d.line < 1 || d.line > lines || d.next > lines || d.prev >= d.line && d.prev != 0 {
				t.Fatalf("directive %+v out of range (%d lines)", d, lines)
			}
			if d.problem == "" && (len(d.selectors) == 0 || d.reason == "") {
				t.Fatalf("directive without selector or reason accepted: %+v", d)
			}
		}
		metadataEntries(name, data)
	})
}

var update = flag.Bool("update", false, "rewrite the golden files")
