resource "aws_sqs_queue_policy" "heredoc" {
  queue_url = "https://sqs.us-east-1.amazonaws.com/111122223333/heredoc"
  policy    = <<POLICY
{
  "Statement": [{
    "Effect": "Allow",
    "Principal": "*",
    "Action": "sqs:SendMessage",
    "Resource": "*",
  }]
}
POLICY
}
