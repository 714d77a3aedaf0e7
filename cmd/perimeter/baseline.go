package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/suppress"
)

// runBaseline is `perimeter baseline [scan flags] [PATH...]`: scan, then
// write every finding nothing else suppresses into the archive file's
// findings list, so that an existing repository adopts perimeter and sees
// only new problems from then on.
func runBaseline(ctx context.Context, args []string, e env) int {
	f := scanFlags{writingArchive: true}
	fs := pflag.NewFlagSet("perimeter baseline", pflag.ContinueOnError)
	f.register(fs)
	for _, name := range []string{"format", "output", "new-since", "show-suppressed", "fail-on", "fail-level", "no-color"} {
		_ = fs.MarkHidden(name) // scan's reporting flags; baseline reports only what it wrote
	}
	reason := fs.String("reason", "", `reason recorded for newly accepted findings (default "accepted by perimeter baseline on DATE")`)
	header := "Usage: perimeter baseline [flags] [PATH...]\n\nScans like perimeter scan, then writes every finding that nothing else suppresses\ninto the findings list of " + suppress.ArchiveFileName + " (or --archive FILE), keeping\nthe entries that still match and the archive rules. Later scans report only new findings.\n"
	if ok, code := parseFlags(fs, args, e, header); !ok {
		return code
	}
	if f.newSince != "" || len(f.formats) > 0 || f.output != "" {
		fmt.Fprintln(e.stderr, "perimeter: baseline writes the archive file; --new-since, --format and --output belong to scan")
		return exitError
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	settings, err := settingsFrom(&f, paths, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	engine, err := newEngine(ctx, settings.ruleDirs)
	if err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	rep, files, err := scan(ctx, readyEngine(engine), paths, settings, f.maxFileSize, newStageTimer())
	if err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	applySuppressions(rep, files, settings, e)
	rep.Errors.Sort()

	why := *reason
	if why == "" {
		why = "accepted by perimeter baseline on " + e.clock().Format(time.DateOnly)
	}
	res := suppress.Result{Active: rep.Findings, Suppressed: rep.Suppressed}
	out, st, err := suppress.Baseline(settings.fileArchive, res, why, outOfScope(paths))
	if err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	if err := writeAtomic(settings.archiveFile, out); err != nil {
		fmt.Fprintf(e.stderr, "perimeter: %v\n", err)
		return exitError
	}
	fmt.Fprintf(e.stdout, "perimeter: %s: %d %s accepted (%d new, %d kept, %d removed as fixed); %d suppressed otherwise\n",
		shownPath(settings.archiveFile), st.Added+st.Kept, plural(st.Added+st.Kept, "finding", "findings"), st.Added, st.Kept, st.Removed, otherSuppressed(res))
	for _, d := range rep.Errors {
		fmt.Fprintf(e.stderr, "%s: %s\n", d.Severity, d.Error())
	}
	if rep.Errors.HasErrors() {
		fmt.Fprintln(e.stderr, "perimeter: errors prevented part of the analysis; the findings of those files are not in the baseline")
		return exitError
	}
	return exitClean
}

// otherSuppressed counts the findings suppressed by comments and archive
// rules rather than by the findings list.
func otherSuppressed(res suppress.Result) int {
	n := 0
	for _, s := range res.Suppressed {
		if s.Suppression.Accepted == nil {
			n++
		}
	}
	return n
}

// outOfScope reports the accepted findings whose recorded location lies
// outside the scanned paths: `perimeter baseline infra/a` must not forget
// what was accepted in infra/b.
func outOfScope(paths []string) func(*suppress.Accepted) bool {
	var prefixes []string
	for _, p := range paths {
		sp := shownPath(p)
		if sp == "." {
			return func(*suppress.Accepted) bool { return false }
		}
		prefixes = append(prefixes, sp)
	}
	return func(a *suppress.Accepted) bool {
		if a.Location == "" {
			return false
		}
		file := a.Location
		if i := strings.LastIndexByte(file, ':'); i > 0 {
			file = file[:i]
		}
		return !slices.ContainsFunc(prefixes, func(p string) bool { return file == p || strings.HasPrefix(file, p+"/") })
	}
}

// writeAtomic replaces a file through a temporary file in its directory,
// so an interrupted baseline never leaves half an archive.
func writeAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".perimeter-archive-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { //nolint:gosec // the archive is committed with the code it describes
		_ = os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), name)
}
