# Terraform functions deciding who may publish to an SNS topic and read a
# bucket. Every input comes from partners.auto.tfvars.json; every function
# below decides whether a grant is public, external, inside the zone
# (111122223333) or unresolved.

variable "partner_accounts" {
  type = list(string)
}

variable "environment_names" {
  type = list(string)
}

variable "environment_accounts" {
  type = string
}

variable "readers_csv" {
  type = string
}

locals {
  # The tfvars list names 444455556666 twice: distinct keeps two accounts.
  # They publish to the module's topic; the findings point here.
  partner_roots = formatlist("arn:aws:iam::%s:root", distinct(var.partner_accounts)) # want: PERIM010 external, PERIM010 external

  # zipmap pairs dev, staging, prod with the comma-separated accounts
  # (dev and staging are the own account, prod is 222233334444);
  # values() orders by key (dev, prod, staging), and element wraps around:
  # index 4 of three values is index 1, prod's 222233334444. In the
  # written order, index 1 would be staging, inside the zone.
  environments  = zipmap(var.environment_names, split(",", var.environment_accounts))
  audit_account = element(values(local.environments), 4)
  # keys() and the map lookup: staging's deployer is in the own account.
  staging_roles = [for name in keys(local.environments) : "arn:aws:iam::${local.environments[name]}:role/${name}-deployer" if name == "staging"]

  # The workspace picks the operator account: "default" is the own account.
  operators = tomap({
    default = "111122223333"
    prod    = "444455556666"
  })
  operator = local.operators[terraform.workspace]

  # A reader is an account ID (made a root ARN), an ARN or "*".
  readers = [
    for r in split(",", replace(var.readers_csv, " ", "")) :
    can(regex("^[0-9]{12}$", r)) ? "arn:aws:iam::${r}:root" : r # want: PERIM001 external, PERIM001 public
  ]
}

module "topic" {
  source     = "./modules/topic"
  name       = "orders"
  publishers = tolist(local.partner_roots)
}

resource "aws_s3_bucket" "reports" {
  bucket = "reports"
}

resource "aws_s3_bucket_policy" "reports" {
  bucket = aws_s3_bucket.reports.id
  policy = jsonencode({
    Statement = [
      {
        Sid       = "Audit"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.audit_account}:root" } # want: PERIM001 external
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.reports.arn}/*"
      },
      {
        Sid       = "Staging"
        Effect    = "Allow"
        Principal = { AWS = local.staging_roles }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.reports.arn}/*"
      },
      {
        Sid       = "Operator"
        Effect    = "Allow"
        Principal = { AWS = local.operator }
        Action    = "s3:*"
        Resource  = "${aws_s3_bucket.reports.arn}/*"
      },
      {
        Sid       = "Readers"
        Effect    = "Allow"
        Principal = { AWS = local.readers } # the findings point at local.readers
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.reports.arn}/*"
      },
    ]
  })
}
