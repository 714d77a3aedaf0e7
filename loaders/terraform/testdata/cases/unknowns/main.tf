variable "reader_arn" {
  type = string
}

data "aws_iam_role" "existing" {
  name = "existing"
}

resource "aws_iam_user" "u" {}

resource "aws_instance" "i" {
  ami = "ami-123"
}

resource "aws_s3_bucket_policy" "p" {
  bucket = "b"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "s3:GetObject", Resource = "*", Principal = { AWS = var.reader_arn } },
      { Effect = "Allow", Action = "s3:GetObject", Resource = "*", Principal = { AWS = data.aws_iam_role.existing.arn } },
      { Effect = "Allow", Action = "s3:GetObject", Resource = "*", Principal = { AWS = aws_instance.i.arn } },
      { Effect = "Allow", Action = "s3:GetObject", Resource = "*", Principal = { AWS = aws_iam_user.u.arn } },
      { Effect = "Allow", Action = "s3:GetObject", Resource = "*", Principal = { AWS = "arn:aws:iam::${uuid()}:root" } },
      { Effect = "Allow", Action = "s3:GetObject", Resource = "*", Principal = { AWS = provider::aws::arn_build("aws", "iam", "", "1", "root") } },
    ]
  })
}

# A whole policy that is unknown.
resource "aws_sqs_queue_policy" "whole" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/1/q"
  policy    = var.reader_arn
}

# A count that depends on an unknown value.
resource "aws_s3_bucket_policy" "counted" {
  count  = var.reader_arn == "" ? 0 : 1
  bucket = "counted"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*", Principal = "*" }]
  })
}
