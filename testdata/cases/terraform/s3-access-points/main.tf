# S3 access points and their policies, Multi-Region Access Points,
# Object Lambda access points and directory buckets. Rules PERIM008 and
# PERIM009.

resource "aws_s3_bucket" "data" {
  bucket = "ap-data"
}

resource "aws_s3_access_point" "public" {
  bucket = aws_s3_bucket.data.id
  name   = "public"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM008 public
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:us-east-1:111122223333:accesspoint/public/object/*"
    }]
  })
  public_access_block_configuration {
    block_public_acls       = false
    block_public_policy     = false
    ignore_public_acls      = false
    restrict_public_buckets = false
  }
}

# A VPC network origin narrows a grant to everyone.
resource "aws_s3_access_point" "vpc" {
  bucket = aws_s3_bucket.data.id
  name   = "vpc"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM008 external
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:us-east-1:111122223333:accesspoint/vpc/object/*"
    }]
  })
  vpc_configuration {
    vpc_id = "vpc-0abc1234"
  }
  public_access_block_configuration {
    restrict_public_buckets = false
  }
}

# Within public_access_block_configuration the provider turns every flag
# on by default: restrict_public_buckets confines the public policy.
resource "aws_s3_access_point" "defaults" {
  bucket = aws_s3_bucket.data.id
  name   = "defaults"
  public_access_block_configuration {
    block_public_acls = true
  }
}

resource "aws_s3control_access_point_policy" "defaults" {
  access_point_arn = aws_s3_access_point.defaults.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_access_point.defaults.arn}/object/*"
    }]
  })
}

# The bucket's Block Public Access applies to its access points.
resource "aws_s3_bucket" "guarded" {
  bucket = "ap-guarded"
}

resource "aws_s3_bucket_public_access_block" "guarded" {
  bucket                  = aws_s3_bucket.guarded.id
  restrict_public_buckets = true
}

resource "aws_s3_access_point" "guarded" {
  bucket = aws_s3_bucket.guarded.id
  name   = "guarded"
  public_access_block_configuration {
    restrict_public_buckets = false
    block_public_policy     = false
  }
}

resource "aws_s3control_access_point_policy" "guarded" {
  access_point_arn = aws_s3_access_point.guarded.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_access_point.guarded.arn}/object/*"
    }]
  })
}

# An access point policy on an access point that is not in the scanned code.
resource "aws_s3control_access_point_policy" "elsewhere" {
  access_point_arn = "arn:aws:s3:us-east-1:111122223333:accesspoint/elsewhere"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:role/reader" } # want: PERIM008 external
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:us-east-1:111122223333:accesspoint/elsewhere/object/*"
    }]
  })
}

# Multi-Region Access Points: the policy names the access point by name.
resource "aws_s3control_multi_region_access_point" "open" {
  details {
    name = "open-mrap"
    public_access_block {
      block_public_acls       = false
      block_public_policy     = false
      ignore_public_acls      = false
      restrict_public_buckets = false
    }
    region {
      bucket = aws_s3_bucket.data.id
    }
  }
}

resource "aws_s3control_multi_region_access_point_policy" "open" {
  details {
    name = "open-mrap"
    policy = jsonencode({
      Statement = [{
        Effect    = "Allow"
        Principal = "*" # want: PERIM008 public
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3::111122223333:accesspoint/open-mrap.mrap/object/*"
      }]
    })
  }
}

resource "aws_s3control_multi_region_access_point" "closed" {
  details {
    name = "closed-mrap"
    public_access_block {
      block_public_acls = false
    }
    region {
      bucket = aws_s3_bucket.data.id
    }
  }
}

resource "aws_s3control_multi_region_access_point_policy" "closed" {
  details {
    name = aws_s3control_multi_region_access_point.closed.details[0].name
    policy = jsonencode({
      Statement = [{
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3::111122223333:accesspoint/closed-mrap.mrap/object/*"
      }]
    })
  }
}

# Object Lambda access points.
resource "aws_s3control_object_lambda_access_point_policy" "olap" {
  name = "transform"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "444455556666" } # want: PERIM008 external
      Action    = "s3-object-lambda:GetObject"
      Resource  = "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/transform"
    }]
  })
}

# Directory buckets: Block Public Access is always on, so a public policy
# is confined; a cross-account grant in a policy that is not public stays.
resource "aws_s3_directory_bucket" "express" {
  bucket = "express--usw2-az1--x-s3"
  location {
    name = "usw2-az1"
  }
}

resource "aws_s3_bucket_policy" "express_public" {
  bucket = aws_s3_directory_bucket.express.bucket
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3express:CreateSession"
      Resource  = aws_s3_directory_bucket.express.arn
    }]
  })
}

resource "aws_s3_bucket_policy" "express_cross_account" {
  bucket = "other--usw2-az1--x-s3"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:root" } # want: PERIM009 external
      Action    = "s3express:CreateSession"
      Resource  = "arn:aws:s3express:us-west-2:111122223333:bucket/other--usw2-az1--x-s3"
    }]
  })
}
