package perimeter.rules.ecr_repository_test

# Tests of PERIM012 (ecr_repository.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.ecr_repository

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_ecr_repository_is_reported if {
	fs := ecr_repository.findings with input as of_kind("ecr:repository", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_ecr_repository_is_reported if {
	fs := ecr_repository.findings with input as of_kind("ecr:repository", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_ecr_repository_is_not_reported if {
	count(ecr_repository.findings) == 0 with input as of_kind("ecr:repository", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(ecr_repository.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
