package main

import (
	"fmt"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
)

// Hostile input (docs/limits.md): what scan does about files no loader can
// read safely, and about output that one broken file would flood.

// testLoaderHook is loaders.Options.TestHook for the tests that inject a
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
