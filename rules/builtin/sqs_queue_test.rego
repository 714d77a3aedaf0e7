package perimeter.rules.sqs_queue_test

# Tests of PERIM006 (sqs_queue.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.sqs_queue

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_sqs_queue_is_reported if {
	fs := sqs_queue.findings with input as of_kind("sqs:queue", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_sqs_queue_is_reported if {
	fs := sqs_queue.findings with input as of_kind("sqs:queue", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_sqs_queue_is_not_reported if {
	count(sqs_queue.findings) == 0 with input as of_kind("sqs:queue", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(sqs_queue.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
