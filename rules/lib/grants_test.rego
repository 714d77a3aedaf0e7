package perimeter.lib.grants_test

import data.perimeter.lib.grants

# ---------------------------------------------------------------------------
# Builders for inputs shaped like docs/input.md.

account_zone := {"accounts": ["111122223333"], "org_id": "", "own_account": "111122223333", "declared": true}

org_zone := {"accounts": ["111122223333"], "org_id": "o-abc123", "own_account": "111122223333", "declared": true}

undeclared_zone := {"accounts": [], "org_id": "", "own_account": "self", "declared": false}

loc(line) := {"file": "main.tf", "line": line, "column": 3, "end_line": line, "end_column": 9}

p(type, value, kind, account) := {
	"type": type, "value": value, "kind": kind, "account": account,
	"unknown": false, "reason": "", "location": loc(7),
}

star := p("*", "*", "wildcard", "*")

aws_star := p("AWS", "*", "wildcard", "*")

own := p("AWS", "arn:aws:iam::111122223333:root", "account", "111122223333")

foreign := p("AWS", "arn:aws:iam::444455556666:role/reader", "role", "444455556666")

service := p("Service", "sns.amazonaws.com", "service", "")

cond(base, key, values) := cond_full(base, "", false, key, values)

cond_full(base, qualifier, if_exists, key, values) := {
	"operator": base, "base": base, "qualifier": qualifier, "if_exists": if_exists,
	"negated": base in {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike", "NotIpAddress"},
	"key": lower(key), "written_key": key, "values": values,
	"unknown": false, "reason": "", "location": loc(9),
}

unknown_cond(key, reason) := object.union(cond("StringEquals", key, []), {"unknown": true, "reason": reason})

stmt(effect, principals, actions, conditions) := {
	"index": 0, "sid": "", "effect": effect, "effect_reason": "",
	"principal_element": "Principal", "principal_location": loc(6), "principals": principals,
	"actions": actions, "not_action": false, "actions_reason": "", "access_levels": ["Read"],
	"resources": ["*"], "not_resource": false, "resource_reason": "",
	"conditions": conditions, "unknown": false, "reason": "", "location": loc(5),
}

allow(principals, conditions) := stmt("Allow", principals, ["s3:GetObject"], conditions)

doc(statements) := {
	"index": 0, "attribute": "policy", "synthetic": false, "location": loc(4),
	"unknown": false, "reason": "", "problems": [], "statements": statements,
}

resource(docs) := {
	"type": "aws_s3_bucket_policy", "kind": "s3:bucket", "address": "aws_s3_bucket_policy.p",
	"target": "aws_s3_bucket.b", "target_name": "", "source": "terraform", "location": loc(1),
	"condition": "", "settings": {}, "documents": docs,
}

in_zone(zone, statements) := {"zone": zone, "resource": resource([doc(statements)])}

exposures(inp) := {f.exposure | some f in grants.findings with input as inp}

only(inp) := f if {
	fs := [f | some f in grants.findings with input as inp]
	count(fs) == 1
	f := fs[0]
}

# ---------------------------------------------------------------------------
# Principals.

test_star_is_public if {
	f := only(in_zone(account_zone, [allow([star], [])]))
	f.exposure == "public"
	f.location.line == 7
	f.principal.value == "*"
	f.actions == ["s3:GetObject"]
	f.message == `anyone ("*") can s3:GetObject on aws_s3_bucket.b`
}

test_aws_star_is_public if exposures(in_zone(account_zone, [allow([aws_star], [])])) == {"public"}

test_account_root_is_named_by_its_account if {
	root := p("AWS", "arn:aws:iam::444455556666:root", "account", "444455556666")
	only(in_zone(account_zone, [allow([root], [])])).message == "account 444455556666, outside the zone of trust, can s3:GetObject on aws_s3_bucket.b"
}

test_own_account_is_inside if exposures(in_zone(account_zone, [allow([own], [])])) == set()

test_other_declared_account_is_inside if {
	z := object.union(account_zone, {"accounts": ["111122223333", "444455556666"]})
	exposures(in_zone(z, [allow([foreign], [])])) == set()
}

test_foreign_role_is_external if {
	f := only(in_zone(account_zone, [allow([foreign], [])]))
	f.exposure == "external"
	f.accounts == ["444455556666"]
	f.message == "arn:aws:iam::444455556666:role/reader, outside the zone of trust, can s3:GetObject on aws_s3_bucket.b"
}

test_service_principal_is_not_reported if exposures(in_zone(account_zone, [allow([service], [])])) == set()

test_federated_is_external if {
	fed := p("Federated", "arn:aws:iam::111122223333:saml-provider/corp", "federated", "111122223333")
	exposures(in_zone(account_zone, [allow([fed], [])])) == {"external"}
}

test_canonical_user_is_external if {
	cu := p("CanonicalUser", "79a59df900b949e5", "canonical-user", "")
	exposures(in_zone(account_zone, [allow([cu], [])])) == {"external"}
}

test_unknown_principal_is_unresolved if {
	u := object.union(p("AWS", "", "unknown", ""), {"unknown": true, "reason": "var.reader has no value"})
	f := only(in_zone(account_zone, [allow([u], [])]))
	f.exposure == "unresolved"
	f.reason == "var.reader has no value"
	f.message == "cannot tell who can s3:GetObject on aws_s3_bucket.b: var.reader has no value"
}

test_invalid_principal_is_unresolved if {
	bad := object.union(p("AWS", "arn:aws:iam::root", "invalid", ""), {"reason": "not an IAM or STS ARN"})
	f := only(in_zone(account_zone, [allow([bad], [])]))
	f.exposure == "unresolved"
	contains(f.reason, "AWS would reject")
}

test_undeclared_zone_keeps_own_references_inside if {
	self_root := p("AWS", "arn:aws:iam::self:root", "account", "self")
	exposures(in_zone(undeclared_zone, [allow([self_root], [])])) == set()
	exposures(in_zone(undeclared_zone, [allow([foreign], [])])) == {"external"}
}

test_not_principal_allow_is_public if {
	st := object.union(allow([own], []), {"principal_element": "NotPrincipal"})
	f := only(in_zone(account_zone, [st]))
	f.exposure == "public"
	f.location.line == 6
}

test_deny_grants_nothing if exposures(in_zone(account_zone, [stmt("Deny", [star], ["s3:*"], [])])) == set()

# ---------------------------------------------------------------------------
# Conditions that confine "*" to the zone.

test_source_account_own_confines if {
	exposures(in_zone(account_zone, [allow([star], [cond("StringEquals", "aws:SourceAccount", ["111122223333"])])])) == set()
}

test_principal_arn_like_own_account_confines if {
	c := cond("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::111122223333:role/*"])
	exposures(in_zone(account_zone, [allow([star], [c])])) == set()
}

