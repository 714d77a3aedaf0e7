package perimeter.rules.module_input_test

# Tests of PERIM031 (module_input.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.module_input

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_module_policy_is_reported if {
	fs := module_input.findings with input as of_kind("module:input", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
}

test_external_module_policy_is_reported if {
	fs := module_input.findings with input as of_kind("module:input", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_module_policy_is_not_reported if {
	count(module_input.findings) == 0 with input as of_kind("module:input", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(module_input.findings) == 0 with input as of_kind("s3:bucket", [t.allow([t.star], [])])
}
