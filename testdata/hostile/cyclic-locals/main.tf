locals {
  a = local.b
  b = local.a
}

resource "aws_sqs_queue_policy" "cycle" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/q"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = local.a }
      Action    = "sqs:SendMessage"
      Resource  = "*"
    }]
  })
}
