package rules

import (
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// keepTerms makes a query return its results as ast terms rather than Go
// values: findings are decoded from the terms directly (decodeTerm), with
// no conversion to Go maps and no JSON round trip.
var keepTerms = rego.EvalGenerateJSON(func(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil })

// decodeTerm decodes a findings collection the way json.Unmarshal into
// []rawFinding would. ok is false for anything it does not read exactly
// like json.Unmarshal (a set-valued field, a key spelt in another case, a
// value of an unexpected type): the caller then takes the JSON path, which
// also words the error.
func decodeTerm(v ast.Value) (out []rawFinding, ok bool) {
	var elems []*ast.Term
	switch c := v.(type) {
	case ast.Null:
		return nil, true
	case ast.Set:
		elems = c.Slice()
	case *ast.Array:
		elems = make([]*ast.Term, 0, c.Len())
		c.Foreach(func(t *ast.Term) { elems = append(elems, t) })
	default:
		return nil, false
	}
	out = make([]rawFinding, 0, len(elems))
	for _, e := range elems {
		f, ok := decodeFinding(e.Value)
		if !ok {
			return nil, false
		}
		out = append(out, f)
	}
	return out, true
}

func decodeFinding(v ast.Value) (f rawFinding, ok bool) {
	obj, isObj := v.(ast.Object)
	if !isObj {
		return f, false
	}
	ok = true
	obj.Foreach(func(k, val *ast.Term) {
		if !ok {
			return
		}
		key, isStr := k.Value.(ast.String)
		if !isStr {
			ok = false
			return
		}
		switch string(key) {
		case "exposure":
			ok = decodeString(val.Value, &f.Exposure)
		case "severity":
			ok = decodeString(val.Value, &f.Severity)
		case "principal":
			ok = decodePrincipal(val.Value, &f.Principal)
		case "accounts":
			ok = decodeStrings(val.Value, &f.Accounts)
		case "actions":
			ok = decodeStrings(val.Value, &f.Actions)
		case "not_action":
			ok = decodeBool(val.Value, &f.NotAction)
		case "access_levels":
			ok = decodeStrings(val.Value, &f.AccessLevels)
		case "conditions":
			ok = decodeConditions(val.Value, &f.Conditions)
		case "location":
			ok = decodeLocation(val.Value, &f.Location)
		case "attribute":
			ok = decodeString(val.Value, &f.Attribute)
		case "message":
			ok = decodeString(val.Value, &f.Message)
		case "reason":
			ok = decodeString(val.Value, &f.Reason)
		default:
			// json.Unmarshal ignores other keys, but matches ours in any
			// case: leave such a finding to it.
			ok = !rawFindingKeys[strings.ToLower(string(key))]
		}
	})
	return f, ok
}

var rawFindingKeys = map[string]bool{
	"exposure": true, "severity": true, "principal": true, "accounts": true, "actions": true,
	"not_action": true, "access_levels": true, "conditions": true, "location": true, "attribute": true, "message": true, "reason": true,
}

func decodeString(v ast.Value, dst *string) bool {
	switch s := v.(type) {
	case ast.String:
		*dst = string(s)
		return true
	case ast.Null:
		return true
	}
	return false
}

func decodeBool(v ast.Value, dst *bool) bool {
	switch b := v.(type) {
	case ast.Boolean:
		*dst = bool(b)
		return true
	case ast.Null:
		return true
	}
	return false
}

func decodeInt(v ast.Value, dst *int) bool {
	switch n := v.(type) {
	case ast.Number:
		i, ok := n.Int()
		if ok {
			*dst = i
		}
		return ok
	case ast.Null:
		return true
	}
	return false
}

func decodeStrings(v ast.Value, dst *[]string) bool {
	switch a := v.(type) {
	case ast.Null:
		*dst = nil
		return true
	case *ast.Array:
		out := make([]string, a.Len())
		for i := range a.Len() {
			s, ok := a.Elem(i).Value.(ast.String)
			if !ok {
				return false
			}
			out[i] = string(s)
		}
		*dst = out
		return true
	}
	return false
}

func decodeObject(v ast.Value, fields map[string]func(ast.Value) bool) bool {
	obj, isObj := v.(ast.Object)
	if !isObj {
		return false
	}
	ok := true
	obj.Foreach(func(k, val *ast.Term) {
		if !ok {
			return
		}
		key, isStr := k.Value.(ast.String)
		if !isStr {
			ok = false
			return
		}
		if f := fields[string(key)]; f != nil {
			ok = f(val.Value)
			return
		}
		for name := range fields {
			if strings.EqualFold(name, string(key)) {
				ok = false
			}
		}
	})
	return ok
}

func decodePrincipal(v ast.Value, p *Principal) bool {
	if _, null := v.(ast.Null); null {
		return true
	}
	return decodeObject(v, map[string]func(ast.Value) bool{
		"type":    func(x ast.Value) bool { return decodeString(x, &p.Type) },
		"value":   func(x ast.Value) bool { return decodeString(x, &p.Value) },
		"account": func(x ast.Value) bool { return decodeString(x, &p.Account) },
	})
}

func decodeConditions(v ast.Value, dst *[]Condition) bool {
	switch a := v.(type) {
	case ast.Null:
		*dst = nil
		return true
	case *ast.Array:
		out := make([]Condition, a.Len())
		for i := range a.Len() {
			c := &out[i]
			if _, null := a.Elem(i).Value.(ast.Null); null {
				continue
			}
			ok := decodeObject(a.Elem(i).Value, map[string]func(ast.Value) bool{
				"operator": func(x ast.Value) bool { return decodeString(x, &c.Operator) },
				"key":      func(x ast.Value) bool { return decodeString(x, &c.Key) },
				"values":   func(x ast.Value) bool { return decodeStrings(x, &c.Values) },
			})
			if !ok {
				return false
			}
		}
		*dst = out
		return true
	}
	return false
}

func decodeLocation(v ast.Value, dst **Location) bool {
	if _, null := v.(ast.Null); null {
		*dst = nil
		return true
	}
	l := &Location{}
	ok := decodeObject(v, map[string]func(ast.Value) bool{
		"file":       func(x ast.Value) bool { return decodeString(x, &l.File) },
		"line":       func(x ast.Value) bool { return decodeInt(x, &l.Line) },
		"column":     func(x ast.Value) bool { return decodeInt(x, &l.Column) },
		"end_line":   func(x ast.Value) bool { return decodeInt(x, &l.EndLine) },
		"end_column": func(x ast.Value) bool { return decodeInt(x, &l.EndColumn) },
	})
	*dst = l
	return ok
}
