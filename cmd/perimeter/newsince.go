package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/report"
	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/rules"
)

// --new-since REF: the pull-request mode. The same paths are scanned as
// they were at REF, read through git into a temporary directory (the
// working tree and the index are never touched), with the same settings;
// every finding whose fingerprint was already there is left out of the
// report and counted in summary.existing.
//
// Fingerprints hash the displayed file path, so the old tree's paths are
// mapped back to what the working tree's scan shows before comparing.

func filterNewSince(ctx context.Context, engine *rules.Engine, rep *report.Report, ref string, paths []string, s *scanSettings, maxFileSize int64, _ env) error {
	tree, err := extractRevision(ctx, ref, paths)
	if err != nil {
		return err
	}
	defer tree.remove()

	old := *s
	// Discovery shows paths relative to workDir only below it: a directory
	// beside the tree makes it show the tree's absolute paths, which the
	// loaders can open whatever the process's working directory.
	old.workDir = filepath.Join(tree.dir, ".perimeter-elsewhere")
	old.opts.Roots = tree.roots
	rep.NewSince = ref
	var oldRep *report.Report
	if len(tree.roots) > 0 {
		oldRep, _, _ = scan(ctx, readyEngine(engine), tree.roots, &old, maxFileSize, newStageTimer())
	} else {
		oldRep = &report.Report{}
	}

	present := map[string]int{}
	root := repoRoot()
	for i := range oldRep.Findings {
		f := &oldRep.Findings[i]
		tree.rebase(f)
		present[findingID(f, "", root)]++
	}
	kept := rep.Findings[:0:0]
	for _, f := range rep.Findings {
		if present[f.ID] > 0 {
			present[f.ID]--
			rep.Existing++
			rep.Preexisting = append(rep.Preexisting, f)
			continue
		}
		kept = append(kept, f)
	}
	rep.Findings = kept
	if n := countErrors(oldRep.Errors); n > 0 {
		rep.Errors = append(rep.Errors, loaders.Diagnostic{
			Severity: loaders.Warning,
			Summary:  fmt.Sprintf("--new-since %s: %d %s while scanning that revision (%s); findings in the files concerned are reported as new", ref, n, plural(n, "error", "errors"), firstError(oldRep.Errors, tree)),
		})
	}
	return nil
}

func countErrors(ds loaders.Diagnostics) int {
	n := 0
	for _, d := range ds {
		if d.Severity == loaders.Error {
			n++
		}
	}
	return n
}

func firstError(ds loaders.Diagnostics, tree *revisionTree) string {
	for _, d := range ds {
		if d.Severity == loaders.Error {
			d.Range.File = tree.livePath(d.Range.File)
			return d.Error()
		}
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// revisionTree is a revision's files extracted under dir.
type revisionTree struct {
	dir   string   // the temporary directory (the repository root at REF)
	top   string   // the repository's root in the working tree
	roots []string // the scanned paths inside dir that exist at REF
	// given[i] is the path the user gave for roots[i]; rel[i] its path
	// inside the repository (slash-separated, "." for the root).
	given []string
	rel   []string
}

func (t *revisionTree) remove() { _ = os.RemoveAll(t.dir) }

// livePath maps a path shown by the old tree's scan to what the working
// tree's scan shows for the same file.
func (t *revisionTree) livePath(p string) string {
	abs := p
	if !filepath.IsAbs(abs) {
		return p
	}
	repoRel, err := filepath.Rel(t.dir, abs)
	if err != nil || strings.HasPrefix(repoRel, "..") {
		return p
	}
	repoRel = filepath.ToSlash(repoRel)
	for i, rel := range t.rel {
		switch {
		case rel == ".":
			return shownPath(filepath.Join(t.given[i], filepath.FromSlash(repoRel)))
		case repoRel == rel:
			return shownPath(t.given[i])
		case strings.HasPrefix(repoRel, rel+"/"):
			return shownPath(filepath.Join(t.given[i], filepath.FromSlash(strings.TrimPrefix(repoRel, rel+"/"))))
		}
	}
	return shownPath(filepath.Join(t.top, filepath.FromSlash(repoRel)))
}

// rebase rewrites an old finding's paths (and any mention of them in its
// reason and message) as the working tree's scan would show them.
func (t *revisionTree) rebase(f *rules.Finding) {
	replace := func(s string) string {
		if !strings.Contains(s, t.dir) {
			return s
		}
		for i, r := range t.roots {
			s = strings.ReplaceAll(s, r, shownPath(t.given[i]))
		}
		return strings.ReplaceAll(s, t.dir, shownPath(t.top))
	}
	f.Resource.File = t.livePath(f.Resource.File)
	f.Location.File = t.livePath(f.Location.File)
	for i := range f.Resource.ModuleRefs {
		f.Resource.ModuleRefs[i].File = t.livePath(f.Resource.ModuleRefs[i].File)
	}
	f.Reason = replace(f.Reason)
	f.Message = replace(f.Message)
	f.Resource.Condition = replace(f.Resource.Condition)
}

// terraformExts are extracted from the whole repository, not only below the
// scanned paths, so that module calls to ../modules resolve at REF too.
var terraformExts = []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"}

// extractRevision writes the files of ref below the scanned paths (and the
// repository's Terraform files, for modules) into a temporary directory,
// reading objects with git ls-tree and git cat-file.
func extractRevision(ctx context.Context, ref string, paths []string) (*revisionTree, error) {
	first, err := filepath.Abs(paths[0])
	if err != nil {
		return nil, err
	}
	probe := first
	for {
		if st, err := os.Stat(probe); err == nil {
			if !st.IsDir() {
				probe = filepath.Dir(probe)
			}
			break
		}
		parent := filepath.Dir(probe)
		if parent == probe {
			break
		}
		probe = parent
	}
	top, err := gitOutput(ctx, probe, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s is not in a git repository: %w", paths[0], err)
	}
	commit, err := gitOutput(ctx, top, "rev-parse", "--verify", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("not a commit in %s: %w", top, err)
	}

	tmp, err := os.MkdirTemp("", "perimeter-new-since-")
	if err != nil {
		return nil, err
	}
	t := &revisionTree{dir: tmp, top: top}
	rels := make([]string, 0, len(paths))
	for _, p := range paths {
		rel, err := repoRelative(top, p)
		if err != nil {
			t.remove()
			return nil, err
		}
		rels = append(rels, rel)
	}
	if err := t.extract(ctx, commit, rels); err != nil {
		t.remove()
		return nil, err
	}
	for i, rel := range rels {
		r := filepath.Join(tmp, filepath.FromSlash(rel))
		if _, err := os.Stat(r); err != nil {
			continue // not at REF: everything there is new
		}
		t.roots = append(t.roots, r)
		t.given = append(t.given, paths[i])
		t.rel = append(t.rel, rel)
	}
	return t, nil
}

// repoRelative returns a path's place in the repository rooted at top.
func repoRelative(top, p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	} else if resolved, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(resolved, filepath.Base(abs)) // deleted since REF
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("%s is outside the git repository %s", p, top)
	}
	return filepath.ToSlash(rel), nil
}

