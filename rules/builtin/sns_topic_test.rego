package perimeter.rules.sns_topic_test

# Tests of PERIM010 (sns_topic.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.sns_topic

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_sns_topic_is_reported if {
	fs := sns_topic.findings with input as of_kind("sns:topic", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_sns_topic_is_reported if {
	fs := sns_topic.findings with input as of_kind("sns:topic", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_sns_topic_is_not_reported if {
	count(sns_topic.findings) == 0 with input as of_kind("sns:topic", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(sns_topic.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
