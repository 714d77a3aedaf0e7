package policy

import (
	"fmt"
	"strings"
)

// Document is a parsed IAM policy document.
type Document struct {
	Version    string
	ID         string
	Statements []Statement
	Range      Range
	// Unknown is set when the document as a whole could not be resolved
	// offline; Reason says why. Such a document has no statements and must
	// be reported as unresolved, never as clean.
	Unknown bool
	Reason  string
	// Problems are departures from the policy grammar that AWS would
	// reject or that hide part of the policy from analysis.
	Problems []Problem
}

// Problem is a grammar error found while parsing a document.
type Problem struct {
	Message string
	Range   Range
}

// Element names a principal element of a statement.
const (
	ElementPrincipal    = "Principal"
	ElementNotPrincipal = "NotPrincipal"
)

// Statement is one statement of a policy document.
type Statement struct {
	Index int // position in the document's Statement list
	Sid   string
	// Effect is "Allow" or "Deny" as AWS spells them (the value is case
	// sensitive); anything else is kept as written and reported as a problem.
	// When the effect could not be resolved, Effect is "" and EffectReason
	// says why.
	Effect       string
	EffectReason string
	// PrincipalElement is ElementPrincipal, ElementNotPrincipal or "" when
	// the statement names no principal (an identity-policy statement).
	PrincipalElement string
	Principals       []Principal
	PrincipalRange   Range

	Actions        []string
	NotAction      bool
	ActionsReason  string // set when some actions could not be resolved
	ActionRange    Range
	Resources      []string
	NotResource    bool
	ResourceReason string

	Conditions []Condition

	// Unknown is set when the statement itself could not be resolved (for
	// example a Terraform variable holding a whole statement).
	Unknown bool
	Reason  string
	Range   Range
}

// maxNestedJSON bounds how many times a policy may be a JSON string holding
// JSON (CloudFormation lets a policy property be a string; hostile input
// nests that). Each level is parsed from a string, so three levels are
// plenty for real templates.
const maxNestedJSON = 3

// Parse reads a policy document from v. It never fails: what it cannot read
// becomes a Problem or an Unknown part of the document, so that a broken
// policy is reported rather than silently treated as granting nothing.
func Parse(v Value) *Document {
	d := &Document{Range: v.Range}
	for range maxNestedJSON {
		if v.Kind != String {
			break
		}
		parsed, err := parseEmbedded(v)
		if err != nil {
			d.Problems = append(d.Problems, Problem{Message: "policy is not valid JSON: " + err.Error(), Range: v.Range})
			return d
		}
		v = parsed
	}
	switch v.Kind {
	case Object:
	case Unknown:
		d.Unknown, d.Reason = true, v.Reason
		return d
	case Null:
		return d // no policy attached
	case String, Number, Bool, List:
		d.Problems = append(d.Problems, Problem{Message: fmt.Sprintf("policy document is a %s, not a JSON object", v.Kind), Range: v.Range})
		return d
	}
	for _, f := range v.Fields {
		switch strings.ToLower(f.Key) {
		case "version":
			d.Version = scalarOr(f.Value, "")
		case "id":
			d.ID = scalarOr(f.Value, "")
		case "statement":
			d.parseStatements(f.Value)
		default:
			d.problem(f.KeyRange, "unknown policy element %q", f.Key)
		}
	}
	return d
}

// parseEmbedded parses a JSON policy held in a string value. Positions inside
// the string are approximate (escapes shift columns) but the lines are right
// for the common case of a heredoc or a multi-line YAML block.
func parseEmbedded(v Value) (Value, error) {
	start := v.Range.Start
	return ParseJSON([]byte(v.Str), JSONOptions{File: v.Range.File, Start: start})
}

func (d *Document) problem(r Range, format string, args ...any) {
	d.Problems = append(d.Problems, Problem{Message: fmt.Sprintf(format, args...), Range: r})
}

func (d *Document) parseStatements(v Value) {
	switch v.Kind {
	case Object:
		d.Statements = append(d.Statements, d.parseStatement(v, len(d.Statements)))
	case List:
		for _, item := range v.Items {
			if item.Kind != Object && item.Kind != Unknown {
				d.problem(item.Range, "statement is a %s, not an object", item.Kind)
				continue
			}
			d.Statements = append(d.Statements, d.parseStatement(item, len(d.Statements)))
		}
	case Unknown:
		d.Statements = append(d.Statements, Statement{Index: len(d.Statements), Unknown: true, Reason: v.Reason, Range: v.Range})
	case Null, String, Number, Bool:
		d.problem(v.Range, "Statement is a %s, not an object or a list", v.Kind)
	}
}

