package perimeter.rules.ecr_registry_test

# Tests of PERIM013 (ecr_registry.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.ecr_registry

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_ecr_registry_is_reported if {
	fs := ecr_registry.findings with input as of_kind("ecr:registry", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_ecr_registry_is_reported if {
	fs := ecr_registry.findings with input as of_kind("ecr:registry", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_ecr_registry_is_not_reported if {
	count(ecr_registry.findings) == 0 with input as of_kind("ecr:registry", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(ecr_registry.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
