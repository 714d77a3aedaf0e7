package corpus

// The Terraform side of the tree. Root modules live under
// terraform/roots/appNNNN and call two local modules:
//
//   - modules/service, once per partner (for_each over a map): an SQS
//     queue and its jsonencode policy, an IAM role with a heredoc trust
//     policy, a KMS key whose policy is an aws_iam_policy_document, a
//     Lambda function and its permission;
//   - modules/platform, once per root: an S3 bucket with Block Public
//     Access, ownership controls and a bucket policy, an SNS topic, a
//     Secrets Manager secret, an ECR repository, a DynamoDB table, a
//     Kinesis stream, an EFS file system, a Backup vault, an API Gateway
//     REST API and a Lambda layer permission, each with a policy.
//
// Every third root adds shared.tf with the rarer kinds (snapshots, AMIs,
// RAM, VPC endpoint services, EventBridge, CloudWatch Logs, Glacier,
// CodeArtifact, Glue, ECR registry, access points, Multi-Region and Object
// Lambda access points, directory buckets, OpenSearch, function URLs, KMS
// grants, bucket ACLs); every fourth adds a .tf.json file; every tenth
// calls a registry module that is not downloaded (kind module:input).

const serviceVariables = `variable "name" {
  type = string
}

variable "partner_account" {
  type = string
}

variable "own_account" {
  type = string
}

variable "public_read" {
  type    = bool
  default = false
}
`

// serviceModule: 6 resources per instance.
const serviceModule = `locals {
  partner_root = "arn:aws:iam::${var.partner_account}:root"
  readers      = var.public_read ? ["*"] : [local.partner_root]
}

resource "aws_sqs_queue" "this" {
  name = var.name
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PartnerSend"
      Effect    = "Allow"
      Principal = { AWS = local.partner_root }
      Action    = ["sqs:SendMessage", "sqs:GetQueueAttributes"]
      Resource  = aws_sqs_queue.this.arn
    }]
  })
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-role"
  assume_role_policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::${var.own_account}:root"},
        "Action": "sts:AssumeRole"
      }]
    }
  EOF
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "Owner"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.own_account}:root"]
    }
  }
  statement {
    sid       = "PartnerDecrypt"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = local.readers
    }
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.us-east-1.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "this" {
  description = "key for ${var.name}"
  policy      = data.aws_iam_policy_document.key.json
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "fn.zip"
}

resource "aws_lambda_permission" "this" {
  statement_id   = "AllowQueue"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "sqs.amazonaws.com"
  source_account = var.own_account
  source_arn     = aws_sqs_queue.this.arn
}
`

const platformVariables = `variable "name" {
  type = string
}

variable "own_account" {
  type = string
}

variable "partner_account" {
  type = string
}

variable "public" {
  type    = bool
  default = false
}

variable "readers" {
  type    = list(string)
  default = []
}
`

