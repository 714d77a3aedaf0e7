# Account-level S3 Block Public Access applies to every bucket and access
# point of the configuration's account. Rules PERIM001, PERIM007, PERIM008.

resource "aws_s3_account_public_access_block" "this" {
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Another account's block does not apply here.
resource "aws_s3_account_public_access_block" "other" {
  account_id          = "444455556666"
  block_public_acls   = true
  block_public_policy = true
}

resource "aws_s3_bucket" "b" {
  bucket = "account-bpa"
  acl    = "public-read"
  grant {
    type        = "CanonicalUser"
    id          = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" # want: PERIM007 external
    permissions = ["READ"]
  }
}

resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.b.arn}/*"
    }]
  })
}

# A policy that names another account is not public: restrict_public_buckets
# leaves it alone.
resource "aws_s3_bucket_policy" "cross_account" {
  bucket = "account-bpa-other"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "444455556666" } # want: PERIM001 external
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::account-bpa-other/*"
    }]
  })
}

resource "aws_s3_access_point" "ap" {
  bucket = aws_s3_bucket.b.id
  name   = "account-bpa"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:us-east-1:111122223333:accesspoint/account-bpa/object/*"
    }]
  })
}
