# Grants kept inside an organization zone (--org-id o-abcdefghij): "*"
# confined by aws:PrincipalOrgID = the organization, or aws:PrincipalOrgPaths
# under it, for the types whose negatives had no such condition. Each has a
# twin naming another organization, o-zyxwvutsrq, which is reported.

locals {
  org       = "o-abcdefghij"
  other_org = "o-zyxwvutsrq"
}

resource "aws_glue_resource_policy" "catalog" {
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["glue:GetTable", "glue:GetDatabase"]
        Resource  = "arn:aws:glue:us-east-1:111122223333:*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM024 external
        Action    = "glue:GetTable"
        Resource  = "arn:aws:glue:us-east-1:111122223333:*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}

resource "aws_codeartifact_domain_permissions_policy" "packages" {
  domain = "packages"
  policy_document = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "codeartifact:GetAuthorizationToken"
        Resource  = "*"
        Condition = { "ForAnyValue:StringLike" = { "aws:PrincipalOrgPaths" = "o-abcdefghij/r-ab12/ou-ab12-11111111/*" } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM029 external
        Action    = "codeartifact:GetAuthorizationToken"
        Resource  = "*"
        Condition = { "ForAnyValue:StringLike" = { "aws:PrincipalOrgPaths" = "o-zyxwvutsrq/r-zz99/*" } }
      },
    ]
  })
}

resource "aws_ecr_registry_policy" "registry" {
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["ecr:ReplicateImage", "ecr:CreateRepository"]
        Resource  = "arn:aws:ecr:us-east-1:111122223333:repository/*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM013 external
        Action    = "ecr:ReplicateImage"
        Resource  = "arn:aws:ecr:us-east-1:111122223333:repository/*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}

resource "aws_cloudwatch_log_destination_policy" "central" {
  destination_name = "central"
  access_policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "logs:PutSubscriptionFilter"
        Resource  = "arn:aws:logs:us-east-1:111122223333:destination:central"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM026 external
        Action    = "logs:PutSubscriptionFilter"
        Resource  = "arn:aws:logs:us-east-1:111122223333:destination:central"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}

resource "aws_dynamodb_resource_policy" "stream" {
  resource_arn = "arn:aws:dynamodb:us-east-1:111122223333:table/orders/stream/2024-01-01T00:00:00.000"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = ["dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM017 external
        Action    = "dynamodb:GetRecords"
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}

resource "aws_lambda_layer_version_permission" "org" {
  layer_name      = "arn:aws:lambda:us-east-1:111122223333:layer:shared"
  version_number  = 1
  statement_id    = "org"
  action          = "lambda:GetLayerVersion"
  principal       = "*"
  organization_id = local.org
}

resource "aws_lambda_layer_version_permission" "other_org" {
  layer_name      = "arn:aws:lambda:us-east-1:111122223333:layer:shared"
  version_number  = 1
  statement_id    = "other-org"
  action          = "lambda:GetLayerVersion"
  principal       = "*" # want: PERIM005 external
  organization_id = local.other_org
}

resource "aws_glacier_vault" "records" {
  name = "records"
  access_policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "glacier:InitiateJob"
        Resource  = "arn:aws:glacier:us-east-1:111122223333:vaults/records"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM028 external
        Action    = "glacier:InitiateJob"
        Resource  = "arn:aws:glacier:us-east-1:111122223333:vaults/records"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}

resource "aws_backup_vault_policy" "vault" {
  backup_vault_name = "vault"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "backup:CopyIntoBackupVault"
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM027 external
        Action    = "backup:CopyIntoBackupVault"
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}

resource "aws_api_gateway_rest_api" "org" {
  name = "org"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM018 external
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}

resource "aws_opensearch_domain_policy" "search" {
  domain_name = "search"
  access_policies = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "es:ESHttpGet"
        Resource  = "arn:aws:es:us-east-1:111122223333:domain/search/*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM019 external
        Action    = "es:ESHttpGet"
        Resource  = "arn:aws:es:us-east-1:111122223333:domain/search/*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}

resource "aws_efs_file_system_policy" "files" {
  file_system_id = "fs-0123456789abcdef0"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "elasticfilesystem:ClientMount"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM014 external
        Action    = "elasticfilesystem:ClientMount"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}

resource "aws_kinesis_resource_policy" "clicks" {
  resource_arn = "arn:aws:kinesis:us-east-1:111122223333:stream/clicks"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "kinesis:GetRecords"
        Resource  = "arn:aws:kinesis:us-east-1:111122223333:stream/clicks"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM030 external
        Action    = "kinesis:GetRecords"
        Resource  = "arn:aws:kinesis:us-east-1:111122223333:stream/clicks"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}

resource "aws_s3_bucket" "data" {
  bucket = "org-ap-data"
}

resource "aws_s3_access_point" "org" {
  bucket = aws_s3_bucket.data.id
  name   = "org"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:us-east-1:111122223333:accesspoint/org/object/*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM008 external
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:us-east-1:111122223333:accesspoint/org/object/*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
  public_access_block_configuration {
    block_public_acls       = false
    block_public_policy     = false
    ignore_public_acls      = false
    restrict_public_buckets = false
  }
}

resource "aws_s3control_multi_region_access_point" "org" {
  details {
    name = "org-mrap"
    public_access_block {
      block_public_acls       = false
      block_public_policy     = false
      ignore_public_acls      = false
      restrict_public_buckets = false
    }
    region {
      bucket = aws_s3_bucket.data.id
    }
  }
}

resource "aws_s3control_multi_region_access_point_policy" "org" {
  details {
    name = aws_s3control_multi_region_access_point.org.details[0].name
    policy = jsonencode({
      Statement = [
        {
          Effect    = "Allow"
          Principal = "*"
          Action    = "s3:GetObject"
          Resource  = "arn:aws:s3::111122223333:accesspoint/org-mrap.mrap/object/*"
          Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
        },
        {
          Effect    = "Allow"
          Principal = "*" # want: PERIM008 external
          Action    = "s3:GetObject"
          Resource  = "arn:aws:s3::111122223333:accesspoint/org-mrap.mrap/object/*"
          Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
        },
      ]
    })
  }
}

resource "aws_s3_directory_bucket" "express" {
  bucket = "org--usw2-az1--x-s3"
  location {
    name = "usw2-az1"
  }
}

resource "aws_s3_bucket_policy" "express" {
  bucket = aws_s3_directory_bucket.express.bucket
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3express:CreateSession"
        Resource  = aws_s3_directory_bucket.express.arn
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.org } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM009 external
        Action    = "s3express:CreateSession"
        Resource  = aws_s3_directory_bucket.express.arn
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.other_org } }
      },
    ]
  })
}
