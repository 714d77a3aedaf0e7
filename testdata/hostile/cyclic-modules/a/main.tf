module "b" {
  source = "../b"
}

resource "aws_sqs_queue_policy" "in_a" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/a"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = "*" }]
  })
}
