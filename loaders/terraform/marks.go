package terraform

import (
	"slices"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// Unknown values carry their reason as a cty mark. Marks travel with values
// through HCL operators, function calls, locals, variables and module
// outputs, so an unknown that reaches a policy still says which expression
// caused it ("var.reader_arn has no value"), however many steps lie between.
// Terraform uses marks the same way for sensitive values.

// reasonMark explains why a value is unknown.
type reasonMark struct{ text string }

// placeholderMark flags a value built from a placeholder name (a resource
// address standing in for a name the configuration does not fix); such a
// value is never reported as a resource's TargetName.
type placeholderMark struct{}

// unknownBecause is an unknown value of any type that explains itself.
func unknownBecause(reason string) cty.Value {
	if reason == "" {
		return cty.DynamicVal
	}
	return cty.DynamicVal.Mark(reasonMark{reason})
}

// unknownOf is an unknown value of type ty that explains itself.
func unknownOf(ty cty.Type, reason string) cty.Value {
	if reason == "" {
		return cty.UnknownVal(ty)
	}
	return cty.UnknownVal(ty).Mark(reasonMark{reason})
}

// reasonsOf returns the reasons carried by v's own marks, sorted.
func reasonsOf(marks cty.ValueMarks) []string {
	var out []string
	for m := range marks {
		if r, ok := m.(reasonMark); ok {
			out = append(out, r.text)
		}
	}
	slices.Sort(out)
	return out
}

// joinReasons renders up to three reasons; more are counted.
func joinReasons(rs []string) string {
	var uniq []string
	seen := map[string]bool{}
	for _, r := range rs {
		for part := range strings.SplitSeq(r, "; ") {
			if part != "" && !seen[part] {
				seen[part] = true
				uniq = append(uniq, part)
			}
		}
	}
	rs = uniq
	if len(rs) > 3 {
		extra := len(rs) - 3
		rs = append(rs[:3:3], "and "+strconv.Itoa(extra)+" more")
	}
	return strings.Join(rs, "; ")
}

// deepReasons collects the reasons of every mark anywhere in v.
func deepReasons(v cty.Value) []string {
	_, pvm := v.UnmarkDeepWithPaths()
	var out []string
	for _, p := range pvm {
		out = append(out, reasonsOf(p.Marks)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// hasPlaceholder reports whether v or anything in it was built from a
// placeholder name.
func hasPlaceholder(v cty.Value) bool {
	_, pvm := v.UnmarkDeepWithPaths()
	for _, p := range pvm {
		if p.Marks.Has(placeholderMark{}) {
			return true
		}
	}
	return false
}
