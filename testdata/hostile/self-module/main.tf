module "me" {
  source = "./"
}

resource "aws_sqs_queue_policy" "self" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/self"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = "*" }]
  })
}
