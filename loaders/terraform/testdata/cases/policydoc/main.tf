variable "trusted_accounts" {
  type    = list(string)
  default = ["111111111111", "222222222222"]
}

data "aws_caller_identity" "me" {}
data "aws_partition" "p" {}
data "aws_region" "r" {}

data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Admin"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.me.account_id}:root"]
    }
  }
  statement {
    sid       = "Replaced"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::999999999999:root"]
    }
  }
}

data "aws_iam_policy_document" "override" {
  statement {
    sid       = "Replaced"
    actions   = ["kms:Encrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::333333333333:root"]
    }
  }
}

data "aws_iam_policy_document" "key" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.override.json]

  dynamic "statement" {
    for_each = var.trusted_accounts
    content {
      sid     = "Trusted${statement.key}"
      actions = ["kms:Decrypt", "kms:DescribeKey"]
      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::${statement.value}:root"]
      }
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${data.aws_region.r.name}.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sqs.${data.aws_region.r.name}.amazonaws.com"]
      }
    }
  }

  statement {
    sid     = "Everyone"
    effect  = "Deny"
    actions = ["kms:*"]
    not_principals {
      type        = "Service"
      identifiers = ["logs.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "k" {
  description = "key"
  policy      = data.aws_iam_policy_document.key.json
}

# The same document through jsondecode/jsonencode: the string form.
resource "aws_kms_key_policy" "roundtrip" {
  key_id = aws_kms_key.k.id
  policy = jsonencode(jsondecode(data.aws_iam_policy_document.key.json))
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.me.account_id}:saml-provider/corp"]
    }
  }
}

resource "aws_iam_role" "trust" {
  assume_role_policy = data.aws_iam_policy_document.trust.minified_json
}

data "aws_iam_session_context" "me" {
  arn = data.aws_caller_identity.me.arn
}

data "aws_service_principal" "ec2" {
  service_name = "ec2"
}

resource "aws_iam_role" "session" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = data.aws_iam_session_context.me.issuer_arn, Service = data.aws_service_principal.ec2.name }
    }]
  })
}
