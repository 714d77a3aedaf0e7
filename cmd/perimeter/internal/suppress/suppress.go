package suppress

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
	"github.com/perimeter-iac/perimeter/rules"
)

// Kinds of suppression.
const (
	KindInline  = "inline"  // a comment or Metadata entry next to the grant (SARIF inSource)
	KindArchive = "archive" // an archive rule or accepted finding (SARIF external)
)

// Suppression says why a finding is not reported, and where that was
// written.
type Suppression struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	// Source is file:line of the comment, Metadata entry, archive rule or
	// accepted finding.
	Source string `json:"source"`
	// Rule names the archive rule, when it has a name.
	Rule    string `json:"archive_rule,omitempty"`
	Expires string `json:"expires,omitempty"`

	File string `json:"-"`
	Line int    `json:"-"`
	// Accepted is set when an accepted finding (a baseline entry) matched.
	Accepted *Accepted `json:"-"`
}

// Suppressed is a finding with its suppression; its JSON form is the
// finding's with a "suppressed" object.
type Suppressed struct {
	rules.Finding
	Suppression Suppression `json:"suppressed"`
}

// Options configure Apply.
type Options struct {
	// Rules are the rules of the scan: inline directives name them by ID
	// or package name.
	Rules []*rules.Rule
	// Archive holds the archive rules and accepted findings; nil for none.
	Archive *Archive
	// Now is the clock expiry dates are compared with.
	Now time.Time
}

// Result splits the findings.
type Result struct {
	Active     []rules.Finding
	Suppressed []Suppressed
	// Diagnostics are warnings: directives without a reason or naming an
	// unknown rule, expired archive rules.
	Diagnostics loaders.Diagnostics
}

// Apply decides which findings are suppressed. files maps the paths the
// findings use to the contents read by discovery. Findings keep their order.
func Apply(findings []rules.Finding, files map[string][]byte, opts Options) Result {
	var res Result
	idx := buildIndex(files, findings, opts.Rules)
	res.Diagnostics = append(res.Diagnostics, idx.diags...)
	today := opts.Now.Format(time.DateOnly)
	archive := opts.Archive
	if archive == nil {
		archive = &Archive{}
	}
	byID := map[string]*Accepted{}
	for _, a := range archive.Findings {
		if a.Reason == "" {
			res.Diagnostics = append(res.Diagnostics, warn(a.File, a.Line, "accepted finding %s has no reason, so it suppresses nothing: add why the access is intended", a.ID))
			continue
		}
		if expired(a.Expires, today) {
			res.Diagnostics = append(res.Diagnostics, warn(a.File, a.Line, "accepted finding %s expired on %s; it is reported again", a.ID, a.Expires))
			continue
		}
		if _, dup := byID[a.ID]; !dup {
			byID[a.ID] = a
		}
	}
	var live []*ArchiveRule
	for _, r := range archive.Rules {
		switch {
		case r.Reason == "":
			res.Diagnostics = append(res.Diagnostics, warn(r.File, r.Line, "archive rule %s has no reason, so it suppresses nothing: add why the access is intended", ruleLabel(r)))
		case expired(r.Expires, today):
			res.Diagnostics = append(res.Diagnostics, warn(r.File, r.Line, "archive rule %s expired on %s; the findings it matched are reported again", ruleLabel(r), r.Expires))
		default:
			live = append(live, r)
		}
	}

	for i := range findings {
		f := &findings[i]
		if s, ok := idx.match(f, opts.Rules); ok {
			res.Suppressed = append(res.Suppressed, Suppressed{Finding: *f, Suppression: s})
			continue
		}
		if r := firstMatch(live, f); r != nil {
			res.Suppressed = append(res.Suppressed, Suppressed{Finding: *f, Suppression: Suppression{
				Kind: KindArchive, Reason: r.Reason, Rule: r.Name, Expires: r.Expires,
				Source: fmt.Sprintf("%s:%d", r.File, r.Line), File: r.File, Line: r.Line,
			}})
			continue
		}
		if a := byID[f.ID]; a != nil {
			res.Suppressed = append(res.Suppressed, Suppressed{Finding: *f, Suppression: Suppression{
				Kind: KindArchive, Reason: a.Reason, Expires: a.Expires,
				Source: fmt.Sprintf("%s:%d", a.File, a.Line), File: a.File, Line: a.Line, Accepted: a,
			}})
			continue
		}
		res.Active = append(res.Active, *f)
	}
	return res
}

func firstMatch(rs []*ArchiveRule, f *rules.Finding) *ArchiveRule {
	for _, r := range rs {
		if r.matches(f) {
			return r
		}
	}
	return nil
}

func warn(file string, line int, format string, args ...any) loaders.Diagnostic {
	return warnAt(file, line, 1, format, args...)
}

func warnAt(file string, line, col int, format string, args ...any) loaders.Diagnostic {
	return loaders.Diagnostic{
		Severity: loaders.Warning,
		Summary:  fmt.Sprintf(format, args...),
		Range:    loaders.Range{File: file, Start: policy.Pos{Line: line, Column: col}},
	}
}

// index holds the usable directives of the scanned files by the code line
// they attach to.
type index struct {
	below  map[fileLine][]*directive // the line trails or follows the directive
	header map[fileLine][]*directive // the directive opens the block whose header is the line
	// Metadata entries of CloudFormation resources, by file and logical ID
	// or key line.
	metaByName map[string]map[string][]*directive
	metaByLine map[fileLine][]*directive
	known      map[string]bool
	diags      loaders.Diagnostics
}

