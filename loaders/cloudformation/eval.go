package cloudformation

import (
	"context"
	"encoding/base64"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// maxSteps bounds the work of resolving one file's intrinsic functions, so
// that no template can make the loader run for long.
const maxSteps = 5_000_000

// evaluator resolves intrinsic functions on the position-carrying tree of
// one template. It is not safe for concurrent use; each file has its own.
type evaluator struct {
	t     *template
	opts  loaders.Options
	diags *diagSet
	v     *variant
	// overrides are parameter values given from outside the template:
	// --parameter, parameter files, or a parent stack's Parameters.
	overrides map[string]policy.Value
	// busy marks resources whose physical name is being resolved, so that
	// a name that refers back to itself ends instead of recursing.
	busy map[string]bool
	// budget counts resolution steps; evaluators made to read another
	// template's outputs share their caller's.
	budget *stepBudget
	// lc is shared by the evaluators of one Load (nested stacks); chain
	// lists the templates that nest this one.
	lc    *loadContext
	ctx   context.Context
	chain []string
	// stackName is what AWS::StackName stands for, when known (CDK
	// manifest, nested stack); empty means the placeholder.
	stackName string
	// assembly is the CDK cloud assembly (manifest path) of the stack,
	// whose exports Fn::ImportValue can read; reading lists the exports
	// being read, outermost first.
	assembly string
	reading  []string
}

func (e *evaluator) stackNameValue() string {
	if e.stackName != "" {
		return e.stackName
	}
	return stackNamePlaceholder
}

func newEvaluator(t *template, opts loaders.Options, overrides map[string]policy.Value, diags *diagSet) *evaluator {
	if opts.Partition == "" {
		opts.Partition = "aws"
	}
	if opts.OwnAccount == "" {
		opts.OwnAccount = policy.OwnAccount
	}
	return &evaluator{t: t, opts: opts, overrides: overrides, diags: diags, v: newVariant(nil), busy: map[string]bool{}, budget: &stepBudget{}}
}

func unknown(reason string, r loaders.Range) policy.Value { return policy.UnknownValue(reason, r) }

func str(s string, r loaders.Range) policy.Value { return policy.StringValue(s, r) }

// intrinsic reports whether v is an intrinsic function call: a mapping with
// exactly one key that is Ref or starts with Fn::.
func intrinsic(v policy.Value) (name string, arg policy.Value, ok bool) {
	if v.Kind != policy.Object || len(v.Fields) != 1 {
		return "", policy.Value{}, false
	}
	k := v.Fields[0].Key
	if k == "Ref" || strings.HasPrefix(k, "Fn::") {
		return k, v.Fields[0].Value, true
	}
	return "", policy.Value{}, false
}

// eval resolves every intrinsic function in v. present is false when v is
// (or resolves to) AWS::NoValue: the caller drops the property or item.
func (e *evaluator) eval(v policy.Value, depth int) (out policy.Value, present bool) {
	if depth > maxDepth {
		e.diags.errorf(v.Range, "intrinsic functions nest deeper than %d levels", maxDepth)
		return unknown(fmt.Sprintf("intrinsic functions nest deeper than %d levels", maxDepth), v.Range), true
	}
	e.budget.steps++
	if e.budget.steps > maxSteps {
		if !e.budget.tooMuch {
			e.budget.tooMuch = true
			e.diags.errorf(v.Range, "resolving intrinsic functions takes more than %d steps; the rest of the file is unresolved", maxSteps)
		}
		return unknown("the template takes too long to resolve", v.Range), true
	}
	switch v.Kind {
	case policy.Object:
		if name, arg, ok := intrinsic(v); ok {
			return e.call(name, arg, v.Range, depth)
		}
		out := policy.Value{Kind: policy.Object, Range: v.Range, Fields: make([]policy.Field, 0, len(v.Fields))}
		for _, f := range v.Fields {
			fv, ok := e.eval(f.Value, depth+1)
			if !ok {
				continue
			}
			out.Fields = append(out.Fields, policy.Field{Key: f.Key, KeyRange: f.KeyRange, Value: fv})
		}
		return out, true
	case policy.List:
		out := policy.Value{Kind: policy.List, Range: v.Range, Items: make([]policy.Value, 0, len(v.Items))}
		for _, it := range v.Items {
			iv, ok := e.eval(it, depth+1)
			if !ok {
				continue
			}
			out.Items = append(out.Items, iv)
		}
		return out, true
	case policy.String:
		if ref, ok := dynamicReference(v.Str); ok {
			return unknown(fmt.Sprintf("dynamic reference %s is resolved at deploy time", ref), v.Range), true
		}
		return v, true
	case policy.Null, policy.Number, policy.Bool, policy.Unknown:
	}
	return v, true
}

// dynamicReference finds a {{resolve:...}} reference in s.
func dynamicReference(s string) (string, bool) {
	i := strings.Index(s, "{{resolve:")
	if i < 0 {
		return "", false
	}
	j := strings.Index(s[i:], "}}")
	if j < 0 {
		return s[i:], true
	}
	return s[i : i+j+2], true
}

// malformed reports an intrinsic function with a wrong shape and returns an
// unknown value in its place.
func (e *evaluator) malformed(r loaders.Range, fn, want string) (policy.Value, bool) {
	e.diags.errorf(r, "malformed %s: %s", fn, want)
	return unknown("malformed "+fn, r), true
}

func (e *evaluator) call(name string, arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	switch name {
	case "Ref":
		if _, _, ok := intrinsic(arg); ok {
			arg, _ = e.eval(arg, depth+1)
		}
		if arg.Kind == policy.Unknown {
			return unknown(arg.Reason, r), true
		}
		if arg.Kind != policy.String {
			return e.malformed(r, "Ref", "it takes the name of a parameter or resource")
		}
		return e.ref(arg.Str, r, depth)
	case "Fn::GetAtt":
		return e.getAtt(arg, r, depth)
	case "Fn::Sub":
		return e.sub(arg, r, depth)
	case "Fn::Join":
		return e.join(arg, r, depth)
	case "Fn::Select":
		return e.selectFn(arg, r, depth)
	case "Fn::Split":
		return e.split(arg, r, depth)
	case "Fn::FindInMap":
		return e.findInMap(arg, r, depth)
	case "Fn::If":
		return e.ifFn(arg, r, depth)
	case "Fn::ImportValue":
		v, _ := e.eval(arg, depth+1)
		name := "(a name that is not known)"
		if v.IsScalar() {
			name = v.Str
			if out, ok := e.importValue(name, r, depth); ok {
				return out, true
			}
		}
		return unknown(fmt.Sprintf("Fn::ImportValue %s is resolved at deploy time", name), r), true
	case "Fn::Base64":
		v, _ := e.eval(arg, depth+1)
		s, u, ok := e.scalarString(v, r, "Fn::Base64")
		if !ok {
			return u, true
		}
		return str(base64.StdEncoding.EncodeToString([]byte(s)), r), true
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition":
		c := e.condExpr(policy.Value{Kind: policy.Object, Range: r, Fields: []policy.Field{{Key: name, KeyRange: r, Value: arg}}}, depth+1)
		if !c.known {
			return unknown(c.reason, r), true
		}
		return policy.Value{Kind: policy.Bool, Str: strconv.FormatBool(c.val), Range: r}, true
	}
	if fn, ok := extraFunction(name); ok {
		return fn(e, arg, r, depth)
	}
	e.diags.warnf(r, "intrinsic function %s is not supported; its value is unknown", name)
	return unknown(fmt.Sprintf("intrinsic function %s is not supported", name), r), true
}

// scalarString turns a resolved value into a string for a function that
// needs one. When it cannot, ok is false and u is the value to return.
func (e *evaluator) scalarString(v policy.Value, r loaders.Range, fn string) (s string, u policy.Value, ok bool) {
	switch v.Kind {
	case policy.String, policy.Number, policy.Bool:
		return v.Str, policy.Value{}, true
	case policy.Unknown:
		return "", unknown(v.Reason, r), false
	case policy.Null, policy.List, policy.Object:
	}
	u, _ = e.malformed(r, fn, fmt.Sprintf("it needs a string here, not a %s", v.Kind))
	return "", u, false
}

func (e *evaluator) partition() string { return e.opts.Partition }

func (e *evaluator) region() string {
	if e.opts.Region != "" {
		return e.opts.Region
	}
	return "*"
}

func (e *evaluator) urlSuffix() string {
	if strings.HasPrefix(e.opts.Partition, "aws-cn") {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// Placeholders for the pseudo parameters that name the stack.
const (
	stackNamePlaceholder = "{StackName}"
	stackIDPlaceholder   = "{StackId}"
)

func (e *evaluator) pseudo(name string, r loaders.Range) (policy.Value, bool, bool) {
	switch name {
	case "AWS::NoValue":
		return policy.Value{}, false, true
	case "AWS::AccountId":
		return str(e.opts.OwnAccount, r), true, true
	case "AWS::Partition":
		return str(e.partition(), r), true, true
	case "AWS::Region":
		return str(e.region(), r), true, true
	case "AWS::URLSuffix":
		return str(e.urlSuffix(), r), true, true
	case "AWS::StackName":
		return str(e.stackNameValue(), r), true, true
	case "AWS::StackId":
		return str(fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/%s", e.partition(), e.region(), e.opts.OwnAccount, e.stackNameValue(), stackIDPlaceholder), r), true, true
	case "AWS::NotificationARNs":
		return unknown("AWS::NotificationARNs is known only at deploy time", r), true, true
	}
	return policy.Value{}, false, false
}

func (e *evaluator) ref(name string, r loaders.Range, depth int) (policy.Value, bool) {
	if v, present, ok := e.pseudo(name, r); ok {
		return v, present
	}
	if p, ok := e.t.params[name]; ok {
		return e.param(p, r), true
	}
	if res, ok := e.t.resources[name]; ok {
		return e.resourceRef(res, r, depth), true
	}
	if v, ok := e.implicit(name, r); ok {
		return v, true
	}
	// CloudFormation rejects such a template, but snippets and fragments
	// are common: the value stays unknown (never clean) and the rest of
	// the template is analysed, so this is a warning.
	e.diags.warnf(r, "Ref to %s, which is neither a parameter nor a resource of this template", name)
	return unknown(fmt.Sprintf("Ref to %s, which is not declared in the template", name), r), true
}

func isListType(typ string) bool {
	return typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") ||
		strings.HasPrefix(typ, "AWS::SSM::Parameter::Value<List<") || strings.HasPrefix(typ, "AWS::SSM::Parameter::Value<CommaDelimitedList")
}

// typed turns a parameter's string value into what Ref returns: a list for
// list types, a string otherwise.
func typed(p *parameter, s string, r loaders.Range) policy.Value {
	if !isListType(p.typ) {
		return str(s, r)
	}
	out := policy.Value{Kind: policy.List, Range: r}
	if s == "" {
		return out
	}
	for part := range strings.SplitSeq(s, ",") {
		out.Items = append(out.Items, str(strings.TrimSpace(part), r))
	}
	return out
}

func (e *evaluator) param(p *parameter, r loaders.Range) policy.Value {
	if o, ok := e.overrides[p.name]; ok {
		switch o.Kind {
		case policy.String, policy.Number, policy.Bool:
			return typed(p, o.Str, r)
		case policy.List:
			return withRange(o, r)
		case policy.Unknown:
			return unknown(o.Reason, r)
		case policy.Null, policy.Object:
		}
	}
	if strings.HasPrefix(p.typ, "AWS::SSM::Parameter::Value<") {
		return unknown(fmt.Sprintf("parameter %s is read from SSM Parameter Store at deploy time (type %s); give --parameter %s=VALUE", p.name, p.typ, p.name), r)
	}
	if p.def != nil {
		switch d := *p.def; d.Kind {
		case policy.String, policy.Number, policy.Bool:
			return typed(p, d.Str, r)
		case policy.List:
			out := policy.Value{Kind: policy.List, Range: r}
			for _, it := range d.Items {
				if it.IsScalar() {
					out.Items = append(out.Items, str(it.Str, r))
				}
			}
			if !isListType(p.typ) {
				e.diags.errorf(d.Range, "the Default of parameter %s is a list, but its type is %s", p.name, p.typ)
			}
			return out
		case policy.Null, policy.Object, policy.Unknown:
			e.diags.errorf(d.Range, "the Default of parameter %s is a %s, not a string", p.name, d.Kind)
			return unknown(fmt.Sprintf("parameter %s has a malformed Default", p.name), r)
		}
	}
	if len(p.allowed) > 0 {
		if v, ok := e.allowedValue(p, r); ok {
			return v
		}
	}
	return unknown(fmt.Sprintf("parameter %s has no Default and no --parameter value", p.name), r)
}

// allowedValue analyses a parameter without a value but with AllowedValues
// like an undecidable condition: one variant per allowed value.
func (e *evaluator) allowedValue(p *parameter, r loaders.Range) (policy.Value, bool) {
	key := "param:" + p.name
	if val, ok := e.v.assign[key]; ok {
		return typed(p, val, r), true
	}
	var values []string
	for _, a := range p.allowed {
		if a.IsScalar() {
			values = append(values, a.Str)
		}
	}
	if len(values) == 0 {
		return policy.Value{}, false
	}
	reason := fmt.Sprintf("parameter %s has no Default and no --parameter value (allowed: %s)", p.name, strings.Join(values, ", "))
	e.v.need(choice{key: key, label: p.name, values: values})
	return unknown(reason, r), true
}

func (e *evaluator) getAtt(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	var id, attr string
	switch arg.Kind {
	case policy.String:
		var ok bool
		id, attr, ok = strings.Cut(arg.Str, ".")
		if !ok {
			return e.malformed(r, "Fn::GetAtt", `it takes "Resource.Attribute" or [Resource, Attribute]`)
		}
	case policy.List:
		if len(arg.Items) != 2 || arg.Items[0].Kind != policy.String {
			return e.malformed(r, "Fn::GetAtt", "it takes [Resource, Attribute]")
		}
		id = arg.Items[0].Str
		a, _ := e.eval(arg.Items[1], depth+1)
		if a.Kind == policy.Unknown {
			return unknown(a.Reason, r), true
		}
		if a.Kind != policy.String {
			return e.malformed(r, "Fn::GetAtt", "the attribute name must be a string")
		}
		attr = a.Str
	case policy.Null, policy.Number, policy.Bool, policy.Object, policy.Unknown:
		return e.malformed(r, "Fn::GetAtt", `it takes "Resource.Attribute" or [Resource, Attribute]`)
	}
	res, ok := e.t.resources[id]
	if !ok {
		if v, ok := e.implicitAttr(id, attr, r); ok {
			return v, true
		}
		e.diags.warnf(r, "Fn::GetAtt names %s, which is not a resource of this template", id)
		return unknown(fmt.Sprintf("Fn::GetAtt names %s, which is not declared in the template", id), r), true
	}
	return e.resourceAttr(res, attr, r, depth), true
}

// sub resolves Fn::Sub in its string and [string, {vars}] forms.
func (e *evaluator) sub(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	tmpl, vars, ok := e.subArgs(arg, r, depth)
	if !ok {
		return tmpl, true
	}
	resolve := func(name string) (policy.Value, bool) {
		if vars.Kind == policy.Object {
			if raw, ok := field(vars, name); ok {
				return e.eval(raw, depth+1)
			}
		}
		if v, present, ok := e.pseudo(name, r); ok {
			return v, present
		}
		if id, attr, ok := strings.Cut(name, "."); ok {
			return e.getAtt(policy.Value{Kind: policy.List, Range: r, Items: []policy.Value{str(id, r), str(attr, r)}}, r, depth+1)
		}
		return e.ref(name, r, depth+1)
	}
	var (
		sb       strings.Builder
		firstUnk string
	)
	for name, literal := range subParts(tmpl.Str) {
		if name == "" {
			sb.WriteString(literal)
			continue
		}
		v, present := resolve(name)
		if !present {
			e.diags.errorf(r, "Fn::Sub variable %s resolves to AWS::NoValue", name)
			continue
		}
		switch v.Kind {
		case policy.String, policy.Number, policy.Bool:
			sb.WriteString(v.Str)
		case policy.Unknown:
			if firstUnk == "" {
				firstUnk = v.Reason
			}
		case policy.Null, policy.List, policy.Object:
			e.diags.errorf(r, "Fn::Sub variable %s is a %s, not a string", name, v.Kind)
			if firstUnk == "" {
				firstUnk = fmt.Sprintf("Fn::Sub variable %s is a %s", name, v.Kind)
			}
		}
	}
	if firstUnk != "" {
		return unknown(firstUnk, r), true
	}
	out := sb.String()
	if ref, ok := dynamicReference(out); ok {
		return unknown(fmt.Sprintf("dynamic reference %s is resolved at deploy time", ref), r), true
	}
	return str(out, r), true
}

// subArgs splits Fn::Sub's argument into the template string and the
// variables mapping. When ok is false, tmpl is the value to return.
func (e *evaluator) subArgs(arg policy.Value, r loaders.Range, depth int) (tmpl, vars policy.Value, ok bool) {
	switch arg.Kind {
	case policy.String:
		tmpl = arg
	case policy.List:
		if len(arg.Items) != 2 || arg.Items[1].Kind != policy.Object {
			u, _ := e.malformed(r, "Fn::Sub", "it takes a string or [string, {variables}]")
			return u, vars, false
		}
		tmpl, vars = arg.Items[0], arg.Items[1]
		if _, _, isFn := intrinsic(tmpl); isFn {
			tmpl, _ = e.eval(tmpl, depth+1)
		}
	case policy.Null, policy.Number, policy.Bool, policy.Object, policy.Unknown:
		u, _ := e.malformed(r, "Fn::Sub", "it takes a string or [string, {variables}]")
		return u, vars, false
	}
	switch tmpl.Kind {
	case policy.String:
		return tmpl, vars, true
	case policy.Unknown:
		return unknown(tmpl.Reason, r), vars, false
	case policy.Null, policy.Number, policy.Bool, policy.List, policy.Object:
	}
	u, _ := e.malformed(r, "Fn::Sub", "the template must be a string")
	return u, vars, false
}

// subParts splits a Fn::Sub template into literal text (name "") and
// variable names, in order. ${!Literal} is literal text "${Literal}"; a "${"
// without a closing brace is literal text.
func subParts(s string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for {
			before, rest, found := strings.Cut(s, "${")
			if !found {
				yield("", s)
				return
			}
			name, after, closed := strings.Cut(rest, "}")
			if !closed {
				yield("", s)
				return
			}
			if !yield("", before) {
				return
			}
			s = after
			if strings.HasPrefix(name, "!") {
				if !yield("", "${"+name[1:]+"}") {
					return
				}
				continue
			}
			if name = strings.TrimSpace(name); name == "" {
				if !yield("", "${}") {
					return
				}
				continue
			}
			if !yield(name, "") {
				return
			}
		}
	}
}

// list resolves v and requires a list; a Ref to a list parameter or a
// function returning a list counts.
func (e *evaluator) list(v policy.Value, r loaders.Range, fn string, depth int) (items []policy.Value, u policy.Value, ok bool) {
	lv, _ := e.eval(v, depth+1)
	switch lv.Kind {
	case policy.List:
		return lv.Items, policy.Value{}, true
	case policy.Unknown:
		return nil, unknown(lv.Reason, r), false
	case policy.Null, policy.String, policy.Number, policy.Bool, policy.Object:
	}
	u, _ = e.malformed(r, fn, fmt.Sprintf("it needs a list here, not a %s", lv.Kind))
	return nil, u, false
}

func (e *evaluator) join(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	if arg.Kind != policy.List || len(arg.Items) != 2 {
		return e.malformed(r, "Fn::Join", "it takes [delimiter, [values...]]")
	}
	dv, _ := e.eval(arg.Items[0], depth+1)
	delim, u, ok := e.scalarString(dv, r, "Fn::Join")
	if !ok {
		return u, true
	}
	items, u, ok := e.list(arg.Items[1], r, "Fn::Join", depth)
	if !ok {
		return u, true
	}
	parts := make([]string, 0, len(items))
	for _, it := range items {
		s, u, ok := e.scalarString(it, r, "Fn::Join")
		if !ok {
			return u, true
		}
		parts = append(parts, s)
	}
	return str(strings.Join(parts, delim), r), true
}

func (e *evaluator) selectFn(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	if arg.Kind != policy.List || len(arg.Items) != 2 {
		return e.malformed(r, "Fn::Select", "it takes [index, [values...]]")
	}
	iv, _ := e.eval(arg.Items[0], depth+1)
	is, u, ok := e.scalarString(iv, r, "Fn::Select")
	if !ok {
		return u, true
	}
	idx, err := strconv.Atoi(strings.TrimSpace(is))
	if err != nil || idx < 0 {
		return e.malformed(r, "Fn::Select", fmt.Sprintf("the index %q is not a non-negative integer", is))
	}
	items, u, ok := e.list(arg.Items[1], r, "Fn::Select", depth)
	if !ok {
		return u, true
	}
	if idx >= len(items) {
		return e.malformed(r, "Fn::Select", fmt.Sprintf("index %d is out of range for a list of %d", idx, len(items)))
	}
	it := items[idx]
	it.Range = r
	return it, true
}

func (e *evaluator) split(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	if arg.Kind != policy.List || len(arg.Items) != 2 {
		return e.malformed(r, "Fn::Split", "it takes [delimiter, string]")
	}
	dv, _ := e.eval(arg.Items[0], depth+1)
	delim, u, ok := e.scalarString(dv, r, "Fn::Split")
	if !ok {
		return u, true
	}
	sv, _ := e.eval(arg.Items[1], depth+1)
	s, u, ok := e.scalarString(sv, r, "Fn::Split")
	if !ok {
		return u, true
	}
	if delim == "" {
		return e.malformed(r, "Fn::Split", "the delimiter is empty")
	}
	out := policy.Value{Kind: policy.List, Range: r}
	for part := range strings.SplitSeq(s, delim) {
		out.Items = append(out.Items, str(part, r))
	}
	return out, true
}

func (e *evaluator) findInMap(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	if arg.Kind != policy.List || (len(arg.Items) != 3 && len(arg.Items) != 4) {
		return e.malformed(r, "Fn::FindInMap", "it takes [MapName, TopLevelKey, SecondLevelKey]")
	}
	var keys [3]string
	for i := range 3 {
		kv, _ := e.eval(arg.Items[i], depth+1)
		s, u, ok := e.scalarString(kv, r, "Fn::FindInMap")
		if !ok {
			return u, true
		}
		keys[i] = s
	}
	var (
		def    policy.Value
		hasDef bool
	)
	if len(arg.Items) == 4 {
		opt := arg.Items[3]
		d, ok := field(opt, "DefaultValue")
		if opt.Kind != policy.Object || !ok {
			return e.malformed(r, "Fn::FindInMap", "the fourth item must be {DefaultValue: value}")
		}
		def, hasDef = d, true
	}
	useDefault := func(why string) (policy.Value, bool) {
		if hasDef {
			v, present := e.eval(def, depth+1)
			v.Range = r
			return v, present
		}
		e.diags.errorf(r, "Fn::FindInMap: %s", why)
		return unknown("Fn::FindInMap: "+why, r), true
	}
	m, ok := e.t.mappings[keys[0]]
	if !ok {
		return useDefault("there is no mapping " + keys[0])
	}
	top, ok := field(m, keys[1])
	if !ok && keys[1] == "*" && e.opts.Region == "" {
		// The key is the region placeholder: the lookup is decidable only
		// when every region gives the same value.
		return e.anyTopKey(m, keys, r, hasDef)
	}
	if !ok {
		return useDefault(fmt.Sprintf("mapping %s has no key %s", keys[0], keys[1]))
	}
	v, ok := field(top, keys[2])
	if !ok {
		return useDefault(fmt.Sprintf("mapping %s has no key %s.%s", keys[0], keys[1], keys[2]))
	}
	out, present := e.eval(v, depth+1)
	return withRange(out, r), present
}

func (e *evaluator) anyTopKey(m policy.Value, keys [3]string, r loaders.Range, hasDef bool) (policy.Value, bool) {
	var (
		first policy.Value
		found bool
	)
	for _, f := range m.Fields {
		v, ok := field(f.Value, keys[2])
		if !ok {
			if hasDef {
				return unknown(fmt.Sprintf("Fn::FindInMap %s depends on AWS::Region; give --region", keys[0]), r), true
			}
			continue
		}
		if found && !sameValue(first, v) {
			return unknown(fmt.Sprintf("Fn::FindInMap %s depends on AWS::Region; give --region", keys[0]), r), true
		}
		first, found = v, true
	}
	if !found {
		return unknown(fmt.Sprintf("Fn::FindInMap %s depends on AWS::Region; give --region", keys[0]), r), true
	}
	return withRange(first, r), true
}

// withRange moves a value (and its items) to the range of the expression
// that produced it: a principal looked up in a mapping is reported where
// the lookup is written.
func withRange(v policy.Value, r loaders.Range) policy.Value {
	v.Range = r
	if len(v.Items) > 0 {
		items := make([]policy.Value, len(v.Items))
		for i, it := range v.Items {
			items[i] = withRange(it, r)
		}
		v.Items = items
	}
	if len(v.Fields) > 0 {
		fields := make([]policy.Field, len(v.Fields))
		for i, f := range v.Fields {
			f.KeyRange = r
			f.Value = withRange(f.Value, r)
			fields[i] = f
		}
		v.Fields = fields
	}
	return v
}

// sameValue compares two resolved values structurally, ignoring ranges.
func sameValue(a, b policy.Value) bool {
	if a.IsScalar() && b.IsScalar() {
		return a.Str == b.Str
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case policy.List:
		if len(a.Items) != len(b.Items) {
			return false
		}
		for i := range a.Items {
			if !sameValue(a.Items[i], b.Items[i]) {
				return false
			}
		}
		return true
	case policy.Object:
		if len(a.Fields) != len(b.Fields) {
			return false
		}
		for i := range a.Fields {
			if a.Fields[i].Key != b.Fields[i].Key || !sameValue(a.Fields[i].Value, b.Fields[i].Value) {
				return false
			}
		}
		return true
	case policy.Null:
		return true
	case policy.String, policy.Number, policy.Bool, policy.Unknown:
	}
	return false
}

func (e *evaluator) ifFn(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	if arg.Kind != policy.List || len(arg.Items) != 3 || arg.Items[0].Kind != policy.String {
		return e.malformed(r, "Fn::If", "it takes [ConditionName, ValueIfTrue, ValueIfFalse]")
	}
	c := e.condition(arg.Items[0].Str, arg.Items[0].Range, depth+1)
	if !c.known {
		return unknown(c.reason, r), true
	}
	if c.val {
		return e.eval(arg.Items[1], depth+1)
	}
	return e.eval(arg.Items[2], depth+1)
}
