{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": ["${partner}", "arn:aws:iam::${account}:root"]},
      "Action": "sqs:SendMessage",
      "Resource": "*"
    }
  ]
}
