package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"
)

// Hostile input (docs/limits.md): what scan does about files no loader can
// read safely, and about output that one broken file would flood.

// testLoaderHook is loaders.Options.OnStart for the tests that inject a
// panic into a loader; it is nil in a real scan.
var testLoaderHook func(path string)

// claimant returns the index of the loader that reads a file, or -1. A file
// that starts with a UTF-16 byte order mark is offered decoded, so that a
// UTF-16 CloudFormation template is recognised (and reported) rather than
// skipped as "not a template".
func claimant(ls []loaders.Loader, path string, data []byte) int {
	if decoded, ok := loaders.DecodeUTF16(data); ok {
		data = decoded
	}
	for i, l := range ls {
		if l.Claims(path, data) {
			return i
		}
	}
	return -1
}

// maxDiagnosticsPerFile bounds the problems listed for one file: a binary
// blob or a file in the wrong language would otherwise give thousands.
const maxDiagnosticsPerFile = 20

// capPerFile keeps the first limit errors and the first limit warnings of
// each file (diags are sorted) and says how many more there were.
func capPerFile(diags loaders.Diagnostics, limit int) loaders.Diagnostics {
	type key struct {
		file string
		sev  loaders.Severity
	}
	count := map[key]int{}
	last := map[key]int{} // index in out of the last kept diagnostic
	var out loaders.Diagnostics
	for _, d := range diags {
		k := key{d.Range.File, d.Severity}
		count[k]++
		if d.Range.File == "" || count[k] <= limit {
			out = append(out, d)
			last[k] = len(out) - 1
		}
	}
	for k, n := range count {
		if k.file == "" || n <= limit {
			continue
		}
		d := &out[last[k]]
		d.Detail = strings.TrimPrefix(d.Detail+fmt.Sprintf("; and %d more %ss in this file, not listed", n-limit, k.sev), "; ")
	}
	return out
}

// defaultMaxMemory is --max-memory's default, in MiB.
const defaultMaxMemory = 4096

// watchdogExit ends the process when the memory limit is passed.
var watchdogExit = os.Exit

// watchdog is the last bound on memory. The limits of loaders.Limits bound
// what a file's syntax can cost, but a Terraform expression can compute
// values of any size (nested for expressions, setproduct) and Go cannot
// stop a computation from outside: past --max-memory the watchdog ends the
// process with exit code 2, naming the files and modules in progress,
// rather than let the machine run out of memory.
type watchdog struct {
	limit  uint64
	stderr io.Writer
	done   chan struct{}
	mu     sync.Mutex
	recent []string // the files and modules most recently started
}

func startWatchdog(limit int64, stderr io.Writer) *watchdog {
	w := &watchdog{stderr: stderr, done: make(chan struct{})}
	if limit <= 0 {
		return w
	}
	w.limit = uint64(limit)
	// Collect garbage harder as the limit nears, so that only live memory
	// passes it.
	prev := debug.SetMemoryLimit(limit * 9 / 10)
	go w.watch(prev)
	return w
}

func (w *watchdog) watch(prevLimit int64) {
	defer debug.SetMemoryLimit(prevLimit)
	// Memory mapped by the runtime, less what it has returned to the OS.
	sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	used := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 || sample[1].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return sample[0].Value.Uint64() - sample[1].Value.Uint64()
	}
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-tick.C:
		}
		// The runtime's soft limit (set below the watchdog's) keeps garbage
		// from counting: past the limit, live memory is past it.
		if used() <= w.limit {
			continue
		}
		w.mu.Lock()
		recent := describeWork(w.recent)
		w.mu.Unlock()
		fmt.Fprintf(w.stderr, "perimeter: stopped: memory use passed the --max-memory limit of %d MiB while reading %s (a Terraform expression computing a huge value, such as nested for expressions or setproduct, can do this); raise the limit or fix the file\n",
			w.limit>>20, recent)
		watchdogExit(exitError)
		return
	}
}

func (w *watchdog) stop() { close(w.done) }

// maxRecent is how many of the files and modules started last the
// watchdog names.
const maxRecent = 8

// describeWork names the work most recently started, most recent first:
// directories are Terraform modules being evaluated.
func describeWork(recent []string) string {
	parts := make([]string, 0, len(recent))
	seen := map[string]bool{}
	for _, p := range slices.Backward(recent) {
		if seen[p] {
			continue
		}
		seen[p] = true
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			p = "module " + p
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// onStart records the work each loader starts (loaders.Options.OnStart),
// then calls next.
func (w *watchdog) onStart(next func(string)) func(string) {
	return func(p string) {
		w.mu.Lock()
		w.recent = append(w.recent, strings.TrimSuffix(p, "#analyse"))
		if len(w.recent) > maxRecent {
			w.recent = w.recent[len(w.recent)-maxRecent:]
		}
		w.mu.Unlock()
		if next != nil {
			next(p)
		}
	}
}
