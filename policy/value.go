package policy

import "strings"

// Kind says what a Value holds.
type Kind uint8

// The kinds of Value. Unknown is a value that could not be resolved offline
// (a variable without a value, an attribute known only after apply, an
// intrinsic function naming something outside the scanned files); it carries
// the reason in Value.Reason and is never replaced by a guess.
const (
	Null Kind = iota
	String
	Number
	Bool
	List
	Object
	Unknown
)

var kindNames = [...]string{"null", "string", "number", "bool", "list", "object", "unknown"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// Value is a JSON-shaped tree with a source range on every node. Loaders
// build it from HCL/cty, YAML or JSON so that Parse can read a policy the same
// way whatever it was written in, and so that every principal keeps its line.
type Value struct {
	Kind   Kind
	Str    string  // String; Number and Bool in their JSON spelling
	Items  []Value // List
	Fields []Field // Object, in source order
	Range  Range
	Reason string // Unknown: why the value cannot be known offline
}

// Field is one member of an Object.
type Field struct {
	Key      string
	KeyRange Range
	Value    Value
}

// StringValue returns a String value at r.
func StringValue(s string, r Range) Value { return Value{Kind: String, Str: s, Range: r} }

// UnknownValue returns an Unknown value at r that explains itself with reason.
func UnknownValue(reason string, r Range) Value {
	return Value{Kind: Unknown, Reason: reason, Range: r}
}

// Get returns the value of the last field whose key equals key, ignoring
// case. IAM policy element names are matched case-insensitively by AWS's
// parser for the grammar's keywords, and the last duplicate wins as in most
// JSON decoders. ok is false when there is no such field.
func (v Value) Get(key string) (Value, bool) {
	var (
		found Value
		ok    bool
	)
	for _, f := range v.Fields {
		if strings.EqualFold(f.Key, key) {
			found, ok = f.Value, true
		}
	}
	return found, ok
}

// Field returns the last field whose key equals key ignoring case.
func (v Value) Field(key string) (Field, bool) {
	var (
		found Field
		ok    bool
	)
	for _, f := range v.Fields {
		if strings.EqualFold(f.Key, key) {
			found, ok = f, true
		}
	}
	return found, ok
}

// IsScalar reports whether v is a string, number or bool.
func (v Value) IsScalar() bool { return v.Kind == String || v.Kind == Number || v.Kind == Bool }

// FirstUnknown returns the first Unknown value in v (depth first), if any.
func (v Value) FirstUnknown() (Value, bool) {
	switch v.Kind {
	case Unknown:
		return v, true
	case List:
		for _, it := range v.Items {
			if u, ok := it.FirstUnknown(); ok {
				return u, true
			}
		}
	case Object:
		for _, f := range v.Fields {
			if u, ok := f.Value.FirstUnknown(); ok {
				return u, true
			}
		}
	case Null, String, Number, Bool:
	}
	return Value{}, false
}
