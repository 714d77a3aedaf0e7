package report

import (
	"cmp"
	"encoding/json"
	"io"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/suppress"
	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/rules"
)

// SARIF 2.1.0, with small structs of our own (as golangci-lint does): only
// the properties perimeter fills, each typed, so the output is the same
// bytes for the same report.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// srcRoot is the uriBaseId every artifact URI is relative to: the
	// repository root, which code scanning resolves by itself.
	srcRoot = "%SRCROOT%"
	// InformationURI is perimeter's home.
	InformationURI = "https://github.com/perimeter-iac/perimeter"
	// RuleHelpURI is the README's rule table; a built-in rule's helpUri
	// is its row's anchor (#perim001).
	RuleHelpURI = InformationURI + "/blob/main/README.md#"
	// fingerprintKey names perimeter's fingerprint in partialFingerprints.
	fingerprintKey = "perimeterFindingId/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	Invocations        []sarifInvocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
	ColumnKind         string                           `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifMultiformat   `json:"help"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	ProblemSeverity  string   `json:"problem.severity"`
	SecuritySeverity string   `json:"security-severity"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	BaselineState       string             `json:"baselineState,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifSuppression struct {
	Kind          string         `json:"kind"`
	Status        string         `json:"status"`
	Justification string         `json:"justification"`
	Location      *sarifLocation `json:"location,omitempty"`
}

type sarifResultProps struct {
	Exposure         string            `json:"exposure"`
	Severity         string            `json:"severity"`
	SecuritySeverity string            `json:"security-severity"`
	Resource         string            `json:"resource"`
	ResourceType     string            `json:"resourceType"`
	Target           string            `json:"target,omitempty"`
	Construct        string            `json:"construct,omitempty"`
	Principal        rules.Principal   `json:"principal"`
	Accounts         []string          `json:"accounts"`
	Actions          []string          `json:"actions"`
	Conditions       []rules.Condition `json:"conditions"`
	Reason           string            `json:"reason,omitempty"`
}

// sarifLevel maps a severity to one of SARIF's four levels.
func sarifLevel(severity string) string {
	switch severity {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	default:
		return "note"
	}
}

// securitySeverity is the CVSS-like score GitHub code scanning ranks
// security results by (>= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium,
// 0.1-3.9 low).
func securitySeverity(severity string) string {
	switch severity {
	case "critical":
		return "9.5"
	case "high":
		return "8.0"
	case "medium":
		return "5.5"
	case "low":
		return "3.0"
	default:
		return "1.0"
	}
}

var (
	semver        = regexp.MustCompile(`^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$`)
	notPrerelease = regexp.MustCompile(`[^0-9A-Za-z.-]+`)
)

// sarifVersions returns driver.version and driver.semanticVersion: SARIF
// viewers compare versions numerically, so "v1.2.3" is given as 1.2.3 and a
// development build ("dev") as 0.0.0-dev.
func sarifVersions(v string) (version, semantic string) {
	if m := semver.FindStringSubmatch(v); m != nil {
		return m[1], m[1]
	}
	pre := strings.Trim(notPrerelease.ReplaceAllString(cmp.Or(v, "dev"), "-"), "-.")
	if pre == "" {
		pre = "dev"
	}
	return "0.0.0-" + pre, "0.0.0-" + pre
}

// SARIF writes the report as a SARIF 2.1.0 log with one run. Suppressed
// findings are results with suppressions (kind inSource for inline
// directives, external for the archive); with --new-since, new findings
// have baselineState "new" and the findings already present at the
// revision are included with baselineState "unchanged", since code
// scanning closes the alerts a log leaves out. Load errors and warnings are
// tool execution notifications.
func SARIF(w io.Writer, r *Report, _ Options) error {
	driver := sarifDriver{Name: cmp.Or(r.Tool, "perimeter"), InformationURI: InformationURI}
	driver.Version, driver.SemanticVersion = sarifVersions(r.Version)
	var ruleIndex map[string]int
	driver.Rules, ruleIndex = sarifRules(r)

	type entry struct {
		f        rules.Finding
		s        *suppress.Suppression
		existing bool
	}
	entries := make([]entry, 0, len(r.Findings)+len(r.Suppressed)+len(r.Preexisting))
	for _, f := range r.Findings {
		entries = append(entries, entry{f: f})
	}
	for i := range r.Suppressed {
		entries = append(entries, entry{f: r.Suppressed[i].Finding, s: &r.Suppressed[i].Suppression})
	}
	for _, f := range r.Preexisting {
		entries = append(entries, entry{f: f, existing: true})
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return compareFindings(&a.f, &b.f) })

	results := make([]sarifResult, 0, len(entries))
	for _, e := range entries {
		res := sarifResultOf(r, &e.f, ruleIndex[e.f.Rule])
		switch {
		case e.s != nil:
			res.Suppressions = []sarifSuppression{sarifSuppressionOf(r, e.s)}
		case e.existing:
			res.BaselineState = "unchanged"
		case r.NewSince != "":
			res.BaselineState = "new"
		}
		results = append(results, res)
	}

	run := sarifRun{
		Tool:        sarifTool{Driver: driver},
		Invocations: []sarifInvocation{sarifInvocationOf(r)},
		Results:     results,
		ColumnKind:  "unicodeCodePoints",
	}
	if r.SourceRoot != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{srcRoot: {URI: fileURI(strings.TrimSuffix(r.SourceRoot, "/") + "/")}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// compareFindings is rules.SortFindings' order.
func compareFindings(a, b *rules.Finding) int {
	return cmp.Or(
		cmp.Compare(a.Location.File, b.Location.File),
		cmp.Compare(a.Location.Line, b.Location.Line),
		cmp.Compare(a.Location.Column, b.Location.Column),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Resource.Address, b.Resource.Address),
		cmp.Compare(a.Resource.Condition, b.Resource.Condition),
		cmp.Compare(a.Principal.Value, b.Principal.Value),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.ID, b.ID),
	)
}

