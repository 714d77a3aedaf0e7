variable "who" {}

resource "aws_iam_role" "standalone" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = var.who } }]
  })
}
