package tfplan

import (
	"strings"

	"github.com/perimeter-iac/perimeter/loaders/tftypes"
)

// The plan representation, as documented in "JSON Output Format"
// (https://developer.hashicorp.com/terraform/internals/json-format):
//
//	{"format_version": "1.2",
//	 "variables":      {"name": {"value": ...}},
//	 "planned_values": {"root_module": {"resources": [{"address", "mode", "type", "name", "index",
//	                     "values", "sensitive_values"}], "child_modules": [{"address", "resources", "child_modules"}]}},
//	 "resource_changes": [{"address", "module_address", "mode", "type", "name", "index", "deposed",
//	                      "change": {"actions", "before", "after", "after_unknown", "after_sensitive"}, "action_reason"}],
//	 "prior_state":    {"values": <values representation>},
//	 "configuration":  {"root_module": {"resources": [{"address", "mode", "type", "name",
//	                     "expressions": {"arg": {"constant_value"} | {"references": [...]}}}],
//	                    "module_calls": {"name": {"source", "expressions", "count_expression",
//	                     "for_each_expression", "module": <module configuration>}},
//	                    "outputs": {"name": {"expression": {...}}}}},
//	 "errored": false}
//
// "values" omit what is known only after apply; "after_unknown" has the
// same shape as "after" with true at each unknown leaf; "after_sensitive"
// likewise for sensitive leaves, whose values `terraform show -json` prints
// in plain text. The format's major version is 1 (0.1 and 0.2, from
// Terraform 0.12 to 1.0, have the same shape); unknown properties are
// ignored, as the documentation asks.

// plan is what the loader reads from one plan file.
type plan struct {
	doc       *doc
	version   string
	errored   bool
	variables map[string][]byte // raw JSON values
	resources []*plannedResource
	modules   map[string]node // module address -> its "address" string node in planned_values
	changes   map[string]*change
	config    *configModule
	// account is the account data.aws_caller_identity read during the
	// plan, when the root module has one; accountNode is its value.
	account     string
	accountNode node
}

// plannedResource is one managed resource instance of a granting type in
// planned_values (or, when the plan has no planned_values, in
// resource_changes).
type plannedResource struct {
	address, typ, name string
	module             string // module instance address, "" for the root
	obj                node   // the resource object
	addrNode           node   // its "address" value
	values             node
	sensitive          node // sensitive_values
}

// change is one entry of resource_changes.
type change struct {
	mode, typ    string
	actions      []string
	actionReason string
	after        node
	unknown      node // after_unknown
	sensitive    node // after_sensitive
}

// configModule is a module of the configuration section.
type configModule struct {
	resources map[string]*configResource // "type.name", "data.type.name"
	calls     map[string]*configCall
	outputs   map[string][]string // output name -> references
}

type configResource struct {
	// args maps each argument written in the block to its references
	// (nil for a constant).
	args map[string][]string
}

type configCall struct {
	source string
	args   map[string][]string
	// repeated is set for a call with count or for_each.
	repeated bool
	module   *configModule
}

// maxModuleDepth bounds module nesting in the configuration and planned
// values, as in the HCL loader.
const maxModuleDepth = 32

// readPlan reads the parts of a plan the loader uses.
func readPlan(d *doc, root node) *plan {
	p := &plan{doc: d, variables: map[string][]byte{}, modules: map[string]node{}, changes: map[string]*change{}}
	var planned, changes, config, prior node
	d.members(root, func(key string, _, v node) bool {
		switch key {
		case "format_version":
			p.version, _ = d.str(v)
		case "errored":
			p.errored = d.isTrue(v)
		case "variables":
			d.members(v, func(name string, _, val node) bool {
				if vv := d.get(val, "value"); vv.ok() {
					p.variables[name] = d.data[vv.start:vv.end]
				}
				return true
			})
		case "planned_values":
			planned = v
		case "resource_changes":
			changes = v
		case "configuration":
			config = v
		case "prior_state":
			prior = v
		}
		return true
	})
	p.readChanges(changes)
	if planned.ok() {
		p.readModule(d.get(planned, "root_module"), "", 0)
	} else {
		p.resourcesFromChanges(changes)
	}
	p.config = p.readConfigModule(d.get(config, "root_module"), 0)
	p.readAccount(prior)
	return p
}

// granting reports whether the loader reads a resource type: one that
// grants access, or one whose settings tftypes.Link joins to those.
func granting(typ string) bool {
	if _, ok := tftypes.Lookup(typ); ok {
		return true
	}
	_, ok := tftypes.LookupFact(typ)
	return ok
}

// readModule collects the granting resources of a planned_values module.
func (p *plan) readModule(n node, addr string, depth int) {
	d := p.doc
	if depth > maxModuleDepth {
		return
	}
	parts := d.getAll(n, "resources", "child_modules")
	d.items(parts[0], func(r node) bool {
		f := d.getAll(r, "address", "mode", "type", "name", "values", "sensitive_values")
		typ, _ := d.str(f[2])
		if mode, _ := d.str(f[1]); mode != "managed" {
			return true
		}
		if !granting(typ) {
			return true
		}
		address, _ := d.str(f[0])
		name, _ := d.str(f[3])
		p.resources = append(p.resources, &plannedResource{
			address: address, typ: typ, name: name, module: addr,
			obj: r, addrNode: f[0], values: f[4], sensitive: f[5],
		})
		return true
	})
	d.items(parts[1], func(c node) bool {
		an := d.get(c, "address")
		child, _ := d.str(an)
		if child == "" {
			return true
		}
		p.modules[child] = an
		p.readModule(c, child, depth+1)
		return true
	})
}