type fileLine struct {
	file string
	line int
}

func buildIndex(files map[string][]byte, findings []rules.Finding, rs []*rules.Rule) *index {
	idx := &index{
		below:      map[fileLine][]*directive{},
		header:     map[fileLine][]*directive{},
		metaByName: map[string]map[string][]*directive{},
		metaByLine: map[fileLine][]*directive{},
		known:      knownSelectors(rs),
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		idx.safely(name, func() { idx.addComments(name, files[name]) })
	}
	// CloudFormation Metadata: templates with findings, and any other
	// YAML or JSON file that mentions perimeter and Resources (so that an
	// entry without a reason is reported even before it matters).
	cfn := map[string]bool{}
	for i := range findings {
		if findings[i].Resource.Source == string(loaders.SourceCloudFormation) {
			cfn[findings[i].Resource.File] = true
		}
	}
	for _, name := range names {
		data := files[name]
		if st := styleOf(name, data); cfn[name] || (st != styleHCL && st != styleTFJSON && bytes.Contains(data, []byte("Resources"))) {
			idx.safely(name, func() { idx.addMetadata(name, data) })
		}
	}
	return idx
}

// safely runs one file's scan; a panic becomes an error diagnostic naming
// the file, and the other files' suppressions still apply.
func (idx *index) safely(name string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			idx.diags = append(idx.diags, loaders.Diagnostic{
				Severity: loaders.Error,
				Summary:  fmt.Sprintf("internal error while reading perimeter:ignore comments: %v; please report it", p),
				Range:    loaders.Range{File: name},
			})
		}
	}()
	f()
}

// usable reports whether a directive can suppress, reporting it otherwise.
func (idx *index) usable(d *directive) bool {
	if d.problem == "" {
		for _, s := range d.selectors {
			if !idx.known[s] {
				d.problem = fmt.Sprintf("%s: unknown rule or exposure %q (want a rule ID such as PERIM001, public, external, unresolved or all)", Marker, s)
				break
			}
		}
	}
	if d.problem != "" {
		idx.diags = append(idx.diags, warnAt(d.file, d.line, d.col, "%s", d.problem))
		return false
	}
	return true
}

func (idx *index) addComments(name string, data []byte) {
	for _, d := range scanDirectives(name, data, styleOf(name, data)) {
		if !idx.usable(d) {
			continue
		}
		for _, l := range []int{d.trailing, d.next} {
			if l > 0 {
				idx.below[fileLine{name, l}] = append(idx.below[fileLine{name, l}], d)
			}
		}
		if d.prev > 0 {
			idx.header[fileLine{name, d.prev}] = append(idx.header[fileLine{name, d.prev}], d)
		}
	}
}

func (idx *index) addMetadata(name string, data []byte) {
	byName, byLine := metadataEntries(name, data)
	for _, resName := range slices.Sorted(maps.Keys(byName)) {
		for _, d := range byName[resName] {
			if !idx.usable(d) {
				continue
			}
			if idx.metaByName[name] == nil {
				idx.metaByName[name] = map[string][]*directive{}
			}
			idx.metaByName[name][resName] = append(idx.metaByName[name][resName], d)
		}
	}
	for line, ds := range byLine {
		for _, d := range ds {
			if d.problem == "" {
				idx.metaByLine[fileLine{name, line}] = append(idx.metaByLine[fileLine{name, line}], d)
			}
		}
	}
}

// knownSelectors are the words a directive may name, lower case.
func knownSelectors(rs []*rules.Rule) map[string]bool {
	known := map[string]bool{"all": true, "*": true, rules.ExposurePublic: true, rules.ExposureExternal: true, rules.ExposureUnresolved: true}
	for _, r := range rs {
		known[strings.ToLower(r.ID)] = true
		if r.Name != "" {
			known[strings.ToLower(r.Name)] = true
		}
	}
	return known
}

// match finds the first directive that covers the finding: at its grant,
// at the top of its resource block, at a module call of its chain, or in
// the resource's CloudFormation Metadata.
func (idx *index) match(f *rules.Finding, rs []*rules.Rule) (Suppression, bool) {
	var candidates []*directive
	if f.Location.Line > 0 {
		candidates = append(candidates, idx.below[fileLine{f.Location.File, f.Location.Line}]...)
	}
	blocks := []fileLine{{f.Resource.File, f.Resource.Line}}
	for _, m := range f.Resource.ModuleRefs {
		blocks = append(blocks, fileLine{m.File, m.Line})
	}
	for _, b := range blocks {
		if b.line > 0 {
			candidates = append(candidates, idx.below[b]...)
			candidates = append(candidates, idx.header[b]...)
		}
	}
	if f.Resource.Source == string(loaders.SourceCloudFormation) {
		candidates = append(candidates, idx.metaByName[f.Resource.File][f.Resource.Address]...)
		if f.Resource.Line > 0 {
			candidates = append(candidates, idx.metaByLine[fileLine{f.Resource.File, f.Resource.Line}]...)
		}
	}
	name := ""
	for _, r := range rs {
		if r.ID == f.Rule {
			name = strings.ToLower(r.Name)
		}
	}
	for _, d := range candidates {
		for _, s := range d.selectors {
			if s == "all" || s == "*" || s == strings.ToLower(f.Rule) || s == strings.ToLower(f.Exposure) || (name != "" && s == name) {
				return Suppression{Kind: KindInline, Reason: d.reason, Source: d.source(), File: d.file, Line: d.line}, true
			}
		}
	}
	return Suppression{}, false
}
