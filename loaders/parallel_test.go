package loaders

import (
	"context"
	"sync/atomic"
	"testing"
)

func TestParallel(t *testing.T) {
	for _, n := range []int{0, 1, 2, 100} {
		seen := make([]int32, n)
		Parallel(context.Background(), n, func(i int) { atomic.AddInt32(&seen[i], 1) })
		for i, c := range seen {
			if c != 1 {
				t.Errorf("n=%d: index %d ran %d times", n, i, c)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var ran atomic.Int32
	Parallel(ctx, 100, func(int) { ran.Add(1) })
	if ran.Load() != 0 {
		t.Errorf("a cancelled context still ran %d calls", ran.Load())
	}
}
