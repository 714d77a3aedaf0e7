variable "name" {
  type = string
}

variable "reader" {
  type = string
}

variable "bucket" {
  type = string
}

resource "aws_kms_key" "this" {
  description = "key for ${var.name}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Reader"
        Effect    = "Allow"
        Principal = { AWS = var.reader }
        Action    = ["kms:Decrypt", "kms:DescribeKey"]
        Resource  = "*"
      },
    ]
  })
}

module "inner" {
  source = "../inner"
  bucket = var.bucket
  reader = var.reader
}
