package main

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/perimeter-iac/perimeter/rules"

	"github.com/perimeter-iac/perimeter/internal/conformance"
)

// The conformance runner scans every labelled fixture of the KICS and Trivy
// test suites in ../shared/conformance (or $PERIMETER_CONFORMANCE) and
// compares the findings with the label saying what an Access-Analyzer-like
// tool must report (CASES.tsv, column aa_expected). It prints the score.
// INDEX.tsv is not read: its expected_semantics is the per-query summary of
// the same per-file labels, which are what a scan can be compared with.
//
// It does not fail on the mismatches listed, with the reason we disagree or
// fall short, in testdata/conformance/known-mismatches.tsv; it fails on any
// other mismatch (a regression) and reports known mismatches that now pass.
// Run with -update to rewrite testdata/conformance/score.txt.

// conformanceAccount is the zone of trust for the fixtures: an account that
// appears in none of them, as the suite's README asks.
const conformanceAccount = "999988887777"

type conformanceCase struct {
	peer, platform, query, file, label, note string
}

func (c conformanceCase) key() string {
	return c.peer + "/" + c.platform + "/" + c.query + "/" + c.file
}

func conformanceDir(t *testing.T) string {
	t.Helper()
	dir := conformance.Require(t)
	if _, err := os.Stat(filepath.Join(dir, "kics", "CASES.tsv")); err != nil {
		t.Skipf("no conformance suite at %s: %v", dir, err)
	}
	return dir
}

func readCases(t *testing.T, dir, peer string) []conformanceCase {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, peer, "CASES.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []conformanceCase
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 6 {
			continue
		}
		c := conformanceCase{peer: peer, platform: cols[0], query: cols[1], file: cols[2], label: cols[5]}
		if len(cols) > 6 {
			c.note = cols[6]
		}
		out = append(out, c)
	}
	return out
}

// trivyExample matches "no_public_access.yaml#terraform.bad[0]".
var trivyExample = regexp.MustCompile(`^(.+)#(terraform|cloudformation)\.(good|bad)\[(\d+)\]$`)

