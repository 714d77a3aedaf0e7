package loaders

import (
	"runtime/debug"
	"strings"
	"sync"
	"testing"
)

//go:noinline
func panicAt(site int, arg *int) {
	if site == 1 {
		panic("one")
	}
	panic(*arg) // nil dereference at another line
}

func recovered(site int, arg *int) (stack []byte) {
	defer func() {
		_ = recover()
		stack = debug.Stack()
	}()
	panicAt(site, arg)
	return nil
}

// hashIn hashes the panic of site, recovered on a new goroutine.
func hashIn(site int, arg *int) string {
	var (
		h  string
		wg sync.WaitGroup
	)
	wg.Go(func() { h = StackHash(recovered(site, arg)) })
	wg.Wait()
	return h
}

// TestStackHash: the same panic, reached the same way, gives the same hash
// whatever the goroutine, argument values and addresses; another site
// another hash.
func TestStackHash(t *testing.T) {
	seen := map[string]bool{}
	for i := range 3 {
		v := i
		seen[hashIn(1, &v)] = true
	}
	if len(seen) != 1 {
		t.Errorf("one site, %d hashes: %v", len(seen), seen)
	}
	a := hashIn(1, nil)
	if c := hashIn(2, nil); a == c {
		t.Errorf("different sites, same hash %s", a)
	}
	if len(a) != 12 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("hash %q", a)
	}
	stack := recovered(1, nil)
	d := PanicError(Range{File: "a.tf"}, "while parsing", "boom", stack)
	if d.Severity != Error || d.Range.File != "a.tf" || d.Summary != "internal error while parsing: boom (stack hash "+StackHash(stack)+"); this part of the input was not analysed, please report it" {
		t.Errorf("PanicError = %+v", d)
	}
}
