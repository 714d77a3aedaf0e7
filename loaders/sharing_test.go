package loaders

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/policy"
)

func at(line int) Range { return Range{File: "f", Start: policy.Pos{Line: line, Column: 3}} }

// principalSummary renders a document's principals and conditions compactly:
// "kind:account@line[key=values]".
func principalSummary(d *policy.Document) []string {
	var out []string
	for _, st := range d.Statements {
		for _, p := range st.Principals {
			who := p.Account
			if p.Kind == policy.KindCanonicalUser || p.Kind == policy.KindService {
				who = p.Value
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%s:%s@%d", p.Kind, who, p.Range.Start.Line)
			for _, c := range st.Conditions {
				fmt.Fprintf(&b, "[%s=%s]", c.Key, strings.Join(c.Values, ","))
			}
			out = append(out, b.String())
		}
	}
	return out
}

func TestSharingDocument(t *testing.T) {
	tests := []struct {
		name     string
		grantees []policy.Value
		want     []string
	}{
		{"group all is everyone", []policy.Value{policy.StringValue("all", at(2))}, []string{"wildcard:*@2"}},
		{"star is everyone", []policy.Value{policy.StringValue("*", at(2))}, []string{"wildcard:*@2"}},
		{
			"accounts share a statement",
			[]policy.Value{policy.StringValue("444455556666", at(2)), policy.StringValue("arn:aws:iam::777788889999:root", at(3))},
			[]string{"account:444455556666@2", "account:777788889999@3"},
		},
		{
			"organization",
			[]policy.Value{policy.StringValue("arn:aws:organizations::111122223333:organization/o-abc123", at(4))},
			[]string{"wildcard:*@4[aws:PrincipalOrgID=o-abc123]"},
		},
		{
			"organizational unit",
			[]policy.Value{policy.StringValue("arn:aws:organizations::111122223333:ou/o-abc123/ou-ab12-xyz", at(5))},
			[]string{"wildcard:*@5[aws:PrincipalOrgPaths=o-abc123/*/ou-ab12-xyz/*]"},
		},
		{"unknown grantee", []policy.Value{policy.UnknownValue("var.accounts has no value", at(6))}, []string{"unknown:@6"}},
		{"service principal", []policy.Value{policy.StringValue("pca-connector-ad.amazonaws.com", at(7))}, []string{"service:pca-connector-ad.amazonaws.com@7"}},
		{
			"mixed keeps order",
			[]policy.Value{
				policy.StringValue("444455556666", at(2)),
				policy.StringValue("arn:aws:organizations::111122223333:organization/o-abc123", at(3)),
				policy.StringValue("all", at(4)),
			},
			[]string{"account:444455556666@2", "wildcard:*@3[aws:PrincipalOrgID=o-abc123]", "wildcard:*@4"},
		},
		{"empty list grants nothing", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := SharingDocument(tc.grantees, []string{"ec2:CreateVolume"}, at(1))
			if len(d.Problems) > 0 {
				t.Fatalf("problems: %+v", d.Problems)
			}
			got := principalSummary(d)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for i, st := range d.Statements {
				if st.Index != i || st.Effect != "Allow" || !slices.Equal(st.Actions, []string{"ec2:CreateVolume"}) {
					t.Errorf("statement %d = %+v", i, st)
				}
			}
		})
	}
}
