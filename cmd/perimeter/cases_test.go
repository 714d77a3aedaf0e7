package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// casesDir holds end-to-end cases whose expectations live in the fixtures:
// each directory under it is scanned once (with the flags in its ARGS
// file, else --account 111122223333), and every finding must be announced
// by a marker on its line, every marker matched by a finding:
//
//	Principal: "*"   # want: PERIM010 public
//	Principal: "*"   # want: PERIM001 public, PERIM007 unresolved
//
// A line with two findings of the same rule and exposure repeats the pair.
// "# want-above:" announces findings on the line before (a line that
// cannot hold a comment, such as JSON inside a YAML block scalar).
const casesDir = "testdata/cases"

type wantedFinding struct {
	file string
	line int
	what string // "PERIM010 public"
}

func TestCases(t *testing.T) {
	t.Chdir("../..")
	dirs, err := os.ReadDir(casesDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		n++
		dir := filepath.Join(casesDir, d.Name())
		t.Run(d.Name(), func(t *testing.T) { checkCases(t, dir) })
	}
	if n == 0 {
		t.Fatal("no case directories")
	}
}

func checkCases(t *testing.T, dir string) {
	t.Helper()
	args := []string{"--account", "111122223333"}
	if data, err := os.ReadFile(filepath.Join(dir, "ARGS")); err == nil {
		args = strings.Fields(string(data))
	}
	want, files := wantMarkers(t, dir)
	if files == 0 {
		t.Fatalf("%s has no fixtures", dir)
	}
	stdout, stderr, code := runCLI(t, nil, append(append([]string{"scan", "--no-config", "--format", "json"}, args...), dir)...)
	if code != exitFindings && code != exitClean {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
	}
	var rep struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Exposure string `json:"exposure"`
			Message  string `json:"message"`
			Location struct {
				File string `json:"file"`
				Line int    `json:"line"`
			} `json:"location"`
		} `json:"findings"`
		Errors []struct {
			Severity string `json:"severity"`
			File     string `json:"file"`
			Line     int    `json:"line"`
			Message  string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	for _, e := range rep.Errors {
		if e.Severity == "error" {
			t.Errorf("%s:%d: error: %s", e.File, e.Line, e.Message)
		}
	}
	var got []wantedFinding
	for _, f := range rep.Findings {
		got = append(got, wantedFinding{filepath.ToSlash(f.Location.File), f.Location.Line, f.Rule + " " + f.Exposure})
	}
	key := func(w wantedFinding) string { return fmt.Sprintf("%s:%d: %s", w.file, w.line, w.what) }
	gotKeys, wantKeys := mapSlice(got, key), mapSlice(want, key)
	slices.Sort(gotKeys)
	slices.Sort(wantKeys)
	for _, k := range multisetMinus(gotKeys, wantKeys) {
		msg := ""
		for _, f := range rep.Findings {
			if strings.HasPrefix(k, fmt.Sprintf("%s:%d: %s %s", filepath.ToSlash(f.Location.File), f.Location.Line, f.Rule, f.Exposure)) {
				msg = f.Message
			}
		}
		t.Errorf("unexpected finding %s (%s)", k, msg)
	}
	for _, k := range multisetMinus(wantKeys, gotKeys) {
		t.Errorf("missing finding %s", k)
	}
}

// wantMarkers reads the # want: markers of every file in dir.
func wantMarkers(t *testing.T, dir string) (want []wantedFinding, files int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "ARGS" {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for line := 1; sc.Scan(); line++ {
			at := line
			_, marker, ok := strings.Cut(sc.Text(), "# want: ")
			if !ok {
				if _, marker, ok = strings.Cut(sc.Text(), "# want-above: "); !ok {
					continue
				}
				at = line - 1
			}
			for item := range strings.SplitSeq(marker, ",") {
				fields := strings.Fields(item)
				if len(fields) != 2 {
					t.Errorf("%s:%d: malformed marker %q (want RULE EXPOSURE)", path, line, item)
					continue
				}
				want = append(want, wantedFinding{filepath.ToSlash(path), at, fields[0] + " " + fields[1]})
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return want, files
}

func mapSlice[T any](in []T, f func(T) string) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// multisetMinus returns the items of a that b does not account for.
func multisetMinus(a, b []string) []string {
	count := map[string]int{}
	for _, s := range b {
		count[s]++
	}
	var out []string
	for _, s := range a {
		if count[s] > 0 {
			count[s]--
			continue
		}
		out = append(out, s)
	}
	return out
}

// TestEveryCloudFormationTypeHasACase: each CloudFormation type a built-in
// rule names appears in a fixture under testdata/cases, so that every
// type is tested end to end.
func TestEveryCloudFormationTypeHasACase(t *testing.T) {
	t.Chdir("../..")
	engine, err := newEngine(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	err = filepath.WalkDir(casesDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		text.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	all := text.String()
	for _, r := range engine.Rules() {
		for _, typ := range r.ResourceTypes {
			if strings.HasPrefix(typ, "AWS::") && !strings.Contains(all, "Type: "+typ+"\n") {
				t.Errorf("%s names %s, which no fixture under %s declares", r.ID, typ, casesDir)
			}
		}
	}
}
