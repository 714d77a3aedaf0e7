package perimeter.rules.ebs_snapshot_test

# Tests of PERIM015 (ebs_snapshot.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.ebs_snapshot

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_ec2_snapshot_is_reported if {
	fs := ebs_snapshot.findings with input as of_kind("ec2:snapshot", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_ec2_snapshot_is_reported if {
	fs := ebs_snapshot.findings with input as of_kind("ec2:snapshot", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_ec2_snapshot_is_not_reported if {
	count(ebs_snapshot.findings) == 0 with input as of_kind("ec2:snapshot", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(ebs_snapshot.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
