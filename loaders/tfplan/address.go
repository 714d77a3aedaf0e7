package tfplan

import (
	"strings"
)

// Addresses in a plan are Terraform's absolute addresses:
// module.a["x"].module.b[0].aws_s3_bucket_policy.p["k"]. Instance keys are
// numbers or quoted strings with escapes.

// step is one step of an address or reference: a name, or an instance key
// (key holds the key as written, quotes included: ["x"] or [0]).
type step struct {
	name string
	key  string
}

func (s step) isKey() bool { return s.key != "" }

// splitAddress splits an address or reference into steps. ok is false when
// it is malformed (an unterminated key).
func splitAddress(s string) (steps []step, ok bool) {
	for i := 0; i < len(s); {
		switch s[i] {
		case '.':
			i++
		case '[':
			end, ok := keyEnd(s, i)
			if !ok {
				return nil, false
			}
			steps = append(steps, step{key: s[i:end]})
			i = end
		default:
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			steps = append(steps, step{name: s[i:j]})
			i = j
		}
	}
	return steps, true
}

// keyEnd returns the offset after the ']' closing the key that opens at i.
func keyEnd(s string, i int) (int, bool) {
	j := i + 1
	if j < len(s) && s[j] == '"' {
		j++
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		j++
	}
	for j < len(s) && s[j] != ']' {
		j++
	}
	if j >= len(s) {
		return 0, false
	}
	return j + 1, true
}

// moduleStep is one module call on the way to a resource.
type moduleStep struct {
	name    string // the call's name
	address string // the module instance it leads to: module.a["x"]
}

// resourceAddress is a parsed resource instance address.
type resourceAddress struct {
	modules   []moduleStep
	typ, name string
	key       string // instance key as written, "" when there is none
}

// parseResourceAddress parses a managed resource instance address.
func parseResourceAddress(s string) (resourceAddress, bool) {
	steps, ok := splitAddress(s)
	if !ok {
		return resourceAddress{}, false
	}
	var a resourceAddress
	prefix := ""
	i := 0
	for i+1 < len(steps) && steps[i].name == "module" && !steps[i+1].isKey() {
		name := steps[i+1].name
		prefix += "module." + name
		i += 2
		if i < len(steps) && steps[i].isKey() {
			prefix += steps[i].key
			i++
		}
		a.modules = append(a.modules, moduleStep{name: name, address: prefix})
		prefix += "."
	}
	rest := steps[i:]
	if len(rest) < 2 || rest[0].isKey() || rest[1].isKey() || rest[0].name == "data" {
		return resourceAddress{}, false
	}
	a.typ, a.name = rest[0].name, rest[1].name
	switch {
	case len(rest) == 3 && rest[2].isKey():
		a.key = rest[2].key
	case len(rest) != 2:
		return resourceAddress{}, false
	}
	return a, true
}

// modulePrefix is the module part of the address with a trailing dot, or
// "" for the root module.
func (a resourceAddress) modulePrefix() string {
	if len(a.modules) == 0 {
		return ""
	}
	return a.modules[len(a.modules)-1].address + "."
}

// block is the address of the resource block, without its instance key.
func (a resourceAddress) block() string {
	return a.modulePrefix() + a.typ + "." + a.name
}

// stripKeys removes every instance key from an address:
// module.a["x"].aws_s3_bucket.b[0] becomes module.a.aws_s3_bucket.b.
func stripKeys(s string) string {
	steps, ok := splitAddress(s)
	if !ok {
		return s
	}
	var b strings.Builder
	for _, st := range steps {
		if st.isKey() {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(st.name)
	}
	return b.String()
}
