package suppress

import (
	"bytes"
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/perimeter-iac/perimeter/rules"
)

// BaselineStats counts what Baseline changed in the findings list.
type BaselineStats struct {
	Kept    int // entries of the file still matching a finding, kept as written
	Added   int // findings accepted now
	Removed int // entries whose finding is gone
}

const baselineHeader = `perimeter archive: findings accepted as they are, and archive rules.
perimeter baseline rewrites the findings list (keeping the entries that
still match); edit reasons and add expires: YYYY-MM-DD freely.
See docs/integrations.md.`

// Baseline returns the content of the archive file with its findings list
// set to the findings of res that nothing else suppresses: entries of the
// file that still match a finding are kept as written (with their reason,
// expiry and comments), new findings are added with reason, and entries
// whose finding is gone are dropped. The file's archive rules and comments
// are kept. existing is the archive file as read (nil when it does not
// exist yet). Entries for which outOfScope returns true (findings in files
// this scan did not look at) are kept as they are; outOfScope may be nil.
func Baseline(existing *Archive, res Result, reason string, outOfScope func(*Accepted) bool) ([]byte, BaselineStats, error) {
	var st BaselineStats
	if existing == nil {
		existing = &Archive{}
	}
	own := map[string]*Accepted{}
	for _, a := range existing.Findings {
		if _, dup := own[a.ID]; !dup {
			own[a.ID] = a
		}
	}
	// The findings to list: every active one, and those suppressed by an
	// entry of this file.
	var current []rules.Finding
	current = append(current, res.Active...)
	for _, s := range res.Suppressed {
		if a := s.Suppression.Accepted; a != nil && own[a.ID] == a {
			current = append(current, s.Finding)
		}
	}
	rules.SortFindings(current)

	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	listed := map[string]bool{}
	for i := range current {
		f := &current[i]
		if listed[f.ID] {
			continue
		}
		listed[f.ID] = true
		if a := own[f.ID]; a != nil && a.node != nil {
			seq.Content = append(seq.Content, a.node)
			st.Kept++
			continue
		}
		seq.Content = append(seq.Content, entryNode(f, reason))
		st.Added++
	}
	for _, a := range existing.Findings {
		switch {
		case listed[a.ID]:
		case outOfScope != nil && outOfScope(a) && a.node != nil:
			listed[a.ID] = true
			seq.Content = append(seq.Content, a.node)
			st.Kept++
		case own[a.ID] == a:
			st.Removed++
		}
	}

	doc := existing.root
	if doc == nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: baselineHeader}}}
	}
	root := doc.Content[0]
	replaced := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "findings" {
			root.Content[i+1] = seq
			replaced = true
		}
	}
	if !replaced {
		root.Content = append(root.Content, str("findings"), seq)
	}
	if len(seq.Content) == 0 {
		seq.Style = yaml.FlowStyle // findings: []
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, st, err
	}
	if err := enc.Close(); err != nil {
		return nil, st, err
	}
	return buf.Bytes(), st, nil
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func entryNode(f *rules.Finding, reason string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(k, v string) {
		if v != "" {
			n.Content = append(n.Content, str(k), str(v))
		}
	}
	add("id", f.ID)
	add("rule", f.Rule)
	add("exposure", f.Exposure)
	resource := f.Resource.Address
	if f.Resource.Target != "" && f.Resource.Target != resource {
		resource += " -> " + f.Resource.Target
	}
	add("resource", resource)
	principal := f.Principal.Value
	if f.Principal.Type != "" && f.Principal.Type != "*" && principal != "" {
		principal = f.Principal.Type + ": " + principal
	}
	add("principal", principal)
	add("location", fmt.Sprintf("%s:%d", f.Location.File, f.Location.Line))
	add("reason", reason)
	return n
}

// AcceptedIDs lists the fingerprints an archive accepts, sorted; for tests
// and messages.
func (a *Archive) AcceptedIDs() []string {
	ids := make([]string, 0, len(a.Findings))
	for _, f := range a.Findings {
		ids = append(ids, f.ID)
	}
	slices.Sort(ids)
	return ids
}