// sarifRules lists every rule of the scan, plus any rule a finding names
// that the report does not describe, sorted by ID.
func sarifRules(r *Report) ([]sarifRule, map[string]int) {
	byID := map[string]*rules.Rule{}
	for _, rule := range r.Rules {
		byID[rule.ID] = rule
	}
	add := func(f *rules.Finding) {
		if _, ok := byID[f.Rule]; !ok {
			byID[f.Rule] = &rules.Rule{ID: f.Rule, Title: cmp.Or(f.Title, f.Rule), Severity: f.Severity}
		}
	}
	for i := range r.Findings {
		add(&r.Findings[i])
	}
	for i := range r.Suppressed {
		add(&r.Suppressed[i].Finding)
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]sarifRule, 0, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
		out = append(out, sarifRuleOf(byID[id]))
	}
	return out, index
}

func sarifRuleOf(rule *rules.Rule) sarifRule {
	desc := cmp.Or(rule.Description, rule.Title)
	text := desc
	md := desc
	if rule.Remediation != "" {
		text += "\n\nRemediation: " + rule.Remediation
		md += "\n\n**Remediation.** " + rule.Remediation
	}
	if len(rule.ResourceTypes) > 0 {
		text += "\n\nResource types: " + strings.Join(rule.ResourceTypes, ", ") + "."
		md += "\n\n**Resource types:** `" + strings.Join(rule.ResourceTypes, "`, `") + "`."
	}
	text += "\n\nIf the access is intended, suppress it with a comment `# perimeter:ignore " + rule.ID + " <reason>` at the grant or an archive rule (docs/integrations.md)."
	md += "\n\nIf the access is intended, suppress it with `# perimeter:ignore " + rule.ID + " <reason>` at the grant, or with an archive rule in `.perimeter-archive.yml` ([docs/integrations.md](" + InformationURI + "/blob/main/docs/integrations.md#suppressions))."
	tags := []string{"security", "access-control", "external/cwe/cwe-732"}
	if rule.AccessAnalyzer {
		tags = append(tags, "access-analyzer")
	}
	for _, k := range rule.Kinds {
		if k != "*" {
			tags = append(tags, k)
		}
	}
	out := sarifRule{
		ID:                   rule.ID,
		Name:                 ruleName(rule),
		ShortDescription:     sarifText{Text: rule.Title},
		FullDescription:      sarifText{Text: sentence(desc)},
		Help:                 sarifMultiformat{Text: text, Markdown: md},
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(rule.Severity)},
		Properties: sarifRuleProps{
			Tags: tags, Precision: "high", ProblemSeverity: problemSeverity(rule.Severity),
			SecuritySeverity: securitySeverity(rule.Severity),
		},
	}
	if rule.Builtin {
		out.HelpURI = RuleHelpURI + strings.ToLower(rule.ID)
	}
	return out
}

func problemSeverity(severity string) string {
	switch sarifLevel(severity) {
	case "error":
		return "error"
	case "warning":
		return "warning"
	default:
		return "recommendation"
	}
}

