# METADATA
# title: OpenSearch or Elasticsearch domain reachable from outside the zone of trust
# description: >-
#   A domain access policy lets anyone, or principals outside the zone of trust, use the domain's HTTP
#   endpoints. A grant limited only by aws:SourceIp is external, not public.
# custom:
#   id: PERIM019
#   severity: high
#   kinds: ["es:domain"]
#   resource_types: [aws_opensearch_domain_policy, aws_opensearch_domain, aws_elasticsearch_domain_policy, aws_elasticsearch_domain, "AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain"]
#   access_analyzer: false
#   remediation: >-
#     Grant es:ESHttp* only to principals of your own accounts, or place the domain in a VPC.
package perimeter.rules.opensearch_domain

import data.perimeter.lib.grants

findings contains f if {
	input.resource.kind in {"es:domain"}
	some f in grants.findings
}
