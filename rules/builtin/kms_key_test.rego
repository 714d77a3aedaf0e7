package perimeter.rules.kms_key_test

# Tests of PERIM003 (kms_key.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.kms_key

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_kms_key_is_reported if {
	fs := kms_key.findings with input as of_kind("kms:key", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_kms_key_is_reported if {
	fs := kms_key.findings with input as of_kind("kms:key", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_kms_key_is_not_reported if {
	count(kms_key.findings) == 0 with input as of_kind("kms:key", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(kms_key.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
