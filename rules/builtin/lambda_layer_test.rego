package perimeter.rules.lambda_layer_test

# Tests of PERIM005 (lambda_layer.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.lambda_layer

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_lambda_layer_is_reported if {
	fs := lambda_layer.findings with input as of_kind("lambda:layer", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_lambda_layer_is_reported if {
	fs := lambda_layer.findings with input as of_kind("lambda:layer", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_lambda_layer_is_not_reported if {
	count(lambda_layer.findings) == 0 with input as of_kind("lambda:layer", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(lambda_layer.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
