variable "bucket" {
  type = string
}

variable "reader" {
  type = string
}

resource "aws_s3_bucket_policy" "this" {
  bucket = var.bucket
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "List",
          "Effect": "Allow",
          "Principal": {"AWS": "${var.reader}"},
          "Action": "s3:ListBucket",
          "Resource": "arn:aws:s3:::acme-logs"
        }
      ]
    }
  EOF
}
