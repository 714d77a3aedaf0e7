package rules

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Rule is one compiled rule and the metadata from its `# METADATA` block.
type Rule struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"` // the package name after data.perimeter.rules.
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Severity    string   `json:"severity"` // default; findings may carry their own
	Remediation string   `json:"remediation"`
	Kinds       []string `json:"kinds"`
	// ResourceTypes are the Terraform and CloudFormation types the rule
	// reads, for documentation and `perimeter rules`.
	ResourceTypes  []string `json:"resource_types"`
	AccessAnalyzer bool     `json:"access_analyzer"`
	Builtin        bool     `json:"builtin"`
	Package        string   `json:"-"`
	File           string   `json:"file"`

	query lazyQuery
}

// queryText is the query that evaluates the rule's findings.
func (r *Rule) queryText() string { return "data." + r.Package + ".findings" }

// Severities lists the severities, lowest first.
var Severities = []string{"info", "low", "medium", "high", "critical"}

// SeverityRank orders severities; unknown ones rank lowest.
func SeverityRank(s string) int { return slices.Index(Severities, s) }

var ruleID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{1,63}$`)

func collectRules(modules map[string]*ast.Module) ([]*Rule, error) {
	var (
		rules []*Rule
		errs  []error
		seen  = map[string]string{}
	)
	names := make([]string, 0, len(modules))
	for name := range modules {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, file := range names {
		m := modules[file]
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if !strings.HasPrefix(pkg, rulesRoot) {
			continue // a library or helper package
		}
		r, err := ruleFromModule(file, pkg, m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if other, dup := seen[r.ID]; dup {
			errs = append(errs, fmt.Errorf("%s:%d: rule ID %s is already used by %s", file, m.Package.Location.Row, r.ID, other))
			continue
		}
		seen[r.ID] = file
		rules = append(rules, r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(rules, func(a, b *Rule) int { return cmp.Compare(a.ID, b.ID) })
	return rules, nil
}

func ruleFromModule(file, pkg string, m *ast.Module) (*Rule, error) {
	var ann *ast.Annotations
	for _, a := range m.Annotations {
		if a.Scope == "package" || a.Scope == "subpackages" {
			ann = a
		}
	}
	row := m.Package.Location.Row
	if ann == nil {
		return nil, fmt.Errorf("%s:%d: package %s has no # METADATA block (title, description and custom id, severity, kinds are required)", file, row, pkg)
	}
	r := &Rule{
		Name:        strings.TrimPrefix(pkg, rulesRoot),
		Package:     pkg,
		File:        file,
		Title:       ann.Title,
		Description: strings.TrimSpace(ann.Description),
		Builtin:     strings.HasPrefix(file, "builtin-rules/"),
	}
	c := ann.Custom
	r.ID, _ = c["id"].(string)
	r.Severity, _ = c["severity"].(string)
	r.Remediation, _ = c["remediation"].(string)
	r.Remediation = strings.TrimSpace(r.Remediation)
	r.AccessAnalyzer, _ = c["access_analyzer"].(bool)
	r.Kinds = stringList(c["kinds"])
	r.ResourceTypes = stringList(c["resource_types"])

	var missing []string
	if !ruleID.MatchString(r.ID) {
		missing = append(missing, "custom.id (letters, digits, - and _)")
	}
	if r.Title == "" {
		missing = append(missing, "title")
	}
	if SeverityRank(r.Severity) < 0 {
		missing = append(missing, "custom.severity ("+strings.Join(Severities, "|")+")")
	}
	if len(r.Kinds) == 0 {
		missing = append(missing, `custom.kinds (resource kinds such as "s3:bucket", or "*")`)
	}
	if !definesFindings(m) {
		missing = append(missing, "a `findings` set rule")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s:%d: rule package %s lacks %s", file, row, pkg, strings.Join(missing, ", "))
	}
	return r, nil
}

func definesFindings(m *ast.Module) bool {
	for _, rule := range m.Rules {
		if rule.Head.Name.String() == "findings" || (len(rule.Head.Reference) > 0 && rule.Head.Reference[0].Value.String() == "findings") {
			return true
		}
	}
	return false
}

func stringList(v any) []string {
	items, _ := v.([]any)
	var out []string
	for _, it := range items {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
