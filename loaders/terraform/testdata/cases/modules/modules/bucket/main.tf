variable "name" {
  type = string
}

variable "readers" {
  type    = list(string)
  default = []
}

data "aws_caller_identity" "me" {}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "Readers"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = concat(var.readers, ["arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"])
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json
}

module "inner" {
  source    = "./inner"
  principal = "arn:aws:iam::999999999999:root"
}

output "bucket_arn" {
  value = aws_s3_bucket.this.arn
}

output "reader_arns" {
  value = var.readers
}
