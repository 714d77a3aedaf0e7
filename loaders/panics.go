package loaders

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// PanicError is the error diagnostic for a panic recovered while what
// ("while parsing", "while evaluating module infra/app") was done to the
// file or directory of r. It names the panic and a hash of the stack, not
// the stack itself, so that output stays deterministic and short; the hash
// tells maintainers which reports are the same bug.
func PanicError(r Range, what string, p any, stack []byte) Diagnostic {
	return Diagnostic{
		Severity: Error,
		Range:    r,
		Summary:  fmt.Sprintf("internal error %s: %v (stack hash %s); this part of the input was not analysed, please report it", what, p, StackHash(stack)),
	}
}

// maxHashedFrames bounds how much of the stack identifies a panic: the
// frames nearest to it.
const maxHashedFrames = 12

// StackHash identifies where a panic happened from the output of
// runtime/debug.Stack(), called in the deferred function that recovered it.
// It hashes the function names and line numbers of the frames below the
// panic (not goroutine numbers, argument values or program counters, which
// change from run to run), so the same bug gives the same hash on every run
// of the same build.
func StackHash(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	// Frames come in pairs: "pkg.fn(args)" then "\t/path/file.go:123 +0x45".
	// Start after the last runtime panic frame, when there is one.
	start := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") || strings.HasPrefix(l, "runtime.gopanic") || strings.HasPrefix(l, "runtime.panic") {
			start = i + 2
		}
	}
	var b bytes.Buffer
	frames := 0
	for i := start; i+1 < len(lines) && frames < maxHashedFrames; i++ {
		fn := lines[i]
		if fn == "" || strings.HasPrefix(fn, "goroutine ") || strings.HasPrefix(fn, "\t") {
			continue
		}
		if strings.HasPrefix(fn, "created by ") {
			break
		}
		if k := strings.LastIndexByte(fn, '('); k > 0 {
			fn = fn[:k]
		}
		loc := strings.TrimSpace(lines[i+1])
		if k := strings.LastIndexByte(loc, ' '); k > 0 {
			loc = loc[:k] // drop "+0x45"
		}
		if k := strings.LastIndexByte(loc, ':'); k > 0 {
			// Keep the file's base name and line: absolute paths differ
			// between build machines.
			file := loc[:k]
			if s := strings.LastIndexByte(file, '/'); s >= 0 {
				file = file[s+1:]
			}
			loc = file + loc[k:]
		}
		fmt.Fprintf(&b, "%s %s\n", fn, loc)
		frames++
		i++
	}
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:6])
}