// fixturePath returns the file to scan for a case, extracting Trivy's
// embedded examples into tmp.
func fixturePath(t *testing.T, dir, tmp string, c conformanceCase) string {
	t.Helper()
	if c.peer == "kics" {
		return filepath.Join(dir, "kics", c.platform, c.query, c.file)
	}
	m := trivyExample.FindStringSubmatch(c.file)
	if m == nil {
		t.Fatalf("cannot read trivy case %q", c.file)
	}
	data, err := os.ReadFile(filepath.Join(dir, "trivy", c.query, m[1]))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string][]string
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", m[1], err)
	}
	i, _ := strconv.Atoi(m[4])
	examples := doc[m[2]][m[3]]
	if i >= len(examples) {
		t.Fatalf("%s has no example %s.%s[%d]", m[1], m[2], m[3], i)
	}
	ext := ".tf"
	if m[2] == "cloudformation" {
		ext = ".yaml"
	}
	caseDir := filepath.Join(tmp, c.query, m[2]+"-"+m[3]+"-"+m[4])
	if err := os.MkdirAll(caseDir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(caseDir, "example"+ext)
	if err := os.WriteFile(path, []byte(examples[i]), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// judge compares findings with a label; ok reports agreement and got
// summarises what perimeter found.
func judge(label string, findings []rules.Finding) (ok bool, got string) {
	exposures := map[string]int{}
	accounts := map[string]bool{}
	for _, f := range findings {
		exposures[f.Exposure]++
		if f.Exposure == rules.ExposureExternal {
			for _, a := range f.Accounts {
				accounts[a] = true
			}
			accounts[f.Principal.Account] = true
		}
	}
	var parts []string
	for _, e := range []string{rules.ExposurePublic, rules.ExposureExternal, rules.ExposureUnresolved} {
		if exposures[e] > 0 {
			parts = append(parts, fmt.Sprintf("%s×%d", e, exposures[e]))
		}
	}
	got = strings.Join(parts, " ")
	if got == "" {
		got = "none"
	}
	kind, arg, _ := strings.Cut(label, ":")
	switch kind {
	case "public":
		return exposures[rules.ExposurePublic] > 0, got
	case "external":
		if exposures[rules.ExposurePublic] > 0 {
			return false, got
		}
		for a := range strings.SplitSeq(arg, ",") {
			if !accounts[a] {
				return false, got
			}
		}
		return true, got
	case "external-cond":
		return exposures[rules.ExposurePublic]+exposures[rules.ExposureExternal] > 0, got
	case "none":
		return len(findings) == 0, got
	case "none-if-bpa-linked", "public-if-actions-accepted":
		// The label accepts both outcomes (see the suite's README).
		return exposures[rules.ExposureExternal] == 0, got
	}
	return true, got
}

func readKnownMismatches(t *testing.T) map[string]string {
	t.Helper()
	known := map[string]string{}
	data, err := os.ReadFile(filepath.Join("testdata", "conformance", "known-mismatches.tsv"))
	if err != nil {
		return known
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, reason, _ := strings.Cut(line, "\t")
		known[k] = reason
	}
	return known
}

func TestConformance(t *testing.T) {
	t.Chdir("../..")
	dir := conformanceDir(t)
	ctx := context.Background()
	engine, err := newEngine(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := settingsFrom(&scanFlags{accounts: []string{conformanceAccount}, noConfig: true}, []string{"."}, env{getenv: func(string) string { return "" }, environ: func() []string { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	known := readKnownMismatches(t)

	type tally struct{ pass, total int }
	scores := map[string]*tally{}
	var report []string
	var cases []conformanceCase
	for _, peer := range []string{"kics", "trivy"} {
		cases = append(cases, readCases(t, dir, peer)...)
	}
	for _, c := range cases {
		if c.label == "unknown" {
			continue
		}
		path := fixturePath(t, dir, tmp, c)
		rep, _, _ := scan(ctx, readyEngine(engine), []string{path}, settings, 0, newStageTimer())
		for _, d := range rep.Errors {
			// A registry module that is not downloaded is reported as an
			// error by design; any other error is a loader bug.
			if d.Severity == "error" && !strings.Contains(d.Summary, "is not downloaded") {
				t.Errorf("%s: load error: %s", c.key(), d.Error())
			}
		}
		ok, got := judge(c.label, rep.Findings)
		group := c.peer + " " + c.platform
		if scores[group] == nil {
			scores[group] = &tally{}
		}
		scores[group].total++
		_, isKnown := known[c.key()]
		switch {
		case ok:
			scores[group].pass++
			if isKnown {
				t.Logf("known mismatch now passes, remove it from known-mismatches.tsv: %s", c.key())
			}
		case isKnown:
			report = append(report, fmt.Sprintf("%s\twant %s\tgot %s\t(known: %s)", c.key(), c.label, got, known[c.key()]))
		default:
			report = append(report, fmt.Sprintf("%s\twant %s\tgot %s", c.key(), c.label, got))
			t.Errorf("conformance regression: %s: want %s, got %s", c.key(), c.label, got)
		}
	}

	groups := make([]string, 0, len(scores))
	for g := range scores {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, cmp.Compare)
	var b strings.Builder
	pass, total := 0, 0
	b.WriteString("# perimeter conformance score over ../shared/conformance (rows labelled other than \"unknown\")\n")
	for _, g := range groups {
		s := scores[g]
		pass += s.pass
		total += s.total
		fmt.Fprintf(&b, "%-22s %3d / %3d  %5.1f%%\n", g, s.pass, s.total, 100*float64(s.pass)/float64(s.total))
	}
	fmt.Fprintf(&b, "%-22s %3d / %3d  %5.1f%%\n", "total", pass, total, 100*float64(pass)/float64(total))
	if len(report) > 0 {
		b.WriteString("\n# mismatches\n")
		slices.Sort(report)
		for _, r := range report {
			b.WriteString(r + "\n")
		}
	}
	t.Log("\n" + b.String())
	if *update {
		if err := os.WriteFile(filepath.Join("testdata", "conformance", "score.txt"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