type treeEntry struct {
	path, oid string
}

func (t *revisionTree) extract(ctx context.Context, commit string, rels []string) error {
	cmd := exec.CommandContext(ctx, "git", "-C", t.top, "ls-tree", "-r", "-z", "--full-tree", commit) //nolint:gosec // commit is a SHA that rev-parse --verify returned
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("git ls-tree: %s", strings.TrimSpace(stderr.String()))
	}
	var entries []treeEntry
	for rec := range bytes.SplitSeq(out, []byte{0}) {
		// "<mode> <type> <oid>\t<path>"
		meta, p, ok := strings.Cut(string(rec), "\t")
		if !ok {
			continue
		}
		fields := strings.Fields(meta)
		if len(fields) != 3 || fields[1] != "blob" || (fields[0] != "100644" && fields[0] != "100755") {
			continue // symlinks and submodules are not followed
		}
		if !wanted(p, rels) {
			continue
		}
		entries = append(entries, treeEntry{path: p, oid: fields[2]})
	}
	return t.writeBlobs(ctx, entries)
}

// wanted selects a repository path: below a scanned path, or a Terraform
// file anywhere (modules called from the scanned paths).
func wanted(p string, rels []string) bool {
	for part := range strings.SplitSeq(p, "/") {
		if part == ".." || part == "" || part == "." {
			return false
		}
	}
	for _, rel := range rels {
		if rel == "." || p == rel || strings.HasPrefix(p, rel+"/") {
			return true
		}
	}
	lower := strings.ToLower(path.Base(p))
	for _, ext := range terraformExts {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// writeBlobs streams the objects through one git cat-file --batch.
func (t *revisionTree) writeBlobs(ctx context.Context, entries []treeEntry) error {
	if len(entries) == 0 {
		return nil
	}
	cmd := exec.CommandContext(ctx, "git", "-C", t.top, "cat-file", "--batch") //nolint:gosec // fixed arguments; the repository is the one being scanned
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() {
		w := bufio.NewWriter(stdin)
		for _, e := range entries {
			_, _ = w.WriteString(e.oid + "\n")
		}
		_ = w.Flush()
		_ = stdin.Close()
	}()
	r := bufio.NewReaderSize(stdout, 1<<16)
	var werr error
	for _, e := range entries {
		if err := t.writeOne(r, e); err != nil {
			werr = err
			break
		}
	}
	if werr != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return werr
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git cat-file: %w %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

func (t *revisionTree) writeOne(r *bufio.Reader, e treeEntry) error {
	header, err := r.ReadString('\n')
	if err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	fields := strings.Fields(header)
	if len(fields) != 3 || fields[0] != e.oid {
		return fmt.Errorf("git cat-file: unexpected %q for %s", strings.TrimSpace(header), e.path)
	}
	size, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil {
		return fmt.Errorf("git cat-file: bad size in %q", strings.TrimSpace(header))
	}
	dst := filepath.Join(t.dir, filepath.FromSlash(e.path))
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.CopyN(f, r, size); err != nil {
		_ = f.Close()
		return fmt.Errorf("git cat-file: %s: %w", e.path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if b, err := r.ReadByte(); err != nil || b != '\n' {
		return errors.New("git cat-file: object not followed by a newline")
	}
	return nil
}
