package perimeter.rules.iam_role_trust_test

# Tests of PERIM002 (iam_role_trust.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.iam_role_trust

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_iam_role_is_reported if {
	fs := iam_role_trust.findings with input as of_kind("iam:role", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_iam_role_is_reported if {
	fs := iam_role_trust.findings with input as of_kind("iam:role", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_iam_role_is_not_reported if {
	count(iam_role_trust.findings) == 0 with input as of_kind("iam:role", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(iam_role_trust.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
