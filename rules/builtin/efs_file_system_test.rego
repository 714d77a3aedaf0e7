package perimeter.rules.efs_file_system_test

# Tests of PERIM014 (efs_file_system.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.efs_file_system

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_elasticfilesystem_filesystem_is_reported if {
	fs := efs_file_system.findings with input as of_kind("elasticfilesystem:filesystem", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_elasticfilesystem_filesystem_is_reported if {
	fs := efs_file_system.findings with input as of_kind("elasticfilesystem:filesystem", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_elasticfilesystem_filesystem_is_not_reported if {
	count(efs_file_system.findings) == 0 with input as of_kind("elasticfilesystem:filesystem", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(efs_file_system.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
