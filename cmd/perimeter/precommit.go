package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// runPrecommit is `perimeter precommit [scan flags] FILE...`, the entry of
// the pre-commit hook: pre-commit passes the changed files, and perimeter
// scans the directories that hold them (a Terraform module is a directory;
// a file alone would lose its variables, locals and sibling resources),
// each once, with the scan flags and .perimeter.yml as usual.
func runPrecommit(ctx context.Context, args []string, e env) int {
	var f scanFlags
	fs := pflag.NewFlagSet("perimeter precommit", pflag.ContinueOnError)
	f.register(fs)
	header := "Usage: perimeter precommit [flags] FILE...\n\nThe pre-commit hook: scans the directories holding the given files (each once,\nrecursively, like perimeter scan DIR) with the scan flags and .perimeter.yml.\n"
	if ok, code := parseFlags(fs, args, e, header); !ok {
		return code
	}
	dirs := precommitDirs(fs.Args())
	if len(dirs) == 0 {
		return exitClean
	}
	return scanAndReport(ctx, &f, dirs, e)
}

// precommitDirs maps file names to the directories to scan: each file's
// directory, deduplicated, without directories below another one (a scan
// is recursive), skipping files in directories discovery skips and
// directories that no longer exist.
func precommitDirs(files []string) []string {
	set := map[string]bool{}
	for _, file := range files {
		clean := filepath.Clean(file)
		if slices.ContainsFunc(strings.Split(filepath.ToSlash(clean), "/"), func(part string) bool {
			return part == ".git" || part == ".terraform" || part == "node_modules"
		}) {
			continue
		}
		dir := filepath.Dir(clean)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue // deleted with its directory
		}
		set[dir] = true
	}
	dirs := make([]string, 0, len(set))
	for d := range set {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	var out []string
	for _, d := range dirs {
		if slices.ContainsFunc(out, func(parent string) bool { return within(d, parent) }) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// within reports whether dir is parent or below it (both cleaned).
func within(dir, parent string) bool {
	if parent == "." && !filepath.IsAbs(dir) && dir != ".." && !strings.HasPrefix(dir, ".."+string(filepath.Separator)) {
		return true
	}
	return dir == parent || strings.HasPrefix(dir, parent+string(filepath.Separator))
}
