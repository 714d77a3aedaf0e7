package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// childEnv names the environment variable that turns the test binary into
// a perimeter process: its value is the JSON list of arguments for run().
// Tests that must survive what they test (a fatal stack overflow, memory
// exhaustion) or measure a scan's time and memory run perimeter this way.
const childEnv = "PERIMETER_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if raw := os.Getenv(childEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			os.Stderr.WriteString("bad " + childEnv + ": " + err.Error() + "\n")
			os.Exit(3)
		}
		code := run(context.Background(), args, env{
			stdout: os.Stdout, stderr: os.Stderr,
			getenv:  func(string) string { return "" },
			environ: func() []string { return nil },
		})
		reportPeakMemory()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// childResult is one perimeter process run by runChild.
type childResult struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
	maxRSS         int64 // bytes; 0 where the OS does not say
}

// runChild runs perimeter with args in dir, as a separate process, and
// measures its wall time and peak memory.
func runChild(t *testing.T, dir string, timeout time.Duration, args ...string) childResult {
	t.Helper()
	return runChildIn(t, dir, timeout, nil, os.Args[0], args...)
}

// runChildWrapped is runChild under a wrapper command (unshare -n ...).
func runChildWrapped(t *testing.T, dir string, wrapper []string, args ...string) childResult {
	t.Helper()
	return runChildIn(t, dir, time.Minute, wrapper, os.Args[0], args...)
}

// runChildIn runs binary (a copy of the test binary) under wrapper.
func runChildIn(t *testing.T, dir string, timeout time.Duration, wrapper []string, binary string, args ...string) childResult {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	argv := append(slices.Clone(wrapper), binary, "-test.run=^$")
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), childEnv+"="+string(raw), "GOTRACEBACK=single")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err = cmd.Run()
	r := childResult{stdout: out.String(), stderr: errOut.String(), elapsed: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("perimeter %v did not finish in %v", args, timeout)
	}
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok { //nolint:errorlint // Run returns it unwrapped
			t.Fatalf("perimeter %v: %v", args, err)
		}
	}
	r.code = cmd.ProcessState.ExitCode()
	r.maxRSS = maxRSS(cmd.ProcessState)
	if before, after, ok := strings.Cut(r.stderr, peakPrefix); ok {
		if kb, err := strconv.ParseInt(strings.TrimSpace(after), 10, 64); err == nil {
			r.maxRSS = kb << 10
		}
		r.stderr = before
	}
	return r
}

// peakPrefix starts the line on which a child reports its peak memory.
const peakPrefix = "perimeter-test-peak-rss-kb: "

// reportPeakMemory prints the process's peak resident memory where Linux
// tells it (VmHWM). The parent prefers it to getrusage's ru_maxrss, which
// counts the parent's memory too: the child shares it until exec.
func reportPeakMemory() {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			os.Stderr.WriteString(peakPrefix + strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")) + "\n")
		}
	}
}
