package cloudformation

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

// principalOf loads a one-role template whose trust policy names one AWS
// principal written as expr, and returns that principal's value or reason.
func principalOf(t *testing.T, params, expr string, opts loaders.Options) string {
	t.Helper()
	src := "AWSTemplateFormatVersion: '2010-09-09'\n" + params + `
Mappings:
  Regions:
    eu-west-1: {Account: "111111111111"}
    us-east-1: {Account: "222222222222"}
  Same:
    eu-west-1: {Account: "333333333333"}
    us-east-1: {Account: "333333333333"}
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS: ` + expr + "\n"
	rs, ds := New().Load(context.Background(), []loaders.File{{Path: "t.yaml", Data: []byte(src)}}, opts)
	for _, d := range ds {
		if d.Severity == loaders.Error {
			t.Fatalf("diagnostic: %v", d)
		}
	}
	if len(rs) != 1 {
		t.Fatalf("resources = %d", len(rs))
	}
	ps := principals(rs[0])
	if len(ps) != 1 {
		t.Fatalf("principals = %+v", ps)
	}
	if ps[0].Unknown {
		return "unknown: " + ps[0].Reason
	}
	before, _, _ := strings.Cut(src, "AWS: ")
	wantLine := strings.Count(before, "\n") + 1
	if ps[0].Range.Start.Line != wantLine || ps[0].Range.Start.Column != 20 {
		t.Errorf("principal at %d:%d, want %d:20", ps[0].Range.Start.Line, ps[0].Range.Start.Column, wantLine)
	}
	return ps[0].Value
}

func TestResolve(t *testing.T) {
	listParam := "Parameters:\n  Accts:\n    Type: CommaDelimitedList\n"
	tests := []struct {
		name, params, expr string
		opts               loaders.Options
		want               string
	}{
		{"override list", listParam, "!Select [1, !Ref Accts]", loaders.Options{Parameters: map[string]string{"Accts": "1, 444444444444"}}, "444444444444"},
		{"list without value", listParam, "!Select [1, !Ref Accts]", loaders.Options{}, "unknown: parameter Accts has no Default and no --parameter value"},
		{"own account option", "", "!Ref AWS::AccountId", loaders.Options{OwnAccount: "555555555555"}, "555555555555"},
		{"partition option", "", `!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"`, loaders.Options{Partition: "aws-us-gov"}, "arn:aws-us-gov:iam::self:root"},
		{"region decides mapping", "", "!FindInMap [Regions, !Ref AWS::Region, Account]", loaders.Options{Region: "us-east-1"}, "222222222222"},
		{"no region, mapping differs", "", "!FindInMap [Regions, !Ref AWS::Region, Account]", loaders.Options{}, "unknown: Fn::FindInMap Regions depends on AWS::Region; give --region"},
		{"no region, mapping agrees", "", "!FindInMap [Same, !Ref AWS::Region, Account]", loaders.Options{}, "333333333333"},
		{"queue url", "", "!Select [3, !Split ['/', !Ref Queue]]", loaders.Options{Region: "eu-west-1"}, "self"},
		{"queue arn account", "", "!Select [4, !Split [':', !GetAtt Queue.Arn]]", loaders.Options{}, "self"},
		{"base64", "", "!Base64 abc", loaders.Options{}, "YWJj"},
		{"notification arns", "", "!Select [0, !Ref AWS::NotificationARNs]", loaders.Options{}, "unknown: AWS::NotificationARNs is known only at deploy time"},
		{"sub escape", "", `!Sub "${!AWS::AccountId}"`, loaders.Options{}, "${AWS::AccountId}"},
		{"stack name", "", `!Sub "${AWS::StackName}"`, loaders.Options{}, "{StackName}"},
		{"unknown attribute", "", "!GetAtt Queue.Nope", loaders.Options{}, "unknown: Queue.Nope is known only after deploy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := principalOf(t, tt.params, tt.expr, tt.opts); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDeterministic loads the same files in different orders, many times
// over (in parallel), and expects identical output.
func TestDeterministic(t *testing.T) {
	var files []loaders.File
	for i := range 40 {
		name := []string{"intrinsics.yaml", "types.yaml", "conditions.yaml", "types.json", "errors.yaml"}[i%5]
		files = append(files, loaders.File{Path: fmt.Sprintf("copy%02d/%s", i, name), Data: mustRead(t, "testdata/templates/"+name)})
	}
	first, firstDiags := New().Load(context.Background(), files, loaders.Options{})
	reversed := make([]loaders.File, len(files))
	for i, f := range files {
		reversed[len(files)-1-i] = f
	}
	second, secondDiags := New().Load(context.Background(), reversed, loaders.Options{})
	if !reflect.DeepEqual(first, second) || !reflect.DeepEqual(firstDiags, secondDiags) {
		t.Error("output depends on the order of the input files")
	}
	for i := 1; i < len(first); i++ {
		a, b := first[i-1], first[i]
		if a.Range.File > b.Range.File || (a.Range.File == b.Range.File && a.Range.Start.Line > b.Range.Start.Line) {
			t.Errorf("resources not sorted at %d: %s before %s", i, a.Range, b.Range)
		}
	}
	if !strings.HasPrefix(first[0].Range.File, "copy00/") {
		t.Errorf("first resource is in %s", first[0].Range.File)
	}
}
