package perimeter.rules.dynamodb_test

# Tests of PERIM017 (dynamodb.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.dynamodb

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_dynamodb_table_is_reported if {
	fs := dynamodb.findings with input as of_kind("dynamodb:table", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_dynamodb_table_is_reported if {
	fs := dynamodb.findings with input as of_kind("dynamodb:table", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_dynamodb_table_is_not_reported if {
	count(dynamodb.findings) == 0 with input as of_kind("dynamodb:table", [t.allow([t.own], [])])
}

test_public_dynamodb_stream_is_reported if {
	fs := dynamodb.findings with input as of_kind("dynamodb:stream", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_dynamodb_stream_is_reported if {
	fs := dynamodb.findings with input as of_kind("dynamodb:stream", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_dynamodb_stream_is_not_reported if {
	count(dynamodb.findings) == 0 with input as of_kind("dynamodb:stream", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(dynamodb.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
