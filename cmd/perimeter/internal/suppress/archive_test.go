package suppress

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/rules"
)

// partnerFinding is an external grant to another account with a condition.
func partnerFinding() rules.Finding {
	f := tfFinding("infra/main.tf", 10, 14)
	f.ID = "aaaa000011112222"
	f.Exposure, f.Public, f.Severity = rules.ExposureExternal, false, "medium"
	f.Principal = rules.Principal{Type: "AWS", Value: "arn:aws:iam::444455556666:role/reader", Account: "444455556666"}
	f.Accounts = []string{"444455556666"}
	f.Actions = []string{"s3:GetObject", "s3:ListBucket"}
	f.Conditions = []rules.Condition{{Operator: "IpAddress", Key: "aws:SourceIp", Values: []string{"203.0.113.0/24"}}}
	return f
}

func TestArchiveFilters(t *testing.T) {
	tests := []struct {
		filter string
		want   bool
	}{
		{`resource: {eq: [aws_s3_bucket_policy.p]}`, true},
		{`resource: {eq: [aws_s3_bucket.b]}`, true}, // the target
		{`resource: {neq: [aws_s3_bucket.b]}`, false},
		{`resourceType: {eq: ["s3:bucket"]}`, true},
		{`resourceType: {eq: ["AWS::S3::BucketPolicy"]}`, false},
		{`principal.AWS: {eq: ["arn:aws:iam::444455556666:role/reader"]}`, true},
		{`principal.AWS: {contains: ["444455556666"]}`, true},
		{`principal.Federated: {exists: true}`, false},
		{`principal.Federated: {exists: false}`, true},
		{`principal.Service: {exists: true}`, false},
		{`isPublic: {eq: [false]}`, true},
		{`isPublic: {eq: ["true"]}`, false},
		{`condition.aws:SourceIp: {eq: ["203.0.113.0/24"]}`, true},
		{`condition.AWS:SOURCEIP: {exists: true}`, true},
		{`condition.aws:SourceVpce: {exists: true}`, false},
		{`condition.aws:SourceVpce: {exists: false}`, true},
		{`action: {eq: ["S3:GETOBJECT"]}`, true},
		{`action: {eq: ["s3:PutObject"]}`, false},
		{`action: {neq: ["s3:PutObject"]}`, true},
		{`action: {contains: ["List"]}`, true},
		{`account: {eq: ["444455556666"]}`, true},
		{`rule: {eq: [PERIM001]}`, true},
		{`exposure: {eq: [public]}`, false},
		{`severity: {eq: [medium, low]}`, true},
		{`file: {contains: ["infra/"]}`, true},
		{`id: {eq: [aaaa000011112222]}`, true},
		{"principal.AWS: {contains: ['444455556666']}\n      action: {eq: [s3:PutObject]}", false},             // keys AND
		{`principal.AWS: {contains: ['444455556666'], neq: ["arn:aws:iam::444455556666:role/reader"]}`, false}, // operators AND
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			src := "rules:\n  - name: r\n    reason: ok\n    filter:\n      " + tt.filter + "\n"
			a, err := ParseArchive([]byte(src), "a.yml")
			if err != nil {
				t.Fatal(err)
			}
			res := Apply([]rules.Finding{partnerFinding()}, nil, Options{Archive: a, Now: fixed})
			if got := len(res.Suppressed) == 1; got != tt.want {
				t.Errorf("suppressed = %v, want %v", got, tt.want)
			}
			if tt.want && (res.Suppressed[0].Suppression.Kind != KindArchive || res.Suppressed[0].Suppression.Source != "a.yml:2" || res.Suppressed[0].Suppression.Rule != "r") {
				t.Errorf("suppression = %+v", res.Suppressed[0].Suppression)
			}
		})
	}
}

func TestArchiveParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"rulez: []\n", `a.yml: line 1: unknown archive key "rulez" (want rules or findings)`},
		{"rules:\n  - reason: x\n", "a.yml: line 2: archive rule at line 2 needs a filter with at least one key"},
		{"rules:\n  - reason: x\n    filter: {}\n", "needs a filter with at least one key: an empty filter would suppress every finding"},
		{"rules:\n  - reason: x\n    filter:\n      principal.aws.arn: {eq: [x]}\n", `line 4: unknown filter key "principal.aws.arn"`},
		{"rules:\n  - reason: x\n    filter:\n      action: {equals: [x]}\n", `line 4: unknown operator "equals" in filter action`},
		{"rules:\n  - reason: x\n    filter:\n      action: [x]\n", "line 4: filter action needs eq, neq, contains or exists"},
		{"rules:\n  - reason: x\n    filter:\n      action: {exists: maybe}\n", "line 4: action.exists must be true or false"},
		{"rules:\n  - reason: x\n    expires: 2025-13-01\n    filter: {action: {eq: [x]}}\n", `line 3: expires "2025-13-01" is not a date YYYY-MM-DD`},
		{"rules:\n  - reason: x\n    expires: next week\n    filter: {action: {eq: [x]}}\n", `expires "next week" is not a date`},
		{"rules:\n  - reason: x\n    filter: {condition.: {exists: true}}\n", `filter key "condition." names no condition key`},
		{"rules:\n  - reasons: x\n", `line 2: unknown archive rule key "reasons"`},
		{"findings:\n  - reason: x\n", "line 2: an accepted finding needs the id"},
		{"findings:\n  - id: x\n    principle: y\n", `line 3: unknown key "principle" in an accepted finding`},
		{"findings: {id: x}\n", "line 1: findings must be a list"},
		{"rules: [\n", "a.yml: yaml: line"},
	}
	for _, tt := range tests {
		_, err := ParseArchive([]byte(tt.src), "a.yml")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseArchive(%q) = %v, want %q", tt.src, err, tt.want)
		}
	}
	for _, ok := range []string{"", "# only a comment\n", "rules: []\nfindings: []\n", "rules:\nfindings:\n"} {
		if _, err := ParseArchive([]byte(ok), "a.yml"); err != nil {
			t.Errorf("ParseArchive(%q) = %v", ok, err)
		}
	}
}

func TestArchiveExpiry(t *testing.T) {
	src := `rules:
  - name: partner
    reason: the partner reads reports until the contract ends
    expires: 2025-06-15
    filter:
      account: {eq: ["444455556666"]}
findings:
  - id: aaaa000011112222
    reason: accepted until the migration
    expires: 2025-06-14
`
	a, err := ParseArchive([]byte(src), ".perimeter-archive.yml")
	if err != nil {
		t.Fatal(err)
	}
	on := func(day string) Result {
		now, err := time.Parse(time.DateOnly, day)
		if err != nil {
			t.Fatal(err)
		}
		return Apply([]rules.Finding{partnerFinding()}, nil, Options{Archive: a, Now: now.Add(23 * time.Hour)})
	}
	// 14 June: both apply; the rule comes first.
	res := on("2025-06-14")
	if len(res.Suppressed) != 1 || res.Suppressed[0].Suppression.Rule != "partner" || len(res.Diagnostics) != 0 {
		t.Fatalf("14 June: %+v", res)
	}
	// 15 June: the accepted finding has expired (and says so), the rule applies through its date.
	res = on("2025-06-15")
	if len(res.Suppressed) != 1 || res.Suppressed[0].Suppression.Expires != "2025-06-15" {
		t.Fatalf("15 June: %+v", res)
	}
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Error() != ".perimeter-archive.yml:8:1: accepted finding aaaa000011112222 expired on 2025-06-14; it is reported again" {
		t.Errorf("15 June diagnostics: %v", res.Diagnostics)
	}
	// 16 June: nothing applies; both say so, and the finding is reported.
	res = on("2025-06-16")
	if len(res.Suppressed) != 0 || len(res.Active) != 1 {
		t.Fatalf("16 June: %+v", res)
	}
	var msgs []string
	for _, d := range res.Diagnostics {
		msgs = append(msgs, d.Error())
	}
	slices.Sort(msgs)
	want := []string{
		`.perimeter-archive.yml:2:1: archive rule "partner" expired on 2025-06-15; the findings it matched are reported again`,
		".perimeter-archive.yml:8:1: accepted finding aaaa000011112222 expired on 2025-06-14; it is reported again",
	}
	if !slices.Equal(msgs, want) {
		t.Errorf("16 June diagnostics:\n%s", strings.Join(msgs, "\n"))
	}
}

