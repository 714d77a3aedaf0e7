package perimeter.rules.opensearch_domain_test

# Tests of PERIM019 (opensearch_domain.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.opensearch_domain

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_es_domain_is_reported if {
	fs := opensearch_domain.findings with input as of_kind("es:domain", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_es_domain_is_reported if {
	fs := opensearch_domain.findings with input as of_kind("es:domain", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_es_domain_is_not_reported if {
	count(opensearch_domain.findings) == 0 with input as of_kind("es:domain", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(opensearch_domain.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
