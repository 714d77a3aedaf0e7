package perimeter.rules.vpc_endpoint_service_test

# Tests of PERIM023 (vpc_endpoint_service.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.vpc_endpoint_service

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_ec2_vpcendpointservice_is_reported if {
	fs := vpc_endpoint_service.findings with input as of_kind("ec2:vpcendpointservice", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_ec2_vpcendpointservice_is_reported if {
	fs := vpc_endpoint_service.findings with input as of_kind("ec2:vpcendpointservice", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_ec2_vpcendpointservice_is_not_reported if {
	count(vpc_endpoint_service.findings) == 0 with input as of_kind("ec2:vpcendpointservice", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(vpc_endpoint_service.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
