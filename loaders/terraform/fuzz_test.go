package terraform

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"

	"github.com/perimeter-iac/perimeter/internal/conformance"
)

func seedFuzz(f *testing.F, pattern string) {
	f.Helper()
	names, _ := filepath.Glob(pattern)
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzLoadHCL loads arbitrary native-syntax configuration: it must never
// panic (a panic inside is turned into a diagnostic, which the fuzzer
// reports too) and never hang.
func FuzzLoadHCL(f *testing.F) {
	seedFuzz(f, "testdata/cases/*/*.tf")
	conformance.Seed(f, ".tf")
	f.Add([]byte(`locals { a = [for i in range(100): local.a] }`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzOne(t, "fuzz/main.tf", data)
	})
}

// FuzzLoadJSON loads arbitrary .tf.json configuration.
func FuzzLoadJSON(f *testing.F) {
	seedFuzz(f, "testdata/cases/*/*.tf.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzOne(t, "fuzz/main.tf.json", data)
	})
}

func fuzzOne(t *testing.T, name string, data []byte) {
	t.Helper()
	done := make(chan loaders.Diagnostics, 1)
	go func() {
		_, diags := New().Load(context.Background(), []loaders.File{{Path: name, Data: data}}, loaders.Options{Roots: []string{"fuzz"}})
		done <- diags
	}()
	var diags loaders.Diagnostics
	select {
	case diags = <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("Load did not finish in 10s on %q", data)
	}
	for _, d := range diags {
		if len(d.Summary) >= 14 && d.Summary[:14] == "internal error" {
			t.Fatalf("internal error: %v", d)
		}
	}
}
