variable "principal" {
  type = string
}

resource "aws_iam_role" "inner" {
  name = "inner"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = var.principal } }]
  })
}
