# RAM shares, VPC endpoint services, EventBridge buses, CloudWatch Logs,
# Backup and Glacier vaults, CodeArtifact, Kinesis and the Glue Data
# Catalog. Rules PERIM022 to PERIM030.

data "aws_caller_identity" "current" {}

resource "aws_subnet" "shared" {
  vpc_id     = "vpc-0abc1234"
  cidr_block = "10.0.0.0/24"
}

resource "aws_ram_resource_share" "subnets" {
  name                      = "subnets"
  allow_external_principals = true
}

resource "aws_ram_resource_association" "subnet" {
  resource_arn       = aws_subnet.shared.arn
  resource_share_arn = aws_ram_resource_share.subnets.arn
}

resource "aws_ram_principal_association" "partner" {
  principal          = "444455556666" # want: PERIM022 external
  resource_share_arn = aws_ram_resource_share.subnets.arn
}

resource "aws_ram_principal_association" "own" {
  principal          = data.aws_caller_identity.current.account_id
  resource_share_arn = aws_ram_resource_share.subnets.arn
}

resource "aws_ram_principal_association" "other_org" {
  principal          = "arn:aws:organizations::999988887777:organization/o-partner1234" # want: PERIM022 external
  resource_share_arn = aws_ram_resource_share.subnets.arn
}

# Not open to external principals (the provider's default): in an account
# zone the account is still another account (of the organization).
resource "aws_ram_resource_share" "internal" {
  name = "internal"
}

resource "aws_ram_principal_association" "internal" {
  principal          = "777788889999" # want: PERIM022 external
  resource_share_arn = aws_ram_resource_share.internal.arn
}

# A share that is not in the scanned code.
resource "aws_ram_principal_association" "elsewhere" {
  principal          = "777788889999" # want: PERIM022 external
  resource_share_arn = "arn:aws:ram:us-east-1:111122223333:resource-share/0123abcd-0000-0000-0000-000000000000"
}

resource "aws_vpc_endpoint_service" "service" {
  acceptance_required        = true
  network_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/nlb/abc"]
  allowed_principals = [
    "*", # want: PERIM023 public
    "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root",
  ]
}

resource "aws_vpc_endpoint_service_allowed_principal" "partner" {
  vpc_endpoint_service_id = aws_vpc_endpoint_service.service.id
  principal_arn           = "arn:aws:iam::444455556666:root" # want: PERIM023 external
}

resource "aws_cloudwatch_event_bus" "orders" {
  name = "orders"
}

resource "aws_cloudwatch_event_bus_policy" "orders" {
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:root" } # want: PERIM025 external
      Action    = "events:PutEvents"
      Resource  = aws_cloudwatch_event_bus.orders.arn
    }]
  })
}

resource "aws_cloudwatch_event_permission" "anyone" {
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  principal      = "*" # want: PERIM025 public
  statement_id   = "anyone"
}

# The default bus; in an account zone another organization is outside.
resource "aws_cloudwatch_event_permission" "org" {
  principal    = "*" # want: PERIM025 external
  statement_id = "org"
  condition {
    key   = "aws:PrincipalOrgID"
    type  = "StringEquals"
    value = "o-abcdefghij"
  }
}

resource "aws_cloudwatch_event_permission" "own" {
  principal    = data.aws_caller_identity.current.account_id
  statement_id = "own"
}

resource "aws_cloudwatch_log_resource_policy" "delivery" {
  policy_name = "delivery"
  policy_document = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "delivery.logs.amazonaws.com" }
        Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM026 public
        Action    = "logs:PutLogEvents"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_cloudwatch_log_destination_policy" "central" {
  destination_name = "central"
  access_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "444455556666" } # want: PERIM026 external
      Action    = "logs:PutSubscriptionFilter"
      Resource  = "*"
    }]
  })
}

resource "aws_backup_vault" "vault" {
  name = "vault"
}

resource "aws_backup_vault_policy" "vault" {
  backup_vault_name = aws_backup_vault.vault.name
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Deny"
        Principal = "*"
        Action    = "backup:DeleteRecoveryPoint"
        Resource  = "*"
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::444455556666:root" } # want: PERIM027 external
        Action    = "backup:CopyIntoBackupVault"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_glacier_vault" "archive" {
  name = "archive"
  access_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM028 public
      Action    = ["glacier:InitiateJob", "glacier:GetJobOutput"]
      Resource  = "arn:aws:glacier:us-east-1:111122223333:vaults/archive"
    }]
  })
}

resource "aws_glacier_vault_lock" "archive" {
  vault_name            = aws_glacier_vault.archive.name
  complete_lock         = false
  ignore_deletion_error = false
  policy = jsonencode({
    Statement = [{
      Effect    = "Deny"
      Principal = "*"
      Action    = "glacier:DeleteArchive"
      Resource  = "arn:aws:glacier:us-east-1:111122223333:vaults/archive"
    }]
  })
}

resource "aws_codeartifact_domain" "packages" {
  domain = "packages"
}

resource "aws_codeartifact_domain_permissions_policy" "packages" {
  domain = aws_codeartifact_domain.packages.domain
  policy_document = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM029 public
      Action    = "codeartifact:GetAuthorizationToken"
      Resource  = "*"
    }]
  })
}

resource "aws_codeartifact_repository_permissions_policy" "npm" {
  domain     = aws_codeartifact_domain.packages.domain
  repository = "npm"
  policy_document = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "444455556666" } # want: PERIM029 external
        Action    = ["codeartifact:ReadFromRepository"]
        Resource  = "*"
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "codeartifact:*"
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
      },
    ]
  })
}

resource "aws_kinesis_stream" "clicks" {
  name        = "clicks"
  shard_count = 1
}

resource "aws_kinesis_resource_policy" "clicks" {
  resource_arn = aws_kinesis_stream.clicks.arn
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::444455556666:role/reader" } # want: PERIM030 external
        Action    = ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStreamSummary"]
        Resource  = aws_kinesis_stream.clicks.arn
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/writer" }
        Action    = "kinesis:PutRecord"
        Resource  = aws_kinesis_stream.clicks.arn
      },
    ]
  })
}

resource "aws_glue_resource_policy" "catalog" {
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:root" } # want: PERIM024 external
      Action    = "glue:GetTable"
      Resource  = "arn:aws:glue:us-east-1:111122223333:*"
    }]
  })
}
