terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "us-east-1"
}

variable "partner_account" {
  type = string
}

variable "readers" {
  type = map(string)
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "PartnerRead"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::acme-logs/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.partner_account}:root"]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs.json
}

resource "aws_sqs_queue" "jobs" {
  for_each = toset(["a", "b"])
  name     = "jobs-${each.key}"
}

resource "aws_sqs_queue_policy" "jobs" {
  for_each  = toset(["a", "b"])
  queue_url = aws_sqs_queue.jobs[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.jobs[each.key].arn
    }]
  })
}

resource "aws_iam_role" "ci" {
  count = 2
  name  = "ci-${count.index}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.partner_account}:role/ci-${count.index}" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "ci" } }
    }]
  })
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "CIUse"
    actions   = ["kms:Encrypt", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.ci[0].arn]
    }
  }
}

resource "aws_kms_key" "main" {
  description = "main"
  policy      = data.aws_iam_policy_document.key.json
}

resource "aws_lambda_permission" "s3" {
  statement_id   = "AllowS3"
  action         = "lambda:InvokeFunction"
  function_name  = "processor"
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.logs.arn
  source_account = data.aws_caller_identity.current.account_id
}

module "shared" {
  source   = "./modules/shared"
  for_each = var.readers
  name     = each.key
  reader   = each.value
  bucket   = aws_s3_bucket.logs.id
}
