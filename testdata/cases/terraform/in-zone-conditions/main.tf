# Grants kept inside an account zone (--account 111122223333): "*" confined
# by a condition on a key that names the account (docs/semantics.md,
# "Conditions that confine"), own-account principals, and sharing with the
# own account only. Each confining condition has a twin naming another
# account, 444455556666, which is reported: the condition is what keeps
# the grant in.

data "aws_caller_identity" "current" {}

# --- glue:catalog (PERIM024) ---

resource "aws_glue_resource_policy" "catalog" {
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["glue:GetTable", "glue:GetDatabase"]
        Resource  = "arn:aws:glue:us-east-1:111122223333:*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/etl" }
        Action    = "glue:*"
        Resource  = "arn:aws:glue:us-east-1:111122223333:*"
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM024 external
        Action    = "glue:GetTable"
        Resource  = "arn:aws:glue:us-east-1:111122223333:*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
      },
    ]
  })
}

# --- codeartifact:domain (PERIM029) ---

resource "aws_codeartifact_domain" "packages" {
  domain = "packages"
}

resource "aws_codeartifact_domain_permissions_policy" "packages" {
  domain = aws_codeartifact_domain.packages.domain
  policy_document = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = ["codeartifact:GetAuthorizationToken", "codeartifact:ListRepositoriesInDomain"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = "111122223333" } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "codeartifact:*"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_codeartifact_domain" "partner" {
  domain = "partner"
}

resource "aws_codeartifact_domain_permissions_policy" "partner" {
  domain = aws_codeartifact_domain.partner.domain
  policy_document = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM029 external
      Action    = "codeartifact:GetAuthorizationToken"
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
    }]
  })
}

# --- ecr:registry (PERIM013) ---

resource "aws_ecr_registry_policy" "registry" {
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["ecr:ReplicateImage", "ecr:CreateRepository"]
        Resource  = "arn:aws:ecr:us-east-1:111122223333:repository/*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "ecr:BatchImportUpstreamImage"
        Resource  = "arn:aws:ecr:us-east-1:111122223333:repository/*"
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM013 external
        Action    = "ecr:ReplicateImage"
        Resource  = "arn:aws:ecr:us-east-1:111122223333:repository/*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
      },
    ]
  })
}

# Replication to the own account only (other regions): stays inside.
resource "aws_ecr_replication_configuration" "replication" {
  replication_configuration {
    rule {
      destination {
        region      = "eu-west-1"
        registry_id = data.aws_caller_identity.current.account_id
      }
    }
    rule {
      destination {
        region      = "us-west-2"
        registry_id = "111122223333"
      }
      repository_filter {
        filter      = "prod"
        filter_type = "PREFIX_MATCH"
      }
    }
  }
}

# --- logs:destination (PERIM026) ---

resource "aws_cloudwatch_log_destination" "central" {
  name       = "central"
  role_arn   = "arn:aws:iam::111122223333:role/cwl"
  target_arn = "arn:aws:kinesis:us-east-1:111122223333:stream/central"
}

resource "aws_cloudwatch_log_destination_policy" "central" {
  destination_name = aws_cloudwatch_log_destination.central.name
  access_policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "logs:PutSubscriptionFilter"
        Resource  = aws_cloudwatch_log_destination.central.arn
        Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = data.aws_caller_identity.current.account_id }
        Action    = "logs:PutSubscriptionFilter"
        Resource  = aws_cloudwatch_log_destination.central.arn
      },
    ]
  })
}

resource "aws_cloudwatch_log_destination_policy" "partner" {
  destination_name = "partner"
  access_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" } # want: PERIM026 external
      Action    = "logs:PutSubscriptionFilter"
      Resource  = "arn:aws:logs:us-east-1:111122223333:destination:partner"
      Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
    }]
  })
}

# --- rds:snapshot, rds:clustersnapshot (PERIM016), ec2:snapshot (PERIM015) ---
# Sharing lists take no condition: only the grantees decide. Shared with
# the own account only, nothing leaves the zone.

resource "aws_db_snapshot" "own" {
  db_instance_identifier = "db"
  db_snapshot_identifier = "db-snapshot-own"
  shared_accounts        = [data.aws_caller_identity.current.account_id]
}

resource "aws_db_cluster_snapshot" "own" {
  db_cluster_identifier          = "cluster"
  db_cluster_snapshot_identifier = "cluster-snapshot-own"
  shared_accounts                = ["111122223333"]
}

