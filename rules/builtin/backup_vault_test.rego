package perimeter.rules.backup_vault_test

# Tests of PERIM027 (backup_vault.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.backup_vault

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_backup_vault_is_reported if {
	fs := backup_vault.findings with input as of_kind("backup:vault", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_backup_vault_is_reported if {
	fs := backup_vault.findings with input as of_kind("backup:vault", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_backup_vault_is_not_reported if {
	count(backup_vault.findings) == 0 with input as of_kind("backup:vault", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(backup_vault.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
