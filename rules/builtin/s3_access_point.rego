# METADATA
# title: S3 access point reachable from outside the zone of trust
# description: >-
#   An S3 access point, Multi-Region Access Point or Object Lambda access point policy grants access to
#   a principal outside the zone of trust. Block Public Access on the access point, its bucket and the
#   account, and a VPC network origin, are taken into account.
# custom:
#   id: PERIM008
#   severity: high
#   kinds: ["s3:accesspoint", "s3:multiregionaccesspoint"]
#   resource_types: [aws_s3_access_point, aws_s3control_access_point_policy, aws_s3control_multi_region_access_point, aws_s3control_multi_region_access_point_policy, aws_s3control_object_lambda_access_point_policy, "AWS::S3::AccessPoint", "AWS::S3::MultiRegionAccessPointPolicy", "AWS::S3ObjectLambda::AccessPointPolicy"]
#   access_analyzer: true
#   remediation: >-
#     Grant only principals of your own accounts in the access point policy, give the access point a VPC
#     network origin, and keep Block Public Access on.
package perimeter.rules.s3_access_point

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"s3:accesspoint", "s3:multiregionaccesspoint"}
	some f in grants.findings
}
