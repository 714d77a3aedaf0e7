package perimeter.rules.secretsmanager_secret_test

# Tests of PERIM011 (secretsmanager_secret.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.secretsmanager_secret

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_secretsmanager_secret_is_reported if {
	fs := secretsmanager_secret.findings with input as of_kind("secretsmanager:secret", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_secretsmanager_secret_is_reported if {
	fs := secretsmanager_secret.findings with input as of_kind("secretsmanager:secret", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_secretsmanager_secret_is_not_reported if {
	count(secretsmanager_secret.findings) == 0 with input as of_kind("secretsmanager:secret", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(secretsmanager_secret.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
