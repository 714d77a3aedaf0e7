# API Gateway REST APIs, OpenSearch and Elasticsearch domains and Lambda
# function URLs. Rules PERIM018, PERIM019, PERIM020.

resource "aws_api_gateway_rest_api" "public" {
  name = "public"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*" # want: PERIM018 public
      Action    = "execute-api:Invoke"
      Resource  = "execute-api:/*"
    }]
  })
}

# A private API: a Deny unless the request comes through a VPC endpoint
# narrows the grant to everyone.
resource "aws_api_gateway_rest_api" "private" {
  name = "private"
  endpoint_configuration {
    types = ["PRIVATE"]
  }
}

resource "aws_api_gateway_rest_api_policy" "private" {
  rest_api_id = aws_api_gateway_rest_api.private.id
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM018 external
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

# The policy in the OpenAPI body.
resource "aws_api_gateway_rest_api" "openapi" {
  name = "openapi"
  body = jsonencode({
    openapi = "3.0.1"
    info    = { title = "openapi", version = "1" }
    paths   = {}
    "x-amazon-apigateway-policy" = {
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Principal = { AWS = "444455556666" } # want: PERIM018 external
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
      }]
    }
  })
}

resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  access_policies = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" } # want: PERIM019 public
      Action    = "es:ESHttp*"
      Resource  = "arn:aws:es:us-east-1:111122223333:domain/search/*"
    }]
  })
}

resource "aws_elasticsearch_domain" "legacy" {
  domain_name = "legacy"
}

resource "aws_elasticsearch_domain_policy" "legacy" {
  domain_name = aws_elasticsearch_domain.legacy.domain_name
  access_policies = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" } # want: PERIM019 external
      Action    = "es:ESHttpGet"
      Resource  = "${aws_elasticsearch_domain.legacy.arn}/*"
      Condition = { IpAddress = { "aws:SourceIp" = "192.0.2.0/24" } }
    }]
  })
}

resource "aws_opensearch_domain_policy" "own" {
  domain_name = aws_opensearch_domain.search.domain_name
  access_policies = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/search" }
      Action    = "es:*"
      Resource  = "${aws_opensearch_domain.search.arn}/*"
    }]
  })
}

resource "aws_lambda_function" "handler" {
  function_name = "handler"
  role          = "arn:aws:iam::111122223333:role/lambda"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "handler.zip"
}

resource "aws_lambda_function_url" "open" {
  function_name      = aws_lambda_function.handler.function_name
  authorization_type = "NONE" # want: PERIM020 public
}

resource "aws_lambda_function_url" "iam" {
  function_name      = aws_lambda_function.handler.function_name
  qualifier          = "live"
  authorization_type = "AWS_IAM"
}

variable "auth" {
  type = string
}

resource "aws_lambda_function_url" "unknown" {
  function_name      = aws_lambda_function.handler.function_name
  authorization_type = var.auth # want: PERIM020 unresolved
}
