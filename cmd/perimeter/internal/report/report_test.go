package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/suppress"
	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
	"github.com/perimeter-iac/perimeter/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func rng(file string, l1, c1, l2, c2 int) loaders.Range {
	return loaders.Range{File: file, Start: policy.Pos{Line: l1, Column: c1}, End: policy.Pos{Line: l2, Column: c2}}
}

// testRules are the rules of the synthetic reports.
func testRules() []*rules.Rule {
	return []*rules.Rule{
		{
			ID: "PERIM001", Name: "s3_bucket", Title: "S3 bucket reachable from outside the zone of trust", Severity: "high",
			Description:   "A bucket policy grants access to a principal outside the zone of trust.",
			Remediation:   "Grant only principals of your own accounts.",
			Kinds:         []string{"s3:bucket"},
			ResourceTypes: []string{"aws_s3_bucket_policy", "AWS::S3::BucketPolicy"}, AccessAnalyzer: true, Builtin: true,
		},
		{
			ID: "PERIM003", Name: "iam_role_trust", Title: "IAM role assumable from outside the zone of trust", Severity: "high",
			Description: "A role's trust policy lets a principal outside the zone assume it.", Remediation: "Trust only your accounts.",
			Kinds: []string{"iam:role"}, ResourceTypes: []string{"aws_iam_role", "AWS::IAM::Role"}, AccessAnalyzer: true, Builtin: true,
		},
		{ID: "ACME001", Name: "acme_kms", Title: "KMS decryption outside the organization", Severity: "medium", Kinds: []string{"kms:key"}},
	}
}

// fullReport has a finding of each exposure, a module chain, a path that
// needs escaping, both kinds of suppression and both kinds of diagnostic.
func fullReport() *Report {
	public := rules.Finding{
		ID: "1111aaaa2222bbbb", Rule: "PERIM001", Title: "S3 bucket reachable from outside the zone of trust", Severity: "critical",
		Exposure: rules.ExposurePublic, Public: true,
		Resource: rules.ResourceRef{
			Type: "aws_s3_bucket_policy", Kind: "s3:bucket", Address: "aws_s3_bucket_policy.assets", Target: "aws_s3_bucket.assets",
			File: "main.tf", Line: 12, Source: "terraform", Range: rng("main.tf", 12, 1, 25, 2),
		},
		Location:  rules.Location{File: "main.tf", Line: 19, Column: 19, EndLine: 19, EndColumn: 22},
		Principal: rules.Principal{Type: "AWS", Value: "*", Account: "*"},
		Accounts:  []string{}, Actions: []string{"s3:GetObject", "s3:PutObject"}, AccessLevels: []string{"Read", "Write"},
		Conditions: []rules.Condition{},
		Message:    `anyone ("*") can s3:GetObject, s3:PutObject on aws_s3_bucket.assets`,
	}
	external := rules.Finding{
		ID: "3333cccc4444dddd", Rule: "PERIM003", Title: "IAM role assumable from outside the zone of trust", Severity: "high",
		Exposure: rules.ExposureExternal,
		Resource: rules.ResourceRef{
			Type: "aws_iam_role", Kind: "iam:role", Address: "module.app.module.ci.aws_iam_role.deploy", Target: "module.app.module.ci.aws_iam_role.deploy",
			File: "modules/ci/role.tf", Line: 1, Source: "terraform", Range: rng("modules/ci/role.tf", 1, 1, 14, 2),
			ModuleRefs: []rules.ModuleRef{{Address: "module.app", File: "main.tf", Line: 30}, {Address: "module.app.module.ci", File: "modules/app/main.tf", Line: 4}},
		},
		Location:   rules.Location{File: "modules/ci/role.tf", Line: 8, Column: 22, EndLine: 8, EndColumn: 54},
		Principal:  rules.Principal{Type: "AWS", Value: "arn:aws:iam::444455556666:root", Account: "444455556666"},
		Accounts:   []string{"444455556666"},
		Actions:    []string{"sts:AssumeRole"},
		Conditions: []rules.Condition{{Operator: "StringEquals", Key: "sts:ExternalId", Values: []string{"x|y"}}},
		Message:    "account 444455556666 can sts:AssumeRole on module.app.module.ci.aws_iam_role.deploy",
	}
	unresolved := rules.Finding{
		ID: "5555eeee6666ffff", Rule: "PERIM001", Severity: "medium", Exposure: rules.ExposureUnresolved,
		Resource: rules.ResourceRef{
			Type: "AWS::S3::BucketPolicy", Kind: "s3:bucket", Address: "PartnerPolicy", Target: "Bucket",
			File: "cfn/dir with space/stack.yaml", Line: 20, Source: "cloudformation", Range: rng("cfn/dir with space/stack.yaml", 20, 3, 31, 1),
			Construct: "Stack/Partner/Policy",
		},
		Location:   rules.Location{File: "cfn/dir with space/stack.yaml", Line: 27, Column: 20, EndLine: 27, EndColumn: 37},
		Principal:  rules.Principal{Type: "AWS", Value: "${Partner}"},
		Accounts:   []string{},
		Actions:    []string{"s3:GetObject"},
		Conditions: []rules.Condition{},
		Message:    "cannot tell whether ${Partner} can s3:GetObject on Bucket: parameter Partner has no Default and no --parameter value",
		Reason:     "parameter Partner has no Default and no --parameter value",
	}
	inline := public
	inline.ID, inline.Resource.Address, inline.Location.Line, inline.Resource.Line = "7777aaaa8888bbbb", "aws_s3_bucket_policy.website", 44, 40
	inline.Resource.Range = rng("main.tf", 40, 1, 50, 2)
	archived := external
	archived.ID = "9999cccc0000dddd"
	archived.Resource.ModuleRefs = nil
	archived.Resource.Address, archived.Resource.File, archived.Location.File = "aws_iam_role.partner", "iam.tf", "iam.tf"
	archived.Resource.Range = rng("iam.tf", 1, 1, 9, 2)
	return &Report{
		Tool: "perimeter", Version: "v1.2.3",
		Zone:     rules.Zone{Accounts: []string{"111122223333"}, Declared: true},
		Findings: []rules.Finding{unresolved, public, external},
		Suppressed: []suppress.Suppressed{
			{Finding: inline, Suppression: suppress.Suppression{Kind: suppress.KindInline, Reason: "public website", Source: "main.tf:39", File: "main.tf", Line: 39}},
			{Finding: archived, Suppression: suppress.Suppression{Kind: suppress.KindArchive, Reason: "partner reads reports", Rule: "partner", Source: ".perimeter-archive.yml:3", File: ".perimeter-archive.yml", Line: 3}},
		},
		Errors: loaders.Diagnostics{
			{Severity: loaders.Error, Summary: "cannot parse", Detail: "unexpected token", Range: rng("broken.tf", 3, 5, 3, 6)},
			{Severity: loaders.Warning, Summary: "archive rule \"old\" expired on 2025-01-01; the findings it matched are reported again", Range: rng(".perimeter-archive.yml", 9, 1, 0, 0)},
		},
		Rules:      testRules(),
		Stats:      Stats{Files: 5, Resources: 7, Policies: 7},
		SourceRoot: "/src/repo",
		WorkDir:    "/src/repo",
	}
}

