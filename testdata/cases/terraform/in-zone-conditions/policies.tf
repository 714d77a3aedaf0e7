# Types whose negatives so far had no confining condition: API Gateway,
# OpenSearch, EFS, Kinesis, S3 access points, Multi-Region Access Points,
# directory buckets, VPC endpoint services and Lambda function URLs.

# --- apigateway:restapi (PERIM018) ---

resource "aws_api_gateway_rest_api" "own_account" {
  name = "own-account"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/caller" }
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
      },
    ]
  })
}

resource "aws_api_gateway_rest_api" "partner" {
  name = "partner"
}

resource "aws_api_gateway_rest_api_policy" "partner" {
  rest_api_id = aws_api_gateway_rest_api.partner.id
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM018 external
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
      },
      {
        # ...IfExists: an anonymous request carries no aws:PrincipalAccount
        # and passes.
        Effect    = "Allow"
        Principal = "*" # want: PERIM018 public
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
        Condition = { StringEqualsIfExists = { "aws:PrincipalAccount" = "111122223333" } }
      },
    ]
  })
}

# --- es:domain (PERIM019) ---

resource "aws_opensearch_domain" "own_roles" {
  domain_name = "own-roles"
  access_policies = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "es:ESHttp*"
      Resource  = "arn:aws:es:us-east-1:111122223333:domain/own-roles/*"
      Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/search-*" } }
    }]
  })
}

resource "aws_elasticsearch_domain" "own_account" {
  domain_name = "own-account"
}

resource "aws_elasticsearch_domain_policy" "own_account" {
  domain_name = aws_elasticsearch_domain.own_account.domain_name
  access_policies = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "es:ESHttpGet"
        Resource  = "${aws_elasticsearch_domain.own_account.arn}/*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM019 external
        Action    = "es:ESHttpGet"
        Resource  = "${aws_elasticsearch_domain.own_account.arn}/*"
        Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::444455556666:role/search-*" } }
      },
    ]
  })
}

# --- elasticfilesystem:filesystem (PERIM014) ---

resource "aws_efs_file_system" "files" {
  creation_token = "in-zone"
}

resource "aws_efs_file_system_policy" "files" {
  file_system_id = aws_efs_file_system.files.id
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
        Condition = { StringEquals = { "aws:PrincipalAccount" = "111122223333" } }
      },
      {
        # The access point narrows, the account confines: both apply.
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "elasticfilesystem:ClientRootAccess"
        Condition = {
          StringEquals = {
            "elasticfilesystem:AccessPointArn" = "arn:aws:elasticfilesystem:us-east-1:111122223333:access-point/fsap-0123456789abcdef0"
            "aws:PrincipalAccount"             = data.aws_caller_identity.current.account_id
          }
        }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM014 external
        Action    = "elasticfilesystem:ClientMount"
        Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
      },
    ]
  })
}

# --- kinesis:stream (PERIM030) ---

resource "aws_kinesis_stream" "clicks" {
  name        = "in-zone-clicks"
  shard_count = 1
}

resource "aws_kinesis_resource_policy" "clicks" {
  resource_arn = aws_kinesis_stream.clicks.arn
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStreamSummary"]
        Resource  = aws_kinesis_stream.clicks.arn
        Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" } # want: PERIM030 external
        Action    = "kinesis:GetRecords"
        Resource  = aws_kinesis_stream.clicks.arn
        Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
      },
    ]
  })
}

resource "aws_kinesis_stream_consumer" "reader" {
  name       = "reader"
  stream_arn = aws_kinesis_stream.clicks.arn
}

resource "aws_kinesis_resource_policy" "reader" {
  resource_arn = aws_kinesis_stream_consumer.reader.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "kinesis:SubscribeToShard"
      Resource  = aws_kinesis_stream_consumer.reader.arn
      Condition = { StringEquals = { "aws:PrincipalAccount" = "111122223333" } }
    }]
  })
}

# --- s3:accesspoint (PERIM008) ---
# Block Public Access off, so only the condition keeps these in.

resource "aws_s3_bucket" "data" {
  bucket = "in-zone-ap-data"
}

