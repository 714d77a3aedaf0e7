package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// The files users copy or reference — action.yml, .pre-commit-hooks.yaml
// and the example workflows — must be valid YAML, documented, and use only
// flags perimeter has.

func readRepoFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// scanFlagNames are the long flags of perimeter scan.
func scanFlagNames() []string {
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	(&scanFlags{}).register(fs)
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	return names
}

var flagInScript = regexp.MustCompile(`(?:^|[\s(])--([a-z][a-z-]+)`)

func TestActionYAML(t *testing.T) {
	var action struct {
		Name   string `yaml:"name"`
		Inputs map[string]struct {
			Description string  `yaml:"description"`
			Default     *string `yaml:"default"`
		} `yaml:"inputs"`
		Outputs map[string]struct {
			Description string `yaml:"description"`
			Value       string `yaml:"value"`
		} `yaml:"outputs"`
		Runs struct {
			Using string `yaml:"using"`
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(readRepoFile(t, "action.yml"), &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if action.Runs.Using != "composite" || len(action.Inputs) == 0 {
		t.Fatalf("action.yml: runs.using %q, %d inputs", action.Runs.Using, len(action.Inputs))
	}
	docs := string(readRepoFile(t, "docs/integrations.md"))
	for name, in := range action.Inputs {
		if in.Description == "" || in.Default == nil {
			t.Errorf("input %s needs a description and a default", name)
		}
		if !strings.Contains(docs, "| `"+name+"` |") {
			t.Errorf("input %s is not in the inputs table of docs/integrations.md", name)
		}
	}
	for name, out := range action.Outputs {
		if out.Description == "" || !strings.Contains(docs, "| `"+name+"` |") {
			t.Errorf("output %s lacks a description or a row in docs/integrations.md", name)
		}
	}
	// Every input reaches the scan step, and every flag the steps pass exists.
	known := scanFlagNames()
	var scripts strings.Builder
	for _, st := range action.Runs.Steps {
		scripts.WriteString(st.Run)
		for _, v := range st.Env {
			scripts.WriteString(" " + v)
		}
	}
	for name := range action.Inputs {
		if !strings.Contains(scripts.String(), "inputs."+name+" }}") && !strings.Contains(readRepoFileString(t, "action.yml"), "inputs."+name+" ==") {
			t.Errorf("input %s is never used", name)
		}
	}
	for _, m := range flagInScript.FindAllStringSubmatch(scripts.String(), -1) {
		if !slices.Contains(known, m[1]) {
			t.Errorf("action.yml passes --%s, which perimeter scan does not have", m[1])
		}
	}
}

func readRepoFileString(t *testing.T, name string) string {
	t.Helper()
	return string(readRepoFile(t, name))
}

func TestPrecommitHooksYAML(t *testing.T) {
	var hooks []struct {
		ID            string `yaml:"id"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		Files         string `yaml:"files"`
		PassFilenames bool   `yaml:"pass_filenames"`
	}
	if err := yaml.Unmarshal(readRepoFile(t, ".pre-commit-hooks.yaml"), &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].ID != "perimeter" || hooks[0].Language != "golang" || !hooks[0].PassFilenames || hooks[0].Entry != "perimeter precommit" {
		t.Fatalf("hooks = %+v", hooks)
	}
	re, err := regexp.Compile(hooks[0].Files)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"main.tf", "a/b.tf.json", "prod.tfvars", "x.tfvars.json", "t.yaml", "t.yml", "t.json", "stack.template"} {
		if !re.MatchString(name) {
			t.Errorf("files does not match %s", name)
		}
	}
	for _, name := range []string{"README.md", "main.go", "tf", "x.tfstate"} {
		if re.MatchString(name) {
			t.Errorf("files matches %s", name)
		}
	}
	docs := readRepoFileString(t, "docs/integrations.md")
	if !strings.Contains(docs, "- id: perimeter") {
		t.Error("docs/integrations.md does not show the .pre-commit-config.yaml entry")
	}
}

// TestExampleWorkflows: the examples under docs/examples are valid YAML,
// shown verbatim in docs/integrations.md, and use real action inputs.
func TestExampleWorkflows(t *testing.T) {
	docs := readRepoFileString(t, "docs/integrations.md")
	var action struct {
		Inputs map[string]any `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(readRepoFile(t, "action.yml"), &action); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"docs/examples/github-workflow.yml", "docs/examples/gitlab-ci.yml"} {
		data := readRepoFile(t, name)
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if !strings.Contains(docs, "```yaml\n"+string(data)+"```") {
			t.Errorf("docs/integrations.md does not show %s verbatim", name)
		}
		for _, m := range flagInScript.FindAllStringSubmatch(string(data), -1) {
			if !slices.Contains(scanFlagNames(), m[1]) {
				t.Errorf("%s uses --%s, which perimeter scan does not have", name, m[1])
			}
		}
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string         `yaml:"uses"`
				With map[string]any `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(readRepoFile(t, "docs/examples/github-workflow.yml"), &wf); err != nil {
		t.Fatal(err)
	}
	uploads := false
	for _, st := range wf.Jobs["perimeter"].Steps {
		if strings.HasPrefix(st.Uses, "perimeter-iac/perimeter@") {
			for k := range st.With {
				if _, ok := action.Inputs[k]; !ok {
					t.Errorf("the example workflow sets input %s, which action.yml lacks", k)
				}
			}
		}
		uploads = uploads || strings.HasPrefix(st.Uses, "github/codeql-action/upload-sarif@")
	}
	if !uploads {
		t.Error("the example workflow does not upload the SARIF log")
	}
}
