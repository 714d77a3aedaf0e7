package loaders

import (
	"context"
	"runtime"
	"sync"
)

// Parallel runs fn(0), …, fn(n-1) on at most GOMAXPROCS goroutines, and
// stops handing out indexes once ctx is done. Each fn(i) writes only its
// own slot of the caller's result slices, so results come back in index
// order whatever the parallelism (output must be deterministic).
func Parallel(ctx context.Context, n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n)) {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
}