// platformModule: one instance per root.
const platformModule = `locals {
  partner = "arn:aws:iam::${var.partner_account}:root"
  own     = "arn:aws:iam::${var.own_account}:root"
  anyone  = var.public ? "*" : local.own
  tags    = { Name = var.name, Owner = "platform" }
}

resource "aws_s3_bucket" "data" {
  bucket = "${var.name}-data"
  tags   = local.tags
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = !var.public
  restrict_public_buckets = !var.public
}

resource "aws_s3_bucket_ownership_controls" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

data "aws_iam_policy_document" "data" {
  statement {
    sid       = "Readers"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = concat([local.partner], var.readers)
    }
  }
  statement {
    sid       = "DenyInsecure"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = data.aws_iam_policy_document.data.json
}

resource "aws_sns_topic" "events" {
  name = "${var.name}-events"
}

resource "aws_sns_topic_policy" "events" {
  arn = aws_sns_topic.events.arn
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = local.partner }
        Action    = "sns:Subscribe"
        Resource  = aws_sns_topic.events.arn
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.events.arn
        Condition = { StringEquals = { "aws:SourceOwner" = var.own_account } }
      },
    ]
  })
}

resource "aws_secretsmanager_secret" "db" {
  name = "${var.name}/db"
}

resource "aws_secretsmanager_secret_policy" "db" {
  secret_arn          = aws_secretsmanager_secret.db.arn
  block_public_policy = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.own_account}:role/${var.name}-app" }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}

resource "aws_ecr_repository" "images" {
  name = "${var.name}/images"
}

resource "aws_ecr_repository_policy" "images" {
  repository = aws_ecr_repository.images.name
  policy = jsonencode({
    Statement = [{
      Sid       = "Pull"
      Effect    = "Allow"
      Principal = { AWS = [local.own, local.partner] }
      Action    = ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    }]
  })
}

resource "aws_dynamodb_table" "orders" {
  name             = "${var.name}-orders"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_resource_policy" "orders" {
  resource_arn = aws_dynamodb_table.orders.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.partner_account}:role/analytics" }
      Action    = ["dynamodb:GetItem", "dynamodb:Query"]
      Resource  = aws_dynamodb_table.orders.arn
    }]
  })
}

resource "aws_dynamodb_resource_policy" "orders_stream" {
  resource_arn = aws_dynamodb_table.orders.stream_arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = local.own }
      Action    = ["dynamodb:GetRecords", "dynamodb:GetShardIterator"]
      Resource  = aws_dynamodb_table.orders.stream_arn
    }]
  })
}

resource "aws_kinesis_stream" "clicks" {
  name        = "${var.name}-clicks"
  shard_count = 1
}

resource "aws_kinesis_resource_policy" "clicks" {
  resource_arn = aws_kinesis_stream.clicks.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.own_account}:role/writer" }
      Action    = "kinesis:PutRecord"
      Resource  = aws_kinesis_stream.clicks.arn
    }]
  })
}

resource "aws_efs_file_system" "files" {
  creation_token = "${var.name}-files"
}

resource "aws_efs_file_system_policy" "files" {
  file_system_id = aws_efs_file_system.files.id
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = local.anyone }
      Action    = ["elasticfilesystem:ClientMount"]
      Condition = { Bool = { "aws:SecureTransport" = "true" } }
    }]
  })
}

resource "aws_backup_vault" "vault" {
  name = "${var.name}-vault"
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
        Principal = { AWS = local.partner }
        Action    = "backup:CopyIntoBackupVault"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_api_gateway_rest_api" "api" {
  name = "${var.name}-api"
  endpoint_configuration {
    types = ["PRIVATE"]
  }
}

resource "aws_api_gateway_rest_api_policy" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
      },
      {
        Effect    = "Deny"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
        Condition = { StringNotEquals = { "aws:SourceVpce" = "vpce-0123456789abcdef0" } }
      },
    ]
  })
}

resource "aws_lambda_layer_version" "common" {
  layer_name = "${var.name}-common"
  filename   = "layer.zip"
}

resource "aws_lambda_layer_version_permission" "common" {
  layer_name     = aws_lambda_layer_version.common.layer_arn
  version_number = aws_lambda_layer_version.common.version
  statement_id   = "partner"
  action         = "lambda:GetLayerVersion"
  principal      = var.partner_account
}
`