# Anyone can create a role named admin in their own account: a wildcard
# account confines nothing, and S3 calls such a policy public ("a fixed
# value doesn't contain a wildcard", S3 User Guide, "The meaning of public").
test_principal_arn_wildcard_account_does_not_confine if {
	c := cond("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/admin"])
	exposures(in_zone(account_zone, [allow([star], [c])])) == {"public"}
}

test_wildcard_values_of_zone_keys_confine_nothing if {
	every c in [
		cond("StringLike", "aws:PrincipalAccount", ["*"]),
		cond("StringLike", "aws:PrincipalAccount", ["4444*"]),
		cond("StringLike", "aws:PrincipalAccount", ["111122223333", "4444*"]),
		cond("StringLike", "aws:PrincipalOrgID", ["o-*"]),
		cond("StringLike", "aws:PrincipalOrgPaths", ["*/r-ab12/*"]),
		cond("ArnLike", "aws:SourceArn", ["arn:aws:s3:::*"]),
		cond("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::4444?5556666:root"]),
	] {
		exposures(in_zone(account_zone, [allow([star], [c])])) == {"public"}
	}
}

test_wildcards_after_the_account_still_confine if {
	f := only(in_zone(account_zone, [allow([star], [cond("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::444455556666:role/*"])])]))
	f.exposure == "external"
	f.accounts == ["arn:aws:iam::444455556666:role/*"]
	g := only(in_zone(account_zone, [allow([star], [cond_full("StringLike", "ForAnyValue", false, "aws:PrincipalOrgPaths", ["o-abc123/r-ab12/*"])])]))
	g.exposure == "external"
	exposures(in_zone(org_zone, [allow([star], [cond_full("StringLike", "ForAnyValue", false, "aws:PrincipalOrgPaths", ["o-abc123/r-ab12/*"])])])) == set()
	h := only(in_zone(account_zone, [allow([star], [cond("ArnEquals", "aws:SourceArn", ["arn:aws:s3:::partner-bucket"])])]))
	h.exposure == "external"
}

test_kms_caller_account_confines if {
	c := cond("StringEquals", "kms:CallerAccount", ["111122223333"])
	exposures(in_zone(account_zone, [allow([star], [c])])) == set()
}

