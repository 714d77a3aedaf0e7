package rules

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
)

// TestDecodeTermMatchesJSON checks the direct decoding of findings against
// the JSON round trip it replaces: the same rawFindings when it accepts a
// value, and a refusal (so that the JSON path runs) when it would differ.
func TestDecodeTermMatchesJSON(t *testing.T) {
	tests := []struct {
		name   string
		rego   string
		direct bool // decodeTerm takes it
	}{
		{"built-in shape", `{{"exposure": "public", "severity": "critical", "principal": {"type": "AWS", "value": "*", "account": "*"},
			"accounts": [], "actions": ["s3:GetObject"], "not_action": false, "access_levels": ["Read"],
			"conditions": [{"operator": "StringEquals", "key": "aws:SourceIp", "values": ["1.2.3.4"]}],
			"location": {"file": "main.tf", "line": 3, "column": 5, "end_line": 3, "end_column": 8},
			"attribute": "policy", "reason": "", "message": "m"}}`, true},
		{"minimal custom finding", `{{"exposure": "external", "message": "m"}}`, true},
		{"extra fields are ignored", `{{"exposure": "external", "message": "m", "extra": {"a": [1, 2]}, "location": {"line": 2, "note": "x"}}}`, true},
		{"nulls leave zero values", `{{"exposure": "external", "message": "m", "actions": null, "location": null, "principal": null, "severity": null}}`, true},
		{"an array of findings", `[{"exposure": "external", "message": "m"}, {"exposure": "public", "message": "n"}]`, true},
		{"empty set", `set()`, true},
		{"key in another case", `{{"Exposure": "external", "message": "m"}}`, false},
		{"nested key in another case", `{{"exposure": "external", "message": "m", "principal": {"Value": "x"}}}`, false},
		{"set-valued actions", `{{"exposure": "external", "message": "m", "actions": {"s3:GetObject"}}}`, false},
		{"fractional line", `{{"exposure": "external", "message": "m", "location": {"line": 1.5}}}`, false},
		{"wrong type", `{{"exposure": 1, "message": "m"}}`, false},
		{"not a collection", `"findings"`, false},
		{"not objects", `{"a", "b"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := ast.MustParseTerm(tt.rego).Value
			got, ok := decodeTerm(v)
			if ok != tt.direct {
				t.Fatalf("decodeTerm ok = %v, want %v", ok, tt.direct)
			}
			if !ok {
				return
			}
			js, err := ast.JSON(v)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := json.Marshal(js)
			var want []rawFinding
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("the JSON path fails where decodeTerm succeeded: %v", err)
			}
			if len(want) == 0 {
				want = nil
			}
			if len(got) == 0 {
				got = nil
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("decodeTerm differs from the JSON path (-json +direct):\n%s", diff)
			}
		})
	}
}
