# Grants to an organization, its organizational units and its accounts,
# scanned with --org-id o-abcdefghij. Rules PERIM021, PERIM022, PERIM025,
# PERIM012.

resource "aws_ram_resource_share" "subnets" {
  name                      = "subnets"
  allow_external_principals = true
}

resource "aws_ram_resource_association" "subnet" {
  resource_arn       = "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0123456789abcdef0"
  resource_share_arn = aws_ram_resource_share.subnets.arn
}

# Organization and organizational units of the zone stay inside; another
# organization's unit does not.
resource "aws_ram_principal_association" "org" {
  principal          = "arn:aws:organizations::111122223333:organization/o-abcdefghij"
  resource_share_arn = aws_ram_resource_share.subnets.arn
}

resource "aws_ram_principal_association" "unit" {
  principal          = "arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-11111111"
  resource_share_arn = aws_ram_resource_share.subnets.arn
}

resource "aws_ram_principal_association" "other_unit" {
  principal          = "arn:aws:organizations::999988887777:ou/o-zyxwvutsrq/ou-zz99-22222222" # want: PERIM022 external
  resource_share_arn = aws_ram_resource_share.subnets.arn
}

# Open to external principals: an account is outside.
resource "aws_ram_principal_association" "open" {
  principal          = "777788889999" # want: PERIM022 external
  resource_share_arn = aws_ram_resource_share.subnets.arn
}

# Closed to external principals (the provider's default): any account it
# names is in the organization, hence in the zone.
resource "aws_ram_resource_share" "closed" {
  name = "closed"
}

resource "aws_ram_principal_association" "closed" {
  principal          = "777788889999"
  resource_share_arn = aws_ram_resource_share.closed.arn
}

# A share outside the scanned code: whether it is closed is not known.
resource "aws_ram_principal_association" "elsewhere" {
  principal          = "777788889999" # want: PERIM022 external
  resource_share_arn = "arn:aws:ram:us-east-1:111122223333:resource-share/0123abcd-0000-0000-0000-000000000000"
}

resource "aws_ami_launch_permission" "organization" {
  image_id         = "ami-12345678"
  organization_arn = "arn:aws:organizations::111122223333:organization/o-abcdefghij"
}

resource "aws_ami_launch_permission" "other_organization" {
  image_id         = "ami-12345678"
  organization_arn = "arn:aws:organizations::999988887777:organization/o-zyxwvutsrq" # want: PERIM021 external
}

resource "aws_cloudwatch_event_permission" "org" {
  principal    = "*"
  statement_id = "org"
  condition {
    key   = "aws:PrincipalOrgID"
    type  = "StringEquals"
    value = "o-abcdefghij"
  }
}

resource "aws_cloudwatch_event_permission" "other_org" {
  principal    = "*" # want: PERIM025 external
  statement_id = "other"
  condition {
    key   = "aws:PrincipalOrgID"
    type  = "StringEquals"
    value = "o-zyxwvutsrq"
  }
}

resource "aws_ecr_repository" "images" {
  name = "images"
}

resource "aws_ecr_repository_policy" "images" {
  repository = aws_ecr_repository.images.name
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abcdefghij" } }
      },
      {
        Effect    = "Allow"
        Principal = "*" # want: PERIM012 public
        Action    = "ecr:BatchGetImage"
        # ...IfExists lets a request without the key through.
        Condition = { StringEqualsIfExists = { "aws:PrincipalOrgID" = "o-abcdefghij" } }
      },
    ]
  })
}