func TestArchiveWithoutReasonSuppressesNothing(t *testing.T) {
	a, err := ParseArchive([]byte("rules:\n  - filter: {rule: {eq: [PERIM001]}}\nfindings:\n  - id: aaaa000011112222\n"), "a.yml")
	if err != nil {
		t.Fatal(err)
	}
	res := Apply([]rules.Finding{partnerFinding()}, nil, Options{Archive: a, Now: fixed})
	if len(res.Active) != 1 || len(res.Diagnostics) != 2 {
		t.Fatalf("%+v", res)
	}
	for _, d := range res.Diagnostics {
		if !strings.Contains(d.Summary, "has no reason, so it suppresses nothing") {
			t.Errorf("diagnostic %v", d)
		}
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	f1 := partnerFinding()
	f2 := tfFinding("infra/main.tf", 20, 24)
	f2.ID = "bbbb000011112222"
	f3 := tfFinding("infra/other.tf", 1, 3)
	f3.ID = "cccc000011112222"

	// A hand-written file with a rule, a comment and a stale entry.
	existing := `# our archive
rules:
  - name: partner
    reason: partner reads reports
    filter:
      account: {eq: ["444455556666"]}
findings:
  # kept as written
  - id: bbbb000011112222
    reason: known, ticket SEC-1
    expires: 2030-01-01
  - id: dddd000011112222
    reason: gone since
`
	a, err := ParseArchive([]byte(existing), "a.yml")
	if err != nil {
		t.Fatal(err)
	}
	all := []rules.Finding{f1, f2, f3}
	res := Apply(all, nil, Options{Archive: a, Now: fixed})
	if len(res.Active) != 1 || res.Active[0].ID != f3.ID {
		t.Fatalf("before baseline: %+v", res.Active)
	}
	out, st, err := Baseline(a, res, "accepted by perimeter baseline on 2025-06-15", nil)
	if err != nil {
		t.Fatal(err)
	}
	if st != (BaselineStats{Kept: 1, Added: 1, Removed: 1}) {
		t.Errorf("stats = %+v", st)
	}
	golden := filepath.Join("testdata", "baseline.golden.yml")
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(want) {
		t.Errorf("baseline output:\n%s\nwant:\n%s", out, want)
	}
	b, err := ParseArchive(out, "a.yml")
	if err != nil {
		t.Fatalf("baseline output does not parse: %v", err)
	}
	res = Apply(all, nil, Options{Archive: b, Now: fixed})
	if len(res.Active) != 0 || len(res.Suppressed) != 3 {
		t.Errorf("after baseline: %d active, %d suppressed", len(res.Active), len(res.Suppressed))
	}
	// A new grant: exactly one finding.
	f4 := tfFinding("infra/new.tf", 1, 2)
	f4.ID = "eeee000011112222"
	res = Apply(append(all, f4), nil, Options{Archive: b, Now: fixed})
	if len(res.Active) != 1 || res.Active[0].ID != f4.ID {
		t.Errorf("after a new grant: %+v", res.Active)
	}
	// Baseline again without changes: the same bytes.
	again, st, err := Baseline(b, Apply(all, nil, Options{Archive: b, Now: fixed}), "other reason", nil)
	if err != nil || string(again) != string(out) || st.Added != 0 || st.Removed != 0 {
		t.Errorf("second baseline changed the file (%+v, %v):\n%s", st, err, again)
	}
	// From nothing.
	fresh, st, err := Baseline(nil, Apply(all, nil, Options{Now: fixed}), "r", nil)
	if err != nil || st.Added != 3 || !strings.HasPrefix(string(fresh), "# perimeter archive:") {
		t.Errorf("fresh baseline (%+v, %v):\n%s", st, err, fresh)
	}
	// Scanning part of the tree keeps the entries of the rest.
	partial, st, err := Baseline(b, Apply(all[:1], nil, Options{Archive: b, Now: fixed}), "r", func(a *Accepted) bool {
		return a.Location != "" && !strings.HasPrefix(a.Location, "infra/main.tf:")
	})
	if err != nil || st != (BaselineStats{Kept: 1, Added: 0, Removed: 1}) || !strings.Contains(string(partial), "cccc000011112222") || strings.Contains(string(partial), "bbbb000011112222") {
		t.Errorf("partial baseline (%+v, %v):\n%s", st, err, partial)
	}
	empty, _, err := Baseline(nil, Result{}, "r", nil)
	if err != nil || !strings.Contains(string(empty), "findings: []") {
		t.Errorf("empty baseline: %v\n%s", err, empty)
	}
}

func FuzzParseArchive(f *testing.F) {
	for _, name := range []string{"baseline.golden.yml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("rules:\n  - name: r\n    reason: x\n    expires: 2025-01-01\n    filter:\n      condition.aws:SourceIp: {eq: [x], exists: true}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseArchive(data, "a.yml")
		if err != nil {
			return
		}
		for _, r := range a.Rules {
			if len(r.Filter) == 0 {
				t.Fatal("a rule without a filter was accepted")
			}
		}
		res := Apply([]rules.Finding{partnerFinding()}, nil, Options{Archive: a, Now: fixed})
		if len(res.Active)+len(res.Suppressed) != 1 {
			t.Fatal("a finding was lost")
		}
		if _, _, err := Baseline(a, res, "r", nil); err != nil {
			t.Fatal(err)
		}
	})
}
