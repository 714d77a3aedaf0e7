package tfplan

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"
)

// largePlan builds a plan of n resource instances in the shape terraform
// writes (one line): planned values, changes and prior state for each, one
// in five a bucket policy, the rest instances with bulky values.
func largePlan(n int) []byte {
	var planned, changes, prior, config []string
	bulk := strings.Repeat("x", 400)
	for i := range n {
		if i%5 == 0 {
			addr := fmt.Sprintf("aws_s3_bucket_policy.p[%d]", i)
			policy, _ := json.Marshal(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%012d:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b%d/*"}]}`, i, i))
			values := fmt.Sprintf(`{"bucket":"b%d","policy":%s}`, i, policy)
			planned = append(planned, fmt.Sprintf(`{"address":%q,"mode":"managed","type":"aws_s3_bucket_policy","name":"p","index":%d,"values":%s,"sensitive_values":{}}`, addr, i, values))
			changes = append(changes, fmt.Sprintf(`{"address":%q,"mode":"managed","type":"aws_s3_bucket_policy","name":"p","index":%d,"change":{"actions":["no-op"],"before":%s,"after":%s,"after_unknown":{},"after_sensitive":{}}}`, addr, i, values, values))
			prior = append(prior, fmt.Sprintf(`{"address":%q,"mode":"managed","type":"aws_s3_bucket_policy","name":"p","index":%d,"values":%s}`, addr, i, values))
			continue
		}
		addr := fmt.Sprintf("aws_instance.i[%d]", i)
		values := fmt.Sprintf(`{"ami":"ami-%d","user_data":%q,"tags":{"Name":"i%d","Blob":%q}}`, i, bulk, i, bulk)
		planned = append(planned, fmt.Sprintf(`{"address":%q,"mode":"managed","type":"aws_instance","name":"i","index":%d,"values":%s}`, addr, i, values))
		changes = append(changes, fmt.Sprintf(`{"address":%q,"mode":"managed","type":"aws_instance","name":"i","index":%d,"change":{"actions":["update"],"before":%s,"after":%s,"after_unknown":{"id":true}}}`, addr, i, values, values))
		prior = append(prior, fmt.Sprintf(`{"address":%q,"mode":"managed","type":"aws_instance","name":"i","index":%d,"values":%s}`, addr, i, values))
	}
	config = append(config, `{"address":"aws_s3_bucket_policy.p","mode":"managed","type":"aws_s3_bucket_policy","name":"p","expressions":{"bucket":{"references":["aws_s3_bucket.b[count.index].id","aws_s3_bucket.b"]},"policy":{"references":["local.p"]}}}`)
	return fmt.Appendf(nil, `{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{"root_module":{"resources":[%s]}},"resource_changes":[%s],"prior_state":{"values":{"root_module":{"resources":[%s]}}},"configuration":{"root_module":{"resources":[%s]}}}`,
		strings.Join(planned, ","), strings.Join(changes, ","), strings.Join(prior, ","), strings.Join(config, ","))
}

// BenchmarkLoadLargePlan loads a one-line plan of 20000 instances (about
// 30 MB), 4000 of them bucket policies.
func BenchmarkLoadLargePlan(b *testing.B) {
	data := largePlan(20000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if !New().Claims("plan.json", data) {
			b.Fatal("not claimed")
		}
		res, diags := New().Load(context.Background(), []loaders.File{{Path: "bench/plan.json", Data: data}}, loaders.Options{})
		if len(res) != 4000 || len(diags) != 0 {
			b.Fatalf("%d resources, %v", len(res), diags)
		}
	}
}

// TestLargePlanScalesLinearly loads plans of two sizes: the larger, four
// times the size, must not take much more than four times as long (a
// quadratic step would take sixteen).
func TestLargePlanScalesLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	measure := func(n int) float64 {
		data := largePlan(n)
		best := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			res, _ := New().Load(context.Background(), []loaders.File{{Path: "bench/plan.json", Data: data}}, loaders.Options{})
			best = min(best, time.Since(start))
			if len(res) != n/5 {
				t.Fatalf("%d resources", len(res))
			}
		}
		return float64(best)
	}
	small, large := measure(500), measure(2000)
	if ratio := large / small; ratio > 8 {
		t.Errorf("4x the plan took %.1fx the time", ratio)
	}
}
