package loaders

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/perimeter-iac/perimeter/policy"
)

// Limits bound the work one file can make a scan do, so that hostile input
// (a generated blob, a "billion laughs" YAML document, a policy with a
// hundred thousand statements) is refused with an error naming the file
// instead of exhausting the stack, memory or the user's patience.
// docs/limits.md documents each limit and what exceeding it does. A zero
// field means the default.
type Limits struct {
	// MaxFileSize is the largest file read, in bytes: by discovery, and by
	// a loader reading a file it was not given (a downloaded module).
	MaxFileSize int64
	// MaxDepth is the deepest nesting a file may have: brackets, braces,
	// operators chained in one HCL expression, JSON arrays and objects,
	// YAML collections. Parsers and evaluators recurse once per level, so
	// this bounds their stack.
	MaxDepth int
	// MaxNodes is the most syntax elements one file may hold (HCL tokens,
	// JSON values, YAML nodes): it bounds the memory a file's syntax tree
	// takes, whatever its size in bytes.
	MaxNodes int
	// MaxAliasExpansion is how many values YAML aliases may add to a
	// document beyond those written in it ("billion laughs").
	MaxAliasExpansion int
	// MaxStatements is the most statements of one policy document that are
	// analysed; the rest become one unresolved statement.
	MaxStatements int
}

// The default limits. Real configurations stay far below each: the largest
// policy AWS accepts is 20 KB for S3 (32 KB for KMS keys), a few hundred
// statements at most; a CloudFormation template is at most 1 MB; the
// deepest real Terraform and CloudFormation nest a few dozen levels.
const (
	DefaultMaxDepth          = 200
	DefaultMaxNodes          = 500_000
	DefaultMaxAliasExpansion = 200_000
	DefaultMaxStatements     = 500
)

// OrDefaults returns l with every zero field set to its default.
func (l Limits) OrDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultMaxFileSize
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	if l.MaxAliasExpansion <= 0 {
		l.MaxAliasExpansion = DefaultMaxAliasExpansion
	}
	if l.MaxStatements <= 0 {
		l.MaxStatements = DefaultMaxStatements
	}
	return l
}

// CapStatements keeps at most max statements of each policy document. The
// statements beyond the limit are not dropped silently: they become one
// Unknown statement (reported as an unresolved finding) and each capped
// document gets an error diagnostic.
func CapStatements(res []Resource, limit int) Diagnostics {
	if limit <= 0 {
		limit = DefaultMaxStatements
	}
	var diags Diagnostics
	for i := range res {
		for j := range res[i].Documents {
			d := &res[i].Documents[j]
			if d.Policy == nil || len(d.Policy.Statements) <= limit {
				continue
			}
			n := len(d.Policy.Statements)
			rest := d.Policy.Statements[limit]
			reason := fmt.Sprintf("the policy has %d statements; statements %d to %d were not analysed (over the limit of %d: raise it with --max-statements)", n, limit+1, n, limit)
			kept := slices.Clone(d.Policy.Statements[:limit])
			kept = append(kept, policy.Statement{Index: limit, Unknown: true, Reason: reason, Range: rest.Range})
			capped := *d.Policy
			capped.Statements = kept
			d.Policy = &capped
			diags.Errorf(rest.Range.Or(d.Range), "%s %s: %s", res[i].Address, d.Attribute, reason)
		}
	}
	return diags
}

// TextProblem reports why data cannot be read as UTF-8 text, or "" when it
// can be: a UTF-16 or UTF-32 byte order mark, or a NUL byte near the start
// (a binary file, or UTF-16 without a byte order mark). Terraform and
// CloudFormation read only UTF-8.
func TextProblem(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}):
		return "the file is UTF-32 encoded (it starts with a UTF-32 byte order mark); perimeter, like Terraform and CloudFormation, reads UTF-8 only: convert it to UTF-8"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return "the file is UTF-16 encoded (it starts with a UTF-16 byte order mark); perimeter, like Terraform and CloudFormation, reads UTF-8 only: convert it to UTF-8"
	}
	head := data[:min(len(data), 8000)]
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return fmt.Sprintf("the file is binary, not text (a NUL byte at offset %d)", i)
	}
	return ""
}

// DecodeUTF16 returns the UTF-8 text of data when it starts with a UTF-16
// byte order mark, so that a loader can tell whether it would have read the
// file (a CloudFormation template is recognised by its content).
func DecodeUTF16(data []byte) ([]byte, bool) {
	var big bool
	switch {
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		big = true
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
	default:
		return nil, false
	}
	data = data[2:]
	units := make([]uint16, 0, len(data)/2)
	for i := 0; i+1 < len(data); i += 2 {
		if big {
			units = append(units, uint16(data[i])<<8|uint16(data[i+1]))
		} else {
			units = append(units, uint16(data[i+1])<<8|uint16(data[i]))
		}
	}
	out := make([]byte, 0, len(units))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out, true
}

// LimitHint names the flag that raises the limit a message of
// policy.ParseJSON (a SyntaxError with Limit set) is about.
func LimitHint(msg string) string {
	if strings.Contains(msg, "nests deeper") {
		return "raise the limit with --max-depth"
	}
	return "raise the limit with --max-nodes"
}
