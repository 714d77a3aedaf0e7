package tfplan

import (
	"path"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/terraform"
	"github.com/perimeter-iac/perimeter/policy"
)

// A plan's configuration section has no line numbers. When the root module
// the plan was made from lies beside the plan file, the loader evaluates it
// with the HCL loader (with the plan's variables, and the account
// data.aws_caller_identity read during the plan), finds each planned
// resource's block by address, and points positions into the .tf files:
// the block, each argument, and each principal and condition inside a
// policy whose value the HCL evaluation of the same resource also yields.
// Values come from the plan, except in a document the plan leaves more
// unknown than the configuration's evaluation does (a policy that names a
// resource not created yet is known only after apply): the evaluation's
// document is used instead, partial where it is, with its own reasons.

// sources is the configuration beside a plan.
type sources struct {
	cfg    *terraform.Configuration
	byAddr map[string]*loaders.Resource
}

// loadSources evaluates the root module in the plan file's directory, or
// returns nil when there is none or when it does not declare what the
// plan's configuration section lists (the plan was made elsewhere).
func (fl *fileLoad) loadSources() *sources {
	dir := path.Dir(fl.doc.file)
	opts := fl.opts
	if fl.plan.account != "" {
		opts.OwnAccount = fl.plan.account
	}
	// Diagnostics of the evaluation are dropped: a scan of the directory
	// reports them, and here they could only cost positions.
	cfg, _ := terraform.LoadConfiguration(fl.ctx, dir, fl.plan.variables, opts)
	if cfg == nil {
		return nil
	}
	var missing []string
	for _, key := range sortedKeys(fl.plan.config.resources) {
		if !cfg.Declares(key) {
			missing = append(missing, key)
		}
	}
	for _, name := range sortedKeys(fl.plan.config.calls) {
		if !cfg.Declares("module." + name) {
			missing = append(missing, "module."+name)
		}
	}
	if len(missing) > 0 {
		if len(missing) > 3 {
			missing = append(missing[:3], "...")
		}
		fl.diags.Warnf(loaders.Range{File: fl.doc.file},
			"the Terraform files in %s do not declare %s, which the plan's configuration lists; positions point into the plan",
			dir, strings.Join(missing, ", "))
		return nil
	}
	s := &sources{cfg: cfg, byAddr: map[string]*loaders.Resource{}}
	for i := range cfg.Resources {
		r := &cfg.Resources[i]
		if _, dup := s.byAddr[r.Address]; !dup {
			s.byAddr[r.Address] = r
		}
	}
	return s
}

// location is where a planned resource is written.
type location struct {
	found bool
	block terraform.Block
	// hcl is the HCL loader's resource for the same instance (exact), or
	// for the block when the HCL evaluation could not expand it.
	hcl   *loaders.Resource
	exact bool
}

func (s *sources) locate(ra resourceAddress, address string) location {
	if s == nil {
		return location{}
	}
	steps := make([]terraform.ModuleStep, len(ra.modules))
	for i, m := range ra.modules {
		steps[i] = terraform.ModuleStep{Name: m.name, Address: m.address}
	}
	b, ok := s.cfg.Block(steps, ra.typ, ra.name)
	if !ok {
		return location{}
	}
	loc := location{found: true, block: b}
	if r, ok := s.byAddr[address]; ok {
		loc.hcl, loc.exact = r, true
	} else if r, ok := s.byAddr[ra.block()]; ok {
		loc.hcl = r
	}
	return loc
}

// arg is the range of an argument, or the block's header when the
// argument is not written in the block (a default, a dynamic block).
func (l location) arg(name string) loaders.Range {
	if r, ok := l.block.Args[name]; ok {
		return r
	}
	return l.block.DeclRange
}

// adopt gives a document read from the plan the positions of the HCL
// evaluation of the same document. When the plan leaves more of the
// document unknown than the evaluation does (a policy built from resources
// that do not exist yet is known only after apply), the evaluation's
// document is used instead: the plan knows nothing there that the
// configuration does not say.
func (l location) adopt(doc loaders.Document) loaders.Document {
	if l.hcl == nil || doc.Policy == nil {
		return doc
	}
	var hd *loaders.Document
	for i := range l.hcl.Documents {
		h := &l.hcl.Documents[i]
		if h.Attribute == doc.Attribute && h.Synthetic == doc.Synthetic && h.Policy != nil {
			hd = h
			break
		}
	}
	if hd == nil {
		return doc
	}
	if ps := unknownParts(doc.Policy); ps > 0 && unknownParts(hd.Policy) < ps {
		return *hd
	}
	if !doc.Synthetic {
		adoptPositions(doc.Policy, hd.Policy)
	}
	return doc
}

// unknownParts measures how much of a document is unknown: a whole
// document outweighs a whole statement, which outweighs its parts.
func unknownParts(d *policy.Document) int {
	if d.Unknown {
		return 1 << 20
	}
	n := 0
	for _, st := range d.Statements {
		if st.Unknown {
			n += 1 << 10
			continue
		}
		for _, reason := range []string{st.EffectReason, st.ActionsReason, st.ResourceReason} {
			if reason != "" {
				n++
			}
		}
		for _, p := range st.Principals {
			if p.Unknown {
				n++
			}
		}
		for _, c := range st.Conditions {
			if c.Unknown {
				n++
			}
		}
	}
	return n
}

// adoptPositions copies ranges from hd to the matching parts of pd:
// statements matched by Sid (or by index when neither has one and the
// effects agree), principals by type and value (in the matched statement
// first), conditions by operator and key.
func adoptPositions(pd, hd *policy.Document) {
	used := map[*policy.Principal]bool{}
	for i := range pd.Statements {
		ps := &pd.Statements[i]
		hs := matchStatement(ps, i, hd)
		if hs != nil {
			ps.Range = hs.Range
			ps.ActionRange = hs.ActionRange.Or(ps.ActionRange)
			ps.PrincipalRange = hs.PrincipalRange.Or(ps.PrincipalRange)
			for ci := range ps.Conditions {
				c := &ps.Conditions[ci]
				for _, hc := range hs.Conditions {
					if strings.EqualFold(hc.Operator, c.Operator) && strings.EqualFold(hc.Key, c.Key) {
						c.Range = hc.Range
						break
					}
				}
			}
		}
		for pi := range ps.Principals {
			p := &ps.Principals[pi]
			if p.Unknown {
				continue
			}
			if q := findPrincipal(p, hs, hd, used); q != nil {
				p.Range = q.Range
				used[q] = true
			}
		}
	}
}

func matchStatement(ps *policy.Statement, i int, hd *policy.Document) *policy.Statement {
	if ps.Sid != "" {
		for j := range hd.Statements {
			if hd.Statements[j].Sid == ps.Sid {
				return &hd.Statements[j]
			}
		}
		return nil
	}
	if i < len(hd.Statements) && hd.Statements[i].Sid == "" && hd.Statements[i].Effect == ps.Effect {
		return &hd.Statements[i]
	}
	return nil
}

func findPrincipal(p *policy.Principal, hs *policy.Statement, hd *policy.Document, used map[*policy.Principal]bool) *policy.Principal {
	match := func(st *policy.Statement) *policy.Principal {
		for k := range st.Principals {
			q := &st.Principals[k]
			if !used[q] && !q.Unknown && q.Type == p.Type && q.Value == p.Value {
				return q
			}
		}
		return nil
	}
	if hs != nil {
		if q := match(hs); q != nil {
			return q
		}
	}
	for j := range hd.Statements {
		if q := match(&hd.Statements[j]); q != nil {
			return q
		}
	}
	return nil
}
