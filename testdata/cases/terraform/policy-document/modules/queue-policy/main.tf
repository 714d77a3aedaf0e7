# Adds a writer to a policy document and returns the merged document.

variable "base" {
  type = string
}

variable "writer" {
  type = string
}

data "aws_iam_policy_document" "this" {
  source_policy_documents = [var.base]
  statement {
    sid       = "Writer"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::archive/*"]
    principals {
      type        = "AWS"
      identifiers = [var.writer]
    }
  }
}

output "json" {
  value = data.aws_iam_policy_document.this.json
}
