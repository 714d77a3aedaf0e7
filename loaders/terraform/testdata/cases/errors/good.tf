locals {
  a = local.b
  b = local.a
}

resource "aws_iam_role" "cycle" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = local.a }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role" "missing_file" {
  assume_role_policy = file("does-not-exist.json")
}

resource "aws_iam_role" "bad_json" {
  assume_role_policy = <<EOF
{"Statement": [
  {"Effect": "Allow", "Principal": "*" "Action": "sts:AssumeRole"}
]}
EOF
}