// sharedTF holds the rarer kinds; @N@ is the root's number, @PARTNER@ an
// account.
const sharedTF = `# Rarer resource kinds of root @N@.

resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 40
}

resource "aws_ebs_snapshot" "data" {
  volume_id = aws_ebs_volume.data.id
}

resource "aws_snapshot_create_volume_permission" "partner" {
  snapshot_id = aws_ebs_snapshot.data.id
  account_id  = "@PARTNER@"
}

resource "aws_db_snapshot" "shared" {
  db_instance_identifier = "db@N@"
  db_snapshot_identifier = "db@N@-snapshot"
  shared_accounts        = ["@PARTNER@"]
}

resource "aws_db_cluster_snapshot" "shared" {
  db_cluster_identifier          = "cluster@N@"
  db_cluster_snapshot_identifier = "cluster@N@-snapshot"
  shared_accounts                = [data.aws_caller_identity.current.account_id]
}

resource "aws_ami_launch_permission" "partner" {
  image_id   = "ami-12345678"
  account_id = "@PARTNER@"
}

resource "aws_ram_resource_share" "subnets" {
  name                      = "subnets@N@"
  allow_external_principals = true
}

resource "aws_ram_principal_association" "partner" {
  principal          = "@PARTNER@"
  resource_share_arn = aws_ram_resource_share.subnets.arn
}

resource "aws_vpc_endpoint_service" "service" {
  acceptance_required        = true
  network_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/nlb@N@/abc"]
  allowed_principals         = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
}

resource "aws_vpc_endpoint_service_allowed_principal" "partner" {
  vpc_endpoint_service_id = aws_vpc_endpoint_service.service.id
  principal_arn           = "arn:aws:iam::@PARTNER@:root"
}

resource "aws_cloudwatch_event_bus" "orders" {
  name = "orders@N@"
}

resource "aws_cloudwatch_event_bus_policy" "orders" {
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::@PARTNER@:root" }
      Action    = "events:PutEvents"
      Resource  = aws_cloudwatch_event_bus.orders.arn
    }]
  })
}

resource "aws_cloudwatch_event_permission" "org" {
  principal    = "*"
  statement_id = "org@N@"
  condition {
    key   = "aws:PrincipalOrgID"
    type  = "StringEquals"
    value = "o-abcdefghij"
  }
}

resource "aws_cloudwatch_log_resource_policy" "delivery" {
  policy_name = "delivery@N@"
  policy_document = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
}

resource "aws_cloudwatch_log_destination_policy" "central" {
  destination_name = "central@N@"
  access_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "@PARTNER@" }
      Action    = "logs:PutSubscriptionFilter"
      Resource  = "*"
    }]
  })
}

resource "aws_glacier_vault" "archive" {
  name = "archive@N@"
  access_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::@PARTNER@:root" }
      Action    = ["glacier:InitiateJob", "glacier:GetJobOutput"]
      Resource  = "arn:aws:glacier:us-east-1:111122223333:vaults/archive@N@"
    }]
  })
}

resource "aws_codeartifact_domain" "packages" {
  domain = "packages@N@"
}

resource "aws_codeartifact_domain_permissions_policy" "packages" {
  domain = aws_codeartifact_domain.packages.domain
  policy_document = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "codeartifact:GetAuthorizationToken"
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
}

resource "aws_codeartifact_repository_permissions_policy" "npm" {
  domain     = aws_codeartifact_domain.packages.domain
  repository = "npm"
  policy_document = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "@PARTNER@" }
      Action    = ["codeartifact:ReadFromRepository"]
      Resource  = "*"
    }]
  })
}

resource "aws_glue_resource_policy" "catalog" {
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::@PARTNER@:root" }
      Action    = "glue:GetTable"
      Resource  = "arn:aws:glue:us-east-1:111122223333:*"
    }]
  })
}

resource "aws_ecr_registry_policy" "registry" {
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::@PARTNER@:root" }
      Action    = ["ecr:ReplicateImage"]
      Resource  = "arn:aws:ecr:us-east-1:111122223333:repository/*"
    }]
  })
}

resource "aws_s3_bucket" "shared" {
  bucket = "shared@N@"
}

resource "aws_s3_bucket_acl" "shared" {
  bucket = aws_s3_bucket.shared.id
  acl    = "log-delivery-write"
}

resource "aws_s3_access_point" "reader" {
  bucket = aws_s3_bucket.shared.id
  name   = "reader@N@"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::@PARTNER@:role/reader" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:us-east-1:111122223333:accesspoint/reader@N@/object/*"
    }]
  })
  vpc_configuration {
    vpc_id = "vpc-0abc1234"
  }
}

resource "aws_s3control_multi_region_access_point" "global" {
  details {
    name = "global@N@"
    region {
      bucket = aws_s3_bucket.shared.id
    }
  }
}

resource "aws_s3control_multi_region_access_point_policy" "global" {
  details {
    name = aws_s3control_multi_region_access_point.global.details[0].name
    policy = jsonencode({
      Statement = [{
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3::111122223333:accesspoint/global@N@.mrap/object/*"
      }]
    })
  }
}

resource "aws_s3control_object_lambda_access_point_policy" "transform" {
  name = "transform@N@"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "@PARTNER@" }
      Action    = "s3-object-lambda:GetObject"
      Resource  = "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/transform@N@"
    }]
  })
}

resource "aws_s3_directory_bucket" "express" {
  bucket = "express@N@--usw2-az1--x-s3"
  location {
    name = "usw2-az1"
  }
}

resource "aws_s3_bucket_policy" "express" {
  bucket = aws_s3_directory_bucket.express.bucket
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::@PARTNER@:root" }
      Action    = "s3express:CreateSession"
      Resource  = aws_s3_directory_bucket.express.arn
    }]
  })
}

resource "aws_opensearch_domain" "search" {
  domain_name = "search@N@"
  access_policies = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "es:ESHttpGet"
      Resource  = "arn:aws:es:us-east-1:111122223333:domain/search@N@/*"
      Condition = { IpAddress = { "aws:SourceIp" = "192.0.2.0/24" } }
    }]
  })
}

resource "aws_lambda_function" "handler" {
  function_name = "handler@N@"
  role          = "arn:aws:iam::111122223333:role/lambda"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "handler.zip"
}

resource "aws_lambda_function_url" "handler" {
  function_name      = aws_lambda_function.handler.function_name
  authorization_type = "NONE"
}

resource "aws_kms_key" "shared" {
  description = "shared@N@"
}

resource "aws_kms_grant" "partner" {
  name              = "partner@N@"
  key_id            = aws_kms_key.shared.key_id
  grantee_principal = "arn:aws:iam::@PARTNER@:role/partner"
  operations        = ["Decrypt"]
}
`

