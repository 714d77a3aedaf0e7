package perimeter.rules.codeartifact_test

# Tests of PERIM029 (codeartifact.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.codeartifact

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_codeartifact_domain_is_reported if {
	fs := codeartifact.findings with input as of_kind("codeartifact:domain", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_codeartifact_domain_is_reported if {
	fs := codeartifact.findings with input as of_kind("codeartifact:domain", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_codeartifact_domain_is_not_reported if {
	count(codeartifact.findings) == 0 with input as of_kind("codeartifact:domain", [t.allow([t.own], [])])
}

test_public_codeartifact_repository_is_reported if {
	fs := codeartifact.findings with input as of_kind("codeartifact:repository", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_codeartifact_repository_is_reported if {
	fs := codeartifact.findings with input as of_kind("codeartifact:repository", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_codeartifact_repository_is_not_reported if {
	count(codeartifact.findings) == 0 with input as of_kind("codeartifact:repository", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(codeartifact.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
