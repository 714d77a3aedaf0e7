package perimeter.rules.lambda_function_url_test

# Tests of PERIM020 (lambda_function_url.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.lambda_function_url

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_lambda_functionurl_is_reported if {
	fs := lambda_function_url.findings with input as of_kind("lambda:functionurl", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_lambda_functionurl_is_reported if {
	fs := lambda_function_url.findings with input as of_kind("lambda:functionurl", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_lambda_functionurl_is_not_reported if {
	count(lambda_function_url.findings) == 0 with input as of_kind("lambda:functionurl", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(lambda_function_url.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
