# ECR repositories and registries, EFS file systems and DynamoDB tables and
# streams. Rules PERIM012, PERIM013, PERIM014, PERIM017.

data "aws_caller_identity" "current" {}

resource "aws_ecr_repository" "images" {
  name = "images"
}

resource "aws_ecr_repository_policy" "images" {
  repository = aws_ecr_repository.images.name
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM012 public
      Action    = ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    }]
  })
}

resource "aws_ecr_registry_policy" "registry" {
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:root" } # want: PERIM013 external
      Action    = ["ecr:ReplicateImage", "ecr:CreateRepository"]
      Resource  = "arn:aws:ecr:us-east-1:111122223333:repository/*"
    }]
  })
}

# Replication to another account copies every image there; to the own
# account (another region) it stays inside.
resource "aws_ecr_replication_configuration" "replication" {
  replication_configuration {
    rule {
      destination {
        region      = "eu-west-1"
        registry_id = "444455556666" # want: PERIM013 external
      }
      destination {
        region      = "us-west-2"
        registry_id = data.aws_caller_identity.current.account_id
      }
    }
  }
}

resource "aws_efs_file_system" "files" {
  creation_token = "files"
}

resource "aws_efs_file_system_policy" "files" {
  file_system_id = aws_efs_file_system.files.id
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM014 public
        Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
      },
      {
        # One access point of the file system, whoever comes through it.
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM014 external
        Action    = "elasticfilesystem:ClientMount"
        Condition = { StringEquals = { "elasticfilesystem:AccessPointArn" = "arn:aws:elasticfilesystem:us-east-1:111122223333:access-point/fsap-0123456789abcdef0" } }
      },
    ]
  })
}

resource "aws_dynamodb_table" "table" {
  name             = "orders"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_resource_policy" "table" {
  resource_arn = aws_dynamodb_table.table.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::444455556666:role/analytics" } # want: PERIM017 external
      Action    = "dynamodb:GetItem"
      Resource  = aws_dynamodb_table.table.arn
    }]
  })
}

resource "aws_dynamodb_resource_policy" "stream" {
  resource_arn = aws_dynamodb_table.table.stream_arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM017 public
      Action    = ["dynamodb:GetRecords", "dynamodb:GetShardIterator"]
      Resource  = aws_dynamodb_table.table.stream_arn
    }]
  })
}

resource "aws_dynamodb_resource_policy" "own" {
  resource_arn = "arn:aws:dynamodb:us-east-1:111122223333:table/other"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/app" }
      Action    = "dynamodb:*"
      Resource  = "*"
    }]
  })
}
