variable "unknown_flag" {
  type = bool
}

variable "accounts" {
  type = map(object({
    id      = string
    enabled = optional(bool, true)
  }))
  default = {
    a = { id = "111111111111" }
    b = { id = "222222222222", enabled = false }
    c = { id = "333333333333" }
  }
}

locals {
  enabled_ids = [for k, v in var.accounts : v.id if v.enabled]
  yaml_policy = yamldecode(<<-YAML
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Principal:
          AWS: "arn:aws:iam::444444444444:root"
        Action: s3:GetObject
  YAML
  )
}

resource "aws_iam_role" "readers" {
  count = 2
  name  = "reader-${count.index}"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

data "aws_iam_policy_document" "dyn" {
  statement {
    sid     = "Splat"
    actions = ["s3:GetObject"]
    principals {
      type        = "AWS"
      identifiers = aws_iam_role.readers[*].arn
    }
  }
  statement {
    sid     = "DynamicPrincipals"
    actions = ["s3:ListBucket"]
    dynamic "principals" {
      for_each = toset(local.enabled_ids)
      iterator = acct
      content {
        type        = "AWS"
        identifiers = ["arn:aws:iam::${acct.value}:root"]
      }
    }
    dynamic "condition" {
      for_each = { "aws:SourceVpc" = "vpc-1", "aws:SourceVpce" = "vpce-2" }
      content {
        test     = "StringEquals"
        variable = condition.key
        values   = [condition.value]
      }
    }
  }
  statement {
    sid     = "UnknownDynamic"
    actions = ["s3:PutObject"]
    dynamic "principals" {
      for_each = var.unknown_flag ? ["x"] : []
      content {
        type        = "AWS"
        identifiers = ["arn:aws:iam::555555555555:root"]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "dyn" {
  bucket = "dyn"
  policy = data.aws_iam_policy_document.dyn.json
}

resource "aws_s3_bucket_policy" "exprs" {
  bucket = "exprs"
  policy = jsonencode({
    Statement = [
      {
        Sid       = "ForExpr"
        Effect    = "Allow"
        Action    = "s3:GetObject"
        Principal = { AWS = [for id in local.enabled_ids : "arn:aws:iam::${id}:root"] }
      },
      {
        Sid       = "Conditional"
        Effect    = "Allow"
        Action    = "s3:GetObject"
        Principal = var.unknown_flag ? "*" : { AWS = "arn:aws:iam::666666666666:root" }
      },
      {
        Sid       = "Functions"
        Effect    = "Allow"
        Action    = "s3:GetObject"
        Principal = { AWS = flatten([one([lookup({ k = "777777777777" }, "k", "x")]), try(var.accounts.z.id, "888888888888"), coalesce("", "999999999999")]) }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "yaml" {
  bucket = "yaml"
  policy = jsonencode(local.yaml_policy)
}
