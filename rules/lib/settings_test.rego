package perimeter.lib.settings_test

# Tests of what resource settings change (docs/semantics.md, "S3 Block
# Public Access" and the sections after it).

import data.perimeter.lib.grants
import data.perimeter.lib.grants_test as t

flag(state) := {"state": state, "reason": "var.flag has no value", "set_by": "aws_s3_bucket_public_access_block.b", "value": ""}

bpa(flags) := {"public_access_block": {k: flag(v) | some k, v in flags}}

acl_doc(statements) := object.union(t.doc(statements), {"synthetic": true, "attribute": "acl"})

bucket(docs, settings) := {"zone": t.account_zone, "resource": object.union(t.resource(docs), {"settings": settings})}

# A public ACL grant (AllUsers READ) and a grant to another account's
# canonical user.
public_acl := acl_doc([t.allow([t.star], [])])

canonical := t.p("CanonicalUser", "79a59df900b949e5", "canonical-user", "")

mixed_acl := acl_doc([t.allow([t.star], []), t.allow([canonical], [])])

public_policy := t.doc([t.allow([t.star], [])])

# A policy that is public and also names another account.
mixed_policy := t.doc([t.allow([t.star], []), t.allow([t.foreign], [])])

cross_account_policy := t.doc([t.allow([t.foreign], [])])

exposures(inp) := t.exposures(inp)

test_public_acl_without_bpa_is_public if exposures(bucket([public_acl], {})) == {"public"}

test_ignore_public_acls_removes_public_acl_grants if {
	exposures(bucket([public_acl], bpa({"ignore_public_acls": "on"}))) == set()
}

test_ignore_public_acls_keeps_other_acl_grants_and_says_so if {
	f := t.only(bucket([mixed_acl], bpa({"ignore_public_acls": "on"})))
	f.exposure == "external"
	contains(f.message, "ignore_public_acls (set by aws_s3_bucket_public_access_block.b) removes only the public grants")
}

test_ignore_public_acls_does_not_touch_policies if {
	exposures(bucket([public_policy], bpa({"ignore_public_acls": "on"}))) == {"public"}
}

test_unknown_ignore_public_acls_is_unresolved if {
	f := t.only(bucket([public_acl], bpa({"ignore_public_acls": "unknown"})))
	f.exposure == "unresolved"
	f.severity == "medium"
	contains(f.reason, "ignore_public_acls is on cannot be known: var.flag has no value")
}

test_block_public_acls_alone_keeps_the_grant_with_a_note if {
	f := t.only(bucket([public_acl], bpa({"block_public_acls": "on"})))
	f.exposure == "public"
	contains(f.message, "block_public_acls (set by aws_s3_bucket_public_access_block.b) stops new public ACLs but does not remove this one")
}

test_acls_disabled_removes_every_acl_grant if {
	exposures(bucket([mixed_acl, public_policy], {"acls_disabled": flag("on")})) == {"public"}
	count([f | some f in grants.findings with input as bucket([mixed_acl], {"acls_disabled": flag("on")})]) == 0
}

test_unknown_acls_disabled_is_unresolved if {
	exposures(bucket([mixed_acl], {"acls_disabled": flag("unknown")})) == {"unresolved"}
}

test_restrict_public_buckets_removes_a_public_policy if {
	exposures(bucket([public_policy], bpa({"restrict_public_buckets": "on"}))) == set()
}

# restrict_public_buckets confines a bucket with a public policy to its own
# account and AWS services: the cross-account grant of the same policy
# goes too.
test_restrict_public_buckets_removes_cross_account_grants_of_a_public_policy if {
	exposures(bucket([mixed_policy], bpa({"restrict_public_buckets": "on"}))) == set()
}

# A policy that is not public is untouched.
test_restrict_public_buckets_keeps_a_non_public_policy if {
	exposures(bucket([cross_account_policy], bpa({"restrict_public_buckets": "on"}))) == {"external"}
}

