package cloudformation

import (
	"fmt"
	"maps"
	"slices"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// maxVariants bounds how many assignments of undecidable conditions (and
// parameters with AllowedValues) one resource is analysed under. Beyond it
// the resource is analysed once, with the undecidable parts unknown.
const maxVariants = 16

// choice is something the loader cannot decide and analyses every way: a
// condition that depends on an unknown value (true, false) or a parameter
// with AllowedValues and no value (each allowed value).
type choice struct {
	key    string // "cond:IsProd", "param:Env"
	label  string // IsProd, Env
	values []string
}

// variant is one assignment of choices, and the per-run state that depends
// on it.
type variant struct {
	assign map[string]string
	order  []choice // choices in the order they were made
	picked []string // the value picked for each of order
	// pending is the first unassigned choice met in this run; the run is
	// then repeated once per value.
	pending *choice
	// noFork is set when there were too many variants: undecidable
	// choices then give unknown values and are listed in undecided.
	noFork    bool
	undecided []string
	conds     map[string]tri
	condBusy  map[string]bool
}

func newVariant(parent *variant) *variant {
	v := &variant{assign: map[string]string{}, conds: map[string]tri{}, condBusy: map[string]bool{}}
	if parent != nil {
		maps.Copy(v.assign, parent.assign)
		v.order = append(v.order, parent.order...)
		v.picked = append(v.picked, parent.picked...)
	}
	return v
}

func (v *variant) with(c choice, value string) *variant {
	n := newVariant(v)
	n.assign[c.key] = value
	n.order = append(n.order, c)
	n.picked = append(n.picked, value)
	return n
}

// need records that the run met an unassigned choice.
func (v *variant) need(c choice) {
	if v.noFork {
		if slices.Contains(v.undecided, c.label) {
			return
		}
		v.undecided = append(v.undecided, c.label)
		return
	}
	if v.pending == nil {
		v.pending = &c
	}
}

// pairs describes the assignment: ["IsProd = true", "Env = prod"].
func (v *variant) pairs() []string {
	out := make([]string, len(v.order))
	for i, c := range v.order {
		out[i] = c.label + " = " + v.picked[i]
	}
	return out
}

// tri is a three-valued condition result.
type tri struct {
	known, val bool
	reason     string // when !known
	// broken is set when the condition is malformed (not merely unknown);
	// such a condition is not analysed both ways.
	broken bool
}

func (e *evaluator) condition(name string, r loaders.Range, depth int) tri {
	key := "cond:" + name
	if val, ok := e.v.assign[key]; ok {
		return tri{known: true, val: val == "true"}
	}
	if c, ok := e.v.conds[name]; ok {
		return c
	}
	def, ok := e.t.conditions[name]
	if !ok {
		e.diags.errorf(r, "condition %s is not declared in Conditions", name)
		return tri{reason: fmt.Sprintf("condition %s is not declared", name), broken: true}
	}
	if e.v.condBusy[name] {
		e.diags.errorf(r, "condition %s depends on itself", name)
		return tri{reason: fmt.Sprintf("condition %s depends on itself", name), broken: true}
	}
	e.v.condBusy[name] = true
	before := e.v.pending
	beforeUndecided := len(e.v.undecided)
	res := e.condExpr(def, depth+1)
	delete(e.v.condBusy, name)
	if !res.known && !res.broken && e.v.pending == before && len(e.v.undecided) == beforeUndecided {
		// Undecidable in itself (not merely because a condition it names
		// is still to be chosen): analyse both outcomes.
		res.reason = fmt.Sprintf("condition %s cannot be decided: %s", name, res.reason)
		e.v.need(choice{key: key, label: name, values: []string{"true", "false"}})
	}
	e.v.conds[name] = res
	return res
}

// condExpr evaluates a condition function: Fn::Equals, Fn::And, Fn::Or,
// Fn::Not or Condition.
func (e *evaluator) condExpr(v policy.Value, depth int) tri {
	if depth > maxDepth {
		e.diags.errorf(v.Range, "conditions nest deeper than %d levels", maxDepth)
		return tri{reason: "malformed condition", broken: true}
	}
	if v.Kind == policy.Bool {
		return tri{known: true, val: v.Str == "true"}
	}
	name, arg, ok := intrinsic(v)
	if !ok {
		if v.Kind == policy.Object && len(v.Fields) == 1 && v.Fields[0].Key == "Condition" {
			name, arg, ok = "Condition", v.Fields[0].Value, true
		}
	}
	if !ok {
		e.diags.errorf(v.Range, "malformed condition: expected Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition")
		return tri{reason: "malformed condition", broken: true}
	}
	switch name {
	case "Condition":
		if arg.Kind != policy.String {
			return e.badCondition(v, name, "it takes a condition name")
		}
		return e.condition(arg.Str, arg.Range, depth+1)
	case "Fn::Equals":
		return e.equals(v, arg, depth)
	case "Fn::Not":
		if arg.Kind != policy.List || len(arg.Items) != 1 {
			return e.badCondition(v, name, "it takes [condition]")
		}
		c := e.condExpr(arg.Items[0], depth+1)
		if c.known {
			c.val = !c.val
		}
		return c
	case "Fn::And", "Fn::Or":
		return e.andOr(v, name, arg, depth)
	}
	return e.badCondition(v, name, "it is not a condition function")
}

func (e *evaluator) badCondition(v policy.Value, name, want string) tri {
	e.diags.errorf(v.Range, "malformed %s: %s", name, want)
	return tri{reason: "malformed " + name, broken: true}
}

func (e *evaluator) equals(v, arg policy.Value, depth int) tri {
	if arg.Kind != policy.List || len(arg.Items) != 2 {
		return e.badCondition(v, "Fn::Equals", "it takes [value, value]")
	}
	a, _ := e.eval(arg.Items[0], depth+1)
	b, _ := e.eval(arg.Items[1], depth+1)
	for _, x := range []policy.Value{a, b} {
		if u, ok := x.FirstUnknown(); ok {
			return tri{reason: u.Reason}
		}
	}
	return tri{known: true, val: sameValue(a, b)}
}

// andOr evaluates Fn::And and Fn::Or in three-valued logic: a false item
// decides an And, a true item decides an Or, whatever the unknown ones.
func (e *evaluator) andOr(v policy.Value, name string, arg policy.Value, depth int) tri {
	if arg.Kind != policy.List || len(arg.Items) < 2 || len(arg.Items) > 10 {
		return e.badCondition(v, name, "it takes a list of 2 to 10 conditions")
	}
	isAnd := name == "Fn::And"
	var firstUnknown *tri
	for _, it := range arg.Items {
		c := e.condExpr(it, depth+1)
		switch {
		case !c.known:
			if firstUnknown == nil {
				firstUnknown = &c
			}
		case c.val != isAnd:
			return tri{known: true, val: c.val}
		}
	}
	if firstUnknown != nil {
		return *firstUnknown
	}
	return tri{known: true, val: isAnd}
}
