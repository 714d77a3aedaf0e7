package terraform

import (
	"maps"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Override files (override.tf, *_override.tf and their .tf.json forms) are
// merged into the module's other files after those are read, the way
// Terraform does it ("Override Files" in the Terraform language docs): a
// block in an override file changes the block of the same kind and name —
// each argument it sets replaces the original's, and nested blocks of a
// type it contains replace all the original's nested blocks of that type.
// An override for a block that does not exist is an error.

// isOverride reports whether a configuration file is an override file.
func isOverride(p string) bool {
	base := strings.ToLower(path.Base(p))
	stem := strings.TrimSuffix(strings.TrimSuffix(base, ".json"), ".tf")
	return stem == "override" || strings.HasSuffix(stem, "_override")
}

// mergedBody is a block body with an override body laid over it.
type mergedBody struct {
	base, over hcl.Body
}

var _ hcl.Body = mergedBody{}

func (b mergedBody) Content(schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	c, _, diags := b.PartialContent(schema)
	return c, diags
}

func (b mergedBody) PartialContent(schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Body, hcl.Diagnostics) {
	bc, bRest, diags := b.base.PartialContent(schema)
	oc, oRest, odiags := b.over.PartialContent(schema)
	diags = append(diags, odiags...)
	out := &hcl.BodyContent{Attributes: hcl.Attributes{}, MissingItemRange: bc.MissingItemRange}
	maps.Copy(out.Attributes, bc.Attributes)
	maps.Copy(out.Attributes, oc.Attributes)
	replaced := map[string]bool{}
	for _, blk := range oc.Blocks {
		replaced[blk.Type] = true
	}
	for _, blk := range bc.Blocks {
		if !replaced[blk.Type] {
			out.Blocks = append(out.Blocks, blk)
		}
	}
	out.Blocks = append(out.Blocks, oc.Blocks...)
	return out, mergedBody{base: bRest, over: oRest}, diags
}

func (b mergedBody) JustAttributes() (hcl.Attributes, hcl.Diagnostics) {
	attrs, diags := b.base.JustAttributes()
	over, odiags := b.over.JustAttributes()
	diags = append(diags, odiags...)
	if attrs == nil {
		attrs = hcl.Attributes{}
	}
	maps.Copy(attrs, over)
	return attrs, diags
}

func (b mergedBody) MissingItemRange() hcl.Range { return b.base.MissingItemRange() }

// applyOverride merges one override file into the module.
func (m *module) applyOverride(f *srcFile) {
	content, _, hd := f.file.Body.PartialContent(rootSchema)
	m.diags = append(m.diags, fromHCL(hd, f.path)...)
	for _, b := range content.Blocks {
		switch b.Type {
		case "resource", "data":
			m.overrideResource(b)
		case "locals":
			attrs, hd := b.Body.JustAttributes()
			m.diags = append(m.diags, fromHCL(hd, f.path)...)
			for name, a := range attrs {
				l, ok := m.locals[name]
				if !ok {
					m.errorf(a.NameRange, "override for local.%s, which no other file defines", name)
					continue
				}
				l.expr = a.Expr
			}
		case "variable":
			v, ok := m.variables[b.Labels[0]]
			if !ok {
				m.errorf(b.DefRange, "override for var.%s, which no other file declares", b.Labels[0])
				continue
			}
			decl := v.decl
			delete(m.variables, v.name)
			m.decodeVariable(&hcl.Block{Type: "variable", Labels: b.Labels, Body: mergedBody{base: v.body, over: b.Body}, DefRange: decl})
		case "output":
			o, ok := m.outputs[b.Labels[0]]
			if !ok {
				m.errorf(b.DefRange, "override for output %q, which no other file declares", b.Labels[0])
				continue
			}
			c, _, _ := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "value"}}})
			if a, ok := c.Attributes["value"]; ok {
				o.expr = a.Expr
			}
		case "module":
			mc, ok := m.calls[b.Labels[0]]
			if !ok {
				m.errorf(b.DefRange, "override for module %q, which no other file calls", b.Labels[0])
				continue
			}
			delete(m.calls, mc.name)
			m.decodeModuleCall(&hcl.Block{Type: "module", Labels: b.Labels, Body: mergedBody{base: mc.body, over: b.Body}, DefRange: mc.decl})
			if n := m.calls[mc.name]; n != nil {
				n.rng = mc.rng
			}
		case "provider":
			m.overrideProvider(b)
		}
	}
}

func (m *module) overrideResource(b *hcl.Block) {
	key := b.Labels[0] + "." + b.Labels[1]
	table := m.managed
	if b.Type == "data" {
		table = m.data
		key = "data." + key
	}
	r, ok := table[key]
	if !ok {
		m.errorf(b.DefRange, "override for %s, which no other file declares", key)
		return
	}
	r.body = mergedBody{base: r.body, over: b.Body}
	c, _, _ := b.Body.PartialContent(resourceMetaSchema)
	if a, ok := c.Attributes["count"]; ok {
		r.count = a.Expr
	}
	if a, ok := c.Attributes["for_each"]; ok {
		r.forEach = a.Expr
	}
	if a, ok := c.Attributes["provider"]; ok {
		r.provider = traversalString(a.Expr)
	}
}

// overrideProvider: provider blocks only feed the region, so an override
// that sets one replaces it.
func (m *module) overrideProvider(b *hcl.Block) {
	before := m.providers
	m.providers = map[string]*providerConfig{}
	m.decodeProvider(b)
	over := m.providers
	m.providers = before
	for name, p := range over {
		base, ok := m.providers[name]
		if !ok {
			m.errorf(b.DefRange, "override for provider %q, which no other file configures", name)
			continue
		}
		if p.region != nil {
			base.region = p.region
		}
	}
}
