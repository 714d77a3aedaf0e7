# An SNS topic whose publishers are passed in. A break-glass role may be
# added by a file next to the module; the rotating role's name is dated by
# timestamp(), which is known only at apply.

variable "name" {
  type = string
}

variable "publishers" {
  type = list(string)
}

locals {
  # path.module is this directory, path.root the calling root: the
  # break-glass file exists here, the emergency file only here, not at
  # the root, so nothing is added for it.
  break_glass_file = abspath("${path.module}/break-glass.txt")
  break_glass      = fileexists(local.break_glass_file) ? [trimspace(file(local.break_glass_file))] : [] # want: PERIM010 external
  emergency        = fileexists("${path.root}/emergency.txt") ? ["*"] : []
  rotating_role    = "arn:aws:iam::111122223333:role/rotating-${formatdate("YYYYMMDD", timestamp())}"
}

resource "aws_sns_topic" "this" {
  name = var.name
}

resource "aws_sns_topic_policy" "this" {
  arn = aws_sns_topic.this.arn
  policy = jsonencode({
    Statement = [
      {
        Sid       = "Partners"
        Effect    = "Allow"
        Principal = { AWS = var.publishers } # the findings point at the caller's formatlist
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this.arn
      },
      {
        Sid       = "BreakGlass"
        Effect    = "Allow"
        Principal = { AWS = concat(local.break_glass, local.emergency) }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this.arn
      },
      {
        Sid       = "Rotating"
        Effect    = "Allow"
        Principal = "*" # want: PERIM010 unresolved
        Action    = "sns:Subscribe"
        Resource  = aws_sns_topic.this.arn
        Condition = { ArnEquals = { "aws:PrincipalArn" = local.rotating_role } }
      },
    ]
  })
}
