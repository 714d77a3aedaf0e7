package perimeter.rules.s3_directory_bucket_test

# Tests of PERIM009 (s3_directory_bucket.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.s3_directory_bucket

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_s3express_bucket_is_reported if {
	fs := s3_directory_bucket.findings with input as of_kind("s3express:bucket", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_s3express_bucket_is_reported if {
	fs := s3_directory_bucket.findings with input as of_kind("s3express:bucket", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_s3express_bucket_is_not_reported if {
	count(s3_directory_bucket.findings) == 0 with input as of_kind("s3express:bucket", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(s3_directory_bucket.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
