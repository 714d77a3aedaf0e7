package terraform

import "testing"

// TestPolicyDocumentIDAndVersion: the Id and Version of an
// aws_iam_policy_document as the provider merges them (IAMPolicyDoc.Merge
// in terraform-provider-aws): source documents, then the document itself,
// then override documents; each non-empty Id replaces the one before, and
// a later Version replaces an earlier one only when it is newer.
func TestPolicyDocumentIDAndVersion(t *testing.T) {
	const stmt = `
  statement {
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["111122223333"]
    }
  }`
	cases := []struct {
		name, src   string
		id, version string
	}{
		{
			name: "defaults",
			src:  `data "aws_iam_policy_document" "d" {` + stmt + "\n}",
			id:   "", version: "2012-10-17",
		},
		{
			name: "policy_id and version",
			src: `data "aws_iam_policy_document" "d" {
  policy_id = "orders-queue"
  version   = "2008-10-17"` + stmt + "\n}",
			id: "orders-queue", version: "2008-10-17",
		},
		{
			name: "a source's Id when the document has none",
			src: `data "aws_iam_policy_document" "src" {
  policy_id = "from-source"` + stmt + `
}
data "aws_iam_policy_document" "d" {
  source_policy_documents = [data.aws_iam_policy_document.src.json]
}`,
			id: "from-source", version: "2012-10-17",
		},
		{
			name: "policy_id replaces a source's Id, an override's Id replaces policy_id",
			src: `data "aws_iam_policy_document" "src" {
  policy_id = "from-source"` + stmt + `
}
data "aws_iam_policy_document" "over" {
  policy_id = "from-override"
}
data "aws_iam_policy_document" "d" {
  policy_id                 = "own"
  source_policy_documents   = [data.aws_iam_policy_document.src.json]
  override_policy_documents = [data.aws_iam_policy_document.over.json]
}`,
			id: "from-override", version: "2012-10-17",
		},
		{
			name: "a source's newer Version upgrades the document's",
			src: `data "aws_iam_policy_document" "src" {` + stmt + `
}
data "aws_iam_policy_document" "d" {
  version                 = "2008-10-17"
  source_policy_documents = [data.aws_iam_policy_document.src.json]
}`,
			id: "", version: "2012-10-17",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src + `
resource "aws_sqs_queue_policy" "p" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/q"
  policy    = data.aws_iam_policy_document.d.json
}
`
			res, diags := loadOne(t, "main.tf", []byte(src))
			for _, d := range diags {
				t.Errorf("diagnostic: %v", d)
			}
			if len(res) != 1 || len(res[0].Documents) != 1 {
				t.Fatalf("want one resource with one document, got %+v", res)
			}
			doc := res[0].Documents[0].Policy
			if doc.ID != tc.id || doc.Version != tc.version {
				t.Errorf("Id %q, Version %q; want Id %q, Version %q", doc.ID, doc.Version, tc.id, tc.version)
			}
		})
	}
}
