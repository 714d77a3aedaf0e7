variable "extra_principals" {
  type    = list(string)
  default = ["arn:aws:iam::222233334444:role/reader"]
}

variable "enable_public" {
  type    = bool
  default = false
}

locals {
  org_id = "o-abc123"
  base_statement = {
    Sid       = "OrgRead"
    Effect    = "Allow"
    Principal = "*"
    Action    = ["s3:GetObject", "s3:ListBucket"]
    Resource  = ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]
    Condition = {
      StringEquals = { "aws:PrincipalOrgID" = local.org_id }
    }
  }
  readers = {
    alpha = "arn:aws:iam::555566667777:root"
    beta  = "arn:aws:iam::888899990000:root"
  }
  statements = concat(
    [local.base_statement],
    [for name, arn in local.readers : {
      Sid       = "Reader${name}"
      Effect    = "Allow"
      Principal = { AWS = arn }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::data/${name}/*"
    }],
    var.enable_public ? [{ Effect = "Allow", Principal = "*", Action = "s3:*", Resource = "*" }] : [],
  )
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.statements
  })
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = local.policy
}

resource "aws_iam_role" "merged" {
  name = "merged"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(local.base_statement, {
      Sid       = "Assume"
      Action    = "sts:AssumeRole"
      Principal = { AWS = var.extra_principals }
    })]
  })
}
