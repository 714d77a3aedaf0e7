package main

import (
	"os"
	"path/filepath"

	"github.com/perimeter-iac/perimeter/rules"
)

// findingID is the finding's fingerprint computed with paths relative to
// the repository root (the nearest directory above the working directory
// that holds .git), so that a baseline written from the root still matches
// a scan run from a subdirectory, and the other way round. Outside a
// repository the paths stay relative to the working directory. workDir is
// the directory displayed paths are relative to ("" = the process's).
func findingID(f *rules.Finding, workDir, root string) string {
	if workDir == "" {
		workDir, _ = os.Getwd()
	}
	if root == "" || workDir == "" {
		return rules.Fingerprint(f)
	}
	rebase := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		if rel, err := filepath.Rel(root, filepath.Join(workDir, filepath.FromSlash(p))); err == nil {
			return filepath.ToSlash(rel)
		}
		return p
	}
	g := *f
	g.Resource.File = rebase(f.Resource.File)
	g.Resource.ModuleRefs = make([]rules.ModuleRef, len(f.Resource.ModuleRefs))
	for i, m := range f.Resource.ModuleRefs {
		m.File = rebase(m.File)
		g.Resource.ModuleRefs[i] = m
	}
	return rules.Fingerprint(&g)
}

// repoRoot returns the nearest directory at or above the working directory
// that holds .git, or "".
func repoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