// readChanges indexes resource_changes by address (deposed objects, which
// are being destroyed, are left out).
func (p *plan) readChanges(n node) {
	d := p.doc
	d.items(n, func(r node) bool {
		f := d.getAll(r, "address", "mode", "type", "deposed", "change", "action_reason")
		if f[3].ok() {
			return true
		}
		address, _ := d.str(f[0])
		c := &change{}
		c.mode, _ = d.str(f[1])
		c.typ, _ = d.str(f[2])
		c.actionReason, _ = d.str(f[5])
		cf := d.getAll(f[4], "actions", "after", "after_unknown", "after_sensitive")
		c.actions = d.strings(cf[0])
		c.after, c.unknown, c.sensitive = cf[1], cf[2], cf[3]
		p.changes[address] = c
		return true
	})
}

// resourcesFromChanges stands in for planned_values when a plan lacks them:
// every change that leaves an object behind.
func (p *plan) resourcesFromChanges(n node) {
	d := p.doc
	d.items(n, func(r node) bool {
		f := d.getAll(r, "address", "mode", "type", "name", "deposed", "module_address")
		address, _ := d.str(f[0])
		c := p.changes[address]
		if c == nil || f[4].ok() || c.mode != "managed" || d.isNull(c.after) {
			return true
		}
		if !granting(c.typ) {
			return true
		}
		name, _ := d.str(f[3])
		module, _ := d.str(f[5])
		p.resources = append(p.resources, &plannedResource{
			address: address, typ: c.typ, name: name, module: module,
			obj: r, addrNode: f[0], values: c.after,
		})
		return true
	})
}

// readConfigModule reads a module of the configuration section: the
// arguments of granting resources and the references of module calls and
// outputs, which lead to the resources a grant exposes.
func (p *plan) readConfigModule(n node, depth int) *configModule {
	d := p.doc
	m := &configModule{resources: map[string]*configResource{}, calls: map[string]*configCall{}, outputs: map[string][]string{}}
	if !n.ok() || depth > maxModuleDepth {
		return m
	}
	parts := d.getAll(n, "resources", "module_calls", "outputs")
	d.items(parts[0], func(r node) bool {
		f := d.getAll(r, "mode", "type", "name", "expressions")
		mode, _ := d.str(f[0])
		typ, _ := d.str(f[1])
		name, _ := d.str(f[2])
		key := typ + "." + name
		if mode == "data" {
			key = "data." + key
		}
		cr := &configResource{}
		if granting(typ) && mode == "managed" {
			cr.args = p.expressions(f[3])
		}
		m.resources[key] = cr
		return true
	})
	d.members(parts[1], func(name string, _, c node) bool {
		f := d.getAll(c, "source", "expressions", "count_expression", "for_each_expression", "module")
		cc := &configCall{args: p.expressions(f[1]), repeated: f[2].ok() || f[3].ok()}
		cc.source, _ = d.str(f[0])
		cc.module = p.readConfigModule(f[4], depth+1)
		m.calls[name] = cc
		return true
	})
	d.members(parts[2], func(name string, _, o node) bool {
		m.outputs[name] = d.strings(d.get(d.get(o, "expression"), "references"))
		return true
	})
	return m
}

// expressions reads a block-expressions representation: each argument's
// references (nested blocks are recorded as present, without references).
func (p *plan) expressions(n node) map[string][]string {
	d := p.doc
	out := map[string][]string{}
	d.members(n, func(arg string, _, e node) bool {
		out[arg] = d.strings(d.get(e, "references"))
		return true
	})
	return out
}

// readAccount finds the account of data.aws_caller_identity in the prior
// state's root module.
func (p *plan) readAccount(prior node) {
	d := p.doc
	root := d.get(d.get(prior, "values"), "root_module")
	d.items(d.get(root, "resources"), func(r node) bool {
		f := d.getAll(r, "mode", "type", "values")
		mode, _ := d.str(f[0])
		typ, _ := d.str(f[1])
		if mode == "data" && typ == "aws_caller_identity" {
			n := d.get(f[2], "account_id")
			if a, ok := d.str(n); ok && a != "" {
				p.account, p.accountNode = a, n
				return false
			}
		}
		return true
	})
}

// configFor finds the configuration module of a module instance address.
func (p *plan) configFor(steps []moduleStep) *configModule {
	m := p.config
	for _, s := range steps {
		if m == nil {
			return nil
		}
		c := m.calls[s.name]
		if c == nil {
			return nil
		}
		m = c.module
	}
	return m
}

// versionOK reports whether the plan's format_version is one this loader
// reads: 1.x, and the 0.x versions of Terraform 0.12 to 1.0, whose plan
// representation has the same shape.
func (p *plan) versionOK() bool {
	major, _, _ := strings.Cut(p.version, ".")
	return major == "0" || major == "1"
}
