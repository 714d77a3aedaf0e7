package cloudformation

import (
	"bytes"
	"slices"
	"strings"
)

var templateExts = []string{".yaml", ".yml", ".json", ".template"}

// sniff reports whether a file is a CloudFormation template without parsing
// it: it has a top-level AWSTemplateFormatVersion key, or a top-level
// Resources mapping with an entry whose Type starts with AWS::, Alexa:: or
// Custom::. Most files are rejected by two substring searches; the rest by
// a scan of the top-level keys that builds nothing.
func sniff(path string, data []byte) bool {
	if isCDKManifest(path, data) || isCDKAssets(path, data) {
		return true // read for the stack names and nested templates beside it
	}
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".tf.json") || strings.HasSuffix(lower, ".tfvars.json") ||
		!slices.ContainsFunc(templateExts, func(ext string) bool { return strings.HasSuffix(lower, ext) }) {
		return false
	}
	hasVersion := bytes.Contains(data, []byte("AWSTemplateFormatVersion"))
	if !hasVersion && !bytes.Contains(data, []byte("Resources")) {
		return false
	}
	if isJSON(data) {
		if claimed, ok := sniffJSON(data); ok {
			return claimed
		}
		// Not JSON after all (YAML flow style): fall back to the line scan.
	}
	return sniffYAML(data)
}

// sniffYAML scans the lines of a YAML document for top-level keys.
func sniffYAML(data []byte) bool {
	inResources := false
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimRight(line, " \t\r")
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' && line[0] != '-' {
			key := yamlKey(line)
			if key == "AWSTemplateFormatVersion" {
				return true
			}
			inResources = key == "Resources"
			continue
		}
		if !inResources {
			continue
		}
		trimmed := bytes.TrimLeft(line, " \t")
		key := yamlKey(trimmed)
		if key != "Type" {
			continue
		}
		_, val, _ := bytes.Cut(trimmed, []byte(":"))
		v := strings.Trim(strings.TrimSpace(string(val)), `"'`)
		if hasTypePrefix(v) {
			return true
		}
	}
	return false
}

// yamlKey returns the key of a "key: value" line, unquoted, or "".
func yamlKey(line []byte) string {
	i := bytes.IndexByte(line, ':')
	if i <= 0 || (i+1 < len(line) && line[i+1] != ' ' && line[i+1] != '\t') {
		return ""
	}
	return strings.Trim(strings.TrimSpace(string(line[:i])), `"'`)
}

// jsonScan walks JSON without building anything.
type jsonScan struct {
	data []byte
	i    int
}

// sniffJSON checks the top-level keys of a JSON object. ok is false when the
// data is not well-formed enough to tell.
func sniffJSON(data []byte) (claimed, ok bool) {
	s := &jsonScan{data: bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))}
	s.ws()
	if !s.eat('{') {
		return false, false
	}
	for {
		s.ws()
		if s.eat('}') {
			return false, true
		}
		key, good := s.str()
		if !good {
			return false, false
		}
		s.ws()
		if !s.eat(':') {
			return false, false
		}
		s.ws()
		switch key {
		case "AWSTemplateFormatVersion":
			return true, true
		case "Resources":
			if found, good := s.resources(); !good {
				return false, false
			} else if found {
				return true, true
			}
		default:
			if !s.skip() {
				return false, false
			}
		}
		s.ws()
		if !s.eat(',') {
			s.ws()
			return false, s.eat('}')
		}
	}
}

// resources scans the Resources object for an entry with a template Type.
func (s *jsonScan) resources() (found, ok bool) {
	if s.peek() != '{' {
		return false, s.skip()
	}
	return s.members(func(string) (bool, bool) {
		if s.peek() != '{' {
			return false, s.skip()
		}
		return s.members(func(key string) (bool, bool) {
			if key != "Type" || s.peek() != '"' {
				return false, s.skip()
			}
			typ, good := s.str()
			return good && hasTypePrefix(typ), good
		})
	})
}

// members walks the members of the object at the scanner (which must be at
// its '{'), calling value with each key while positioned at the value; the
// callback consumes the value. The walk stops when value reports found.
func (s *jsonScan) members(value func(key string) (found, ok bool)) (found, ok bool) {
	s.i++ // {
	for {
		s.ws()
		if s.eat('}') {
			return false, true
		}
		key, good := s.str()
		if !good {
			return false, false
		}
		s.ws()
		if !s.eat(':') {
			return false, false
		}
		s.ws()
		if found, good := value(key); !good || found {
			return found, good
		}
		s.ws()
		if !s.eat(',') {
			s.ws()
			return false, s.eat('}')
		}
	}
}

func (s *jsonScan) peek() byte {
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

func (s *jsonScan) eat(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

func (s *jsonScan) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// str consumes a string and returns its raw content (escapes are kept: the
// keys sniffed for have none).
func (s *jsonScan) str() (string, bool) {
	if !s.eat('"') {
		return "", false
	}
	start := s.i
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			v := string(s.data[start:s.i])
			s.i++
			return v, true
		}
		s.i++
	}
	return "", false
}

// skip consumes one value of any kind.
func (s *jsonScan) skip() bool {
	switch s.peek() {
	case '"':
		_, ok := s.str()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.data) {
			switch s.data[s.i] {
			case '"':
				if _, ok := s.str(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	case 0:
		return false
	}
	start := s.i
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return s.i > start
		}
		s.i++
	}
	return s.i > start
}
