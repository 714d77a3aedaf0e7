package tfplan

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// A plan is read without building a tree of the whole file: a plan of tens
// of megabytes is mostly prior state, drift and values of resources that
// grant nothing. The scanner walks the bytes (the file was checked to be
// valid JSON first), and only the few values perimeter needs are parsed,
// with policy.ParseJSON, at their positions in the file.

// node is the span of one JSON value in the file: data[start:end].
type node struct{ start, end int }

// ok reports whether the node is present.
func (n node) ok() bool { return n.end > n.start }

// doc is one plan file.
type doc struct {
	file string
	data []byte
	pos  *posIndex
}

func (d *doc) root() node {
	i := d.ws(0)
	if len(d.data) >= 3 && d.data[0] == 0xEF && d.data[1] == 0xBB && d.data[2] == 0xBF {
		i = d.ws(3)
	}
	return node{i, d.skip(i)}
}

func (d *doc) ws(i int) int {
	for i < len(d.data) {
		switch d.data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skip returns the end of the value starting at i (or len(data) when it
// does not end).
func (d *doc) skip(i int) int {
	if i >= len(d.data) {
		return i
	}
	switch d.data[i] {
	case '"':
		return d.skipString(i)
	case '{', '[':
		depth := 0
		for i < len(d.data) {
			switch d.data[i] {
			case '"':
				i = d.skipString(i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default:
		for i < len(d.data) {
			switch d.data[i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return i
			}
			i++
		}
		return i
	}
}

func (d *doc) skipString(i int) int {
	i++
	for i < len(d.data) {
		j := bytes.IndexByte(d.data[i:], '"')
		if j < 0 {
			break
		}
		q := i + j
		// The quote ends the string unless an odd run of backslashes
		// escapes it.
		n := 0
		for k := q - 1; k >= i && d.data[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q + 1
		}
		i = q + 1
	}
	return len(d.data)
}

// first returns the first byte of a node (0 when absent).
func (d *doc) first(n node) byte {
	if !n.ok() {
		return 0
	}
	return d.data[n.start]
}

func (d *doc) isObject(n node) bool { return d.first(n) == '{' }
func (d *doc) isArray(n node) bool  { return d.first(n) == '[' }
func (d *doc) isString(n node) bool { return d.first(n) == '"' }
func (d *doc) isNull(n node) bool   { return !n.ok() || d.first(n) == 'n' }
func (d *doc) isTrue(n node) bool   { return d.first(n) == 't' }

// members calls fn with each member of an object, in order, until fn
// returns false.
func (d *doc) members(n node, fn func(key string, keyNode, val node) bool) {
	if !d.isObject(n) {
		return
	}
	i := d.ws(n.start + 1)
	for i < n.end && d.data[i] == '"' {
		k := node{i, d.skipString(i)}
		key, _ := d.str(k)
		i = d.ws(k.end)
		if i >= n.end || d.data[i] != ':' {
			return
		}
		i = d.ws(i + 1)
		v := node{i, d.skip(i)}
		if !fn(key, k, v) {
			return
		}
		i = d.ws(v.end)
		if i >= n.end || d.data[i] != ',' {
			return
		}
		i = d.ws(i + 1)
	}
}

// items calls fn with each element of an array until fn returns false.
func (d *doc) items(n node, fn func(v node) bool) {
	if !d.isArray(n) {
		return
	}
	i := d.ws(n.start + 1)
	for i < n.end && d.data[i] != ']' {
		v := node{i, d.skip(i)}
		if v.end <= v.start || !fn(v) {
			return
		}
		i = d.ws(v.end)
		if i >= n.end || d.data[i] != ',' {
			return
		}
		i = d.ws(i + 1)
	}
}

// get returns the member key of an object (the last one, as JSON decoders
// do).
func (d *doc) get(n node, key string) node {
	var found node
	d.members(n, func(k string, _, v node) bool {
		if k == key {
			found = v
		}
		return true
	})
	return found
}

// getAll returns several members in one pass.
func (d *doc) getAll(n node, keys ...string) []node {
	out := make([]node, len(keys))
	d.members(n, func(k string, _, v node) bool {
		for i, want := range keys {
			if k == want {
				out[i] = v
			}
		}
		return true
	})
	return out
}

// str decodes a string node.
func (d *doc) str(n node) (string, bool) {
	if !d.isString(n) || n.end-n.start < 2 {
		return "", false
	}
	raw := d.data[n.start+1 : n.end-1]
	plain := true
	for _, b := range raw {
		if b == '\\' || b >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return string(raw), true
	}
	var s string
	if err := json.Unmarshal(d.data[n.start:n.end], &s); err != nil {
		return "", false
	}
	return s, true
}

// text renders a scalar node as a string: strings decoded, numbers and
// booleans as written; ok is false for null, objects and arrays.
func (d *doc) text(n node) (string, bool) {
	switch c := d.first(n); {
	case c == '"':
		return d.str(n)
	case c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9'):
		return string(d.data[n.start:n.end]), true
	}
	return "", false
}

// strings decodes an array of strings (other elements are skipped).
func (d *doc) strings(n node) []string {
	var out []string
	d.items(n, func(v node) bool {
		if s, ok := d.str(v); ok {
			out = append(out, s)
		}
		return true
	})
	return out
}

// value parses a node into a policy.Value with positions in the file.
func (d *doc) value(n node) (policy.Value, error) {
	return policy.ParseJSON(d.data[n.start:n.end], policy.JSONOptions{File: d.file, Start: d.at(n.start)})
}

// rangeOf is the range a node covers.
func (d *doc) rangeOf(n node) loaders.Range {
	return loaders.Range{File: d.file, Start: d.at(n.start), End: d.at(n.end)}
}

// span is the range from one node's start to another's end (a member:
// key to value).
func (d *doc) span(from, to node) loaders.Range {
	return loaders.Range{File: d.file, Start: d.at(from.start), End: d.at(to.end)}
}

// at is the position of a byte offset.
func (d *doc) at(off int) policy.Pos {
	if d.pos == nil {
		d.pos = newPosIndex(d.data)
	}
	return d.pos.at(d.data, off)
}

// posIndex turns byte offsets into line and column (columns count code
// points, as policy.ParseJSON counts them). `terraform show -json` writes
// the whole plan on one line, so columns cannot be counted from the line
// start for every lookup: the index keeps the position of every
// checkpointEvery-th byte, and a lookup scans at most that many bytes.
type posIndex struct {
	marks []policy.Pos
}

const checkpointEvery = 1024

func newPosIndex(data []byte) *posIndex {
	p := &posIndex{marks: make([]policy.Pos, 0, len(data)/checkpointEvery+2)}
	pos := policy.Pos{Line: 1, Column: 1}
	for start := 0; start <= len(data); start += checkpointEvery {
		p.marks = append(p.marks, pos)
		chunk := data[start:min(start+checkpointEvery, len(data))]
		if nl := bytes.LastIndexByte(chunk, '\n'); nl >= 0 {
			pos.Line += bytes.Count(chunk, []byte{'\n'})
			pos.Column = 1 + codePoints(chunk[nl+1:])
		} else {
			pos.Column += codePoints(chunk)
		}
	}
	return p
}

// codePoints counts the bytes that are not UTF-8 continuation bytes, as
// policy.ParseJSON counts columns.
func codePoints(b []byte) int {
	n := len(b)
	for _, c := range b {
		if c&0xC0 == 0x80 {
			n--
		}
	}
	return n
}

func (p *posIndex) at(data []byte, off int) policy.Pos {
	off = max(0, min(off, len(data)))
	k := min(off/checkpointEvery, len(p.marks)-1)
	pos := p.marks[k]
	for _, b := range data[k*checkpointEvery : off] {
		switch {
		case b == '\n':
			pos.Line, pos.Column = pos.Line+1, 1
		case b&0xC0 != 0x80:
			pos.Column++
		}
	}
	return pos
}

// sortedKeys returns the keys of a map in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
