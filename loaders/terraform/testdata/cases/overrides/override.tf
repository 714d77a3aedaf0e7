# Terraform merges override files into the module: the variable's default,
# the local and the topic policy below replace the originals.
variable "reader" {
  default = "444455556666"
}

locals {
  actions = ["sqs:SendMessage", "sqs:ReceiveMessage"]
}

resource "aws_sns_topic_policy" "t" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "sns:Publish" }] })
}

resource "aws_s3_bucket_policy" "missing" {
  policy = "{}"
}
