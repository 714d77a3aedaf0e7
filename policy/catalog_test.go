package policy

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCatalogAccessLevels(t *testing.T) {
	c := LoadCatalog()
	if c.Services() < 300 {
		t.Fatalf("catalog has %d services; the embedded data is truncated", c.Services())
	}
	tests := []struct {
		name     string
		actions  []string
		not      bool
		services []string
		want     []string
	}{
		{"one read action", []string{"s3:GetObject"}, false, nil, []string{LevelRead}},
		{"case-insensitive", []string{"S3:getobject"}, false, nil, []string{LevelRead}},
		{"wildcard list", []string{"s3:List*"}, false, nil, []string{LevelList}},
		// The Service Authorization Reference lists PutBucketPolicy as both.
		{"policy write is permissions management", []string{"s3:PutBucketPolicy"}, false, nil, []string{LevelWrite, LevelPermissions}},
		// SQS has no List-level action: ListQueues is Read in the reference.
		{"full wildcard in a service", []string{"sqs:*"}, false, nil, []string{LevelRead, LevelWrite, LevelTagging, LevelPermissions}},
		{"question mark", []string{"kms:Decryp?"}, false, nil, []string{LevelWrite}},
		{"unknown action", []string{"s3:Frobnicate", "GetObject"}, false, nil, nil},
		{"NotAction within a service", []string{"sqs:*Message*", "sqs:*Queue*", "sqs:*Tag*", "sqs:*Permission*", "sqs:*MessageMove*"}, true, []string{"sqs"}, nil},
		{"NotAction leaves the rest", []string{"s3:Delete*", "s3:Put*"}, true, []string{"s3"}, []string{LevelList, LevelRead, LevelWrite, LevelTagging, LevelPermissions}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AccessLevels(tt.actions, tt.not, tt.services)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("levels (-want +got):\n%s", diff)
			}
			// The memoised answer is the same.
			if again := c.AccessLevels(tt.actions, tt.not, tt.services); !slices.Equal(again, got) {
				t.Errorf("second call = %v", again)
			}
		})
	}
}

func TestCatalogExpand(t *testing.T) {
	c := LoadCatalog()
	// SendMessageBatch is authorised by sqs:SendMessage; it is no IAM action.
	got := c.Expand([]string{"sqs:*Message"}, false, nil)
	want := []string{"sqs:DeleteMessage", "sqs:ReceiveMessage", "sqs:SendMessage"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("expand (-want +got):\n%s", diff)
	}
	if !c.Known("kms:Decrypt") || c.Known("kms:Decrypts") || c.Known("Decrypt") {
		t.Error("Known gives wrong answers")
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"get*", "getobject", true},
		{"get*", "putobject", false},
		{"*object", "getobject", true},
		{"g?t*", "getobject", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/key/x", true},
		{"", "x", false},
	}
	for _, tt := range tests {
		if got := WildcardMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("WildcardMatch(%q, %q) = %v", tt.pattern, tt.s, got)
		}
	}
}