test_org_id_confines_only_in_an_org_zone if {
	c := cond("StringEquals", "aws:PrincipalOrgID", ["o-abc123"])
	exposures(in_zone(org_zone, [allow([star], [c])])) == set()
	f := only(in_zone(account_zone, [allow([star], [c])]))
	f.exposure == "external"
	f.accounts == ["o-abc123"]
}

test_org_paths_under_the_org_confine if {
	c := cond_full("StringLike", "ForAnyValue", false, "aws:PrincipalOrgPaths", ["o-abc123/r-ab12/ou-ab12-11111111/*"])
	exposures(in_zone(org_zone, [allow([star], [c])])) == set()
}

test_foreign_account_named_by_a_condition_is_external if {
	f := only(in_zone(account_zone, [allow([star], [cond("StringEquals", "aws:SourceAccount", ["444455556666"])])]))
	f.exposure == "external"
	f.accounts == ["444455556666"]
	contains(f.message, "conditions confine it to 444455556666")
}

test_external_principal_in_the_org_is_inside_an_org_zone if {
	c := cond("StringEquals", "aws:PrincipalOrgID", ["o-abc123"])
	exposures(in_zone(org_zone, [allow([foreign], [c])])) == set()
}

test_negated_operator_does_not_confine if {
	c := cond("StringNotEquals", "aws:SourceAccount", ["111122223333"])
	exposures(in_zone(account_zone, [allow([star], [c])])) == {"public"}
}

test_if_exists_does_not_confine if {
	c := cond_full("StringEquals", "", true, "aws:SourceAccount", ["111122223333"])
	exposures(in_zone(account_zone, [allow([star], [c])])) == {"public"}
}

test_for_all_values_does_not_confine if {
	c := cond_full("StringEquals", "ForAllValues", false, "aws:PrincipalOrgPaths", ["o-abc123/*"])
	exposures(in_zone(org_zone, [allow([star], [c])])) == {"public"}
}

test_service_only_conditions if {
	c := cond("Bool", "aws:PrincipalIsAWSService", ["true"])
	exposures(in_zone(account_zone, [allow([star], [c])])) == set()
}

test_unknown_confining_condition_is_unresolved if {
	f := only(in_zone(account_zone, [allow([star], [unknown_cond("aws:SourceAccount", "var.acct has no value")])]))
	f.exposure == "unresolved"
	f.reason == "var.acct has no value"
}

test_unknown_unrelated_condition_is_ignored if {
	exposures(in_zone(account_zone, [allow([star], [unknown_cond("aws:SecureTransport", "var.tls has no value")])])) == {"public"}
}

# ---------------------------------------------------------------------------
# Conditions that narrow "*" without confining it (S3's "not public").

test_source_ip_narrows_to_external if {
	f := only(in_zone(account_zone, [allow([star], [cond("IpAddress", "aws:SourceIp", ["203.0.113.0/24"])])]))
	f.exposure == "external"
	contains(f.message, "limited only by aws:SourceIp")
}

test_broad_cidr_stays_public if {
	exposures(in_zone(account_zone, [allow([star], [cond("IpAddress", "aws:SourceIp", ["0.0.0.0/1"])])])) == {"public"}
	exposures(in_zone(account_zone, [allow([star], [cond("IpAddress", "aws:SourceIp", ["::/0"])])])) == {"public"}
	exposures(in_zone(account_zone, [allow([star], [cond("IpAddress", "aws:VpcSourceIp", ["0.0.0.0/0"])])])) == {"public"}
}

test_source_vpce_narrows if {
	exposures(in_zone(account_zone, [allow([star], [cond("StringEquals", "aws:SourceVpce", ["vpce-1a2b3c4d"])])])) == {"external"}
}

test_wildcard_vpce_does_not_narrow if {
	exposures(in_zone(account_zone, [allow([star], [cond("StringLike", "aws:SourceVpce", ["vpce-*"])])])) == {"public"}
}

test_referer_does_not_narrow if {
	exposures(in_zone(account_zone, [allow([star], [cond("StringLike", "aws:Referer", ["https://example.com/*"])])])) == {"public"}
}

# ---------------------------------------------------------------------------
# Deny statements that take access back.

test_deny_outside_org_confines_allow_star if {
	deny := stmt("Deny", [star], ["s3:*"], [cond("StringNotEquals", "aws:PrincipalOrgID", ["o-abc123"])])
	exposures(in_zone(org_zone, [allow([star], []), deny])) == set()
}

