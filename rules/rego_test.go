package rules

import (
	"context"
	"testing"
)

// TestRego runs the Rego unit tests of the built-in rules and library.
func TestRego(t *testing.T) {
	results, err := RunTests(context.Background(), Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < 40 {
		t.Fatalf("only %d Rego tests ran; are the *_test.rego files embedded?", len(results))
	}
	for _, r := range results {
		if !r.Passed || r.Skipped {
			t.Error(r.String())
		}
	}
}
