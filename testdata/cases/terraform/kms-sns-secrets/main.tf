# KMS keys and grants, SNS topics, SQS queues and Secrets Manager secrets.
# Rules PERIM003, PERIM006, PERIM010, PERIM011.

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "key" {
  description = "app"
}

# A grant to another account's role, retired by another account.
resource "aws_kms_grant" "partner" {
  name              = "partner"
  key_id            = aws_kms_key.key.key_id
  grantee_principal = "arn:aws:iam::444455556666:role/partner" # want: PERIM003 external
  operations        = ["Encrypt", "Decrypt", "GenerateDataKey"]
  constraints {
    encryption_context_equals = {
      Department = "Finance"
    }
  }
  retiring_principal = "arn:aws:iam::444455556666:root" # want: PERIM003 external
}

# A grant inside the account and to a service: nothing to report.
resource "aws_kms_grant" "own" {
  name               = "own"
  key_id             = aws_kms_key.key.key_id
  grantee_principal  = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/app"
  operations         = ["Decrypt"]
  retiring_principal = "arn:aws:iam::111122223333:root"
}

variable "grantee" {
  type = string
}

resource "aws_kms_grant" "unknown" {
  name              = "unknown"
  key_id            = aws_kms_key.key.key_id
  grantee_principal = var.grantee # want: PERIM003 unresolved
  operations        = ["Decrypt"]
}

# Replica and external keys carry key policies like aws_kms_key.
resource "aws_kms_replica_key" "replica" {
  primary_key_arn = aws_kms_key.key.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM003 external
      Action    = "kms:Decrypt"
      Resource  = "*"
      Condition = { StringEquals = { "kms:CallerAccount" = "444455556666" } }
    }]
  })
}

resource "aws_kms_external_key" "external" {
  description = "imported"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_replica_external_key" "replica_external" {
  primary_key_arn = aws_kms_external_key.external.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:root" } # want: PERIM003 external
      Action    = "kms:Decrypt"
      Resource  = "*"
    }]
  })
}

# SNS topics: the inline policy and the standalone one.
resource "aws_sns_topic" "inline" {
  name = "inline"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM010 public
      Action    = "sns:Subscribe"
      Resource  = "*"
    }]
  })
}

resource "aws_sns_topic" "topic" {
  name = "events"
}

resource "aws_sns_topic_policy" "topic" {
  arn = aws_sns_topic.topic.arn
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "444455556666" } # want: PERIM010 external
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.topic.arn
      },
      {
        # SNS's aws:SourceOwner confines a service's publishing.
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.topic.arn
        Condition = { StringEquals = { "aws:SourceOwner" = data.aws_caller_identity.current.account_id } }
      },
    ]
  })
}

resource "aws_sqs_queue" "queue" {
  name = "inline-queue"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM006 public
      Action    = "sqs:SendMessage"
      Resource  = "*"
    }]
  })
}

# Secrets Manager: the resource policy (with block_public_policy) and the
# legacy policy argument of the secret.
resource "aws_secretsmanager_secret" "secret" {
  name = "db"
}

resource "aws_secretsmanager_secret_policy" "cross_account" {
  secret_arn = aws_secretsmanager_secret.secret.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:role/deployer" } # want: PERIM011 external
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}

resource "aws_secretsmanager_secret_policy" "blocked" {
  secret_arn          = aws_secretsmanager_secret.secret.arn
  block_public_policy = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM011 public
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}

resource "aws_secretsmanager_secret" "legacy" {
  name = "legacy"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/app" }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}
