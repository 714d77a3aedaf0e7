# The policy is a JSON string holding a JSON string holding the policy.
resource "aws_sqs_queue_policy" "nested" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/nested"
  policy = jsonencode(jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = "*" }]
  }))
}

resource "aws_sqs_queue_policy" "literal" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/literal"
  policy    = "\"{\\\"Statement\\\": [{\\\"Effect\\\": \\\"Allow\\\", \\\"Principal\\\": \\\"*\\\", \\\"Action\\\": \\\"sqs:SendMessage\\\", \\\"Resource\\\": \\\"*\\\"}]}\""
}