func cleanReport() *Report {
	return &Report{Tool: "perimeter", Version: "dev", Rules: testRules(), Stats: Stats{Files: 2, Resources: 1, Policies: 1}}
}

func newSinceReport() *Report {
	r := fullReport()
	r.Errors = nil
	r.Suppressed = nil
	r.Preexisting = []rules.Finding{r.Findings[0], r.Findings[2]}
	r.Findings = r.Findings[1:2]
	r.NewSince = "origin/main"
	r.Existing = 2
	r.WorkDir = "/src/repo/infra" // scanned from a subdirectory: URIs gain infra/
	return r
}

func TestGolden(t *testing.T) {
	cases := map[string]func() *Report{"full": fullReport, "clean": cleanReport, "newsince": newSinceReport}
	exts := map[string]string{"text": "txt", "json": "json", "sarif": "sarif", "markdown": "md", "codequality": "codequality.json"}
	for name, mk := range cases {
		for format, ext := range exts {
			t.Run(name+"/"+format, func(t *testing.T) {
				w, err := Lookup(format)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := w(&buf, mk(), Options{ShowSuppressed: name == "full"}); err != nil {
					t.Fatal(err)
				}
				// The same report gives the same bytes.
				var again bytes.Buffer
				if err := w(&again, mk(), Options{ShowSuppressed: name == "full"}); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
					t.Fatal("output differs between two runs")
				}
				golden := filepath.Join("testdata", name+"."+ext)
				if *update {
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("%s differs from %s (run go test -update and review the diff):\n%s", format, golden, buf.String())
				}
			})
		}
	}
}

// sarifDoc is the part of a SARIF log the checks read.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID                   string `json:"id"`
					HelpURI              string `json:"helpUri"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			Notifications       []struct {
				Level string `json:"level"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Locations           []sarifLocation   `json:"locations"`
			RelatedLocations    []sarifLocation   `json:"relatedLocations"`
			Suppressions        []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, r *Report) sarifDoc {
	t.Helper()
	var buf bytes.Buffer
	if err := SARIF(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var doc sarifDoc
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("version %q, %d runs", doc.Version, len(doc.Runs))
	}
	return doc
}