// unreadModuleTF calls a registry module that is not downloaded: perimeter
// judges the policy argument as written (kind module:input, or the
// module's kind for a well-known one).
const unreadModuleTF = `module "archive" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "~> 4.0"

  bucket        = "${local.prefix}-archive"
  attach_policy = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::@PARTNER@:root" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::${local.prefix}-archive/*"
    }]
  })
}

module "pipeline" {
  source = "git::https://example.com/modules/pipeline.git?ref=v1.2.0"

  name = "${local.prefix}-pipeline"
  artifact_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "s3:*"
      Resource  = "*"
    }]
  })
}
`

// rolesTFJSON is a .tf.json file: two roles trusted by another account
// (one confined by an external ID condition) and a queue with an inline
// policy.
const rolesTFJSON = `{
  "resource": {
    "aws_iam_role": {
      "deploy": {
        "name": "deploy@N@",
        "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::@PARTNER@:root\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"deploy-@N@\"}}}]}"
      },
      "ci": {
        "name": "ci@N@",
        "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringLike\":{\"token.actions.githubusercontent.com:sub\":\"repo:example/app@N@:*\"}}}]}"
      }
    },
    "aws_sqs_queue": {
      "dead_letters": {
        "name": "dead-letters@N@",
        "policy": "${jsonencode({Statement = [{Effect = \"Allow\", Principal = {AWS = \"arn:aws:iam::111122223333:root\"}, Action = \"sqs:*\", Resource = \"*\"}]})}"
      }
    }
  }
}
`
