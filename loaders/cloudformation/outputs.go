package cloudformation

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// output is one entry of a template's Outputs section.
type output struct {
	value policy.Value
	// export is the literal Export.Name, "" when there is none or it is
	// built by intrinsic functions.
	export string
}

// stepBudget bounds the resolution work of one analysis (see maxSteps).
type stepBudget struct {
	steps   int
	tooMuch bool
}

// decodeOutputs reads the Outputs section: each output's Value and its
// export name when that is a literal string (as CDK writes it).
func (t *template) decodeOutputs(v policy.Value) {
	for _, f := range v.Fields { // Outputs grant nothing: a malformed one is only skipped
		val, ok := field(f.Value, "Value")
		if !ok {
			continue
		}
		o := output{value: val}
		if ex, ok := field(f.Value, "Export"); ok {
			if n, ok := field(ex, "Name"); ok && n.Kind == policy.String {
				o.export = n.Str
			}
		}
		t.outputs[f.Key] = o
	}
}

// maxOutputDepth bounds how many outputs (of nested stacks, or exports of
// other stacks) one value may be read through.
const maxOutputDepth = maxNesting

// stackOutput resolves Fn::GetAtt Stack.Outputs.Name of a nested stack
// whose template was scanned: the output's Value, evaluated in the nested
// template with the parameters this stack passes. Conditions of the nested
// template that cannot be decided make the value unknown (they are not
// analysed both ways from here). Positions are those of the Fn::GetAtt.
func (e *evaluator) stackOutput(res *resource, name string, r loaders.Range, depth int) policy.Value {
	later := unknown(fmt.Sprintf("%s.Outputs.%s is known only after deploy (nested stack)", res.id, name), r)
	if e.lc == nil || len(e.chain)+len(e.reading) >= maxOutputDepth || e.busy["outputs:"+res.id] {
		return later
	}
	// Busy from here: the stack's own TemplateURL or Parameters may read
	// its outputs (the fuzzer found a TemplateURL joining them), which
	// would recurse until the stack overflows.
	e.busy["outputs:"+res.id] = true
	defer delete(e.busy, "outputs:"+res.id)
	props := e.props(res, depth)
	rel, ok := e.nestedPath(res, props)
	if !ok {
		return later
	}
	p := joinPath(e.t.src.path, rel)
	child, ok := e.lc.files[p]
	if !ok || slices.Contains(e.chain, p) || p == e.t.src.path {
		return later
	}
	ct := child.template()
	if ct == nil {
		return later
	}
	o, ok := ct.outputs[name]
	if !ok {
		return unknown(fmt.Sprintf("%s.Outputs.%s: the nested template %s has no output %s", res.id, name, p, name), r)
	}
	ce := e.childEvaluator(res, props, child, depth)
	return e.readOutput(ce, o, fmt.Sprintf("%s.Outputs.%s", res.id, name), r)
}

// importValue resolves Fn::ImportValue NAME when a stack of the same CDK
// cloud assembly exports NAME (CDK's cross-stack references): the output's
// Value, evaluated in the exporting template. ok is false when no scanned
// stack of the assembly exports it.
func (e *evaluator) importValue(name string, r loaders.Range, _ int) (policy.Value, bool) {
	if e.lc == nil || e.assembly == "" {
		return policy.Value{}, false
	}
	from, ok := e.lc.exports[e.assembly][name]
	if !ok || from.t == nil || from.t == e.t {
		return policy.Value{}, false
	}
	if len(e.chain)+len(e.reading) >= maxOutputDepth || slices.Contains(e.reading, name) {
		return unknown(fmt.Sprintf("Fn::ImportValue %s refers back to itself", name), r), true
	}
	var o output
	for _, out := range from.t.outputs {
		if out.export == name {
			o = out
		}
	}
	ce := newEvaluator(from.t, e.opts, nil, from.diags)
	ce.lc, ce.stackName, ce.assembly = e.lc, from.stackName, from.assembly
	ce.opts.Region = cmp.Or(from.region, e.lc.region)
	ce.reading = append(slices.Clone(e.reading), name)
	return e.readOutput(ce, o, "Fn::ImportValue "+name, r), true
}

// readOutput evaluates an output in ce (sharing e's step budget and its
// chain of outputs being read) and positions the result at r, the
// expression that reads it.
func (e *evaluator) readOutput(ce *evaluator, o output, what string, r loaders.Range) policy.Value {
	ce.budget = e.budget
	if len(ce.reading) == 0 {
		ce.reading = e.reading
	}
	ce.v.noFork = true
	// Outputs are not analysed on their own: what goes wrong while reading
	// one is said by the unknown value, not reported against the other
	// template (where a symbolic value, such as the logical ID standing
	// for an ARN, may not have the shape the output expects).
	ce.diags = &diagSet{}
	v, present := ce.eval(o.value, 1)
	if !present {
		return unknown(what+" is AWS::NoValue", r)
	}
	if v.Kind == policy.Unknown && strings.HasPrefix(v.Reason, "malformed ") {
		return unknown(fmt.Sprintf("%s cannot be read offline: %s (a value it takes apart is known only after deploy, or the output is wrong)", what, v.Reason), r)
	}
	return withRange(v, r)
}

// exportIndex maps each CDK cloud assembly (its manifest path) to the
// literal export names of its stacks' templates. A name exported twice is
// left out: the import cannot be told apart.
func exportIndex(files map[string]*parsedFile) map[string]map[string]*parsedFile {
	out := map[string]map[string]*parsedFile{}
	dup := map[string]bool{}
	for _, pf := range files {
		if pf.t == nil || pf.assembly == "" {
			continue
		}
		for _, o := range pf.t.outputs {
			if o.export == "" {
				continue
			}
			m := out[pf.assembly]
			if m == nil {
				m = map[string]*parsedFile{}
				out[pf.assembly] = m
			}
			key := pf.assembly + "\x00" + o.export
			if other, ok := m[o.export]; ok && other != pf || dup[key] {
				dup[key] = true
				delete(m, o.export)
				continue
			}
			m[o.export] = pf
		}
	}
	return out
}
