package suppress

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/perimeter-iac/perimeter/rules"
)

// ArchiveFileName is the archive file perimeter looks for beside
// .perimeter.yml.
const ArchiveFileName = ".perimeter-archive.yml"

// Archive is the content of an archive file, or of the archive: section of
// .perimeter.yml: filter rules like IAM Access Analyzer's archive rules, and
// findings accepted one by one by fingerprint (what `perimeter baseline`
// writes).
type Archive struct {
	Rules    []*ArchiveRule
	Findings []*Accepted
	// File is where the archive was read from, as shown in messages.
	File string

	root *yaml.Node // the parsed document, so baseline keeps comments
}

// ArchiveRule suppresses every finding its filter matches.
type ArchiveRule struct {
	Name    string
	Reason  string
	Expires string // YYYY-MM-DD: the last day the rule applies; "" = never expires
	Filter  []Criterion
	Line    int
	File    string
}

// Accepted is one finding accepted by its fingerprint. Rule, Resource,
// Principal and Location are for people reading the file; only ID is
// matched (the fingerprint already covers the rule, file, resource,
// principal, actions and conditions).
type Accepted struct {
	ID        string
	Reason    string
	Expires   string
	Rule      string
	Exposure  string
	Resource  string
	Principal string
	Location  string
	Line      int
	File      string

	node *yaml.Node
}

// Criterion is one filter key with Access Analyzer's operators; every
// operator given must hold.
type Criterion struct {
	Key      string // as written: principal.AWS, condition.aws:SourceIp
	Eq       []string
	Neq      []string
	Contains []string
	Exists   *bool
}

// filterKeys are the finding properties a filter may test (lower case);
// "condition.<key>" is also accepted.
var filterKeys = map[string]string{
	"id":                      "the finding's fingerprint",
	"rule":                    "the rule ID",
	"exposure":                "public, external or unresolved",
	"severity":                "the finding's severity",
	"resource":                "the resource address, its target's address or name",
	"resourcetype":            "the resource type or kind",
	"file":                    "the resource's or the grant's file",
	"principal":               "the principal of any type",
	"principal.aws":           "an AWS principal (or \"*\")",
	"principal.federated":     "a federated principal",
	"principal.service":       "a service principal",
	"principal.canonicaluser": "an S3 canonical user",
	"ispublic":                "true or false",
	"action":                  "a granted action",
	"account":                 "an account or organization outside the zone that the grant reaches",
}

var datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ParseArchive reads an archive file. An unknown key, a filter key perimeter
// does not know or a bad date is an error naming the line: a typo must never
// widen what is suppressed.
func ParseArchive(data []byte, file string) (*Archive, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	a := &Archive{File: file}
	if len(doc.Content) == 0 {
		return a, nil
	}
	a.root = &doc
	if err := a.decode(doc.Content[0]); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	a.setFile(file)
	return a, nil
}

// UnmarshalYAML decodes the archive: section of .perimeter.yml.
func (a *Archive) UnmarshalYAML(n *yaml.Node) error { return a.decode(n) }

// SetFile records where the archive was read from.
func (a *Archive) SetFile(file string) { a.setFile(file) }

func (a *Archive) setFile(file string) {
	a.File = file
	for _, r := range a.Rules {
		r.File = file
	}
	for _, f := range a.Findings {
		f.File = file
	}
}

func lineErr(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("line %d: %s", n.Line, fmt.Sprintf(format, args...))
}

func (a *Archive) decode(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return lineErr(n, "an archive is a mapping with rules: and findings:")
	}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "rules":
			items, err := sequence(v, "rules")
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, it := range items {
				r, err := decodeRule(it)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				a.Rules = append(a.Rules, r)
			}
		case "findings":
			items, err := sequence(v, "findings")
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, it := range items {
				f, err := decodeAccepted(it)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				a.Findings = append(a.Findings, f)
			}
		default:
			errs = append(errs, lineErr(k, "unknown archive key %q (want rules or findings)", k.Value))
		}
	}
	return errors.Join(errs...)
}

func sequence(n *yaml.Node, what string) ([]*yaml.Node, error) {
	switch {
	case n.Kind == yaml.SequenceNode:
		return n.Content, nil
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return nil, nil
	}
	return nil, lineErr(n, "%s must be a list", what)
}

