package perimeter.rules.s3_access_point_test

# Tests of PERIM008 (s3_access_point.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.s3_access_point

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_s3_accesspoint_is_reported if {
	fs := s3_access_point.findings with input as of_kind("s3:accesspoint", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_s3_accesspoint_is_reported if {
	fs := s3_access_point.findings with input as of_kind("s3:accesspoint", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_s3_accesspoint_is_not_reported if {
	count(s3_access_point.findings) == 0 with input as of_kind("s3:accesspoint", [t.allow([t.own], [])])
}

test_public_s3_multiregionaccesspoint_is_reported if {
	fs := s3_access_point.findings with input as of_kind("s3:multiregionaccesspoint", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_s3_multiregionaccesspoint_is_reported if {
	fs := s3_access_point.findings with input as of_kind("s3:multiregionaccesspoint", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_s3_multiregionaccesspoint_is_not_reported if {
	count(s3_access_point.findings) == 0 with input as of_kind("s3:multiregionaccesspoint", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(s3_access_point.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
