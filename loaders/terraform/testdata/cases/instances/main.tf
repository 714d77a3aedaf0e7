variable "partners" {
  default = {
    acme   = "111122223333"
    globex = "444455556666"
  }
}

resource "aws_sqs_queue" "q" {
  for_each = var.partners
  name     = "inbox-${each.key}"
}

resource "aws_sqs_queue_policy" "p" {
  for_each  = var.partners
  queue_url = aws_sqs_queue.q[each.key].url
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${each.value}:root" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.q[each.key].arn
    }]
  })
}

resource "aws_iam_role" "r" {
  count = 2
  name  = "role-${count.index}"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::00000000000${count.index}:root" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role" "none" {
  count              = 0
  assume_role_policy = "{}"
}

resource "aws_iam_role" "set" {
  for_each = toset(["x"])
  name     = each.value
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { Service = "${each.key}.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
