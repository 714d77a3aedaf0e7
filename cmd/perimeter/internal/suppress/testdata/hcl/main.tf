resource "aws_s3_bucket_policy" "trailing" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "s3:GetObject"
      Resource  = "*"
      Principal = "*" # perimeter:ignore PERIM001 public website assets
    }]
  })
}

data "aws_iam_policy_document" "above" {
  statement {
    # perimeter:ignore PERIM001 CDN origin reads it
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}

// perimeter:ignore PERIM001 legacy partner
resource "aws_s3_bucket_policy" "header" {
  bucket = aws_s3_bucket.b.id
  policy = <<EOT
{
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
    "Action": "s3:GetObject"
  }]
}
EOT
}

resource "aws_s3_bucket_policy" "first_lines" {
  # a comment before the directives
  # perimeter:ignore PERIM002 first of two directives
  # perimeter:ignore PERIM001 second of two directives
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.x.json
}

# perimeter:ignore s3_bucket named by package
resource "aws_s3_bucket_policy" "by_name" {
  bucket = aws_s3_bucket.b.id
  policy = local.p
}
# perimeter:ignore public anything public here is a website
resource "aws_s3_bucket_policy" "by_exposure" {
  bucket = aws_s3_bucket.b.id
  policy = local.p
}

# perimeter:ignore PERIM001 detached by the blank line below

resource "aws_s3_bucket_policy" "detached" {
  bucket = aws_s3_bucket.b.id
  policy = local.p
}

# perimeter:ignore PERIM001
resource "aws_s3_bucket_policy" "no_reason" {
  policy = local.p
}

# perimeter:ignore this is intended
resource "aws_s3_bucket_policy" "no_selector" {
  policy = local.p
}
resource "aws_s3_bucket_policy" "in_string" {
  policy = "# perimeter:ignore PERIM001 not a comment"
}

# perimeter:ignore PERIM002,PERIM001 both rules
resource "aws_s3_bucket_policy" "two_rules" {
  policy = local.p
}
resource "aws_s3_bucket_policy" "far" {
  policy = local.p
}
