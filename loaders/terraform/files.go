package terraform

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// maxReadSize bounds what file() and templatefile() read.
const maxReadSize = 20 << 20

// fileCache holds the files file functions read, once per scan.
type fileCache struct {
	mu        sync.Mutex
	data      map[string]cachedFile
	templates map[string]cachedTemplate
}

type cachedFile struct {
	data []byte
	err  error
}

type cachedTemplate struct {
	expr hclsyntax.Expression
	err  error
}

// resolve turns a path as Terraform reads it (relative to the root module's
// directory, the working directory of terraform) into a display path.
func (ev *evaluator) resolve(p string) string {
	p = filepath.ToSlash(p)
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Clean(path.Join(ev.rootDir, p))
}

// readFile reads a file for file(), templatefile() and friends: from the
// scanned files when it is one, else from disk if it lies inside a scanned
// root.
func (ev *evaluator) readFile(p string) (display string, data []byte, err error) {
	display = ev.resolve(p)
	if f, ok := ev.ls.files[display]; ok {
		return display, f.src, nil
	}
	ls := ev.ls
	ls.cache.mu.Lock()
	c, ok := ls.cache.data[display]
	ls.cache.mu.Unlock()
	if ok {
		return display, c.data, c.err
	}
	data, err = ls.readAllowed(display)
	ls.cache.mu.Lock()
	ls.cache.data[display] = cachedFile{data: data, err: err}
	ls.cache.mu.Unlock()
	return display, data, err
}

