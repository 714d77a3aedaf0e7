package perimeter.lib.unknown_deny_test

# Deny statements that cannot be read offline take nothing back: an unknown
# part of a Deny must never turn a grant into "clean". (Found by
# FuzzConditionJudgement: a Deny whose Resource was unknown counted as one
# that leaves Resource out, which covers the whole resource.)

import data.perimeter.lib.grants_test as h

deny_all := h.stmt("Deny", [h.star], ["*"], [])

test_deny_of_unknown_resources_takes_nothing_back if {
	deny := object.union(deny_all, {"resources": [], "resource_reason": "var.arn has no value"})
	h.exposures(h.in_zone(h.account_zone, [deny, h.allow([h.star], [])])) == {"public"}
}

test_deny_leaving_resource_out_takes_the_grant_back if {
	deny := object.union(deny_all, {"resources": []})
	h.exposures(h.in_zone(h.account_zone, [deny, h.allow([h.star], [])])) == set()
}

test_deny_of_unknown_actions_takes_nothing_back if {
	deny := object.union(deny_all, {"actions": [], "actions_reason": "var.actions has no value"})
	h.exposures(h.in_zone(h.account_zone, [deny, h.allow([h.star], [])])) == {"public"}
}

test_deny_with_an_unknown_condition_takes_nothing_back if {
	deny := h.stmt("Deny", [h.star], ["*"], [h.unknown_cond("aws:PrincipalOrgID", "var.org has no value")])
	h.exposures(h.in_zone(h.account_zone, [deny, h.allow([h.star], [])])) == {"public"}
}

test_deny_of_unknown_principals_takes_nothing_back if {
	who := object.union(h.star, {"kind": "", "unknown": true, "reason": "var.who has no value"})
	deny := h.stmt("Deny", [who], ["*"], [])
	h.exposures(h.in_zone(h.account_zone, [deny, h.allow([h.star], [])])) == {"public"}
}
