package perimeter.rules.cloudwatch_logs_test

# Tests of PERIM026 (cloudwatch_logs.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.cloudwatch_logs

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_logs_resourcepolicy_is_reported if {
	fs := cloudwatch_logs.findings with input as of_kind("logs:resourcepolicy", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_logs_resourcepolicy_is_reported if {
	fs := cloudwatch_logs.findings with input as of_kind("logs:resourcepolicy", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_logs_resourcepolicy_is_not_reported if {
	count(cloudwatch_logs.findings) == 0 with input as of_kind("logs:resourcepolicy", [t.allow([t.own], [])])
}

test_public_logs_destination_is_reported if {
	fs := cloudwatch_logs.findings with input as of_kind("logs:destination", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_logs_destination_is_reported if {
	fs := cloudwatch_logs.findings with input as of_kind("logs:destination", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_logs_destination_is_not_reported if {
	count(cloudwatch_logs.findings) == 0 with input as of_kind("logs:destination", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(cloudwatch_logs.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
