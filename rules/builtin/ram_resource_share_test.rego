package perimeter.rules.ram_resource_share_test

# Tests of PERIM022 (ram_resource_share.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.ram_resource_share

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_ram_resourceshare_is_reported if {
	fs := ram_resource_share.findings with input as of_kind("ram:resourceshare", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_ram_resourceshare_is_reported if {
	fs := ram_resource_share.findings with input as of_kind("ram:resourceshare", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_ram_resourceshare_is_not_reported if {
	count(ram_resource_share.findings) == 0 with input as of_kind("ram:resourceshare", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(ram_resource_share.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