// ruleName is the rule's package name in PascalCase (s3_bucket: S3Bucket),
// the form SARIF viewers expect of a rule name.
func ruleName(rule *rules.Rule) string {
	src := cmp.Or(rule.Name, rule.ID)
	var b strings.Builder
	for part := range strings.FieldsFuncSeq(src, func(r rune) bool { return r == '_' || r == '-' || r == '.' || r == ' ' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// withConstruct is a finding's message naming the CDK construct it comes
// from, for the formats whose one line of text is all a reader sees (code
// scanning, pull-request comments, GitLab).
func withConstruct(f *rules.Finding) string {
	if f.Resource.Construct == "" {
		return f.Message
	}
	return strings.TrimSuffix(strings.TrimSpace(f.Message), ".") + " (CDK construct " + f.Resource.Construct + ")"
}

// sentence ends a text with a period, as SARIF messages should.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

func sarifResultOf(r *Report, f *rules.Finding, ruleIndex int) sarifResult {
	res := sarifResult{
		RuleID:              f.Rule,
		RuleIndex:           ruleIndex,
		Level:               sarifLevel(f.Severity),
		Message:             sarifText{Text: sentence(withConstruct(f))},
		Locations:           []sarifLocation{{PhysicalLocation: r.physical(f.Location.File, region(f.Location.Line, f.Location.Column, f.Location.EndLine, f.Location.EndColumn))}},
		PartialFingerprints: map[string]string{fingerprintKey: f.ID},
		Properties: sarifResultProps{
			Exposure: f.Exposure, Severity: f.Severity, SecuritySeverity: securitySeverity(f.Severity),
			Resource: f.Resource.Address, ResourceType: f.Resource.Type, Target: f.Resource.Target,
			Construct: f.Resource.Construct, Principal: f.Principal, Accounts: nonNil(f.Accounts), Actions: nonNil(f.Actions),
			Conditions: f.Conditions, Reason: f.Reason,
		},
	}
	if res.Properties.Conditions == nil {
		res.Properties.Conditions = []rules.Condition{}
	}
	id := 1
	if f.Resource.File != "" {
		rg := f.Resource.Range
		reg := region(rg.Start.Line, rg.Start.Column, rg.End.Line, rg.End.Column)
		if rg.Start.Line == 0 || rg.File != f.Resource.File {
			reg = region(f.Resource.Line, 0, 0, 0)
		}
		what := "Resource " + f.Resource.Address
		if f.Resource.Target != "" && f.Resource.Target != f.Resource.Address {
			what += ", which exposes " + f.Resource.Target
		}
		res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
			ID: new(id), PhysicalLocation: r.physical(f.Resource.File, reg), Message: &sarifText{Text: what + "."},
		})
		id++
	}
	for _, m := range f.Resource.ModuleRefs {
		res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
			ID: new(id), PhysicalLocation: r.physical(m.File, region(m.Line, 0, 0, 0)), Message: &sarifText{Text: "Module call " + m.Address + "."},
		})
		id++
	}
	return res
}

func sarifSuppressionOf(r *Report, s *suppress.Suppression) sarifSuppression {
	out := sarifSuppression{Kind: "external", Status: "accepted", Justification: s.Reason}
	if s.Kind == suppress.KindInline {
		out.Kind = "inSource"
	}
	if s.File != "" {
		out.Location = &sarifLocation{PhysicalLocation: r.physical(s.File, region(s.Line, 0, 0, 0))}
	}
	return out
}

func sarifInvocationOf(r *Report) sarifInvocation {
	inv := sarifInvocation{ExecutionSuccessful: !r.Errors.HasErrors(), ToolExecutionNotifications: []sarifNotification{}}
	for _, d := range r.Errors {
		n := sarifNotification{Level: "warning", Message: sarifText{Text: sentence(diagnosticText(d))}}
		if d.Severity == loaders.Error {
			n.Level = "error"
		}
		if d.Range.File != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: r.physical(d.Range.File, region(d.Range.Start.Line, d.Range.Start.Column, d.Range.End.Line, d.Range.End.Column))}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	return inv
}

func diagnosticText(d loaders.Diagnostic) string {
	if d.Detail != "" {
		return d.Summary + ": " + d.Detail
	}
	return d.Summary
}

// region builds a consistent SARIF region, or nil when the line is unknown:
// columns start at 1, and the end is never before the start.
func region(line, col, endLine, endCol int) *sarifRegion {
	if line <= 0 {
		return nil
	}
	reg := &sarifRegion{StartLine: line, StartColumn: max(col, 1)}
	if endLine < line || endLine == 0 {
		return reg
	}
	reg.EndLine = endLine
	if endCol > 0 && (endLine > line || endCol >= reg.StartColumn) {
		reg.EndColumn = endCol
	}
	return reg
}

// physical places a file: relative to %SRCROOT% when it lies below the
// source root, an absolute file URI otherwise.
func (r *Report) physical(file string, reg *sarifRegion) sarifPhysicalLocation {
	return sarifPhysicalLocation{ArtifactLocation: r.artifact(file), Region: reg}
}

func (r *Report) artifact(file string) sarifArtifactLocation {
	rel, ok := r.RepoPath(file)
	if !ok {
		return sarifArtifactLocation{URI: fileURI(rel)}
	}
	return sarifArtifactLocation{URI: (&url.URL{Path: rel}).String(), URIBaseID: srcRoot}
}

// RepoPath returns a finding path relative to the source root, and false
// (with the absolute path) when the file lies outside it.
func (r *Report) RepoPath(file string) (string, bool) {
	file = strings.ReplaceAll(file, "\\", "/")
	if r.SourceRoot == "" {
		return file, !path.IsAbs(file)
	}
	abs := file
	if !path.IsAbs(abs) {
		abs = path.Join(r.WorkDir, file)
	}
	root := strings.TrimSuffix(r.SourceRoot, "/")
	if rel, ok := strings.CutPrefix(abs, root+"/"); ok {
		return rel, true
	}
	return abs, false
}

func fileURI(abs string) string {
	if !strings.HasPrefix(abs, "/") {
		abs = "/" + abs // C:/x
	}
	return (&url.URL{Scheme: "file", Path: abs}).String()
}
