package perimeter.rules.kinesis_stream_test

# Tests of PERIM030 (kinesis_stream.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.kinesis_stream

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_kinesis_stream_is_reported if {
	fs := kinesis_stream.findings with input as of_kind("kinesis:stream", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_kinesis_stream_is_reported if {
	fs := kinesis_stream.findings with input as of_kind("kinesis:stream", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_kinesis_stream_is_not_reported if {
	count(kinesis_stream.findings) == 0 with input as of_kind("kinesis:stream", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(kinesis_stream.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
