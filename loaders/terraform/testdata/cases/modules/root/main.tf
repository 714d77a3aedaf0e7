variable "partner_account" {
  default = "111122223333"
}

module "logs" {
  source  = "../modules/bucket"
  name    = "logs"
  readers = ["arn:aws:iam::${var.partner_account}:root"]
}

module "data" {
  source = "../modules/bucket"
  count  = 2
  name   = "data-${count.index}"
}

module "queues" {
  source   = "../modules/queue"
  for_each = { jobs = "444455556666", events = "777788889999" }
  name     = each.key
  sender   = each.value
}

module "remote" {
  source  = "terraform-aws-modules/kms/aws"
  version = "~> 3.0"
  admin   = "arn:aws:iam::${var.partner_account}:root"
}

module "missing" {
  source = "git::https://example.com/x.git"
}

resource "aws_iam_role" "uses_output" {
  name = "uses-output"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = module.logs.reader_arns } }]
  })
}

resource "aws_iam_role" "uses_missing" {
  name = "uses-missing"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = module.missing.arn } }]
  })
}

variable "enable_extra" {
  type = bool
}

# A count that cannot be decided: the module is evaluated once and its
# resources carry the reason.
module "maybe" {
  source = "../modules/queue"
  count  = var.enable_extra ? 1 : 0
  name   = "maybe"
  sender = "arn:aws:iam::${count.index}:root"
}
