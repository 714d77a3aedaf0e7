variable "partner" {
  description = "no default: unknown"
}

locals {
  account = "111122223333"
}

# A heredoc with no interpolation: exact positions.
resource "aws_s3_bucket_policy" "plain" {
  bucket = "plain-bucket"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Public",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::plain-bucket/*"
    }
  ]
}
EOF
}

# An indented heredoc (<<-) with interpolations, one of them unknown: the
# known parts stay known, lines stay right.
resource "aws_sqs_queue_policy" "indented" {
  queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/q"
  policy    = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::${local.account}:root", "${var.partner}"]},
        "Action": ["sqs:SendMessage"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": "${local.account}"}}
      }]
    }
  POLICY
}

# A quoted JSON string.
resource "aws_kms_key" "quoted" {
  policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"
}

# file(): ranges point into the JSON file.
resource "aws_iam_role" "from_file" {
  name               = "from-file"
  assume_role_policy = file("${path.module}/trust.json")
}

# templatefile(): ranges point into the template; an unknown variable stays
# unknown in place.
resource "aws_sqs_queue" "templated" {
  name = "templated"
  policy = templatefile("${path.module}/queue.json.tpl", {
    partner = var.partner
    account = local.account
  })
}

# An unquoted interpolation of an unknown value.
resource "aws_s3_bucket_policy" "bare" {
  bucket = "bare"
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Principal": ${var.partner}, "Action": "s3:*", "Resource": "*"}]}
EOF
}
