package terraform

import (
	"sort"
	"sync"

	"github.com/perimeter-iac/perimeter/policy"
)

// textIndex converts between byte offsets and line/column positions (in
// runes, as policy.ParseJSON counts them) of one text, in logarithmic time.
type textIndex struct {
	text       string
	lineStarts []int // byte offset of each line
	ascii      bool  // then a column is a byte offset within its line
	// chunkRunes[k] is the number of runes before byte k*indexChunk.
	chunkRunes []int
}

const indexChunk = 256

func newTextIndex(text string) textIndex {
	tx := textIndex{text: text, lineStarts: []int{0}, ascii: true}
	for i := range len(text) {
		switch c := text[i]; {
		case c == '\n':
			tx.lineStarts = append(tx.lineStarts, i+1)
		case c >= 0x80:
			tx.ascii = false
		}
	}
	if !tx.ascii {
		tx.chunkRunes = make([]int, len(text)/indexChunk+1)
		n := 0
		for i := range len(text) {
			if i%indexChunk == 0 {
				tx.chunkRunes[i/indexChunk] = n
			}
			if isRuneStart(text[i]) {
				n++
			}
		}
	}
	return tx
}

// isRuneStart reports whether c begins a rune (is not a UTF-8 continuation
// byte).
func isRuneStart(c byte) bool { return c&0xC0 != 0x80 }

// runesBefore counts the runes before byte offset off.
func (tx *textIndex) runesBefore(off int) int {
	if tx.ascii {
		return off
	}
	k := off / indexChunk
	n := tx.chunkRunes[k]
	for i := k * indexChunk; i < off; i++ {
		if isRuneStart(tx.text[i]) {
			n++
		}
	}
	return n
}

// runes counts the runes between byte offsets a <= b.
func (tx *textIndex) runes(a, b int) int { return tx.runesBefore(b) - tx.runesBefore(a) }

// lineOf returns the index of the line holding byte offset off.
func (tx *textIndex) lineOf(off int) int {
	return sort.SearchInts(tx.lineStarts, off+1) - 1
}

// offset returns the byte offset of a position (the end of the text for a
// position beyond it; the end of the line for a column beyond it).
func (tx *textIndex) offset(p policy.Pos) int {
	if p.Line < 1 || p.Line > len(tx.lineStarts) {
		return len(tx.text)
	}
	start := tx.lineStarts[p.Line-1]
	end := len(tx.text)
	if p.Line < len(tx.lineStarts) {
		end = tx.lineStarts[p.Line] - 1
	}
	if p.Column <= 1 {
		return start
	}
	if tx.ascii {
		return min(start+p.Column-1, end)
	}
	// The first byte of the line whose rune count from the line start is
	// Column-1: find its chunk, then walk within it.
	want := tx.runesBefore(start) + p.Column - 1
	k := sort.Search(len(tx.chunkRunes), func(k int) bool { return tx.chunkRunes[k] > want }) - 1
	i := max(k*indexChunk, start)
	n := tx.runesBefore(i)
	for ; i < end; i++ {
		if isRuneStart(tx.text[i]) {
			if n == want {
				return i
			}
			n++
		}
	}
	return end
}

// lineCache holds the line offsets of source files, computed once per file
// for all the templates in it.
type lineCache struct {
	mu sync.Mutex
	m  map[string][]int
}

func (lc *lineCache) starts(file string, src []byte) []int {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if l, ok := lc.m[file]; ok {
		return l
	}
	l := []int{0}
	for i, c := range src {
		if c == '\n' {
			l = append(l, i+1)
		}
	}
	if lc.m == nil {
		lc.m = map[string][]int{}
	}
	lc.m[file] = l
	return l
}
