variable "reader_arn" {}

variable "bucket_name" {
  default = "logs-bucket"
}

locals {
  principals = ["arn:aws:iam::111122223333:root", var.reader_arn]
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "logs" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Read"
      Effect    = "Allow"
      Principal = { AWS = local.principals }
      Action    = ["s3:GetObject"]
      Resource  = "${aws_s3_bucket.logs.arn}/*"
    }]
  })
}

resource "aws_iam_role" "r" {
  name               = "reader"
  assume_role_policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"},
          "Action": "sts:AssumeRole"
        },
        {
          "Effect": "Allow",
          "Principal": {"AWS": "${var.reader_arn}"},
          "Action": "sts:AssumeRole"
        }
      ]
    }
  EOF
}

data "aws_iam_policy_document" "q" {
  statement {
    sid     = "All"
    actions = ["sqs:SendMessage"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.logs.arn]
    }
  }
}

resource "aws_sqs_queue" "q" {
  name   = "q"
  policy = data.aws_iam_policy_document.q.json
}

resource "aws_lambda_permission" "p" {
  function_name  = "fn"
  principal      = "s3.amazonaws.com"
  action         = "lambda:InvokeFunction"
  source_arn     = aws_s3_bucket.logs.arn
  source_account = data.aws_caller_identity.current.account_id
}
