# Wildcard values of zone keys confine nothing (S3's "fixed value" test);
# a Deny unless fixed outsiders confines "*" to them; Deny patterns match
# as IAM matches them.

resource "aws_sqs_queue_policy" "wildcards" {
  queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM006 public
        Action    = "sqs:SendMessage"
        Resource  = "*"
        Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::*:role/deployer" } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM006 public
        Action    = "sqs:ReceiveMessage"
        Resource  = "*"
        Condition = { StringLike = { "aws:PrincipalAccount" = "4444*" } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM006 external
        Action    = "sqs:DeleteMessage"
        Resource  = "*"
        Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::444455556666:role/*" } }
      },
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "sqs:GetQueueAttributes"
        Resource  = "*"
        Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/*" } }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "partner_org" {
  bucket = "partner-reports"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM001 external
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::partner-reports/*"
      },
      {
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = "arn:aws:s3:::partner-reports/*"
        Condition = { StringNotEquals = { "aws:PrincipalOrgID" = "o-partner1234" } }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "dotted" {
  bucket = "my.dotted.bucket"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::my.dotted.bucket/*"
      },
      {
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = "arn:aws:s3:::*"
        Condition = { StringNotEquals = { "aws:PrincipalAccount" = "111122223333" } }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "other_case" {
  bucket = "reports"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM001 public
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::reports/*"
      },
      {
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = "arn:aws:s3:::Reports/*"
        Condition = { StringNotEquals = { "aws:PrincipalAccount" = "111122223333" } }
      },
    ]
  })
}