test_restrict_public_buckets_does_not_touch_acls if {
	exposures(bucket([public_acl], bpa({"restrict_public_buckets": "on"}))) == {"public"}
}

test_unknown_restrict_public_buckets_makes_the_public_policy_unresolved if {
	exposures(bucket([mixed_policy], bpa({"restrict_public_buckets": "unknown"}))) == {"unresolved"}
}

test_block_public_policy_alone_keeps_the_grant_with_a_note if {
	f := t.only(bucket([public_policy], bpa({"block_public_policy": "on"})))
	f.exposure == "public"
	contains(f.message, "block_public_policy (set by aws_s3_bucket_public_access_block.b) makes S3 reject this policy")
}

test_off_flags_change_nothing if {
	exposures(bucket([public_acl, mixed_policy], bpa({
		"ignore_public_acls": "off", "restrict_public_buckets": "off",
		"block_public_acls": "off", "block_public_policy": "off",
	}))) == {"public", "external"}
}

# Settings of other kinds are not S3's.
test_bpa_applies_only_to_s3_kinds if {
	inp := bucket([public_policy], bpa({"restrict_public_buckets": "on"}))
	exposures(json.patch(inp, [{"op": "replace", "path": "/resource/kind", "value": "sqs:queue"}])) == {"public"}
}

test_access_point_restrict_public_buckets if {
	inp := bucket([public_policy], bpa({"restrict_public_buckets": "on"}))
	exposures(json.patch(inp, [{"op": "replace", "path": "/resource/kind", "value": "s3:accesspoint"}])) == set()
}

test_vpc_access_point_narrows_public_to_external if {
	inp := bucket([public_policy], {"vpc_only": {"state": "on", "reason": "", "set_by": "VpcConfiguration", "value": "vpc-0abc"}})
	f := t.only(json.patch(inp, [{"op": "replace", "path": "/resource/kind", "value": "s3:accesspoint"}]))
	f.exposure == "external"
	f.severity == "medium"
	contains(f.message, "accepts requests only from VPC vpc-0abc")
}

test_directory_bucket_always_restricts_public_policies if {
	inp := bucket([mixed_policy], bpa({"restrict_public_buckets": "on", "block_public_policy": "on"}))
	exposures(json.patch(inp, [{"op": "replace", "path": "/resource/kind", "value": "s3express:bucket"}])) == set()
}

test_by_document_indexes_findings if {
	inp := bucket([public_acl, cross_account_policy], {})
	pairs := {[d, f.exposure] | some [d, f] in grants.by_document with input as inp}
	pairs == {[0, "public"], [1, "external"]}
}

# RAM shares.

ram(zone, state) := {"zone": zone, "resource": object.union(t.resource([t.doc([t.allow([t.foreign], [])])]), {
	"kind": "ram:resourceshare",
	"settings": {"allow_external_principals": flag(state)},
})}

test_ram_share_closed_to_external_principals_is_inside_an_org_zone if {
	exposures(ram(t.org_zone, "off")) == set()
}

test_ram_share_closed_to_external_principals_in_an_account_zone_says_why if {
	f := t.only(ram(t.account_zone, "off"))
	f.exposure == "external"
	contains(f.message, "does not allow external principals")
}

test_ram_share_open_to_external_principals_is_external if {
	exposures(ram(t.org_zone, "on")) == {"external"}
}

# Narrowing keys added for the new types.

test_vpce_account_narrows if {
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], [t.cond("StringEquals", "aws:VpceAccount", ["111122223333"])])])) == {"external"}
}

test_efs_access_point_arn_narrows if {
	c := t.cond("StringEquals", "elasticfilesystem:AccessPointArn", ["arn:aws:elasticfilesystem:us-east-1:111122223333:access-point/fsap-1"])
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], [c])])) == {"external"}
}

test_principal_service_names_list_is_service_only if {
	c := t.cond("ForAnyValue:StringEquals", "aws:PrincipalServiceNamesList", ["cloudtrail.amazonaws.com"])
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], [object.union(c, {"base": "StringEquals", "qualifier": "ForAnyValue"})])])) == set()
}

