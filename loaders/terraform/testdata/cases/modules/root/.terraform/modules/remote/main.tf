variable "admin" {
  type = string
}

resource "aws_kms_key" "this" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "kms:*", Resource = "*", Principal = { AWS = var.admin } }]
  })
}