test_deny_outside_org_with_service_exception_confines if {
	deny := stmt("Deny", [star], ["*"], [
		cond("StringNotEqualsIfExists", "aws:PrincipalOrgID", ["o-abc123"]),
		cond("Bool", "aws:PrincipalIsAWSService", ["false"]),
	])
	# StringNotEqualsIfExists parses to base StringNotEquals with if_exists.
	d := object.union(deny, {"conditions": [
		cond_full("StringNotEquals", "", true, "aws:PrincipalOrgID", ["o-abc123"]),
		cond("Bool", "aws:PrincipalIsAWSService", ["false"]),
	]})
	exposures(in_zone(org_zone, [allow([star], []), d])) == set()
}

test_deny_on_fewer_actions_does_not_confine if {
	deny := stmt("Deny", [star], ["s3:PutObject"], [cond("StringNotEquals", "aws:PrincipalAccount", ["111122223333"])])
	exposures(in_zone(account_zone, [allow([star], []), deny])) == {"public"}
}

test_deny_with_extra_condition_does_not_confine if {
	deny := stmt("Deny", [star], ["s3:*"], [
		cond("StringNotEquals", "aws:PrincipalAccount", ["111122223333"]),
		cond("Bool", "aws:SecureTransport", ["false"]),
	])
	exposures(in_zone(account_zone, [allow([star], []), deny])) == {"public"}
}

# Deny everyone outside o-other: the Allow reaches o-other's principals
# only, outside the zone but not public (as the positive condition
# StringEquals aws:PrincipalOrgID o-other would confine it).
test_deny_outside_foreign_org_confines_to_it if {
	deny := stmt("Deny", [star], ["s3:*"], [cond("StringNotEquals", "aws:PrincipalOrgID", ["o-other"])])
	f := only(in_zone(org_zone, [allow([star], []), deny]))
	f.exposure == "external"
	f.accounts == ["o-other"]
	g := only(in_zone(account_zone, [allow([star], []), deny]))
	g.exposure == "external"
}

test_deny_outside_accounts_confines_to_the_outsiders if {
	deny := stmt("Deny", [star], ["s3:*"], [cond("StringNotEquals", "aws:PrincipalAccount", ["111122223333", "444455556666"])])
	f := only(in_zone(account_zone, [allow([star], []), deny]))
	f.exposure == "external"
	f.accounts == ["444455556666"]
}

# A named outsider stays the finding's account: the Deny only narrows it
# further (to that account's principals in o-other).
test_deny_unless_outsiders_keeps_a_named_principal if {
	deny := stmt("Deny", [star], ["s3:*"], [cond("StringNotEquals", "aws:PrincipalOrgID", ["o-other"])])
	f := only(in_zone(account_zone, [allow([foreign], []), deny]))
	f.exposure == "external"
	f.accounts == [foreign.account]
}

test_deny_unless_wildcard_confines_nothing if {
	deny := stmt("Deny", [star], ["s3:*"], [cond("StringNotLike", "aws:PrincipalAccount", ["4444*"])])
	exposures(in_zone(account_zone, [allow([star], []), deny])) == {"public"}
}

test_deny_unless_outsiders_for_other_actions_confines_nothing if {
	deny := stmt("Deny", [star], ["s3:PutObject"], [cond("StringNotEquals", "aws:PrincipalOrgID", ["o-other"])])
	exposures(in_zone(account_zone, [allow([star], []), deny])) == {"public"}
}

# IAM wildcards in a Deny's Resource cross dots, colons and slashes, and
# ARNs are case-sensitive: a Deny on another case of the bucket's name
# takes nothing back.
test_deny_resource_patterns_match_as_iam_does if {
	allow_bucket := object.union(allow([star], []), {"resources": ["arn:aws:s3:::my.bucket/reports/x"]})
	every pattern in ["arn:aws:s3:::*", "arn:aws:s3:::my.bucket/*", "arn:aws:s3:::my.*/reports/?"] {
		deny := object.union(stmt("Deny", [star], ["s3:*"], []), {"resources": [pattern]})
		exposures(in_zone(account_zone, [allow_bucket, deny])) == set()
	}
	every pattern in ["arn:aws:s3:::My.Bucket/*", "arn:aws:s3:::my.bucket/[r]eports/x", "arn:aws:s3:::my.bucket/{reports}/x"] {
		deny := object.union(stmt("Deny", [star], ["s3:*"], []), {"resources": [pattern]})
		exposures(in_zone(account_zone, [allow_bucket, deny])) == {"public"}
	}
}

