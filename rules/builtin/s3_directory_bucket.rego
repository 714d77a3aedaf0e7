# METADATA
# title: S3 directory bucket reachable from outside the zone of trust
# description: >-
#   A directory bucket (S3 Express One Zone) policy grants access to another account. Directory buckets
#   always block public access, so public grants are removed and only cross-account grants of a non-
#   public policy remain.
# custom:
#   id: PERIM009
#   severity: high
#   kinds: ["s3express:bucket"]
#   resource_types: [aws_s3_directory_bucket, aws_s3_bucket_policy, "AWS::S3Express::DirectoryBucket", "AWS::S3Express::BucketPolicy"]
#   access_analyzer: true
#   remediation: >-
#     Grant s3express:CreateSession only to principals of your own accounts.
package perimeter.rules.s3_directory_bucket

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"s3express:bucket"}
	some f in grants.findings
}
