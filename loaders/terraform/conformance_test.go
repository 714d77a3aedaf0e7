package terraform

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"

	"github.com/perimeter-iac/perimeter/internal/conformance"
)

// The conformance corpora are labelled external fixtures (KICS and Trivy,
// Apache-2.0) shared by the project; the tests skip when they are absent.

// declaresGrant matches the resource types this loader reads grants from.
var declaresGrant = regexp.MustCompile(`resource\s+"(aws_s3_bucket_policy|aws_iam_role|aws_kms_key|aws_kms_key_policy|aws_sqs_queue_policy|aws_lambda_permission|aws_lambda_layer_version_permission)"|resource\s+"(aws_s3_bucket|aws_sqs_queue)"\s+"[^"]*"\s*\{[^}]*\bpolicy\s*=`)

// loadOne loads a single file as its own module (the KICS fixtures keep
// positive and negative examples side by side in one directory).
func loadOne(t *testing.T, name string, data []byte) ([]loaders.Resource, loaders.Diagnostics) {
	t.Helper()
	var (
		res   []loaders.Resource
		diags loaders.Diagnostics
	)
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("%s: panic: %v", name, r)
			}
		}()
		res, diags = New().Load(context.Background(), []loaders.File{{Path: name, Data: data}}, loaders.Options{})
	}()
	return res, diags
}

func principalsOf(res []loaders.Resource) []policy.Principal {
	var out []policy.Principal
	for _, r := range res {
		for _, d := range r.Documents {
			for _, st := range d.Policy.Statements {
				out = append(out, st.Principals...)
			}
		}
	}
	return out
}

func TestConformanceKICS(t *testing.T) {
	cases := filepath.Join(conformance.Require(t), "kics", "CASES.tsv")
	f, err := os.Open(cases)
	if err != nil {
		t.Skipf("KICS corpus not present: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var files, withGrant, checked int
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 6 || cols[0] != "terraform" {
			continue
		}
		name := filepath.Join(filepath.Dir(filepath.Dir(cases)), "kics", "terraform", cols[1], cols[2])
		data, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		files++
		res, diags := loadOne(t, name, data)
		for _, d := range diags {
			// Registry modules are not downloaded in the corpus: that one
			// error per call is the documented behaviour.
			if d.Severity == loaders.Error && !strings.Contains(d.Summary, "is not downloaded; run terraform init") {
				t.Errorf("%s: error diagnostic: %v", name, d)
			}
		}
		if !declaresGrant.Match(data) {
			continue
		}
		withGrant++
		expected := cols[5]
		ps := principalsOf(res)
		before := checked
		switch {
		case expected == "public":
			// Either a wildcard principal, or the grant sits in a type this
			// loader does not read (checked by the rules' own tests).
			if hasKind(ps, policy.KindWildcard) {
				checked++
			}
		case strings.HasPrefix(expected, "external:"):
			for acct := range strings.SplitSeq(strings.TrimPrefix(expected, "external:"), ",") {
				if hasAccount(ps, acct) {
					checked++
				}
			}
		case strings.HasPrefix(expected, "external-cond:"):
			if hasKind(ps, policy.KindWildcard) || hasKind(ps, policy.KindService) {
				checked++
			}
		}
		if checked == before && (expected == "public" || strings.HasPrefix(expected, "external")) {
			t.Errorf("%s: expected %s, got %d principals: %+v", name, expected, len(ps), ps)
		}
	}
	t.Logf("KICS terraform: %d files, %d declare a grant this loader reads, %d expectations matched", files, withGrant, checked)
	if files == 0 {
		t.Fatal("no KICS terraform fixtures found")
	}
}

func hasKind(ps []policy.Principal, k policy.PrincipalKind) bool {
	for _, p := range ps {
		if p.Kind == k {
			return true
		}
	}
	return false
}

func hasAccount(ps []policy.Principal, acct string) bool {
	for _, p := range ps {
		if p.Account == acct || strings.Contains(p.Value, acct) {
			return true
		}
	}
	return false
}

// TestConformanceTrivy loads every Terraform snippet of the Trivy examples.
func TestConformanceTrivy(t *testing.T) {
	ymls, _ := filepath.Glob(filepath.Join(conformance.Require(t), "trivy", "*", "*.yaml"))
	if len(ymls) == 0 {
		t.Skip("Trivy corpus not present")
	}
	snippets := 0
	for _, y := range ymls {
		data, err := os.ReadFile(y)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Terraform struct {
				Good []string `yaml:"good"`
				Bad  []string `yaml:"bad"`
			} `yaml:"terraform"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", y, err)
		}
		for i, src := range append(doc.Terraform.Bad, doc.Terraform.Good...) {
			snippets++
			name := filepath.Join(filepath.Dir(y), "snippet"+strings.Repeat("_", i)+".tf")
			res, diags := loadOne(t, name, []byte(src))
			for _, d := range diags {
				if d.Severity == loaders.Error {
					t.Errorf("%s snippet %d: error diagnostic: %v", y, i, d)
				}
			}
			if declaresGrant.MatchString(src) && len(res) == 0 && strings.Contains(src, "policy") {
				t.Errorf("%s snippet %d declares a grant but no resource was loaded", y, i)
			}
		}
	}
	t.Logf("Trivy terraform: %d snippets loaded", snippets)
}
