package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

// TestPanicInALoaderIsIsolated injects a panic (through
// loaders.Options.OnStart) at each point where a loader isolates its work
// and checks that the panic costs only that file (or Terraform module), is
// an error with a stack hash that does not change between runs, and that
// the scan exits 2 with every other finding.
func TestPanicInALoaderIsIsolated(t *testing.T) {
	tests := []struct {
		name string
		at   string // the path the hook panics on
		file string // the error's file
		what string // the error's text
		lost string // the neighbour whose finding the panic may take
	}{
		{"terraform file", "app/boom.tf", "app/boom.tf", "internal error while parsing: injected", ""},
		{"terraform module", "app", "app", "internal error while evaluating module app: injected", "app/public.tf"},
		{"cloudformation template read", "app/boom.yaml", "app/boom.yaml", "internal error while reading the template: injected", ""},
		{"cloudformation template analysed", "app/public.yaml#analyse", "app/public.yaml", "internal error while analysing the template: injected", "app/public.yaml"},
		{"terraform plan", "app/plan.json", "app/plan.json", "internal error while reading the plan: injected", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, sub := range []string{"app", "other"} {
				copyTree(t, filepath.Join("..", "..", "testdata", "hostile", "_neighbours"), filepath.Join(dir, sub))
			}
			write(t, dir, "app/boom.tf", "locals {\n  a = 1\n}\n")
			write(t, dir, "app/boom.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Q: {Type: AWS::SQS::Queue}\n")
			write(t, dir, "app/plan.json", `{"format_version": "1.2", "planned_values": {"root_module": {"resources": []}}}`)
			t.Chdir(dir)
			testLoaderHook = func(p string) {
				if p == tt.at {
					panic("injected")
				}
			}
			defer func() { testLoaderHook = nil }()

			var outputs []string
			for range 2 {
				stdout, stderr, code := runCLI(t, nil, "scan", "--no-config", "--account", "111122223333", "--format", "json", ".")
				if code != exitError {
					t.Errorf("exit code %d, want %d; stderr %s", code, exitError, stderr)
				}
				outputs = append(outputs, stdout)
			}
			if outputs[0] != outputs[1] {
				t.Errorf("the output differs between two runs:\n%s\n%s", outputs[0], outputs[1])
			}
			var rep hostileReport
			if err := json.Unmarshal([]byte(outputs[0]), &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Errors) != 1 || rep.Errors[0].File != tt.file || !strings.Contains(rep.Errors[0].Message, tt.what) ||
				!regexp.MustCompile(`\(stack hash [0-9a-f]{12}\)`).MatchString(rep.Errors[0].Message) {
				t.Errorf("errors:\n%s", rep.errorList())
			}
			for _, f := range []string{"app/public.tf", "app/public.yaml", "other/public.tf", "other/public.yaml"} {
				found := strings.Contains(rep.findingList(), f+":")
				if f == tt.lost && found {
					t.Errorf("%s was reported although its loader panicked", f)
				}
				if f != tt.lost && !found {
					t.Errorf("the finding of %s was lost:\n%s", f, rep.findingList())
				}
			}
		})
	}
}

// panickingLoader panics in Load, outside any per-file isolation.
type panickingLoader struct{}

func (panickingLoader) Name() string               { return "broken" }
func (panickingLoader) Claims(string, []byte) bool { return true }
func (panickingLoader) Load(context.Context, []loaders.File, loaders.Options) ([]loaders.Resource, loaders.Diagnostics) {
	var none []loaders.Resource
	return none[:len(none)+1], nil // a runtime error: slice bounds out of range
}

// TestLoadSafelyIsTheLastResort: a panic outside the loaders' own recover
// points is one deterministic error naming the loader and its files.
func TestLoadSafelyIsTheLastResort(t *testing.T) {
	files := []loaders.File{{Path: "a.tf"}, {Path: "b.tf"}, {Path: "c.tf"}, {Path: "d.tf"}}
	var first string
	for range 2 {
		res, diags := loadSafely(context.Background(), panickingLoader{}, files, loaders.Options{})
		if len(res) != 0 || len(diags) != 1 || diags[0].Severity != loaders.Error ||
			!strings.Contains(diags[0].Summary, "internal error in the broken loader (4 files not analysed: a.tf, b.tf, c.tf, and 1 more): runtime error: slice bounds out of range [:1] with capacity 0 (stack hash ") {
			t.Fatalf("res %v, diags %v", res, diags)
		}
		if first != "" && first != diags[0].Summary {
			t.Errorf("message changed between runs: %q, %q", first, diags[0].Summary)
		}
		first = diags[0].Summary
	}
}