func TestSARIFContract(t *testing.T) {
	r := fullReport()
	doc := decodeSARIF(t, r)
	run := doc.Runs[0]
	if run.Tool.Driver.Name != "perimeter" || run.Tool.Driver.InformationURI == "" {
		t.Errorf("driver %+v", run.Tool.Driver)
	}
	var ids []string
	for _, rule := range run.Tool.Driver.Rules {
		ids = append(ids, rule.ID)
		if rule.Properties["security-severity"] == nil || !slices.Contains(rule.Properties["tags"].([]any), any("security")) {
			t.Errorf("rule %s lacks security-severity or the security tag", rule.ID)
		}
		if builtin := strings.HasPrefix(rule.ID, "PERIM"); builtin != (rule.HelpURI == RuleHelpURI+strings.ToLower(rule.ID)) {
			t.Errorf("rule %s helpUri %q", rule.ID, rule.HelpURI)
		}
	}
	if !slices.Equal(ids, []string{"ACME001", "PERIM001", "PERIM003"}) {
		t.Errorf("rules %v", ids)
	}
	if len(run.Results) != len(r.Findings)+len(r.Suppressed) {
		t.Fatalf("%d results for %d findings and %d suppressed", len(run.Results), len(r.Findings), len(r.Suppressed))
	}
	kinds := map[string]string{}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s has ruleIndex %d", res.RuleID, res.RuleIndex)
		}
		if !slices.Contains([]string{"none", "note", "warning", "error"}, res.Level) {
			t.Errorf("level %q", res.Level)
		}
		if res.PartialFingerprints[fingerprintKey] == "" || !strings.HasSuffix(res.Message.Text, ".") {
			t.Errorf("result %+v", res)
		}
		for _, loc := range append(slices.Clone(res.Locations), res.RelatedLocations...) {
			al := loc.PhysicalLocation.ArtifactLocation
			if al.URIBaseID != srcRoot || strings.HasPrefix(al.URI, "/") || strings.Contains(al.URI, " ") {
				t.Errorf("artifact location %+v", al)
			}
			if reg := loc.PhysicalLocation.Region; reg == nil || reg.StartLine < 1 || reg.StartColumn < 1 || (reg.EndLine != 0 && reg.EndLine < reg.StartLine) {
				t.Errorf("region %+v", reg)
			}
		}
		for _, s := range res.Suppressions {
			kinds[res.PartialFingerprints[fingerprintKey]] = s.Kind + ":" + s.Justification
		}
	}
	want := map[string]string{"7777aaaa8888bbbb": "inSource:public website", "9999cccc0000dddd": "external:partner reads reports"}
	if len(kinds) != 2 || kinds["7777aaaa8888bbbb"] != want["7777aaaa8888bbbb"] || kinds["9999cccc0000dddd"] != want["9999cccc0000dddd"] {
		t.Errorf("suppressions %v", kinds)
	}
	// The module chain: resource block, then the calls outermost first.
	for _, res := range run.Results {
		if res.PartialFingerprints[fingerprintKey] != "3333cccc4444dddd" {
			continue
		}
		var got []string
		for _, l := range res.RelatedLocations {
			got = append(got, l.PhysicalLocation.ArtifactLocation.URI)
		}
		if !slices.Equal(got, []string{"modules/ci/role.tf", "main.tf", "modules/app/main.tf"}) {
			t.Errorf("related locations %v", got)
		}
	}
	if inv := run.Invocations[0]; inv.ExecutionSuccessful || len(inv.Notifications) != 2 || inv.Notifications[0].Level != "error" {
		t.Errorf("invocation %+v", inv)
	}

	clean := decodeSARIF(t, cleanReport())
	if clean.Runs[0].Results == nil || !clean.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Errorf("clean run: results must be [] and execution successful")
	}
}

func TestRegion(t *testing.T) {
	tests := []struct {
		in   [4]int
		want *sarifRegion
	}{
		{[4]int{0, 0, 0, 0}, nil},
		{[4]int{3, 0, 0, 0}, &sarifRegion{StartLine: 3, StartColumn: 1}},
		{[4]int{3, 5, 3, 9}, &sarifRegion{StartLine: 3, StartColumn: 5, EndLine: 3, EndColumn: 9}},
		{[4]int{3, 5, 2, 9}, &sarifRegion{StartLine: 3, StartColumn: 5}},
		{[4]int{3, 5, 3, 4}, &sarifRegion{StartLine: 3, StartColumn: 5, EndLine: 3}},
		{[4]int{3, 5, 4, 1}, &sarifRegion{StartLine: 3, StartColumn: 5, EndLine: 4, EndColumn: 1}},
	}
	for _, tt := range tests {
		got := region(tt.in[0], tt.in[1], tt.in[2], tt.in[3])
		if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
			t.Errorf("region%v = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestRepoPath(t *testing.T) {
	r := &Report{SourceRoot: "/src/repo", WorkDir: "/src/repo/infra"}
	tests := []struct {
		in, want string
		inside   bool
	}{
		{"main.tf", "infra/main.tf", true},
		{"../modules/x.tf", "modules/x.tf", true},
		{"/src/repo/a.tf", "a.tf", true},
		{"/elsewhere/b.tf", "/elsewhere/b.tf", false},
		{"../../c.tf", "/src/c.tf", false},
	}
	for _, tt := range tests {
		got, inside := r.RepoPath(tt.in)
		if got != tt.want || inside != tt.inside {
			t.Errorf("RepoPath(%q) = %q %v", tt.in, got, inside)
		}
	}
	if a := r.artifact("/elsewhere/b c.tf"); a.URI != "file:///elsewhere/b%20c.tf" || a.URIBaseID != "" {
		t.Errorf("outside artifact %+v", a)
	}
	if a := r.artifact("a:b.tf"); a.URI != "./infra/a:b.tf" && a.URI != "infra/a:b.tf" {
		t.Errorf("colon artifact %+v", a)
	}
}
