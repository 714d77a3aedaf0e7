# Module calls that cannot be read: their policy arguments are analysed as
# the grants of what the module creates.

module "bucket" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "3.7.0"

  bucket = "inputs-bucket"
  acl    = "public-read"

  attach_policy = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::inputs-bucket/*"
    }]
  })

  ignore_public_acls       = true
  restrict_public_buckets  = false
  control_object_ownership = true
}

# attach_policy = false: the module ignores its policy argument.
module "unattached" {
  source        = "terraform-aws-modules/s3-bucket/aws"
  bucket        = "inputs-unattached"
  attach_policy = false
  policy        = <<EOT
{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}
EOT
}

module "queue" {
  source = "git::https://github.com/terraform-aws-modules/terraform-aws-sqs.git?ref=v4.0.0"
  name   = "inputs-queue"
  policy = data.aws_iam_policy_document.queue.json
}

data "aws_iam_policy_document" "queue" {
  statement {
    actions = ["sqs:SendMessage"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

variable "policy" {
  type = string
}

# Any other module: kind module:input; a policy-named argument without a
# value is an unknown policy; other arguments are not policies.
module "custom" {
  source           = "example.com/acme/thing/aws"
  for_each         = toset(["a"])
  resource_policy  = var.policy
  attach_policy    = var.policy
  name             = "not a policy"
  assume_role_json = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "444455556666" }, Action = "sts:AssumeRole" }] })
}

# create_bucket = false: the module creates nothing.
module "not_created" {
  source        = "terraform-aws-modules/s3-bucket/aws"
  create_bucket = false
  acl           = "public-read"
}

# attach_public_policy = false: the module does not create its Block
# Public Access block, so ignore_public_acls does not apply.
module "no_block" {
  source               = "terraform-aws-modules/s3-bucket/aws"
  acl                  = "public-read"
  ignore_public_acls   = true
  attach_public_policy = false
}
