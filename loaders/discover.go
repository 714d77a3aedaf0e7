package loaders

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DefaultMaxFileSize is the largest file discovery reads; bigger files are
// reported and skipped so that one generated blob cannot exhaust memory.
const DefaultMaxFileSize = 20 << 20

// skipDirs are never descended into: VCS metadata, Terraform's download
// cache (modules there are read through .terraform/modules/modules.json when
// a module calls them, not as roots) and JavaScript dependencies. cdk.out is
// deliberately not here: it holds the synthesized templates.
var skipDirs = map[string]bool{".git": true, ".terraform": true, "node_modules": true}

// candidateExts are the file name endings any loader may claim.
var candidateExts = []string{".tf", ".tf.json", ".tfvars", ".tfvars.json", ".json", ".yaml", ".yml", ".template"}

// IsCandidate reports whether a file name ends the way an input file does.
func IsCandidate(name string) bool {
	lower := strings.ToLower(name)
	return slices.ContainsFunc(candidateExts, func(ext string) bool { return strings.HasSuffix(lower, ext) })
}

// DiscoverOptions configure Discover.
type DiscoverOptions struct {
	MaxFileSize int64 // zero means DefaultMaxFileSize
	// WorkDir is the directory paths are shown relative to; empty means
	// the process's working directory.
	WorkDir string
}

// Discover walks paths (files or directories, recursively) and reads every
// candidate file. A path given explicitly is read whatever its name. Files
// come back sorted by path; problems (a path that does not exist, an
// unreadable file, a file over the size limit) are error diagnostics and the
// walk goes on.
func Discover(paths []string, opts DiscoverOptions) ([]File, Diagnostics) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.WorkDir == "" {
		if wd, err := os.Getwd(); err == nil {
			opts.WorkDir = wd
		}
	}
	w := &walker{opts: opts, seen: map[string]bool{}}
	for _, root := range paths {
		info, err := os.Stat(root)
		switch {
		case err != nil:
			w.fail(root, err)
		case info.IsDir():
			if err := filepath.WalkDir(root, w.visit(root)); err != nil {
				w.fail(root, err)
			}
		default:
			w.read(root)
		}
	}
	slices.SortFunc(w.files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	w.diags.Sort()
	return w.files, w.diags
}

type walker struct {
	opts  DiscoverOptions
	files []File
	diags Diagnostics
	seen  map[string]bool
}

func (w *walker) fail(path string, err error) {
	w.diags.Errorf(Range{File: displayPath(path, w.opts.WorkDir)}, "cannot read: %v", unwrapPathError(err))
}

func (w *walker) read(path string) {
	shown := displayPath(path, w.opts.WorkDir)
	if w.seen[shown] {
		return
	}
	w.seen[shown] = true
	data, err := readLimited(path, w.opts.MaxFileSize)
	if err != nil {
		w.diags.Errorf(Range{File: shown}, "%v", err)
		return
	}
	w.files = append(w.files, File{Path: shown, Data: data})
}

func (w *walker) visit(root string) fs.WalkDirFunc {
	return func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			w.fail(path, err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != root && skipDirs[d.Name()] {
				return fs.SkipDir
			}
			return nil
		}
		if !IsCandidate(d.Name()) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// Follow links to files, never to directories: WalkDir does not
			// descend into linked directories, so a link cycle cannot make
			// the walk endless.
			st, err := os.Stat(path)
			if err != nil {
				w.fail(path, err)
				return nil
			}
			if st.IsDir() {
				return nil
			}
		}
		w.read(path)
		return nil
	}
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPathError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPathError(err))
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("file is %d bytes, over the %d-byte limit (raise it with --max-file-size)", st.Size(), limit)
	}
	data := make([]byte, st.Size())
	// A file may shrink between Stat and Read: keep what is there.
	n, err := io.ReadFull(f, data)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	return data[:n], nil
}

func unwrapPathError(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

// displayPath shows path relative to workDir when it lies below it, with
// forward slashes so output is the same on every OS.
func displayPath(path, workDir string) string {
	if workDir != "" {
		abs, err := filepath.Abs(path)
		if err == nil {
			if rel, err := filepath.Rel(workDir, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(path))
}
