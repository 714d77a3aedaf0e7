package tfplan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"
)

// FuzzPlan loads arbitrary bytes as a plan: it must never panic (a panic
// inside becomes an "internal error" diagnostic, which fails the fuzzer
// too) and never hang. Claims runs first, as in a scan.
func FuzzPlan(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "plans", "*", "plan.json"))
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_iam_role.r[\"a","mode":"managed","type":"aws_iam_role","values":{"assume_role_policy":"{\"Statement\":\"\\ud800\"}"}}]}}}`))
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bucket_policy.p","mode":"managed","type":"aws_s3_bucket_policy","change":{"after":{"policy":null},"after_unknown":{"policy":[true,{"a":[true]}]}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan loaders.Diagnostics, 1)
		go func() {
			l := New()
			_ = l.Claims("fuzz/plan.json", data)
			_, diags := l.Load(context.Background(), []loaders.File{{Path: "fuzz/plan.json", Data: data}}, loaders.Options{})
			done <- diags
		}()
		select {
		case diags := <-done:
			for _, d := range diags {
				if strings.HasPrefix(d.Summary, "internal error") {
					t.Fatalf("%v", d)
				}
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Load did not finish in 10s on %q", data)
		}
	})
}
