variable "reader" {
  type = string
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/q"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.reader }
      Action    = "sqs:SendMessage"
    }]
  })
}