test_unconditional_deny_takes_everything_back if {
	deny := stmt("Deny", [star], ["s3:*"], [])
	exposures(in_zone(account_zone, [allow([star], []), deny])) == set()
}

test_deny_not_principal_inside_confines if {
	deny := object.union(stmt("Deny", [own], ["*"], []), {"principal_element": "NotPrincipal"})
	exposures(in_zone(account_zone, [allow([star], []), deny])) == set()
}

test_deny_for_narrower_resources_does_not_confine if {
	deny := object.union(stmt("Deny", [star], ["s3:*"], []), {"resources": ["arn:aws:s3:::b/private/*"]})
	exposures(in_zone(account_zone, [allow([star], []), deny])) == {"public"}
}

# ---------------------------------------------------------------------------
# Unknown statements and documents.

test_unknown_effect_is_unresolved if {
	st := object.union(allow([foreign], []), {"effect": "", "effect_reason": "var.effect has no value"})
	f := only(in_zone(account_zone, [st]))
	f.exposure == "unresolved"
	f.reason == "var.effect has no value"
}

test_unknown_statement_is_unresolved if {
	st := object.union(allow([], []), {"unknown": true, "reason": "local.extra is known only after apply"})
	f := only(in_zone(account_zone, [st]))
	f.exposure == "unresolved"
	f.location.line == 5
}

test_unknown_document_is_unresolved if {
	d := object.union(doc([]), {"unknown": true, "reason": "var.policy has no value"})
	f := only({"zone": account_zone, "resource": resource([d])})
	f.exposure == "unresolved"
	f.location.line == 4
	f.message == "cannot tell who can reach aws_s3_bucket.b through policy: var.policy has no value"
}

test_unreadable_document_is_unresolved if {
	d := object.union(doc([]), {"problems": [{"message": "policy is not valid JSON: 3:1: unexpected end of input", "location": loc(3)}]})
	f := only({"zone": account_zone, "resource": resource([d])})
	f.exposure == "unresolved"
	f.location.line == 3
}

test_empty_document_grants_nothing if exposures({"zone": account_zone, "resource": resource([doc([])])}) == set()

# ---------------------------------------------------------------------------
# Severity.

test_severity_by_exposure_and_access_level if {
	write := object.union(allow([star], []), {"access_levels": ["Write"]})
	only(in_zone(account_zone, [write])).severity == "critical"
	only(in_zone(account_zone, [allow([star], [])])).severity == "high"
	only(in_zone(account_zone, [allow([foreign], [])])).severity == "medium"
	perms := object.union(allow([foreign], []), {"access_levels": ["Permissions management", "Write"]})
	only(in_zone(account_zone, [perms])).severity == "high"
	list := object.union(allow([foreign], []), {"access_levels": ["List"]})
	only(in_zone(account_zone, [list])).severity == "low"
}

test_many_actions_are_summarised if {
	st := object.union(allow([star], []), {"actions": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "s3:GetBucketAcl"]})
	f := only(in_zone(account_zone, [st]))
	contains(f.message, "s3:GetObject, s3:PutObject, s3:ListBucket and 2 more actions")
}

test_two_narrowing_conditions_and_two_undecided_ones if {
	both := [cond("IpAddress", "aws:SourceIp", ["203.0.113.0/24"]), cond("StringEquals", "aws:SourceVpce", ["vpce-1a2b3c4d"])]
	f := only(in_zone(account_zone, [allow([star], both)]))
	f.exposure == "external"
	contains(f.message, "limited only by aws:SourceIp")
	two := [unknown_cond("aws:SourceAccount", "var.a has no value"), unknown_cond("aws:PrincipalOrgID", "var.o has no value")]
	g := only(in_zone(account_zone, [allow([star], two)]))
	g.exposure == "unresolved"
	g.reason == "var.a has no value"
}

# ---------------------------------------------------------------------------
# The shortcuts taken for speed agree with the definitions they skip.

shortcut_principals := [
	star, aws_star, own, foreign, service,
	p("AWS", "AIDAEXAMPLE", "unique-id", ""),
	p("AWS", "nonsense", "invalid", ""),
	p("Federated", "cognito-identity.amazonaws.com", "federated", ""),
	p("CanonicalUser", "79a59df9", "canonical-user", ""),
	object.union(foreign, {"unknown": true, "reason": "var.role has no value"}),
	p("AWS", "arn:aws:iam::self:root", "account", "self"),
]

