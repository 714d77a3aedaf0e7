package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// netSpy records every attempt to reach the network made through the
// standard library's resolver and HTTP transport.
type netSpy struct {
	mu       sync.Mutex
	attempts []string
}

func (s *netSpy) record(what string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts = append(s.attempts, what)
	return errors.New("perimeter must not use the network")
}

func (s *netSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, s.record("HTTP " + r.Method + " " + r.URL.String())
}

// TestScanNeverUsesTheNetwork runs full scans (the examples, custom rules,
// the hostile corpus's neighbours) with the default resolver and HTTP
// transport replaced by ones that record and refuse every attempt.
func TestScanNeverUsesTheNetwork(t *testing.T) {
	spy := &netSpy{}
	oldResolver, oldTransport, oldClient := net.DefaultResolver, http.DefaultTransport, http.DefaultClient
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(_ context.Context, network, address string) (net.Conn, error) {
		return nil, spy.record("DNS " + network + " " + address)
	}}
	http.DefaultTransport = spy
	http.DefaultClient = &http.Client{Transport: spy}
	t.Cleanup(func() {
		net.DefaultResolver, http.DefaultTransport, http.DefaultClient = oldResolver, oldTransport, oldClient
	})
	// The spy sees what it must see.
	_, _ = net.DefaultResolver.LookupHost(context.Background(), "example.com")
	_, _ = http.Get("http://example.com/") //nolint:noctx // a probe of the spy
	if !slices.ContainsFunc(spy.attempts, func(a string) bool { return strings.HasPrefix(a, "DNS ") }) ||
		!slices.Contains(spy.attempts, "HTTP GET http://example.com/") {
		t.Fatalf("the spy missed an attempt: %v", spy.attempts)
	}
	spy.attempts = nil

	t.Chdir("../..")
	for _, args := range [][]string{
		{"scan", "--no-config", "--account", "111122223333", "--format", "json", "testdata/examples"},
		{"scan", "--no-config", "--rules", "testdata/custom-rules", "--format", "input", "testdata/examples", "testdata/hostile"},
		{"rules", "--rules", "testdata/custom-rules"},
		{"test", "testdata/custom-rules"},
	} {
		if _, stderr, code := runCLI(t, nil, args...); code == exitError && args[0] != "scan" {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if len(spy.attempts) > 0 {
		t.Errorf("perimeter tried to reach the network: %v", spy.attempts)
	}
}

// TestScanInANetworkNamespace runs a scan in a network namespace with no
// interface up (unshare -n, or unshare -rn without root) and expects the
// same report as outside it. It is skipped where namespaces are not
// allowed; scripts/test runs the built binary the same way.
func TestScanInANetworkNamespace(t *testing.T) {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("unshare is not installed: no network namespace test here")
	}
	var flags []string
	for _, f := range [][]string{{"-n"}, {"-r", "-n"}} {
		if exec.Command(unshare, append(f, "true")...).Run() == nil {
			flags = f
			break
		}
	}
	if flags == nil {
		t.Skip("this machine does not allow network namespaces (unshare -n and unshare -rn fail)")
	}
	args := []string{"scan", "--no-config", "--account", "111122223333", "--format", "json", "testdata/examples"}
	outside := runChild(t, "../..", time.Minute, args...)
	inside := runChildWrapped(t, "../..", append([]string{unshare}, flags...), args...)
	if inside.code != outside.code || inside.stdout != outside.stdout {
		t.Errorf("the scan differs without a network: exit %d vs %d\n%s\nstderr: %s", inside.code, outside.code, inside.stdout, inside.stderr)
	}
	if outside.code != exitFindings {
		t.Errorf("the examples gave exit %d", outside.code)
	}
}
