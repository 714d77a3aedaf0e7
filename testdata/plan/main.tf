# A root module and the plan made from it (plan.json, as written by
# `terraform show -json plan.out`). A scan of this directory reports each
# grant once: the plan's, positioned in this file.

variable "partner_account" {
  type = string
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

data "aws_iam_policy_document" "data" {
  statement {
    sid       = "PartnerRead"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::acme-data/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.partner_account}:root"]
    }
  }
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = data.aws_iam_policy_document.data.json
}

resource "aws_sqs_queue" "events" {
  name = "events"
}

resource "aws_sqs_queue_policy" "events" {
  queue_url = aws_sqs_queue.events.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.events.arn
    }]
  })
}

resource "aws_iam_role" "deploy" {
  for_each = toset(["ci", "release"])
  name     = "deploy-${each.key}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.partner_account}:role/${each.key}" }
      Action    = "sts:AssumeRole"
    }]
  })
}