shortcut_statements := [
	allow(shortcut_principals, []),
	object.union(allow(shortcut_principals, []), {"effect": "", "effect_reason": "var.effect has no value"}),
]

# judged(base(p), ...) for a plain statement (no conditions, no Deny in the
# document) is verdict(d, s, p), which goes through the statement tables.
test_plain_verdict_is_the_verdict if {
	some z in [account_zone, undeclared_zone]
	inp := in_zone(z, shortcut_statements)
	every s, st in shortcut_statements {
		every pr in st.principals {
			same_verdict(inp, s, st, pr)
		}
	}
}

# Statements with conditions, and documents with Deny statements: judged()
# calls the tables' functions for one statement, verdict() reads the tables.
conditioned_principals := [star, own, foreign, p("AWS", "AIDAEXAMPLE", "unique-id", ""), object.union(foreign, {"unknown": true, "reason": "var.role has no value"})]

conditioned_statements := [
	allow(conditioned_principals, [cond("StringEquals", "aws:PrincipalOrgID", ["o-abc123"])]),
	allow(conditioned_principals, [cond("StringEquals", "aws:PrincipalAccount", ["444455556666"])]),
	allow(conditioned_principals, [cond("StringEquals", "aws:SourceVpce", ["vpce-1a2b3c4d"])]),
	allow(conditioned_principals, [cond("IpAddress", "aws:SourceIp", ["203.0.113.0/24"])]),
	allow(conditioned_principals, [cond("IpAddress", "aws:SourceIp", ["0.0.0.0/0"])]),
	allow(conditioned_principals, [cond("StringEquals", "aws:PrincipalServiceName", ["sns.amazonaws.com"])]),
	allow(conditioned_principals, [cond("Bool", "aws:SecureTransport", ["true"])]),
	allow(conditioned_principals, [unknown_cond("aws:SourceAccount", "var.account has no value")]),
	allow(conditioned_principals, [unknown_cond("aws:SecureTransport", "var.x has no value")]),
	object.union(allow(conditioned_principals, [cond("StringEquals", "aws:SourceAccount", ["111122223333"])]), {"effect": "", "effect_reason": "var.effect has no value"}),
]

deny_documents := [
	[],
	[stmt("Deny", [star], ["s3:*"], [cond("StringNotEquals", "aws:PrincipalOrgID", ["o-abc123"])])],
	[stmt("Deny", [star], ["s3:*"], [cond("StringNotEquals", "aws:SourceVpce", ["vpce-1a2b3c4d"])])],
	[stmt("Deny", [star], ["s3:PutObject"], [])],
	[stmt("Deny", [star], ["s3:*"], [])],
	[object.union(stmt("Deny", [own], ["*"], []), {"principal_element": "NotPrincipal"})],
]

test_conditioned_verdicts_agree if {
	every denies in deny_documents {
		every st in conditioned_statements {
			every pr in st.principals {
				same_verdict(in_zone(org_zone, array.concat([st], denies)), 0, st, pr)
			}
		}
	}
}

# Inside the zone: no base, no verdict.
same_verdict(inp, _, _, pr) if {
	not grants.base(pr) with input as inp
	not grants.verdict(0, 0, pr) with input as inp
}

# Outside it: the same verdict, or none for both (a closed statement).
same_verdict(inp, s, st, pr) if {
	b := grants.base(pr) with input as inp
	full := {v | v := grants.verdict(0, s, pr) with input as inp}
	short := {v | v := grants.judged(b, 0, s, st, pr) with input as inp}
	full == short
}

test_the_shortcut_is_taken if {
	inp := in_zone(account_zone, shortcut_statements)
	every s, st in shortcut_statements {
		grants.judged("public", 0, s, st, star) == grants.plain_verdict("public", st, star) with input as inp
	}
}

# base(p) by table look-ups is the old chain of tests.
old_base(pr) := "unresolved" if pr.unknown

else := "public" if pr.kind == "wildcard"

else := "external" if {
	pr.kind in {"account", "role", "user", "session", "iam"}
	not grants.in_zone_account(pr.account)
}

else := "external" if pr.kind in {"federated", "canonical-user"}

else := "unresolved" if pr.kind in {"unique-id", "invalid"}

test_base_is_the_old_chain if {
	some z in [account_zone, org_zone, undeclared_zone]
	every pr in shortcut_principals {
		{b | b := grants.base(pr) with input as in_zone(z, [])} == {b | b := old_base(pr) with input as in_zone(z, [])}
	}
}