// inRoots reports whether p (a display path) lies inside one of the
// directories file functions may read.
func (ls *loadState) inRoots(p string) bool {
	abs, err := filepath.Abs(filepath.FromSlash(p))
	if err != nil {
		return false
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	for _, root := range ls.allowed {
		if abs == root || strings.HasPrefix(abs, root+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func (ls *loadState) readAllowed(display string) ([]byte, error) {
	if !ls.inRoots(display) {
		return nil, fmt.Errorf("%s is outside the scanned directories; perimeter reads files only inside them", display)
	}
	st, err := os.Stat(filepath.FromSlash(display))
	if err != nil {
		return nil, fmt.Errorf("no file exists at %s", display)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a file", display)
	}
	if st.Size() > maxReadSize {
		return nil, fmt.Errorf("%s is %d bytes, over the %d-byte limit", display, st.Size(), maxReadSize)
	}
	data, err := os.ReadFile(filepath.FromSlash(display))
	if err != nil {
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read %s: %w", display, err)
	}
	return data, nil
}

// source returns the bytes of a file the scan has seen (configuration,
// template or JSON read by file()), for position mapping.
func (ls *loadState) source(display string) []byte {
	if f, ok := ls.files[display]; ok {
		return f.src
	}
	ls.dlMu.Lock()
	f, ok := ls.extra[display]
	ls.dlMu.Unlock()
	if ok {
		return f.src
	}
	ls.cache.mu.Lock()
	defer ls.cache.mu.Unlock()
	if c, ok := ls.cache.data[display]; ok {
		return c.data
	}
	return nil
}

func (ev *evaluator) fileExists(p string) (bool, error) {
	display := ev.resolve(p)
	if _, ok := ev.ls.files[display]; ok {
		return true, nil
	}
	if !ev.ls.inRoots(display) {
		return false, fmt.Errorf("%s is outside the scanned directories; perimeter reads files only inside them", display)
	}
	st, err := os.Stat(filepath.FromSlash(display))
	if err != nil {
		return false, nil //nolint:nilerr // a missing file is the answer, not an error
	}
	return st.Mode().IsRegular(), nil
}

// fileSet implements fileset(path, pattern) with Terraform's glob syntax
// (*, ?, [...], {a,b} and ** for any number of directories).
func (ev *evaluator) fileSet(dir, pattern string) ([]string, error) {
	display := ev.resolve(dir)
	if !ev.ls.inRoots(display) {
		return nil, fmt.Errorf("%s is outside the scanned directories; perimeter reads files only inside them", display)
	}
	re, err := globRegexp(pattern)
	if err != nil {
		return nil, err
	}
	var out []string
	base := filepath.FromSlash(display)
	err = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil //nolint:nilerr // unreadable entries are skipped, as Terraform does
		}
		if d.IsDir() {
			if d.Name() == ".terraform" || d.Name() == ".git" {
				return fs.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(base, p)
		if err != nil {
			return nil //nolint:nilerr // cannot happen below base
		}
		rel = filepath.ToSlash(rel)
		if re.MatchString(rel) {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

func globRegexp(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	inClass, inAlt := false, false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case inClass:
			if c == ']' {
				inClass = false
			}
			b.WriteByte(c)
		case c == '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				i++
				if i+1 < len(pattern) && pattern[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			inClass = true
			b.WriteByte('[')
			if i+1 < len(pattern) && pattern[i+1] == '!' {
				b.WriteByte('^')
				i++
			}
		case c == '{':
			inAlt = true
			b.WriteString("(?:")
		case c == '}' && inAlt:
			inAlt = false
			b.WriteString(")")
		case c == ',' && inAlt:
			b.WriteString("|")
		case c == '\\' && i+1 < len(pattern):
			i++
			b.WriteString(regexp.QuoteMeta(string(pattern[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("invalid glob pattern %q: %w", pattern, err)
	}
	return re, nil
}

func (ev *evaluator) fileFunc(conv func([]byte) (cty.Value, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			_, data, err := ev.readFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return conv(data)
		},
	})
}

// parseTemplateFile parses a template file once per scan.
func (ev *evaluator) parseTemplateFile(p string) (hclsyntax.Expression, error) {
	display, data, err := ev.readFile(p)
	if err != nil {
		return nil, err
	}
	ls := ev.ls
	ls.cache.mu.Lock()
	c, ok := ls.cache.templates[display]
	ls.cache.mu.Unlock()
	if ok {
		return c.expr, c.err
	}
	expr, hd := hclsyntax.ParseTemplate(data, display, hcl.InitialPos)
	if hd.HasErrors() {
		err = fmt.Errorf("%s: %s", display, hd.Error())
		expr = nil
	}
	ls.cache.mu.Lock()
	ls.cache.templates[display] = cachedTemplate{expr: expr, err: err}
	ls.cache.mu.Unlock()
	return expr, err
}

func templateCtx(vars cty.Value, funcs map[string]function.Function) (*hcl.EvalContext, error) {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: funcs}
	if vars.IsNull() {
		return ctx, nil
	}
	if !vars.Type().IsObjectType() && !vars.Type().IsMapType() {
		return nil, errors.New("template variables must be a map or an object")
	}
	for it := vars.ElementIterator(); it.Next(); {
		k, v := it.Element()
		if !hclsyntax.ValidIdentifier(k.AsString()) {
			return nil, fmt.Errorf("invalid template variable name %q: must start with a letter, followed by zero or more letters, digits, and underscores", k.AsString())
		}
		ctx.Variables[k.AsString()] = v
	}
	return ctx, nil
}

func evalTemplate(expr hclsyntax.Expression, vars cty.Value, funcs map[string]function.Function) (cty.Value, error) {
	ctx, err := templateCtx(vars, funcs)
	if err != nil {
		return cty.NilVal, err
	}
	for _, t := range expr.Variables() {
		if _, ok := ctx.Variables[t.RootName()]; !ok {
			r := t.SourceRange()
			return cty.NilVal, fmt.Errorf("%s:%d: vars map does not contain key %q", r.Filename, r.Start.Line, t.RootName())
		}
	}
	v, hd := expr.Value(ctx)
	if hd.HasErrors() {
		return cty.NilVal, errors.New(hd.Error())
	}
	return v, nil
}

// withoutTemplates is the function table a template sees: templatefile
// may not call itself.
func withoutTemplates(funcs map[string]function.Function) map[string]function.Function {
	out := make(map[string]function.Function, len(funcs))
	for k, f := range funcs {
		if k == "templatefile" || k == "templatestring" {
			continue
		}
		out[k] = f
	}
	return out
}

func (ev *evaluator) templateFileFunc(funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType, AllowMarked: true, AllowUnknown: true},
		},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			expr, err := ev.parseTemplateFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			vars, marks := args[1].Unmark()
			if !vars.IsKnown() {
				return cty.DynamicVal.WithMarks(marks), nil
			}
			v, err := evalTemplate(expr, vars, withoutTemplates(funcs))
			if err != nil {
				return cty.NilVal, err
			}
			return v.WithMarks(marks), nil
		},
	})
}

func (ev *evaluator) templateStringFunc(funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "template", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType, AllowMarked: true, AllowUnknown: true},
		},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			expr, hd := hclsyntax.ParseTemplate([]byte(args[0].AsString()), "<templatestring>", hcl.InitialPos)
			if hd.HasErrors() {
				return cty.NilVal, errors.New(hd.Error())
			}
			vars, marks := args[1].Unmark()
			if !vars.IsKnown() {
				return cty.DynamicVal.WithMarks(marks), nil
			}
			v, err := evalTemplate(expr, vars, withoutTemplates(funcs))
			if err != nil {
				return cty.NilVal, err
			}
			return v.WithMarks(marks), nil
		},
	})
}
