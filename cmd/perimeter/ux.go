package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/report"
	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/suppress"
	"github.com/perimeter-iac/perimeter/rules"
)

// Exposures from least to most exposed: --fail-on X fails the run for
// findings at X or above.
var exposureOrder = []string{rules.ExposureUnresolved, rules.ExposureExternal, rules.ExposurePublic}

// threshold decides which findings fail the run.
type threshold struct {
	failOn    string // "", public, external, unresolved, none
	failLevel string // "", or a severity
}

func thresholdFrom(f *scanFlags, cfg *Config) (threshold, error) {
	t := threshold{failOn: firstNonEmpty(f.failOn, cfg.FailOn), failLevel: firstNonEmpty(f.failLevel, cfg.FailLevel)}
	if t.failOn != "" && t.failOn != "none" && !slices.Contains(exposureOrder, t.failOn) {
		return t, fmt.Errorf("--fail-on %q: want public, external, unresolved or none", t.failOn)
	}
	if t.failLevel != "" && rules.SeverityRank(t.failLevel) < 0 {
		return t, fmt.Errorf("--fail-level %q: want %s", t.failLevel, strings.Join(rules.Severities, ", "))
	}
	return t, nil
}

// fails reports whether a finding fails the run: its exposure is at least
// --fail-on and its severity at least --fail-level.
func (t threshold) fails(f *rules.Finding) bool {
	if t.failOn == "none" {
		return false
	}
	if t.failOn != "" && slices.Index(exposureOrder, f.Exposure) < slices.Index(exposureOrder, t.failOn) {
		return false
	}
	return t.failLevel == "" || rules.SeverityRank(f.Severity) >= rules.SeverityRank(t.failLevel)
}

func (t threshold) String() string {
	var parts []string
	if t.failOn != "" {
		parts = append(parts, "--fail-on "+t.failOn)
	}
	if t.failLevel != "" {
		parts = append(parts, "--fail-level "+t.failLevel)
	}
	return strings.Join(parts, " ")
}

// exitCode is 2 when an error prevented part of the analysis, 1 when a
// finding fails the threshold, else 0. Suppressed findings and findings
// present at --new-since are not in rep.Findings and never count.
func exitCode(rep *report.Report, t threshold, e env) int {
	if rep.Errors.HasErrors() {
		return exitError
	}
	failing := 0
	for i := range rep.Findings {
		if t.fails(&rep.Findings[i]) {
			failing++
		}
	}
	if below := len(rep.Findings) - failing; below > 0 && t.String() != "" {
		fmt.Fprintf(e.stderr, "perimeter: %d of %d findings are below %s and do not fail the run\n", below, len(rep.Findings), t)
	}
	if failing > 0 {
		return exitFindings
	}
	return exitClean
}

// loadArchive reads the archive: section of the config and the archive
// file (--archive, archive_file: in the config, or .perimeter-archive.yml
// found from the first path upwards), and remembers where `perimeter
// baseline` writes.
func (s *scanSettings) loadArchive(f *scanFlags, cfg *Config, paths []string) error {
	explicit := f.archive
	if explicit == "" && cfg.ArchiveFile != "" {
		explicit = cfg.ArchiveFile
		if !filepath.IsAbs(explicit) && cfg.path != "" {
			explicit = filepath.Join(filepath.Dir(cfg.path), explicit)
		}
	}
	file := explicit
	if file == "" {
		if p, ok := findUp(paths[0], suppress.ArchiveFileName); ok {
			file = p
		}
	}
	if cfg.Archive != nil {
		cfg.Archive.SetFile(shownPath(cfg.path))
	}
	if file == "" {
		s.archiveFile = defaultArchiveFile(cfg, paths)
		s.archive = suppress.Merge(cfg.Archive)
		return nil
	}
	s.archiveFile = file
	data, err := os.ReadFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist) && (f.writingArchive || f.archive == ""):
		// archive_file: or baseline's --archive names a file not written
		// yet: nothing to read.
	case err != nil:
		return fmt.Errorf("archive: %w", err)
	default:
		a, err := suppress.ParseArchive(data, shownPath(file))
		if err != nil {
			return err
		}
		s.fileArchive = a
	}
	s.archive = suppress.Merge(cfg.Archive, s.fileArchive)
	return nil
}

// defaultArchiveFile is where baseline writes when no archive exists: beside
// the config file, else in the working directory when the scanned path lies
// below it (so that scans from there find it), else in the scanned
// directory.
func defaultArchiveFile(cfg *Config, paths []string) string {
	if cfg.path != "" {
		return filepath.Join(filepath.Dir(cfg.path), suppress.ArchiveFileName)
	}
	dir, err := filepath.Abs(paths[0])
	if err != nil {
		return suppress.ArchiveFileName
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, dir); err == nil && !strings.HasPrefix(rel, "..") {
			return suppress.ArchiveFileName
		}
	}
	return filepath.Join(dir, suppress.ArchiveFileName)
}

// findUp looks for name in dir (or a file's directory) and its parents.
func findUp(dir, name string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		abs = filepath.Dir(abs)
	}
	for {
		p := filepath.Join(abs, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", false
		}
		abs = parent
	}
}

// shownPath shows a path the way discovery shows input files: relative to
// the working directory when below it, with forward slashes.
func shownPath(p string) string {
	if p == "" {
		return ""
	}
	if wd, err := os.Getwd(); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(p))
}

// applySuppressions moves suppressed findings out of rep.Findings into
// rep.Suppressed and adds the warnings about suppressions.
func applySuppressions(rep *report.Report, files map[string][]byte, s *scanSettings, e env) {
	res := suppress.Apply(rep.Findings, files, suppress.Options{Rules: rep.Rules, Archive: s.archive, Now: e.clock()})
	rep.Findings = res.Active
	rep.Suppressed = res.Suppressed
	rep.Errors = append(rep.Errors, res.Diagnostics...)
}

// placeSources sets the directories SARIF and code quality paths are
// relative to: the git repository root of the working directory (or
// GITHUB_WORKSPACE, or the working directory itself).
func placeSources(rep *report.Report, dests []destination, e env) {
	needed := slices.ContainsFunc(dests, func(d destination) bool { return d.format == "sarif" || d.format == "codequality" })
	if !needed {
		return
	}
	wd, err := os.Getwd()
	if err != nil {
		return
	}
	// git prints the real path of the root, so work from the real path of
	// the working directory.
	if resolved, err := filepath.EvalSymlinks(wd); err == nil {
		wd = resolved
	}
	root := wd
	if top, err := gitOutput(context.Background(), wd, "rev-parse", "--show-toplevel"); err == nil && top != "" {
		root = top
	} else if ws := e.getenv("GITHUB_WORKSPACE"); ws != "" {
		root = ws
	}
	rep.WorkDir = filepath.ToSlash(wd)
	rep.SourceRoot = filepath.ToSlash(root)
}

// gitOutput runs git in dir and returns its trimmed standard output.
func gitOutput(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...) //nolint:gosec // fixed subcommands; a user's revision follows --end-of-options
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return "", err
		}
		return "", fmt.Errorf("git %s: %s", args[0], msg)
	}
	return strings.TrimSpace(stdout.String()), nil
}
