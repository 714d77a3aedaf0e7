package policy

import (
	"strings"
)

// Condition is one key of one operator of a statement's Condition element:
// {"StringEquals": {"aws:SourceAccount": ["1", "2"]}} gives one Condition with
// two values. AWS ANDs the conditions of a statement and ORs the values of
// one condition (for positive operators).
type Condition struct {
	Operator  string // as written: "ForAnyValue:StringNotEqualsIfExists"
	Base      string // canonical base operator: "StringNotEquals"
	Qualifier string // "ForAnyValue", "ForAllValues" or ""
	IfExists  bool
	// Negated is true for the operators that match when the value is NOT
	// among the listed ones (StringNotEquals, ArnNotLike, NotIpAddress...).
	Negated bool
	Key     string // as written; condition keys are case-insensitive
	Values  []string
	// Unknown is set when some values (or the key) could not be resolved;
	// Reason says why. Values holds the ones that could.
	Unknown bool
	Reason  string
	Range   Range
}

// operators maps lower-case base operator names to their canonical spelling
// and whether they are negated. The list is the IAM User Guide's
// "IAM JSON policy elements: Condition operators".
var operators = func() map[string]struct {
	name    string
	negated bool
} {
	m := map[string]struct {
		name    string
		negated bool
	}{}
	for _, op := range []string{
		"StringEquals", "StringEqualsIgnoreCase", "StringLike",
		"NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
		"DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
		"Bool", "BinaryEquals", "IpAddress", "ArnEquals", "ArnLike", "Null",
	} {
		m[strings.ToLower(op)] = struct {
			name    string
			negated bool
		}{op, false}
	}
	for _, op := range []string{
		"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
		"DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike",
	} {
		m[strings.ToLower(op)] = struct {
			name    string
			negated bool
		}{op, true}
	}
	return m
}()

// ParseOperator splits an operator as written into its parts. ok is false
// when the base operator is not one IAM knows.
func ParseOperator(op string) (base, qualifier string, ifExists, negated, ok bool) {
	rest := op
	if q, tail, found := strings.Cut(rest, ":"); found {
		switch strings.ToLower(q) {
		case "foranyvalue":
			qualifier = "ForAnyValue"
		case "forallvalues":
			qualifier = "ForAllValues"
		default:
			return "", "", false, false, false
		}
		rest = tail
	}
	lower := strings.ToLower(rest)
	if strings.HasSuffix(lower, "ifexists") {
		ifExists = true
		lower = strings.TrimSuffix(lower, "ifexists")
	}
	info, ok := operators[lower]
	if !ok {
		return "", "", false, false, false
	}
	return info.name, qualifier, ifExists, info.negated, true
}

func (d *Document) parseConditions(v Value) []Condition {
	switch v.Kind {
	case Object:
	case Unknown:
		return []Condition{{Unknown: true, Reason: v.Reason, Range: v.Range}}
	case Null:
		return nil
	case String, Number, Bool, List:
		d.problem(v.Range, "Condition is a %s, not an object", v.Kind)
		return nil
	}
	var out []Condition
	for _, opField := range v.Fields {
		base, qualifier, ifExists, negated, ok := ParseOperator(opField.Key)
		if !ok {
			d.problem(opField.KeyRange, "unknown condition operator %q", opField.Key)
		}
		switch opField.Value.Kind {
		case Object:
		case Unknown:
			out = append(out, Condition{
				Operator: opField.Key, Base: base, Qualifier: qualifier, IfExists: ifExists, Negated: negated,
				Unknown: true, Reason: opField.Value.Reason, Range: opField.Value.Range,
			})
			continue
		case Null, String, Number, Bool, List:
			d.problem(opField.Value.Range, "condition operator %s holds a %s, not an object", opField.Key, opField.Value.Kind)
			continue
		}
		for _, kf := range opField.Value.Fields {
			c := Condition{
				Operator: opField.Key, Base: base, Qualifier: qualifier, IfExists: ifExists, Negated: negated,
				Key: kf.Key, Range: Range{File: kf.KeyRange.File, Start: kf.KeyRange.Start, End: kf.Value.Range.End},
			}
			items := []Value{kf.Value}
			if kf.Value.Kind == List {
				items = kf.Value.Items
			}
			for _, item := range items {
				switch item.Kind {
				case String, Number, Bool:
					c.Values = append(c.Values, item.Str)
				case Unknown:
					if !c.Unknown {
						c.Unknown, c.Reason = true, item.Reason
					}
				case Null, List, Object:
					d.problem(item.Range, "condition value for %s is a %s, not a string", kf.Key, item.Kind)
				}
			}
			out = append(out, c)
		}
	}
	return out
}
