package terraform

import (
	"context"
	"fmt"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"
)

// TestPrincipalPositions asserts the exact line:column of every principal
// for each way of writing a policy.
func TestPrincipalPositions(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // "kind value @line:col" in order
	}{
		{
			name: "jsonencode object",
			src: `resource "aws_s3_bucket_policy" "p" {
  bucket = "b"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = ["111122223333", "arn:aws:iam::444455556666:root"] }
      Action    = "s3:GetObject"
    }]
  })
}`,
			want: []string{"account 111122223333 @6:28", "account arn:aws:iam::444455556666:root @6:44"},
		},
		{
			name: "heredoc",
			src: `resource "aws_iam_role" "r" {
  assume_role_policy = <<EOF
{
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"
  }]
}
EOF
}`,
			want: []string{"service ec2.amazonaws.com @6:30"},
		},
		{
			name: "indented heredoc with interpolation",
			src: `locals { acct = "123456789012" }
resource "aws_iam_role" "r" {
  assume_role_policy = <<-EOF
      {
        "Statement": [{
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::${local.acct}:root"},
          "Action": "sts:AssumeRole"
        }]
      }
  EOF
}`,
			want: []string{"account arn:aws:iam::123456789012:root @7:32"},
		},
		{
			name: "policy document identifiers",
			src: `data "aws_iam_policy_document" "d" {
  statement {
    actions = ["sqs:SendMessage"]
    principals {
      type = "AWS"
      identifiers = [
        "*",
        "arn:aws:iam::111122223333:role/x",
      ]
    }
  }
}
resource "aws_sqs_queue" "q" {
  policy = data.aws_iam_policy_document.d.json
}`,
			want: []string{"wildcard * @7:9", "role arn:aws:iam::111122223333:role/x @8:9"},
		},
		{
			name: "local holding a jsonencode",
			src: `locals {
  p = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:*" }] })
}
resource "aws_sqs_queue_policy" "q" {
  queue_url = "u"
  policy    = local.p
}`,
			want: []string{"wildcard * @2:65"},
		},
		{
			name: "lambda permission principal argument",
			src: `resource "aws_lambda_permission" "p" {
  function_name = "f"
  action        = "lambda:InvokeFunction"
  principal     = "events.amazonaws.com"
}`,
			want: []string{"service events.amazonaws.com @4:3"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, diags := New().Load(context.Background(), []loaders.File{{Path: "m/main.tf", Data: []byte(tc.src)}}, loaders.Options{})
			if diags.HasErrors() {
				t.Fatalf("diagnostics: %v", diags)
			}
			var got []string
			for _, p := range principalsOf(res) {
				got = append(got, fmt.Sprintf("%s %s @%d:%d", p.Kind, p.Value, p.Range.Start.Line, p.Range.Start.Column))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("principals:\n got  %q\n want %q", got, tc.want)
			}
		})
	}
}
