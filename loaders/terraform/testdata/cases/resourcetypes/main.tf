# Every way loaders/tftypes synthesises a document, with the positions of
# the principals: ACL grantees, sharing-list items, grant arguments.

data "aws_canonical_user_id" "me" {}

resource "aws_s3_bucket" "b" {
  bucket = "types-bucket"
  acl    = "authenticated-read"
  grant {
    type        = "Group"
    uri         = "http://acs.amazonaws.com/groups/s3/LogDelivery"
    permissions = ["WRITE", "READ_ACP"]
  }
  dynamic "grant" {
    for_each = { partner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" }
    content {
      type        = "CanonicalUser"
      id          = grant.value
      permissions = ["READ"]
    }
  }
}

resource "aws_s3_bucket_acl" "b" {
  bucket = aws_s3_bucket.b.id
  access_control_policy {
    grant {
      grantee {
        type = "CanonicalUser"
        id   = data.aws_canonical_user_id.me.id
      }
      permission = "FULL_CONTROL"
    }
    grant {
      grantee {
        type          = "AmazonCustomerByEmail"
        email_address = "someone@example.com"
      }
      permission = "WRITE_ACP"
    }
    owner {
      id = data.aws_canonical_user_id.me.id
    }
  }
}

resource "aws_s3_bucket_acl" "unknown_grants" {
  bucket = aws_s3_bucket.b.id
  access_control_policy {
    dynamic "grant" {
      for_each = var.grants
      content {
        grantee {
          type = "CanonicalUser"
          id   = grant.value
        }
        permission = "READ"
      }
    }
    owner {
      id = "owner-id"
    }
  }
}

variable "grants" {
  type = list(string)
}

resource "aws_s3_bucket_acl" "bogus" {
  bucket = aws_s3_bucket.b.id
  acl    = "everyone-read"
}

resource "aws_kms_key" "k" {}

resource "aws_kms_grant" "g" {
  key_id             = aws_kms_key.k.arn
  grantee_principal  = "logs.us-east-1.amazonaws.com"
  operations         = ["Encrypt", "Decrypt"]
  retiring_principal = "arn:aws:iam::444455556666:role/retirer"
}

resource "aws_db_snapshot" "s" {
  db_instance_identifier = "db"
  db_snapshot_identifier = "snap"
  shared_accounts = [
    "444455556666",
    "arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-11111111",
  ]
}

resource "aws_vpc_endpoint_service" "svc" {
  acceptance_required        = false
  network_load_balancer_arns = ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/n/1"]
  allowed_principals         = var.allowed
}

variable "allowed" {
  type = list(string)
}

resource "aws_cloudwatch_event_permission" "p" {
  principal      = "*"
  statement_id   = "org"
  action         = "events:PutEvents"
  event_bus_name = "orders"
  condition {
    key   = "aws:PrincipalOrgID"
    type  = "StringEquals"
    value = "o-abcdefghij"
  }
}

resource "aws_lambda_function_url" "u" {
  function_name      = "fn"
  qualifier          = "live"
  authorization_type = "NONE"
}

resource "aws_dynamodb_table" "t" {
  name     = "types"
  hash_key = "id"
}

resource "aws_dynamodb_resource_policy" "stream" {
  resource_arn = aws_dynamodb_table.t.stream_arn
  policy       = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "dynamodb:GetRecords" }] })
}

resource "aws_api_gateway_rest_api" "api" {
  name = "api"
  body = <<EOT
{
  "openapi": "3.0.1",
  "x-amazon-apigateway-policy": {
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "execute-api:Invoke"}]
  }
}
EOT
}

resource "aws_s3_directory_bucket" "d" {
  bucket = "types--use1-az4--x-s3"
  location {
    name = "use1-az4"
  }
}

resource "aws_s3_bucket_policy" "d" {
  bucket = aws_s3_directory_bucket.d.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3express:CreateSession" }] })
}

resource "aws_s3control_multi_region_access_point_policy" "m" {
  details {
    name   = "mrap"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "444455556666" }, Action = "s3:GetObject" }] })
  }
}

resource "aws_s3control_multi_region_access_point" "m" {
  details {
    name = "mrap"
    public_access_block {
      block_public_policy = false
    }
    region {
      bucket = "types-bucket"
    }
  }
}
