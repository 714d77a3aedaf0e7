package perimeter.rules.glue_catalog_test

# Tests of PERIM024 (glue_catalog.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.glue_catalog

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_glue_catalog_is_reported if {
	fs := glue_catalog.findings with input as of_kind("glue:catalog", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_glue_catalog_is_reported if {
	fs := glue_catalog.findings with input as of_kind("glue:catalog", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_glue_catalog_is_not_reported if {
	count(glue_catalog.findings) == 0 with input as of_kind("glue:catalog", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(glue_catalog.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
