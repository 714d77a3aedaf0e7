package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/report"
)

// TestErrorsInEveryFormat: a file that fails to load is listed in every
// output format (in SARIF, as a tool execution notification), beside the
// findings of the files that loaded.
func TestErrorsInEveryFormat(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "testdata", "hostile", "_neighbours"), dir)
	copyTree(t, filepath.Join("..", "..", "testdata", "hostile", "malformed-hcl"), dir)
	t.Chdir(dir)
	for _, format := range report.FormatNames() {
		if format == "input" { // the Rego input: resources, not a report
			continue
		}
		t.Run(format, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, nil, "scan", "--no-config", "--account", "111122223333", "--format", format, ".")
			if code != exitError {
				t.Errorf("exit %d, want %d: %s", code, exitError, stderr)
			}
			for _, want := range []string{"broken.tf", "public.tf", "public.yaml"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("%s output does not mention %s:\n%s", format, want, stdout)
				}
			}
			if format != "sarif" {
				return
			}
			var log struct {
				Runs []struct {
					Invocations []struct {
						ExecutionSuccessful bool `json:"executionSuccessful"`
						Notifications       []struct {
							Level     string `json:"level"`
							Locations []struct {
								PhysicalLocation struct {
									ArtifactLocation struct {
										URI string `json:"uri"`
									} `json:"artifactLocation"`
									Region struct {
										StartLine int `json:"startLine"`
									} `json:"region"`
								} `json:"physicalLocation"`
							} `json:"locations"`
						} `json:"toolExecutionNotifications"`
					} `json:"invocations"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(stdout), &log); err != nil {
				t.Fatal(err)
			}
			inv := log.Runs[0].Invocations[0]
			if inv.ExecutionSuccessful || len(inv.Notifications) != 1 || inv.Notifications[0].Level != "error" ||
				len(inv.Notifications[0].Locations) != 1 || inv.Notifications[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "broken.tf" ||
				inv.Notifications[0].Locations[0].PhysicalLocation.Region.StartLine != 3 {
				t.Errorf("SARIF invocation = %+v", inv)
			}
		})
	}
}
