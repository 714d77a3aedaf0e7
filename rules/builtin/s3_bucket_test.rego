package perimeter.rules.s3_bucket_test

# Tests of PERIM001 (bucket policies) and PERIM007 (bucket ACLs): each
# reports its own documents of an s3:bucket.

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.s3_bucket
import data.perimeter.rules.s3_bucket_acl

acl := object.union(t.doc([t.allow([t.star], [])]), {"synthetic": true, "attribute": "AccessControl", "index": 1})

policy := t.doc([t.allow([t.foreign], [])])

both := {"zone": t.account_zone, "resource": t.resource([policy, acl])}

test_policy_findings_are_perim001 if {
	{f.exposure | some f in s3_bucket.findings with input as both} == {"external"}
}

test_acl_findings_are_perim007 if {
	fs := s3_bucket_acl.findings with input as both
	{[f.exposure, f.attribute] | some f in fs} == {["public", "AccessControl"]}
}

test_acl_rule_ignores_other_kinds if {
	inp := json.patch(both, [{"op": "replace", "path": "/resource/kind", "value": "s3:accesspoint"}])
	count(s3_bucket_acl.findings) == 0 with input as inp
}
