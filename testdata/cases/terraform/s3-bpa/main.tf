# Bucket policies under S3 Block Public Access (bucket level), and
# delegation to access points. Rule PERIM001.

resource "aws_s3_bucket" "open" {
  bucket = "bpa-open"
}

resource "aws_s3_bucket_policy" "open" {
  bucket = aws_s3_bucket.open.id
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM001 public
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.open.arn}/*"
    }]
  })
}

# restrict_public_buckets confines a bucket with a public policy to its own
# account and AWS services: the cross-account grant goes too.
resource "aws_s3_bucket" "restricted" {
  bucket = "bpa-restricted"
}

resource "aws_s3_bucket_public_access_block" "restricted" {
  bucket                  = aws_s3_bucket.restricted.id
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "restricted" {
  bucket = aws_s3_bucket.restricted.id
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.restricted.arn}/*"
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::444455556666:root" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.restricted.arn}/*"
      },
    ]
  })
}

# A policy that is not public is not restricted.
resource "aws_s3_bucket" "not_public" {
  bucket = "bpa-not-public"
}

resource "aws_s3_bucket_public_access_block" "not_public" {
  bucket                  = aws_s3_bucket.not_public.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "not_public" {
  bucket = aws_s3_bucket.not_public.id
  policy = data.aws_iam_policy_document.cross_account.json
}

data "aws_iam_policy_document" "cross_account" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.not_public.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::444455556666:role/reader"] # want: PERIM001 external
    }
  }
}

# block_public_policy alone does not remove a policy.
resource "aws_s3_bucket" "block_only" {
  bucket = "bpa-block-only"
}

resource "aws_s3_bucket_public_access_block" "block_only" {
  bucket              = aws_s3_bucket.block_only.id
  block_public_policy = true
}

resource "aws_s3_bucket_policy" "block_only" {
  bucket = aws_s3_bucket.block_only.id
  policy = "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::bpa-block-only/*\"}]}" # want: PERIM001 public
}

# The legacy policy argument of aws_s3_bucket gets its bucket's settings.
resource "aws_s3_bucket" "legacy" {
  bucket = "bpa-legacy"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::bpa-legacy/*"
    }]
  })
}

resource "aws_s3_bucket_public_access_block" "legacy" {
  bucket                  = aws_s3_bucket.legacy.bucket
  restrict_public_buckets = true
}

# A Block Public Access whose bucket cannot be identified applies to no
# bucket (a warning says so).
variable "some_bucket" {
  type = string
}

resource "aws_s3_bucket_public_access_block" "unknown_bucket" {
  bucket                  = var.some_bucket
  restrict_public_buckets = true
}

# Delegating access control to access points: to the own account's access
# points it stays inside; to another account's it does not.
resource "aws_s3_bucket" "delegated" {
  bucket = "bpa-delegated"
}

resource "aws_s3_bucket_policy" "delegated" {
  bucket = aws_s3_bucket.delegated.id
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.delegated.arn, "${aws_s3_bucket.delegated.arn}/*"]
        Condition = { StringEquals = { "s3:DataAccessPointAccount" = "111122223333" } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM001 external
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.delegated.arn}/*"
        Condition = { StringEquals = { "s3:DataAccessPointAccount" = "444455556666" } }
      },
    ]
  })
}
