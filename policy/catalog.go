package policy

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// The embedded IAM action catalog: for every service prefix, every action and
// its access levels, from the AWS Service Authorization Reference (see
// CATALOG-NOTICE.txt). Regenerate it from ../shared/data/iam-actions.tsv:
//
//go:generate go run ./internal/catalogdata -in ../../shared/data/iam-actions.tsv -out catalog.tsv.gz
//go:embed catalog.tsv.gz
var catalogGz []byte

// The access levels of the Service Authorization Reference, in the order
// perimeter reports them.
const (
	LevelList        = "List"
	LevelRead        = "Read"
	LevelWrite       = "Write"
	LevelTagging     = "Tagging"
	LevelPermissions = "Permissions management"
)

var levelOrder = []string{LevelList, LevelRead, LevelWrite, LevelTagging, LevelPermissions}

type levelSet uint8

var letterLevels = map[byte]levelSet{'L': 1, 'R': 2, 'W': 4, 'T': 8, 'P': 16}

func (s levelSet) names() []string {
	var out []string
	for i, name := range levelOrder {
		if s&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

type catalogAction struct {
	name   string // as AWS spells it: GetObject
	lower  string
	levels levelSet
}

// Catalog is the IAM action catalog. The zero value is not usable; call
// LoadCatalog.
type Catalog struct {
	services map[string][]catalogAction // lower-case service prefix -> actions
	names    []string                   // sorted service prefixes

	mu    sync.Mutex
	cache map[string][]string // memoised AccessLevels answers
}

var (
	catalogOnce sync.Once
	catalog     *Catalog
)

// LoadCatalog returns the embedded catalog, decoding it on first use (a few
// milliseconds; scans that find no policy never pay it).
func LoadCatalog() *Catalog {
	catalogOnce.Do(func() { catalog = decodeCatalog(catalogGz) })
	return catalog
}

func decodeCatalog(gz []byte) *Catalog {
	c := &Catalog{services: map[string][]catalogAction{}, cache: map[string][]string{}}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		// The catalog is embedded at build time and tested; a broken one is
		// a build defect, so an empty catalog (no access levels) is the
		// least surprising fallback at run time.
		return c
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	for sc.Scan() {
		service, list, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		var actions []catalogAction
		for item := range strings.SplitSeq(list, ",") {
			name, letters, _ := strings.Cut(item, "=")
			var set levelSet
			for i := range len(letters) {
				set |= letterLevels[letters[i]]
			}
			actions = append(actions, catalogAction{name: name, lower: strings.ToLower(name), levels: set})
		}
		c.services[service] = actions
		c.names = append(c.names, service)
	}
	slices.Sort(c.names)
	return c
}

// Services returns the number of services in the catalog.
func (c *Catalog) Services() int { return len(c.names) }

// Known reports whether action ("s3:GetObject", no wildcards) is in the
// catalog.
func (c *Catalog) Known(action string) bool {
	service, name, ok := strings.Cut(strings.ToLower(action), ":")
	if !ok {
		return false
	}
	for _, a := range c.services[service] {
		if a.lower == name {
			return true
		}
	}
	return false
}

// Expand returns the catalog actions ("service:Action") that the patterns
// match. IAM matches actions case-insensitively with * and ? wildcards. With
// not set (NotAction), it returns the actions of the given services that no
// pattern matches; with no services given, all services are considered.
func (c *Catalog) Expand(patterns []string, not bool, services []string) []string {
	var out []string
	c.walk(patterns, not, services, func(service string, a catalogAction) {
		out = append(out, service+":"+a.name)
	})
	return out
}

// AccessLevels returns the access levels (List, Read, Write, Tagging,
// Permissions management, in that order) of the actions the patterns match,
// read the same way as Expand. Actions the catalog does not know add no level.
func (c *Catalog) AccessLevels(patterns []string, not bool, services []string) []string {
	key := strings.Join(patterns, "\x00") + "\x01" + strings.Join(services, "\x00")
	if not {
		key = "!" + key
	}
	c.mu.Lock()
	if levels, ok := c.cache[key]; ok {
		c.mu.Unlock()
		return levels
	}
	c.mu.Unlock()
	var set levelSet
	c.walk(patterns, not, services, func(_ string, a catalogAction) { set |= a.levels })
	levels := set.names()
	c.mu.Lock()
	if len(c.cache) > 100_000 {
		clear(c.cache)
	}
	c.cache[key] = levels
	c.mu.Unlock()
	return levels
}

type actionPattern struct {
	service string // lower-case; may hold wildcards
	name    string // lower-case; may hold wildcards
}

func compilePatterns(patterns []string) []actionPattern {
	out := make([]actionPattern, 0, len(patterns))
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "*" {
			out = append(out, actionPattern{service: "*", name: "*"})
			continue
		}
		service, name, ok := strings.Cut(p, ":")
		if !ok {
			continue // not an action AWS would accept
		}
		out = append(out, actionPattern{service: service, name: name})
	}
	return out
}

func (c *Catalog) walk(patterns []string, not bool, services []string, visit func(string, catalogAction)) {
	ps := compilePatterns(patterns)
	names := c.names
	if not && len(services) > 0 {
		names = services
	}
	for _, service := range names {
		service = strings.ToLower(service)
		var matching []actionPattern
		for _, p := range ps {
			if WildcardMatch(p.service, service) {
				matching = append(matching, p)
			}
		}
		if !not && len(matching) == 0 {
			continue
		}
		for _, a := range c.services[service] {
			hit := false
			for _, p := range matching {
				if WildcardMatch(p.name, a.lower) {
					hit = true
					break
				}
			}
			if hit != not {
				visit(service, a)
			}
		}
	}
}

// WildcardMatch reports whether s matches pattern, where * matches any run of
// characters and ? any single character, the way IAM matches actions and
// StringLike matches values. Matching is byte-wise and case-sensitive; lower
// both sides for case-insensitive matching.
func WildcardMatch(pattern, s string) bool {
	// Iterative matcher with single-star backtracking: linear in practice and
	// never exponential, whatever the input.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
