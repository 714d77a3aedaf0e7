package tfplan

import (
	"fmt"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// Planned values omit what is known only after apply; after_unknown marks
// those leaves with true, and after_sensitive marks sensitive leaves. A
// value is rebuilt from the three: an unknown leaf becomes policy.Unknown
// with the attribute's path in its reason. A sensitive leaf keeps its
// value (`terraform show -json` prints sensitive values in plain text);
// when a tool has redacted it (null or absent), it is unknown.

// masks are the after_unknown and after_sensitive nodes matching a value.
type masks struct{ unknown, sensitive node }

func (m masks) member(d *doc, key string) masks {
	return masks{unknown: d.get(m.unknown, key), sensitive: d.get(m.sensitive, key)}
}

// unknownReason is the reason of a value known only after apply. refs are
// the references of the argument's expression in the configuration; the
// most specific of each object referred to are named.
func unknownReason(path string, refs []string) string {
	reason := path + " is known only after apply"
	var named []string
	for _, r := range refs {
		covered := false
		for _, n := range named {
			if strings.HasPrefix(n, r+".") || strings.HasPrefix(n, r+"[") || n == r {
				covered = true
			}
		}
		if !covered {
			named = append(named, r)
		}
		if len(named) == 3 {
			break
		}
	}
	if len(named) > 0 {
		reason += " (it refers to " + strings.Join(named, ", ") + ")"
	}
	return reason
}

func sensitiveReason(path string) string {
	return path + " is sensitive in the plan and its value is not shown"
}

// argValue rebuilds one argument's value. val is the value node (absent
// when the plan omits it), m its masks, path the attribute's address
// (aws_s3_bucket_policy.p.policy). With doc set, a string holding JSON is
// parsed with exact positions.
func (d *doc) argValue(val node, m masks, path string, refs []string, doc bool) policy.Value {
	switch {
	case d.isTrue(m.unknown):
		return policy.UnknownValue(unknownReason(path, refs), d.rangeOf(m.unknown))
	case d.isTrue(m.sensitive) && d.isNull(val):
		return policy.UnknownValue(sensitiveReason(path), d.rangeOf(m.sensitive))
	case !val.ok():
		if d.isObject(m.unknown) || d.isArray(m.unknown) {
			return d.merge(policy.Value{Kind: policy.Null, Range: d.rangeOf(m.unknown)}, m, path, 0)
		}
		return policy.Value{Kind: policy.Null}
	}
	if doc && d.isString(val) {
		if v, ok := d.embedded(val); ok {
			return v
		}
	}
	v, err := d.value(val)
	if err != nil {
		return policy.UnknownValue(fmt.Sprintf("%s cannot be read: %v", path, err), d.rangeOf(val))
	}
	if m.unknown.ok() || m.sensitive.ok() {
		v = d.merge(v, m, path, 0)
	}
	return v
}

// merge applies the masks to a value parsed from the plan.
func (d *doc) merge(v policy.Value, m masks, path string, depth int) policy.Value {
	switch {
	case d.isTrue(m.unknown):
		return policy.UnknownValue(path+" is known only after apply", d.rangeOf(m.unknown))
	case d.isTrue(m.sensitive) && v.Kind == policy.Null:
		return policy.UnknownValue(sensitiveReason(path), d.rangeOf(m.sensitive))
	case depth > maxMaskDepth:
		return v
	}
	switch {
	case v.Kind == policy.List || (v.Kind == policy.Null && d.isArray(m.unknown)):
		unk, sens := d.elements(m.unknown), d.elements(m.sensitive)
		n := max(len(v.Items), len(unk))
		for i := range n {
			em := masks{unknown: at(unk, i), sensitive: at(sens, i)}
			p := fmt.Sprintf("%s[%d]", path, i)
			if i < len(v.Items) {
				v.Items[i] = d.merge(v.Items[i], em, p, depth+1)
			} else if d.isTrue(em.unknown) {
				v.Items = append(v.Items, policy.UnknownValue(p+" is known only after apply", d.rangeOf(em.unknown)))
			}
		}
		v.Kind = policy.List
	case v.Kind == policy.Object || (v.Kind == policy.Null && d.isObject(m.unknown)):
		unk, sens := d.fields(m.unknown), d.fields(m.sensitive)
		seen := map[string]bool{}
		for i := range v.Fields {
			f := &v.Fields[i]
			seen[f.Key] = true
			f.Value = d.merge(f.Value, masks{unknown: unk[f.Key], sensitive: sens[f.Key]}, attrPath(path, f.Key), depth+1)
		}
		d.members(m.unknown, func(key string, k, u node) bool {
			if !seen[key] && d.isTrue(u) {
				v.Fields = append(v.Fields, policy.Field{
					Key: key, KeyRange: d.rangeOf(k),
					Value: policy.UnknownValue(attrPath(path, key)+" is known only after apply", d.rangeOf(u)),
				})
			}
			return true
		})
		v.Kind = policy.Object
	}
	return v
}

// maxMaskDepth bounds the walk of nested values (ParseJSON bounds their
// depth already; masks follow them).
const maxMaskDepth = 64

func (d *doc) elements(n node) []node {
	var out []node
	d.items(n, func(v node) bool {
		out = append(out, v)
		return true
	})
	return out
}

func (d *doc) fields(n node) map[string]node {
	out := map[string]node{}
	d.members(n, func(key string, _, v node) bool {
		out[key] = v
		return true
	})
	return out
}

// fieldsAndKeys indexes an object's members: values and key nodes.
func (d *doc) fieldsAndKeys(n node) (values, keys map[string]node) {
	values, keys = map[string]node{}, map[string]node{}
	d.members(n, func(key string, k, v node) bool {
		values[key], keys[key] = v, k
		return true
	})
	return values, keys
}

func at(nodes []node, i int) node {
	if i < len(nodes) {
		return nodes[i]
	}
	return node{}
}

// attrPath appends an attribute or map key to a path.
func attrPath(path, key string) string {
	ident := key != ""
	for i, c := range key {
		letter := c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			ident = false
			break
		}
	}
	if ident {
		return path + "." + key
	}
	return fmt.Sprintf("%s[%q]", path, key)
}

// reRange gives every node of v the range r (the argument in the
// configuration the value was planned from).
func reRange(v *policy.Value, r loaders.Range, depth int) {
	v.Range = r
	if depth > policy.DefaultMaxDepth {
		return
	}
	for i := range v.Items {
		reRange(&v.Items[i], r, depth+1)
	}
	for i := range v.Fields {
		v.Fields[i].KeyRange = r
		reRange(&v.Fields[i].Value, r, depth+1)
	}
}
