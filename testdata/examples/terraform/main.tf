# A small Terraform root module with one grant of each exposure.
# Scan it with: perimeter scan --account 111122223333 testdata/examples

variable "partner_account" {
  description = "The partner's AWS account ID; no default, so the scan cannot know it."
  type        = string
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "site" {
  bucket = "acme-public-site"
}

# Public: anyone may read the site's objects.
data "aws_iam_policy_document" "site" {
  statement {
    sid     = "PublicRead"
    actions = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.site.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = data.aws_iam_policy_document.site.json
}

# External: a role that another account may assume.
resource "aws_iam_role" "auditor" {
  name = "auditor"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
      Condition = { StringEquals = { "sts:ExternalId" = "acme-audit" } }
    }]
  })
}

# Inside the zone: the key is usable by the own account only.
resource "aws_kms_key" "data" {
  description = "data key"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Owner"
      Effect    = "Allow"
      Action    = "kms:*"
      Resource  = "*"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
    }]
  })
}

# Unresolved: who the partner is depends on a variable without a value.
resource "aws_sqs_queue" "orders" {
  name = "orders"
}

resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy    = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::${var.partner_account}:root"},
          "Action": "sqs:SendMessage",
          "Resource": "${aws_sqs_queue.orders.arn}"
        }
      ]
    }
  EOF
}

# Inside the zone: a service principal confined to the own account.
resource "aws_lambda_function" "resize" {
  function_name = "resize"
  role          = aws_iam_role.auditor.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "resize.zip"
}

resource "aws_lambda_permission" "from_bucket" {
  statement_id   = "AllowS3"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.resize.function_name
  principal      = "s3.amazonaws.com"
  source_account = data.aws_caller_identity.current.account_id
  source_arn     = aws_s3_bucket.site.arn
}

# Public: anyone may invoke the function.
resource "aws_lambda_permission" "anyone" {
  statement_id  = "AllowAnyone"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.resize.function_name
  principal     = "*"
}
