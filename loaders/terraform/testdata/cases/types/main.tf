provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "legacy" {
  bucket = "legacy"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::legacy/*" }]
  })
}

resource "aws_s3_bucket" "no_policy" {
  bucket = "no-policy"
}

resource "aws_kms_key" "k" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "kms:*", Resource = "*" }]
  })
}

resource "aws_kms_key_policy" "kp" {
  key_id = aws_kms_key.k.key_id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "123456789012" }, Action = "kms:Decrypt", Resource = "*" }]
  })
}

resource "aws_sqs_queue" "q" {
  name = "jobs"
}

resource "aws_sqs_queue_policy" "qp" {
  queue_url = aws_sqs_queue.q.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { Service = "sns.amazonaws.com" }, Action = "sqs:SendMessage", Resource = aws_sqs_queue.q.arn }]
  })
}

resource "aws_lambda_function" "f" {
  function_name = "handler"
  role          = "arn:aws:iam::123456789012:role/lambda"
}

resource "aws_lambda_permission" "all_conditions" {
  statement_id           = "AllowAll"
  function_name          = aws_lambda_function.f.function_name
  qualifier              = "live"
  action                 = "lambda:InvokeFunctionUrl"
  principal              = "*"
  source_account         = "123456789012"
  source_arn             = "arn:aws:execute-api:eu-west-1:123456789012:abc/*"
  principal_org_id       = "o-xyz"
  event_source_token     = "token"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "account" {
  function_name = aws_lambda_function.f.arn
  action        = "lambda:InvokeFunction"
  principal     = "210987654321"
}

resource "aws_lambda_layer_version" "l" {
  layer_name = "shared"
}

resource "aws_lambda_layer_version_permission" "lp" {
  layer_name      = aws_lambda_layer_version.l.layer_arn
  version_number  = 3
  statement_id    = "org"
  action          = "lambda:GetLayerVersion"
  principal       = "*"
  organization_id = "o-layer"
}

# Identity providers declared here are the own account's: a trust policy
# naming them resolves (the OIDC provider's ARN drops the URL's scheme).
resource "aws_iam_saml_provider" "idp" {
  name                   = "corp-idp"
  saml_metadata_document = "<EntityDescriptor/>"
}

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

resource "aws_iam_role" "federated" {
  name = "federated"
  assume_role_policy = jsonencode({
    Statement = [
      { Effect = "Allow", Principal = { Federated = aws_iam_saml_provider.idp.arn }, Action = "sts:AssumeRoleWithSAML" },
      { Effect = "Allow", Principal = { Federated = aws_iam_openid_connect_provider.github.arn }, Action = "sts:AssumeRoleWithWebIdentity" },
      { Effect = "Allow", Principal = { Federated = aws_iam_openid_connect_provider.github.id }, Action = "sts:TagSession" },
    ]
  })
}