resource "aws_s3_access_point" "own" {
  bucket = aws_s3_bucket.data.id
  name   = "own"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:GetObject", "s3:PutObject"]
      Resource  = "arn:aws:s3:us-east-1:111122223333:accesspoint/own/object/*"
      Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
  public_access_block_configuration {
    block_public_acls       = false
    block_public_policy     = false
    ignore_public_acls      = false
    restrict_public_buckets = false
  }
}

resource "aws_s3_access_point" "partner" {
  bucket = aws_s3_bucket.data.id
  name   = "partner"
  public_access_block_configuration {
    block_public_acls       = false
    block_public_policy     = false
    ignore_public_acls      = false
    restrict_public_buckets = false
  }
}

resource "aws_s3control_access_point_policy" "partner" {
  access_point_arn = aws_s3_access_point.partner.arn
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_access_point.partner.arn}/object/*"
        Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/*" } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM008 external
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_access_point.partner.arn}/object/*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
      },
    ]
  })
}

# --- s3:multiregionaccesspoint (PERIM008) ---

resource "aws_s3control_multi_region_access_point" "own" {
  details {
    name = "own-mrap"
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

resource "aws_s3control_multi_region_access_point_policy" "own" {
  details {
    name = aws_s3control_multi_region_access_point.own.details[0].name
    policy = jsonencode({
      Statement = [
        {
          Effect    = "Allow"
          Principal = "*"
          Action    = "s3:GetObject"
          Resource  = "arn:aws:s3::111122223333:accesspoint/own-mrap.mrap/object/*"
          Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
        },
        {
          Effect    = "Allow"
          Principal = "*" # want: PERIM008 external
          Action    = "s3:GetObject"
          Resource  = "arn:aws:s3::111122223333:accesspoint/own-mrap.mrap/object/*"
          Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
        },
      ]
    })
  }
}

# --- s3express:bucket (PERIM009) ---
# Block Public Access is always on for directory buckets, but these
# policies are not public (a fixed aws:PrincipalAccount), so it removes
# nothing: the own account stays in, the other account is reported.

resource "aws_s3_directory_bucket" "express" {
  bucket = "inzone--usw2-az1--x-s3"
  location {
    name = "usw2-az1"
  }
}

resource "aws_s3_bucket_policy" "express" {
  bucket = aws_s3_directory_bucket.express.bucket
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3express:CreateSession"
      Resource  = aws_s3_directory_bucket.express.arn
      Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
}

resource "aws_s3_directory_bucket" "express_partner" {
  bucket = "inzonepartner--usw2-az1--x-s3"
  location {
    name = "usw2-az1"
  }
}

resource "aws_s3_bucket_policy" "express_partner" {
  bucket = aws_s3_directory_bucket.express_partner.bucket
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM009 external
      Action    = "s3express:CreateSession"
      Resource  = aws_s3_directory_bucket.express_partner.arn
      Condition = { StringEquals = { "aws:PrincipalAccount" = "444455556666" } }
    }]
  })
}

# --- ec2:vpcendpointservice (PERIM023) ---
# Allowed principals take no condition: own-account principals only.

resource "aws_vpc_endpoint_service" "internal" {
  acceptance_required        = false
  network_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/internal/abc"]
  allowed_principals = [
    "arn:aws:iam::111122223333:role/consumer",
    "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root",
  ]
}

resource "aws_vpc_endpoint_service_allowed_principal" "own" {
  vpc_endpoint_service_id = aws_vpc_endpoint_service.internal.id
  principal_arn           = "arn:aws:iam::111122223333:user/ops"
}

# --- lambda:functionurl (PERIM020) ---
# NONE cannot be confined by a condition (the URL then accepts anyone);
# with AWS_IAM, access comes from the function policy, here the own
# account only.

resource "aws_lambda_function" "api" {
  function_name = "in-zone-api"
  role          = "arn:aws:iam::111122223333:role/lambda"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "handler.zip"
}

resource "aws_lambda_function_url" "iam" {
  function_name      = aws_lambda_function.api.function_name
  authorization_type = "AWS_IAM"
}

resource "aws_lambda_permission" "url_own" {
  statement_id           = "url-own"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.api.function_name
  principal              = data.aws_caller_identity.current.account_id
  function_url_auth_type = "AWS_IAM"
}
