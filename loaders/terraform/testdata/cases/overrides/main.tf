variable "reader" {
  type    = string
  default = "111122223333"
}

locals {
  actions = ["sqs:SendMessage"]
}

resource "aws_sqs_queue_policy" "q" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/q"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.reader }
      Action    = local.actions
    }]
  })
}

resource "aws_sns_topic_policy" "t" {
  arn    = "arn:aws:sns:us-east-1:111122223333:t"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = "sns:Publish" }] })
}
