# METADATA
# title: S3 bucket reachable from outside the zone of trust
# description: >-
#   A bucket policy grants access to a principal outside the zone of trust: another account, a federated or canonical user, or anyone. S3 Block Public Access restrict_public_buckets (bucket or account level) is taken into account; the bucket's ACL is rule PERIM007.
# custom:
#   id: PERIM001
#   severity: high
#   kinds: ["s3:bucket"]
#   resource_types: [aws_s3_bucket_policy, aws_s3_bucket, aws_s3_bucket_public_access_block, aws_s3_account_public_access_block, "AWS::S3::BucketPolicy", "AWS::S3::Bucket"]
#   access_analyzer: true
#   remediation: >-
#     Grant only principals of your own accounts, or add a condition on aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceAccount that confines the grant to them. Enable S3 Block Public Access.
package perimeter.rules.s3_bucket

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"s3:bucket"}
	some [d, f] in grants.by_document
	not grants.acl_document(d)
}
