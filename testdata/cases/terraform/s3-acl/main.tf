# S3 bucket ACLs: aws_s3_bucket_acl (canned acl, access_control_policy)
# and the legacy acl and grant arguments of aws_s3_bucket, with Block
# Public Access and Object Ownership. Rule PERIM007.

variable "acl" {
  type = string
}

variable "ignore_acls" {
  type = bool
}

data "aws_canonical_user_id" "current" {}

resource "aws_s3_bucket" "public_read" {
  bucket = "acl-public-read"
}

resource "aws_s3_bucket_acl" "public_read" {
  bucket = aws_s3_bucket.public_read.id
  acl    = "public-read" # want: PERIM007 public
}

resource "aws_s3_bucket" "public_read_write" {
  bucket = "acl-public-read-write"
}

resource "aws_s3_bucket_acl" "public_read_write" {
  bucket = aws_s3_bucket.public_read_write.id
  acl    = "public-read-write" # want: PERIM007 public, PERIM007 public
}

resource "aws_s3_bucket" "authenticated" {
  bucket = "acl-authenticated"
}

resource "aws_s3_bucket_acl" "authenticated" {
  bucket = aws_s3_bucket.authenticated.id
  acl    = "authenticated-read" # want: PERIM007 public
}

# The log delivery group and the EC2 grantee of aws-exec-read are AWS
# services; private grants nothing beyond the owner.
resource "aws_s3_bucket" "logs" {
  bucket = "acl-logs"
}

resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs.id
  acl    = "log-delivery-write"
}

resource "aws_s3_bucket_acl" "private" {
  bucket = aws_s3_bucket.logs.id
  acl    = "private"
}

resource "aws_s3_bucket_acl" "exec_read" {
  bucket = aws_s3_bucket.logs.id
  acl    = "aws-exec-read"
}

# Explicit grants: the owner (the deploying account's canonical user) is
# inside; AllUsers is public; another account's canonical user and an
# e-mail grantee are external.
resource "aws_s3_bucket" "grants" {
  bucket = "acl-grants"
}

resource "aws_s3_bucket_acl" "grants" {
  bucket = aws_s3_bucket.grants.id
  access_control_policy {
    grant {
      grantee {
        id   = data.aws_canonical_user_id.current.id
        type = "CanonicalUser"
      }
      permission = "FULL_CONTROL"
    }
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/global/AllUsers" # want: PERIM007 public
      }
      permission = "READ_ACP"
    }
    grant {
      grantee {
        type = "CanonicalUser"
        id   = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" # want: PERIM007 external
      }
      permission = "WRITE"
    }
    grant {
      grantee {
        type          = "AmazonCustomerByEmail"
        email_address = "partner@example.com" # want: PERIM007 external
      }
      permission = "READ"
    }
    owner {
      id = data.aws_canonical_user_id.current.id
    }
  }
}

# Legacy arguments of aws_s3_bucket (provider v3): one grant per permission.
resource "aws_s3_bucket" "legacy" {
  bucket = "acl-legacy"
  acl    = "public-read" # want: PERIM007 public
}

resource "aws_s3_bucket" "legacy_grants" {
  bucket = "acl-legacy-grants"

  grant {
    id          = data.aws_canonical_user_id.current.id
    type        = "CanonicalUser"
    permissions = ["FULL_CONTROL"]
  }

  grant {
    type        = "Group"
    permissions = ["READ", "WRITE"]
    uri         = "http://acs.amazonaws.com/groups/global/AllUsers" # want: PERIM007 public, PERIM007 public
  }

  dynamic "grant" {
    for_each = ["READ_ACP"]
    content {
      type        = "CanonicalUser"
      id          = "be2fe74dc7e8125d8f8fcae8f90e6dfd89e1a69d5e55d990b949e55d96a1e698" # want: PERIM007 external
      permissions = [grant.value]
    }
  }
}

# ignore_public_acls neutralises the public grant.
resource "aws_s3_bucket" "ignored" {
  bucket = "acl-ignored"
  acl    = "public-read"
}

resource "aws_s3_bucket_public_access_block" "ignored" {
  bucket             = aws_s3_bucket.ignored.id
  ignore_public_acls = true
}

# block_public_acls alone leaves it in force.
resource "aws_s3_bucket" "blocked_only" {
  bucket = "acl-blocked-only"
}

resource "aws_s3_bucket_acl" "blocked_only" {
  bucket = aws_s3_bucket.blocked_only.id
  acl    = "public-read-write" # want: PERIM007 public, PERIM007 public
}

resource "aws_s3_bucket_public_access_block" "blocked_only" {
  bucket              = aws_s3_bucket.blocked_only.id
  block_public_acls   = true
  block_public_policy = true
}

# ACLs disabled: the ACL grants nothing.
resource "aws_s3_bucket" "enforced" {
  bucket = "acl-enforced"
}

resource "aws_s3_bucket_acl" "enforced" {
  bucket = aws_s3_bucket.enforced.id
  acl    = "public-read"
}

resource "aws_s3_bucket_ownership_controls" "enforced" {
  bucket = aws_s3_bucket.enforced.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket" "preferred" {
  bucket = "acl-preferred"
}

resource "aws_s3_bucket_acl" "preferred" {
  bucket = aws_s3_bucket.preferred.id
  acl    = "public-read" # want: PERIM007 public
}

resource "aws_s3_bucket_ownership_controls" "preferred" {
  bucket = aws_s3_bucket.preferred.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

# A canned ACL that cannot be known offline.
resource "aws_s3_bucket" "from_variable" {
  bucket = "acl-from-variable"
}

resource "aws_s3_bucket_acl" "from_variable" {
  bucket = aws_s3_bucket.from_variable.id
  acl    = var.acl # want: PERIM007 unresolved
}

# ignore_public_acls that cannot be known.
resource "aws_s3_bucket" "undecided" {
  bucket = "acl-undecided"
  acl    = "public-read" # want: PERIM007 unresolved
}

resource "aws_s3_bucket_public_access_block" "undecided" {
  bucket             = aws_s3_bucket.undecided.id
  ignore_public_acls = var.ignore_acls
}

# Linked by name: the bucket is named by a literal, not a reference.
resource "aws_s3_bucket" "by_name" {
  bucket = "acl-by-name"
  acl    = "public-read"
}

resource "aws_s3_bucket_public_access_block" "by_name" {
  bucket             = "acl-by-name"
  ignore_public_acls = true
}

# A Block Public Access that may not exist removes nothing: the grant it
# would remove is unresolved. One that does not exist (count = 0) removes
# nothing at all.
variable "enable_bpa" {
  type = bool
}

resource "aws_s3_bucket" "maybe" {
  bucket = "acl-maybe"
  acl    = "public-read" # want: PERIM007 unresolved
}

resource "aws_s3_bucket_public_access_block" "maybe" {
  count              = var.enable_bpa ? 1 : 0
  bucket             = aws_s3_bucket.maybe.id
  ignore_public_acls = true
}

resource "aws_s3_bucket" "never" {
  bucket = "acl-never"
  acl    = "public-read" # want: PERIM007 public
}

resource "aws_s3_bucket_public_access_block" "never" {
  count              = 0
  bucket             = aws_s3_bucket.never.id
  ignore_public_acls = true
}
