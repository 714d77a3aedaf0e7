package perimeter.rules.api_gateway_rest_api_test

# Tests of PERIM018 (api_gateway_rest_api.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.api_gateway_rest_api

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_apigateway_restapi_is_reported if {
	fs := api_gateway_rest_api.findings with input as of_kind("apigateway:restapi", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_apigateway_restapi_is_reported if {
	fs := api_gateway_rest_api.findings with input as of_kind("apigateway:restapi", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_apigateway_restapi_is_not_reported if {
	count(api_gateway_rest_api.findings) == 0 with input as of_kind("apigateway:restapi", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(api_gateway_rest_api.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
