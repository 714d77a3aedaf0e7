package rules

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego test rule (test_*).
type TestResult struct {
	Name     string // package.test_name
	File     string
	Line     int
	Passed   bool
	Skipped  bool
	Message  string // failure or error text
	Duration string
}

// RunTests runs every test_* rule in the *_test.rego files of the sources,
// with the same offline capabilities as a scan, so a rule that passes its
// tests here behaves the same in `perimeter scan`. It powers the Go test of
// the built-in rules and `perimeter test`.
func RunTests(ctx context.Context, sources ...Source) ([]TestResult, error) {
	modules := map[string]*ast.Module{}
	for _, src := range sources {
		err := fs.WalkDir(src.FS, src.Dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".rego") || (src.NoTests && strings.HasSuffix(p, "_test.rego")) {
				return nil
			}
			data, err := fs.ReadFile(src.FS, p)
			if err != nil {
				return err
			}
			name := display(src, p)
			m, err := ast.ParseModuleWithOpts(name, string(data), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
			if err != nil {
				return err
			}
			modules[name] = m
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	compiler := ast.NewCompiler().WithCapabilities(Capabilities()).WithEnablePrintStatements(true)
	store := inmem.New()
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer store.Abort(ctx, txn)
	ch, err := tester.NewRunner().
		SetCompiler(compiler).
		SetStore(store).
		SetModules(modules).
		SetDefaultRegoVersion(ast.RegoV1).
		RaiseBuiltinErrors(true).
		CapturePrintOutput(true).
		RunTests(ctx, txn)
	if err != nil {
		return nil, err
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{Name: r.Package + "." + r.Name, Passed: r.Pass(), Skipped: r.Skip, Duration: r.Duration.String()}
		if r.Location != nil {
			tr.File, tr.Line = r.Location.File, r.Location.Row
		}
		switch {
		case r.Error != nil:
			tr.Message = r.Error.Error()
		case r.Fail:
			tr.Message = "test failed"
			if len(r.Output) > 0 {
				tr.Message += ": " + strings.TrimSpace(string(r.Output))
			}
		}
		out = append(out, tr)
	}
	slices.SortFunc(out, func(a, b TestResult) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}

// String renders a result the way `opa test` does.
func (r TestResult) String() string {
	status := "PASS"
	switch {
	case r.Skipped:
		status = "SKIPPED"
	case !r.Passed:
		status = "FAIL"
	}
	s := fmt.Sprintf("%s:%d: %s: %s", r.File, r.Line, r.Name, status)
	if r.Message != "" {
		s += " (" + r.Message + ")"
	}
	return s
}
