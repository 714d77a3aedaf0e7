# Link: Block Public Access and Object Ownership joined across modules and
# module instances that share one evaluation.

resource "aws_s3_account_public_access_block" "acct" {
  block_public_acls = true
}

module "one" {
  source = "./modules/bucket"
  name   = "link-one"
}

module "two" {
  source   = "./modules/bucket"
  for_each = toset(["x", "y"])
  name     = "link-two"
}

# Linked by name from the root: the bucket is declared in module.one.
resource "aws_s3_bucket_ownership_controls" "one" {
  bucket = "link-one"
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# An account-level block for another account does not apply; the own
# account's does.
resource "aws_s3_account_public_access_block" "other" {
  account_id         = "444455556666"
  ignore_public_acls = true
}