# Access point delegation: a bucket policy that hands access control to
# the access points of an account.
test_access_point_delegation_to_own_account_confines if {
	c := t.cond("StringEquals", "s3:DataAccessPointAccount", ["111122223333"])
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], [c])])) == set()
}

test_access_point_delegation_to_another_account_is_external if {
	c := t.cond("StringEquals", "s3:DataAccessPointAccount", ["444455556666"])
	f := t.only(t.in_zone(t.account_zone, [t.allow([t.star], [c])]))
	f.exposure == "external"
	f.accounts == ["444455556666"]
}

test_access_point_arn_of_another_account_is_external if {
	c := t.cond("ArnLike", "s3:DataAccessPointArn", ["arn:aws:s3:us-east-1:444455556666:accesspoint/*"])
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], [c])])) == {"external"}
}

test_kms_caller_account_of_another_account_is_external if {
	c := t.cond("StringEquals", "kms:CallerAccount", ["444455556666"])
	f := t.only(t.in_zone(t.account_zone, [t.allow([t.star], [c])]))
	f.exposure == "external"
	f.accounts == ["444455556666"]
}

# A Deny to everyone outside a VPC endpoint or a network narrows an Allow
# to "*" the way the positive condition would.
deny_unless(key, op, values) := t.stmt("Deny", [t.star], ["s3:*"], [t.cond(op, key, values)])

test_deny_unless_vpce_narrows_allow_star if {
	f := t.only(t.in_zone(t.account_zone, [t.allow([t.star], []), deny_unless("aws:SourceVpce", "StringNotEquals", ["vpce-1a2b3c4d"])]))
	f.exposure == "external"
	contains(f.message, "limited only by aws:SourceVpce")
}

# The endpoint is a parameter without a value: whichever it is, the grant
# is narrowed to it (found in aws-samples/serverless-patterns, where such an
# API was reported public). An unknown IP range may be 0.0.0.0/0: not so.
test_deny_unless_unknown_vpce_narrows_allow_star if {
	unknown_vpce := object.union(t.cond("StringNotEquals", "aws:SourceVpce", []), {"unknown": true, "reason": "parameter VPCEndpointId has no Default and no --parameter value"})
	deny := t.stmt("Deny", [t.star], ["s3:*"], [unknown_vpce])
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], []), deny])) == {"external"}
	unknown_ip := object.union(t.cond("NotIpAddress", "aws:SourceIp", []), {"unknown": true, "reason": "parameter Cidr has no Default and no --parameter value"})
	deny_ip := t.stmt("Deny", [t.star], ["s3:*"], [unknown_ip])
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], []), deny_ip])) == {"public"}
}

test_deny_unless_source_ip_narrows_allow_star if {
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], []), deny_unless("aws:SourceIp", "NotIpAddress", ["203.0.113.0/24"])])) == {"external"}
}

test_deny_unless_broad_cidr_does_not_narrow if {
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], []), deny_unless("aws:SourceIp", "NotIpAddress", ["0.0.0.0/0"])])) == {"public"}
}

test_deny_with_positive_narrowing_condition_does_not_narrow if {
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], []), deny_unless("aws:SourceVpce", "StringEquals", ["vpce-1a2b3c4d"])])) == {"public"}
}

test_deny_on_other_actions_does_not_narrow if {
	d := t.stmt("Deny", [t.star], ["s3:PutObject"], [t.cond("StringNotEquals", "aws:SourceVpce", ["vpce-1"])])
	exposures(t.in_zone(t.account_zone, [t.allow([t.star], []), d])) == {"public"}
}

# A share whose setting the loader did not find is treated as open: a missing
# fact must never hide a grant.
test_ram_share_without_the_setting_is_open if {
	inp := ram(t.org_zone, "on")
	exposures(json.patch(inp, [{"op": "remove", "path": "/resource/settings/allow_external_principals"}])) == {"external"}
}
