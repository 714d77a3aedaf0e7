# METADATA
# title: S3 bucket ACL grants access outside the zone of trust
# description: >-
#   A bucket ACL (a canned ACL or explicit grants) gives AllUsers or AuthenticatedUsers (public), or
#   another account's canonical user or e-mail grantee (external), access to the bucket. S3 Block Public
#   Access ignore_public_acls and disabled ACLs (Object Ownership BucketOwnerEnforced) are taken into
#   account.
# custom:
#   id: PERIM007
#   severity: high
#   kinds: ["s3:bucket"]
#   resource_types: [aws_s3_bucket_acl, aws_s3_bucket, aws_s3_bucket_public_access_block, aws_s3_account_public_access_block, aws_s3_bucket_ownership_controls, "AWS::S3::Bucket"]
#   access_analyzer: true
#   remediation: >-
#     Remove the public or cross-account ACL grants and grant access with a bucket policy instead; set
#     Object Ownership to BucketOwnerEnforced to disable ACLs, and enable S3 Block Public Access
#     (ignore_public_acls).
package perimeter.rules.s3_bucket_acl

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"s3:bucket"}
	some [d, f] in grants.by_document
	grants.acl_document(d)
}
