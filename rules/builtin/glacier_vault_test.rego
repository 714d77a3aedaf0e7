package perimeter.rules.glacier_vault_test

# Tests of PERIM028 (glacier_vault.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.glacier_vault

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_glacier_vault_is_reported if {
	fs := glacier_vault.findings with input as of_kind("glacier:vault", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_glacier_vault_is_reported if {
	fs := glacier_vault.findings with input as of_kind("glacier:vault", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_glacier_vault_is_not_reported if {
	count(glacier_vault.findings) == 0 with input as of_kind("glacier:vault", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(glacier_vault.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