func (d *Document) parseStatement(v Value, index int) Statement {
	s := Statement{Index: index, Range: v.Range}
	if v.Kind == Unknown {
		s.Unknown, s.Reason = true, v.Reason
		return s
	}
	for _, f := range v.Fields {
		switch key := strings.ToLower(f.Key); key {
		case "sid":
			s.Sid = scalarOr(f.Value, "")
		case "effect":
			switch f.Value.Kind {
			case Unknown:
				s.EffectReason = f.Value.Reason
			case String:
				s.Effect = f.Value.Str
				if s.Effect != "Allow" && s.Effect != "Deny" {
					d.problem(f.Value.Range, "Effect %q is neither \"Allow\" nor \"Deny\" (AWS matches it case-sensitively)", s.Effect)
				}
			case Null, Number, Bool, List, Object:
				d.problem(f.Value.Range, "Effect is a %s, not a string", f.Value.Kind)
			}
		case "principal", "notprincipal":
			if s.PrincipalElement != "" {
				d.problem(f.KeyRange, "statement has both Principal and NotPrincipal")
			}
			s.PrincipalElement = ElementPrincipal
			if key == "notprincipal" {
				s.PrincipalElement = ElementNotPrincipal
			}
			s.PrincipalRange = f.Value.Range
			s.Principals = d.parsePrincipals(f.Value)
		case "action", "notaction":
			s.NotAction = key == "notaction"
			s.ActionRange = f.Value.Range
			s.Actions, s.ActionsReason = d.stringList(f.Value, f.Key)
		case "resource", "notresource":
			s.NotResource = key == "notresource"
			s.Resources, s.ResourceReason = d.stringList(f.Value, f.Key)
		case "condition":
			s.Conditions = d.parseConditions(f.Value)
		default:
			d.problem(f.KeyRange, "unknown statement element %q", f.Key)
		}
	}
	return s
}

// stringList reads an element that is a string or a list of strings. Unknown
// items are dropped from the list and reported through reason.
func (d *Document) stringList(v Value, element string) (list []string, reason string) {
	add := func(item Value) {
		switch item.Kind {
		case String, Number, Bool:
			list = append(list, item.Str)
		case Unknown:
			if reason == "" {
				reason = item.Reason
			}
		case Null, List, Object:
			d.problem(item.Range, "%s item is a %s, not a string", element, item.Kind)
		}
	}
	if v.Kind == List {
		for _, item := range v.Items {
			add(item)
		}
		return list, reason
	}
	add(v)
	return list, reason
}

func (d *Document) parsePrincipals(v Value) []Principal {
	switch v.Kind {
	case String:
		if v.Str != "*" {
			d.problem(v.Range, "principal %q: a principal string must be \"*\"; name others as {\"AWS\": ...}", v.Str)
			return []Principal{NewPrincipal(TypeAWS, v.Str, v.Range)}
		}
		return []Principal{NewPrincipal(TypeAny, "*", v.Range)}
	case Unknown:
		return []Principal{UnknownPrincipal("", v.Reason, v.Range)}
	case Object:
		var out []Principal
		for _, f := range v.Fields {
			typ := canonicalPrincipalType(f.Key)
			if typ == "" {
				d.problem(f.KeyRange, "unknown principal type %q", f.Key)
				typ = f.Key
			}
			items := []Value{f.Value}
			if f.Value.Kind == List {
				items = f.Value.Items
			}
			for _, item := range items {
				switch item.Kind {
				case String, Number:
					out = append(out, NewPrincipal(typ, item.Str, item.Range))
				case Unknown:
					out = append(out, UnknownPrincipal(typ, item.Reason, item.Range))
				case Null, Bool, List, Object:
					d.problem(item.Range, "%s principal is a %s, not a string", typ, item.Kind)
				}
			}
		}
		return out
	case Null, Number, Bool, List:
		d.problem(v.Range, "Principal is a %s, not \"*\" or an object", v.Kind)
	}
	return nil
}

func scalarOr(v Value, fallback string) string {
	if v.IsScalar() {
		return v.Str
	}
	return fallback
}