func scalar(n *yaml.Node, key string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", lineErr(n, "%s must be a string", key)
	}
	if n.Tag == "!!null" {
		return "", nil
	}
	return n.Value, nil
}

func checkDate(n *yaml.Node, s string) error {
	if s == "" {
		return nil
	}
	if !datePattern.MatchString(s) {
		return lineErr(n, "expires %q is not a date YYYY-MM-DD", s)
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return lineErr(n, "expires %q is not a date YYYY-MM-DD", s)
	}
	return nil
}

func decodeRule(n *yaml.Node) (*ArchiveRule, error) {
	if n.Kind != yaml.MappingNode {
		return nil, lineErr(n, "an archive rule is a mapping with name, reason, expires and filter")
	}
	r := &ArchiveRule{Line: n.Line}
	var filter *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch k.Value {
		case "name":
			r.Name, err = scalar(v, "name")
		case "reason":
			r.Reason, err = scalar(v, "reason")
			r.Reason = strings.TrimSpace(r.Reason)
		case "expires":
			if r.Expires, err = scalar(v, "expires"); err == nil {
				err = checkDate(v, r.Expires)
			}
		case "filter":
			filter = v
		default:
			err = lineErr(k, "unknown archive rule key %q (want name, reason, expires, filter)", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	if filter == nil || filter.Kind != yaml.MappingNode || len(filter.Content) == 0 {
		return nil, lineErr(n, "archive rule %s needs a filter with at least one key: an empty filter would suppress every finding", ruleLabel(r))
	}
	for i := 0; i+1 < len(filter.Content); i += 2 {
		c, err := decodeCriterion(filter.Content[i], filter.Content[i+1])
		if err != nil {
			return nil, err
		}
		r.Filter = append(r.Filter, c)
	}
	return r, nil
}

func ruleLabel(r *ArchiveRule) string {
	if r.Name != "" {
		return strconv.Quote(r.Name)
	}
	return fmt.Sprintf("at line %d", r.Line)
}

func decodeCriterion(k, v *yaml.Node) (Criterion, error) {
	c := Criterion{Key: k.Value}
	lower := strings.ToLower(k.Value)
	if cond, ok := strings.CutPrefix(lower, "condition."); ok {
		if cond == "" {
			return c, lineErr(k, "filter key %q names no condition key", k.Value)
		}
	} else if _, ok := filterKeys[lower]; !ok {
		known := make([]string, 0, len(filterKeys))
		for key := range filterKeys {
			known = append(known, key)
		}
		slices.Sort(known)
		return c, lineErr(k, "unknown filter key %q (want %s, or condition.<key>)", k.Value, strings.Join(known, ", "))
	}
	if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		return c, lineErr(v, "filter %s needs eq, neq, contains or exists, as in %s: {eq: [value]}", k.Value, k.Value)
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		op, val := v.Content[i], v.Content[i+1]
		switch op.Value {
		case "eq", "neq", "contains":
			vals, err := stringList(val, k.Value+"."+op.Value)
			if err != nil {
				return c, err
			}
			switch op.Value {
			case "eq":
				c.Eq = vals
			case "neq":
				c.Neq = vals
			default:
				c.Contains = vals
			}
		case "exists":
			b, err := strconv.ParseBool(val.Value)
			if err != nil || val.Kind != yaml.ScalarNode {
				return c, lineErr(val, "%s.exists must be true or false", k.Value)
			}
			c.Exists = &b
		default:
			return c, lineErr(op, "unknown operator %q in filter %s (want eq, neq, contains, exists)", op.Value, k.Value)
		}
	}
	return c, nil
}

func stringList(n *yaml.Node, what string) ([]string, error) {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	if len(items) == 0 {
		return nil, lineErr(n, "%s is an empty list", what)
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it.Kind != yaml.ScalarNode {
			return nil, lineErr(it, "%s takes strings", what)
		}
		out = append(out, it.Value)
	}
	return out, nil
}

func decodeAccepted(n *yaml.Node) (*Accepted, error) {
	if n.Kind != yaml.MappingNode {
		return nil, lineErr(n, "an accepted finding is a mapping with id and reason")
	}
	f := &Accepted{Line: n.Line, node: n}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var (
			s   string
			err error
		)
		if s, err = scalar(v, k.Value); err != nil {
			return nil, err
		}
		switch k.Value {
		case "id":
			f.ID = s
		case "reason":
			f.Reason = strings.TrimSpace(s)
		case "expires":
			f.Expires = s
			err = checkDate(v, s)
		case "rule":
			f.Rule = s
		case "exposure":
			f.Exposure = s
		case "resource":
			f.Resource = s
		case "principal":
			f.Principal = s
		case "location":
			f.Location = s
		default:
			err = lineErr(k, "unknown key %q in an accepted finding (want id, reason, expires, rule, exposure, resource, principal, location)", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	if f.ID == "" {
		return nil, lineErr(n, "an accepted finding needs the id (the fingerprint) of the finding")
	}
	return f, nil
}

// expired reports whether a rule dated expires no longer applies on today
// (both YYYY-MM-DD): the date is the last day it applies.
func expired(expires, today string) bool { return expires != "" && today > expires }

// values returns the finding's values for a filter key.
func values(f *rules.Finding, key string) []string {
	lower := strings.ToLower(key)
	if cond, ok := strings.CutPrefix(lower, "condition."); ok {
		var out []string
		for _, c := range f.Conditions {
			if strings.EqualFold(c.Key, cond) {
				out = append(out, c.Values...)
			}
		}
		return out
	}
	switch lower {
	case "id":
		return nonEmpty(f.ID)
	case "rule":
		return nonEmpty(f.Rule)
	case "exposure":
		return nonEmpty(f.Exposure)
	case "severity":
		return nonEmpty(f.Severity)
	case "resource":
		return nonEmpty(f.Resource.Address, f.Resource.Target, f.Resource.TargetName)
	case "resourcetype":
		return nonEmpty(f.Resource.Type, f.Resource.Kind)
	case "file":
		return nonEmpty(f.Resource.File, f.Location.File)
	case "principal":
		return nonEmpty(f.Principal.Value)
	case "principal.aws":
		if f.Principal.Type == "AWS" || f.Principal.Type == "*" {
			return nonEmpty(f.Principal.Value)
		}
	case "principal.federated", "principal.service", "principal.canonicaluser":
		if strings.EqualFold("principal."+f.Principal.Type, lower) {
			return nonEmpty(f.Principal.Value)
		}
	case "ispublic":
		return []string{strconv.FormatBool(f.Public)}
	case "action":
		return f.Actions
	case "account":
		return nonEmpty(append(slices.Clone(f.Accounts), f.Principal.Account)...)
	}
	return nil
}

func nonEmpty(vals ...string) []string {
	var out []string
	for _, v := range vals {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// matches reports whether a finding passes every criterion of a filter.
func (r *ArchiveRule) matches(f *rules.Finding) bool {
	for _, c := range r.Filter {
		if !c.matches(values(f, c.Key)) {
			return false
		}
	}
	return true
}

func (c *Criterion) matches(vals []string) bool {
	fold := strings.EqualFold(c.Key, "action") || strings.EqualFold(c.Key, "isPublic")
	eq := func(a, b string) bool {
		if fold {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	anyPair := func(want []string, test func(v, w string) bool) bool {
		for _, v := range vals {
			for _, w := range want {
				if test(v, w) {
					return true
				}
			}
		}
		return false
	}
	if c.Eq != nil && !anyPair(c.Eq, eq) {
		return false
	}
	if c.Neq != nil && anyPair(c.Neq, eq) {
		return false
	}
	if c.Contains != nil && !anyPair(c.Contains, func(v, w string) bool {
		if fold {
			return strings.Contains(strings.ToLower(v), strings.ToLower(w))
		}
		return strings.Contains(v, w)
	}) {
		return false
	}
	if c.Exists != nil && (len(vals) > 0) != *c.Exists {
		return false
	}
	return true
}

// Merge returns an archive holding the rules and findings of both; either
// may be nil.
func Merge(archives ...*Archive) *Archive {
	out := &Archive{}
	for _, a := range archives {
		if a == nil {
			continue
		}
		out.Rules = append(out.Rules, a.Rules...)
		out.Findings = append(out.Findings, a.Findings...)
	}
	return out
}