resource "aws_db_cluster_snapshot" "unshared" {
  db_cluster_identifier          = "cluster"
  db_cluster_snapshot_identifier = "cluster-snapshot-private"
}

resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 40
}

resource "aws_ebs_snapshot" "data" {
  volume_id = aws_ebs_volume.data.id
}

resource "aws_snapshot_create_volume_permission" "own" {
  snapshot_id = aws_ebs_snapshot.data.id
  account_id  = "111122223333"
}

# --- dynamodb:stream (PERIM017) ---

resource "aws_dynamodb_table" "orders" {
  name             = "orders"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_resource_policy" "stream" {
  resource_arn = aws_dynamodb_table.orders.stream_arn
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"]
        Resource  = aws_dynamodb_table.orders.stream_arn
        Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/consumer" }
        Action    = "dynamodb:GetRecords"
        Resource  = aws_dynamodb_table.orders.stream_arn
      },
    ]
  })
}

resource "aws_dynamodb_table" "events" {
  name             = "events"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "KEYS_ONLY"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_resource_policy" "events_stream" {
  resource_arn = aws_dynamodb_table.events.stream_arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM017 external
      Action    = "dynamodb:GetRecords"
      Resource  = aws_dynamodb_table.events.stream_arn
      Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
    }]
  })
}

# --- lambda:layer (PERIM005) ---

resource "aws_lambda_layer_version" "shared" {
  layer_name = "shared"
  filename   = "layer.zip"
}

resource "aws_lambda_layer_version_permission" "own" {
  layer_name     = aws_lambda_layer_version.shared.layer_arn
  version_number = aws_lambda_layer_version.shared.version
  statement_id   = "own"
  action         = "lambda:GetLayerVersion"
  principal      = data.aws_caller_identity.current.account_id
}

resource "aws_lambda_layer_version_permission" "partner" {
  layer_name     = aws_lambda_layer_version.shared.layer_arn
  version_number = aws_lambda_layer_version.shared.version
  statement_id   = "partner"
  action         = "lambda:GetLayerVersion"
  principal      = "444455556666" # want: PERIM005 external
}

# In an account zone, an organization is outside (inside with --org-id:
# terraform-org/in-zone-conditions).
resource "aws_lambda_layer_version_permission" "org" {
  layer_name      = aws_lambda_layer_version.shared.layer_arn
  version_number  = aws_lambda_layer_version.shared.version
  statement_id    = "org"
  action          = "lambda:GetLayerVersion"
  principal       = "*" # want: PERIM005 external
  organization_id = "o-abcdefghij"
}

# --- glacier:vault (PERIM028) ---

resource "aws_glacier_vault" "records" {
  name = "records"
  access_policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = ["glacier:InitiateJob", "glacier:GetJobOutput"]
        Resource  = "arn:aws:glacier:us-east-1:111122223333:vaults/records"
        Condition = { StringEquals = { "aws:PrincipalAccount" = "111122223333" } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/archivist" }
        Action    = "glacier:UploadArchive"
        Resource  = "arn:aws:glacier:us-east-1:111122223333:vaults/records"
      },
    ]
  })
}

resource "aws_glacier_vault" "partner" {
  name = "partner"
  access_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM028 external
      Action    = "glacier:InitiateJob"
      Resource  = "arn:aws:glacier:us-east-1:111122223333:vaults/partner"
      Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
    }]
  })
}

# --- backup:vault (PERIM027) ---

resource "aws_backup_vault" "vault" {
  name = "in-zone"
}

resource "aws_backup_vault_policy" "vault" {
  backup_vault_name = aws_backup_vault.vault.name
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "backup:CopyIntoBackupVault"
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/backup" }
        Action    = ["backup:DescribeBackupVault", "backup:ListRecoveryPointsByBackupVault"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_backup_vault" "partner" {
  name = "partner"
}

resource "aws_backup_vault_policy" "partner" {
  backup_vault_name = aws_backup_vault.partner.name
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" } # want: PERIM027 external
      Action    = "backup:CopyIntoBackupVault"
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
    }]
  })
}

# --- ec2:image (PERIM021) ---
# Launch permissions take no condition either: the own account only.

resource "aws_ami_launch_permission" "own" {
  image_id   = "ami-12345678"
  account_id = data.aws_caller_identity.current.account_id
}
