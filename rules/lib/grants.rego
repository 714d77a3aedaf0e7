# METADATA
# title: Grants that leave the zone of trust
# description: |
#   The shared judgement behind every built-in rule: for each Allow statement
#   of each policy document of input.resource, and each principal it names,
#   decide whether the grant reaches outside the zone of trust, and how:
#   "public" (anyone), "external" (specific principals outside the zone, or
#   "*" narrowed by a condition that does not bring it inside), or
#   "unresolved" (a principal or deciding condition that cannot be known
#   offline). docs/semantics.md is the contract this file implements.
package perimeter.lib.grants

# ---------------------------------------------------------------------------
# The zone of trust.

zone := input.zone

org_id := object.get(zone, "org_id", "")

# in_zone_account holds for the accounts of the zone, and for the own-account
# placeholder that the loaders use when no account was declared.
in_zone_account(a) if a == zone.own_account

in_zone_account("self")

in_zone_account(a) if a in zone.accounts

# The same accounts as a set, built once per resource: in_zone_account(a)
# holds exactly when zone_account_set[a] does.
zone_account_set := {a | some a in zone.accounts} | {zone.own_account, "self"}

# ---------------------------------------------------------------------------
# Condition keys that can confine a grant (IAM User Guide, "AWS global
# condition context keys"; S3 User Guide, "The meaning of public"). The kind
# says how a value is compared with the zone.

zone_keys := {
	"aws:principalaccount": "account",
	"aws:sourceaccount": "account",
	"aws:sourceowner": "account",
	"kms:calleraccount": "account",
	"s3:dataaccesspointaccount": "account",
	"aws:principalarn": "arn",
	"aws:sourcearn": "arn",
	"s3:dataaccesspointarn": "arn",
	"aws:principalorgid": "org",
	"aws:sourceorgid": "org",
	"aws:principalorgpaths": "orgpath",
	"aws:sourceorgpaths": "orgpath",
}

# Keys that narrow who can use a grant without tying it to accounts: S3
# calls a policy limited to fixed values of these "not public", but the
# principals are still outside the zone.
narrowing_keys := {
	"aws:sourceip",
	"aws:sourcevpc",
	"aws:sourcevpce",
	"aws:sourcevpcarn",
	"aws:vpcsourceip",
	"aws:vpceaccount",
	"aws:vpceorgid",
	"aws:vpceorgpaths",
	"aws:userid",
	"s3:x-amz-server-side-encryption-aws-kms-key-id",
	"elasticfilesystem:accesspointarn",
}

positive_ops := {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress"}

negated_ops := {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike", "NotIpAddress"}

# A condition limits an Allow only if every request that passes it carries the
# key with a listed value: a positive operator, no IfExists (a request
# without the key passes an ...IfExists test), and no ForAllValues (which is
# vacuously true when the key is absent).
limits(c) if {
	c.base in positive_ops
	not c.if_exists
	c.qualifier != "ForAllValues"
}

fixed(v) if {
	not contains(v, "*")
	not contains(v, "?")
	not contains(v, "${")
}

arn_account(v) := parts[4] if {
	parts := split(v, ":")
	count(parts) >= 6
}

value_in_zone("account", v) if in_zone_account(v)

value_in_zone("arn", v) if {
	a := arn_account(v)
	fixed(a)
	in_zone_account(a)
}

value_in_zone("org", v) if {
	org_id != ""
	v == org_id
}

value_in_zone("orgpath", v) if {
	org_id != ""
	startswith(v, concat("", [org_id, "/"]))
}

# A zone-key condition confining the statement to the zone: every value it
# accepts is inside.
confines_to_zone(c) if {
	kind := zone_keys[c.key]
	limits(c)
	not c.unknown
	count(c.values) > 0
	every v in c.values {
		value_in_zone(kind, v)
	}
}

# Service-only grants: the request must come from an AWS service principal.
service_only(st) if {
	some c in st.conditions
	c.key == "aws:principalisawsservice"
	c.base == "Bool"
	not c.if_exists
	c.values == ["true"]
}

service_only(st) if {
	some c in st.conditions
	c.key in {"aws:principalservicename", "aws:principalservicenameslist"}
	limits(c)
	not c.unknown
	count(c.values) > 0
}

# Conditions that would decide the verdict but cannot be read offline.
undecided_condition(c) := c.reason if {
	c.unknown
	not c.negated
	deciding_key(c)
}

deciding_key(c) if zone_keys[c.key]

deciding_key(c) if c.key in narrowing_keys

deciding_key(c) if c.key == "" # the whole Condition element is unknown

# A value ties a grant to particular accounts or organizations only if the
# part that names them is fixed. A wildcard there lets any account in: S3
# calls a policy public unless it grants to fixed values of these keys, and
# "a fixed value doesn't contain a wildcard" (S3 User Guide, "The meaning of
# public"). So aws:PrincipalAccount "*" or "4444*", aws:PrincipalOrgID
# "o-*" and aws:PrincipalArn "arn:aws:iam::*:role/x" (a role anyone can
# create in their own account) confine nothing. A wildcard after the
# account still names one account: "arn:aws:iam::444455556666:role/*"; an
# ARN without an account (an S3 bucket's) is tied to its owner only if it
# is fixed as a whole.
confining_value("account", v) if fixed(v)

confining_value("org", v) if fixed(v)

confining_value("orgpath", v) if {
	org := split(v, "/")[0]
	org != ""
	fixed(org)
}

confining_value("arn", v) if {
	a := arn_account(v)
	a != ""
	fixed(a)
}

confining_value("arn", v) if {
	arn_account(v) == ""
	fixed(v)
}

# A zone-key condition that confines the grant to the accounts or
# organizations it names, in the zone or not.
confining(c) if {
	kind := zone_keys[c.key]
	limits(c)
	not c.unknown
	count(c.values) > 0
	every v in c.values {
		confining_value(kind, v)
	}
}

# Zone-key conditions that confine the grant to principals outside the zone.
outsider_values(st) := {v |
	some c in st.conditions
	confining(c)
	some v in c.values
	not value_in_zone(zone_keys[c.key], v)
}

confined_to_outsiders(st) if {
	some c in st.conditions
	confining(c)
}

# A narrowing condition with fixed values (S3's test for "not public").
narrows(c) if {
	c.key in narrowing_keys
	limits(c)
	not c.unknown
	count(c.values) > 0
	every v in c.values {
		fixed(v)
		not broad_cidr(c.key, v)
	}
}

# A CIDR wider than /8 (IPv4) or /32 (IPv6) lets in a large part of the
# Internet; such a condition does not make a grant non-public.
cidr_keys := {"aws:sourceip", "aws:vpcsourceip"}

broad_cidr(key, v) if {
	key in cidr_keys
	[_, bits] := split(v, "/")
	not contains(v, ":")
	to_number(bits) < 8
}

broad_cidr(key, v) if {
	key in cidr_keys
	[_, bits] := split(v, "/")
	contains(v, ":")
	to_number(bits) < 32
}

# ---------------------------------------------------------------------------
# Deny statements that take the grant back from everyone outside the zone:
# Deny "*" with StringNotEquals aws:PrincipalOrgID <org> (and the like), or
# an unconditional Deny, covering the allowed actions and resources.

deny_everyone(dst) if {
	dst.principal_element == "Principal"
	some p in dst.principals
	p.kind == "wildcard"
}

deny_everyone(dst) if dst.principal_element == ""

covers_actions(dst, st) if {
	not dst.not_action
	"*" in dst.actions
}

covers_actions(dst, st) if {
	not dst.not_action
	not st.not_action
	st.actions_reason == ""
	count(st.actions) > 0
	every a in st.actions {
		some d in dst.actions
		glob.match(iam_pattern(lower(d)), null, lower(a))
	}
}

# iam_pattern is an IAM wildcard pattern (* and ? only; * also across
# ":" and "/") as a glob: glob's other metacharacters are quoted, and
# glob.match is given null delimiters (an empty list would mean ".", so
# "arn:aws:s3:::*" would not cover "arn:aws:s3:::my.bucket").
iam_pattern(p) := replace(replace(glob.quote_meta(p), "\\*", "*"), "\\?", "?")

covers_resources(dst, st) if {
	not dst.not_resource
	"*" in dst.resources
}

covers_resources(dst, st) if {
	not dst.not_resource
	not st.not_resource
	count(dst.resources) == 0 # a resource policy may leave Resource out: it is the resource itself
	dst.resource_reason == "" # (not a Resource that could not be resolved: it may cover nothing)
}

covers_resources(dst, st) if {
	not dst.not_resource
	not st.not_resource
	st.resource_reason == ""
	count(st.resources) > 0
	every r in st.resources {
		some d in dst.resources
		glob.match(iam_pattern(d), null, r) # ARNs are case-sensitive
	}
}

deny_zone_condition(c) if {
	kind := zone_keys[c.key]
	c.base in negated_ops
	c.qualifier == ""
	not c.unknown
	count(c.values) > 0
	every v in c.values {
		value_in_zone(kind, v)
	}
}

# Conditions that may sit beside the zone condition in such a Deny without
# shrinking it for principals outside the zone: "and the caller is not an
# AWS service" (service principals are never reported anyway).
benign_deny_condition(c) if {
	c.key == "aws:principalisawsservice"
	c.base == "Bool"
	c.values == ["false"]
}

taken_back(st, d) if {
	some dst in denials[d]
	deny_everyone(dst)
	covers_actions(dst, st)
	covers_resources(dst, st)
	count(dst.conditions) == 0
}

taken_back(st, d) if {
	some dst in denials[d]
	deny_everyone(dst)
	covers_actions(dst, st)
	covers_resources(dst, st)
	some c in dst.conditions
	deny_zone_condition(c)
	every other in dst.conditions {
		ok_beside_zone_condition(other)
	}
}

ok_beside_zone_condition(c) if deny_zone_condition(c)

# A Deny to everyone unless a zone key takes fixed values, some of them
# outside the zone (Deny "*" with StringNotEquals aws:PrincipalOrgID
# o-partner), confines the Allow to those values as the positive condition
# would: the grant reaches those outsiders, and no one else. Values inside
# the zone need no finding; when all are inside, taken_back holds instead.
deny_outsider_values(st, d) := {v |
	some dst in denials[d]
	deny_everyone(dst)
	covers_actions(dst, st)
	covers_resources(dst, st)
	some c in dst.conditions
	kind := zone_keys[c.key]
	c.base in negated_ops
	c.qualifier == ""
	not c.unknown
	count(c.values) > 0
	every v in c.values {
		confining_value(kind, v)
	}
	every other in dst.conditions {
		ok_beside_narrowing(other, c)
	}
	some v in c.values
	not value_in_zone(kind, v)
}

ok_beside_zone_condition(c) if benign_deny_condition(c)

# A Deny to everyone unless the request carries fixed values of a narrowing
# key narrows the Allow the way the positive condition would: the private
# API pattern "Deny execute-api:Invoke unless aws:SourceVpce = vpce-..."
# (API Gateway Developer Guide, "API Gateway resource policy examples"),
# or "Deny unless aws:SourceIp ...".
narrowing_denials(st, d) := {c |
	some dst in denials[d]
	deny_everyone(dst)
	covers_actions(dst, st)
	covers_resources(dst, st)
	some c in dst.conditions
	c.key in narrowing_keys
	c.base in negated_ops
	c.qualifier == ""
	narrowing_deny_values(c)
	every other in dst.conditions {
		ok_beside_narrowing(other, c)
	}
}

narrowing_deny_values(c) if {
	not c.unknown
	count(c.values) > 0
	every v in c.values {
		fixed(v)
		not broad_cidr(c.key, v)
	}
}

# "Deny unless aws:SourceVpce equals <a parameter without a value>": every
# value the parameter could take narrows to one VPC (endpoint), so the
# grant is narrowed whatever it is (an exact operator: no wildcard, and no
# CIDR that could be 0.0.0.0/0).
narrowing_deny_values(c) if {
	c.unknown
	c.key in {"aws:sourcevpce", "aws:sourcevpc"}
	c.base in {"StringNotEquals", "StringNotEqualsIgnoreCase"}
	every v in c.values {
		fixed(v)
	}
}

ok_beside_narrowing(other, c) if other == c

ok_beside_narrowing(other, _) if benign_deny_condition(other)

# Deny with NotPrincipal listing only principals inside the zone: everyone
# else is denied.
taken_back(st, d) if {
	some dst in denials[d]
	dst.principal_element == "NotPrincipal"
	count(dst.conditions) == 0
	covers_actions(dst, st)
	covers_resources(dst, st)
	every p in dst.principals {
		inside_principal(p)
	}
}

inside_principal(p) if {
	p.kind in {"account", "role", "user", "session", "iam"}
	in_zone_account(p.account)
}

inside_principal(p) if p.kind == "service"

# ---------------------------------------------------------------------------
# Verdicts.

# What a principal is, before conditions: "public", "external",
# "unresolved", or undefined for principals that never leave the zone.
# The kinds are disjoint, so a table of the kinds whose verdict does not
# depend on the account decides in one look-up.
base(p) := "unresolved" if p.unknown

else := b if b := kind_base[p.kind]

else := "external" if {
	account_kinds[p.kind]
	not zone_account_set[p.account]
}

kind_base := {
	"wildcard": "public",
	"federated": "external",
	"canonical-user": "external",
	"unique-id": "unresolved",
	"invalid": "unresolved",
}

account_kinds := {"account", "role", "user", "session", "iam"}

base_reason(p) := p.reason if p.unknown

else := sprintf("%s is an IAM unique ID; the principal it stood for is unknown offline", [p.value]) if p.kind == "unique-id"

else := sprintf("%q is not a valid principal (%s); AWS would reject the policy", [p.value, p.reason]) if p.kind == "invalid"

else := ""

# A statement grants access when its effect is Allow, or when its effect is
# unknown (then every finding it yields is unresolved).
grants(st) if {
	not st.unknown
	st.effect == "Allow"
}

grants(st) if {
	not st.unknown
	st.effect == ""
	st.effect_reason != ""
}

# Every principal an Allow statement lets in: the named ones, or with
# NotPrincipal everyone except those named.
principals_of(st) := st.principals if st.principal_element == "Principal"

else := [{
	"type": "*", "value": "*", "kind": "wildcard", "account": "*",
	"unknown": false, "reason": "", "location": st.principal_location,
	"not_principal": true,
}] if st.principal_element == "NotPrincipal"

# ---------------------------------------------------------------------------
# Statement facts. Each is computed once per resource, keyed by
# [document index, statement index], so that judging a principal is a few
# look-ups rather than a walk over the conditions and the other statements.

docs := input.resource.documents

# denials: the Deny statements of each document, found once: a grant is
# compared with these only (most documents have none), and by document
# index, so that no rule passes a whole document as an argument (OPA would
# hash it on every call, making judgement quadratic in a policy's size).
denials := {d: [dst | some dst in doc.statements; dst.effect == "Deny"] | some d, doc in docs}

# granting: statements that may grant access (Allow, or an unknown effect)
# in documents that could be read.
granting contains [d, s] if {
	some d, doc in docs
	not doc.unknown
	some s, st in doc.statements
	grants(st)
}

# closed: statements whose grant stays inside the zone whoever the
# principal is: confined by a condition, limited to AWS services, or taken
# back by a Deny.
closed := (confined_statements | service_statements) | taken_back_statements

confined_statements := {[d, s] |
	some [d, s] in granting
	some c in docs[d].statements[s].conditions
	confines_to_zone(c)
}

service_statements := {[d, s] |
	some [d, s] in granting
	service_only(docs[d].statements[s])
}

taken_back_statements := {[d, s] |
	some [d, s] in granting
	taken_back(docs[d].statements[s], d)
}

# undecided_statement: why a statement's verdict cannot be known (its effect,
# or a deciding condition, is unknown). This and the tables below are
# complete rules, computed once per resource: OPA re-evaluates a partial
# rule with an array key for every lookup, which made judging a policy
# quadratic in its statements.
undecided_statement := {[d, s]: r |
	some [d, s] in granting
	r := statement_unknown(docs[d].statements[s])
}

statement_unknown(st) := st.effect_reason if st.effect == ""

else := min(reasons) if {
	reasons := {r | some c in st.conditions; r := undecided_condition(c)}
	count(reasons) > 0
}

# outsiders: zone-key conditions naming principals outside the zone.
outsiders := {[d, s]: sort(outsider_values(docs[d].statements[s])) |
	some [d, s] in granting
	confined_to_outsiders(docs[d].statements[s])
}

# narrowing: the key that narrows a grant to "*" without confining it.
narrowing := {[d, s]: k |
	some [d, s] in granting
	k := narrowing_key(docs[d].statements[s], d)
}

narrowing_key(st, d) := min(keys) if {
	keys := {c.written_key | some c in st.conditions; narrows(c)}
	count(keys) > 0
} else := min(keys) if {
	keys := {c.written_key | some c in narrowing_denials(st, d)}
	count(keys) > 0
}

# ---------------------------------------------------------------------------
# Verdicts.

verdict(d, s, p) := v if {
	b := base(p)
	not closed[[d, s]]
	v := refine(b, d, s, p)
}

# judged(b, d, s, st, p) is verdict(d, s, p) for a principal whose base is
# b. A statement without conditions, in a document without Deny
# statements, can be neither closed, nor undecided by a condition, nor
# confined to outsiders, nor narrowed: its verdict follows from the
# principal and the effect alone (plain_verdict). Other statements are
# judged by the same functions as the statement tables, called for this
# statement only: the tables judge every granting statement of the
# resource, and most of them have no principal outside the zone.
judged(b, d, s, st, p) := plain_verdict(b, st, p) if {
	st.conditions == []
	denials[d] == []
} else := v if {
	closes(d, st) == false
	v := refine_one(b, d, st, p)
}

# closes(d, st) is closed[[d, s]] for the granting statement st = docs[d].statements[s].
# It is never undefined, so that OPA caches it for the statement's other
# principals (it caches a function's defined results).
default closes(_, _) := false

closes(_, st) if {
	some c in st.conditions
	confines_to_zone(c)
}

closes(_, st) if service_only(st)

closes(d, st) if taken_back(st, d)

# refine_one(b, d, st, p) is refine(b, d, s, p); the statement's facts are
# lists of zero or one element, again so that they are cached.
refine_one(b, d, st, p) := {"exposure": "unresolved", "reason": base_reason(p), "accounts": []} if b == "unresolved"

else := {"exposure": "unresolved", "reason": r, "accounts": []} if some r in unknown_of(st)

else := {"exposure": "external", "reason": "", "accounts": a} if some a in outsiders_of(st)

else := {"exposure": "external", "reason": "", "accounts": a, "by_deny": true} if {
	b == "public"
	some a in deny_outsiders_of(d, st)
}

else := {"exposure": "external", "reason": "", "accounts": [], "narrowed_by": k} if {
	b == "public"
	some k in narrowing_of(d, st)
}

else := {"exposure": b, "reason": "", "accounts": accounts_of(p)}

unknown_of(st) := [r | r := statement_unknown(st)]

outsiders_of(st) := [sort(outsider_values(st)) | confined_to_outsiders(st)]

deny_outsiders_of(d, st) := [sort(a) |
	a := deny_outsider_values(st, d)
	count(a) > 0
]

narrowing_of(d, st) := [k | k := narrowing_key(st, d)]

# refine for such a statement: its only undecided fact is an unknown effect.
plain_verdict(b, st, p) := {"exposure": "unresolved", "reason": base_reason(p), "accounts": []} if b == "unresolved"

else := {"exposure": "unresolved", "reason": st.effect_reason, "accounts": []} if st.effect == ""

else := {"exposure": b, "reason": "", "accounts": accounts_of(p)}

# Unknowns decide first: a principal or a deciding condition that cannot
# be read makes the grant unresolved.
refine(b, d, s, p) := {"exposure": "unresolved", "reason": base_reason(p), "accounts": []} if b == "unresolved"

else := {"exposure": "unresolved", "reason": r, "accounts": []} if r := undecided_statement[[d, s]]

else := {"exposure": "external", "reason": "", "accounts": a} if a := outsiders[[d, s]]

else := {"exposure": "external", "reason": "", "accounts": a, "by_deny": true} if {
	b == "public"
	some a in deny_outsiders_of(d, docs[d].statements[s])
}

else := {"exposure": "external", "reason": "", "accounts": [], "narrowed_by": k} if {
	b == "public"
	k := narrowing[[d, s]]
}

else := {"exposure": b, "reason": "", "accounts": accounts_of(p)}

accounts_of(p) := [p.account] if {
	p.account != ""
	p.account != "*"
}

else := []

# ---------------------------------------------------------------------------
# Findings.
#
# raw holds [document index, finding] before the resource's settings (S3
# Block Public Access, ACLs disabled, a VPC-only access point, a RAM share
# closed to external principals) apply; by_document holds what remains
# after them, and findings the same without the index.

findings contains f if some [_, f] in by_document

# Most resources carry no settings: their findings are the raw ones (the
# same set, not a copy), and the settings machinery below is skipped. The
# test is made once per resource.
by_document := raw if settings == {}

else := raw if count(settings) == 0

else := {[d, g] |
	some [d, f] in raw
	not removed(d, f)
	g := adjust(d, f)
}

# The verdict reads neither the display name nor the document, so it comes
# first: most principals are inside the zone (base is undefined), and
# judging them stops there. base(p0) then judged(...) is verdict(d, s, p0)
# (grants_test.rego checks it).
raw contains [d, f] if {
	some [d, s] in granting
	st := docs[d].statements[s]
	some p0 in principals_of(st)
	b := base(p0)
	v := judged(b, d, s, st, p0)
	p := displayed(d, p0)
	f := finding(docs[d], st, p, v)
}

# An ACL's wildcards stand for S3's groups: say which.
displayed(d, p) := object.union(p, {"display": name}) if {
	p.kind == "wildcard"
	name := acl_group_names[p.type]
	acl_document(d)
} else := p

acl_group_names := {"*": "anyone (AllUsers)", "AWS": "every AWS account (AuthenticatedUsers)"}

# What could not be read: a document that could not be resolved or read,
# the statements of a readable document that could not be resolved, or the
# problems of a readable document left without statements. One walk over
# the documents finds all three.
raw contains [d, f] if {
	some d, doc in docs
	some part in unreadable(doc)
	f := unresolved_finding(doc, part.location, part.reason)
}

unreadable(doc) := [doc] if doc.unknown

else := [st | some st in doc.statements; st.unknown] if doc.statements != []

else := [{"location": pr.location, "reason": pr.message} | some pr in doc.problems] if doc.statements == []

unresolved_finding(doc, location, reason) := {
	"exposure": "unresolved",
	"severity": "medium",
	"principal": {"type": "", "value": "", "account": ""},
	"accounts": [],
	"actions": [],
	"not_action": false,
	"access_levels": [],
	"conditions": [],
	"location": location,
	"attribute": doc.attribute,
	"reason": reason,
	"message": sprintf("cannot tell who can reach %s through %s: %s", [subject, doc.attribute, reason]),
}

finding(doc, st, p, v) := {
	"exposure": v.exposure,
	"severity": severity(v.exposure, st.access_levels),
	"principal": {"type": p.type, "value": p.value, "account": p.account},
	"accounts": v.accounts,
	"actions": st.actions,
	"not_action": st.not_action,
	"access_levels": st.access_levels,
	"conditions": conditions_of(st),
	"location": p.location,
	"attribute": doc.attribute,
	"reason": v.reason,
	"message": message(st, p, v),
}

# A function, not a comprehension in finding(): OPA caches a function's
# result by its arguments, so the list is built once per statement
# however many principals it names (as are what(st) and severity).
conditions_of(st) := [{"operator": c.operator, "key": c.written_key, "values": c.values} | some c in st.conditions]

subject := input.resource.target if input.resource.target != ""

else := input.resource.target_name if input.resource.target_name != ""

else := input.resource.address

who(p, v) := p.display if p.display

else := "anyone outside the account except the principals NotPrincipal names" if object.get(p, "not_principal", false)

else := sprintf(format, [p[field]]) if [format, field] := who_formats[p.kind]

else := p.value

# How who() names a principal of each kind: the format and the field it
# shows (one look-up instead of a test per kind).
who_formats := {
	"wildcard": ["anyone (%q)", "value"],
	"account": ["account %s", "account"],
	"federated": ["federated identities of %s", "value"],
	"canonical-user": ["S3 canonical user %s", "value"],
}

what(st) := "perform unknown actions" if {
	count(st.actions) == 0
	st.actions_reason != ""
}

else := "every action" if {
	not st.not_action
	"*" in st.actions
}

else := sprintf("every action except %s", [concat(", ", st.actions)]) if st.not_action

else := concat(", ", st.actions) if count(st.actions) <= 4

else := sprintf("%s and %d more actions", [concat(", ", array.slice(st.actions, 0, 3)), count(st.actions) - 3])

message(st, p, v) := sprintf("cannot tell who can %s on %s: %s", [what(st), subject, v.reason]) if {
	v.exposure == "unresolved"
	p.unknown
}

else := sprintf("cannot tell whether %s can %s on %s: %s", [who(p, v), what(st), subject, v.reason]) if v.exposure == "unresolved"

else := sprintf("%s can %s on %s, limited only by %s, which does not confine it to the zone of trust", [who(p, v), what(st), subject, v.narrowed_by]) if v.narrowed_by

else := sprintf("%s can %s on %s: a Deny statement confines it to %s, outside the zone of trust", [who(p, v), what(st), subject, concat(", ", v.accounts)]) if {
	v.by_deny
	p.kind == "wildcard"
}

else := sprintf("%s can %s on %s: conditions confine it to %s, outside the zone of trust", [who(p, v), what(st), subject, concat(", ", v.accounts)]) if {
	p.kind == "wildcard"
	count(v.accounts) > 0
}

else := sprintf("%s can %s on %s", [who(p, v), what(st), subject]) if v.exposure == "public"

else := sprintf("%s, outside the zone of trust, can %s on %s", [who(p, v), what(st), subject])

# Severity follows what is exposed to whom (README, "Severity").
writes(levels) if "Write" in levels

writes(levels) if "Permissions management" in levels

writes(levels) if count(levels) == 0 # unknown actions: assume the worst

reads(levels) if "Read" in levels

severity("public", levels) := "critical" if writes(levels)

else := "high"

severity("external", levels) := "high" if writes(levels)

else := "medium" if reads(levels)

else := "low"

severity("unresolved", _) := "medium"

# ---------------------------------------------------------------------------
# Resource settings (docs/resource-types.md, "Settings").

settings := object.get(input.resource, "settings", {})

# state is "on", "off" or "unknown"; a setting that is absent is off.
state(key) := object.get(settings, [key, "state"], "off")

bpa_state(flag) := object.get(settings, ["public_access_block", flag, "state"], "off")

bpa_flag(flag) := object.get(settings, ["public_access_block", flag], {})

# Every synthetic document of a bucket is its ACL (and only ACLs are
# synthetic there).
acl_document(d) if {
	input.resource.kind == "s3:bucket"
	input.resource.documents[d].synthetic
}

# Policies S3 Block Public Access's restrict_public_buckets applies to.
restrictable_kinds := {"s3:bucket", "s3:accesspoint", "s3:multiregionaccesspoint", "s3express:bucket"}

restrictable_document(d) if {
	input.resource.kind in restrictable_kinds
	not input.resource.documents[d].synthetic
}

# S3 calls a policy public when it grants public access (S3 User Guide,
# "The meaning of public"); the "public" verdict is that test.
public_document(d) if {
	some [e, f] in raw
	e == d
	f.exposure == "public"
}

set_by(flag) := sprintf(" (set by %s)", [flag.set_by]) if flag.set_by != ""

else := ""

# removed: S3 does not honour the grant.
#
# With ACLs disabled (Object Ownership BucketOwnerEnforced) an ACL grants
# nothing; ignore_public_acls makes S3 ignore the ACL's public grants;
# restrict_public_buckets confines a bucket or access point whose policy is
# public to its own account and AWS services, which removes every grant of
# that policy to anyone else (S3 User Guide, "Blocking public access to
# your Amazon S3 storage", Block public access settings).
removed(d, _) if {
	acl_document(d)
	state("acls_disabled") == "on"
}

removed(d, f) if {
	acl_document(d)
	f.exposure == "public"
	bpa_state("ignore_public_acls") == "on"
}

removed(d, _) if {
	restrictable_document(d)
	public_document(d)
	bpa_state("restrict_public_buckets") == "on"
}

# AWS's default for a RAM share is to allow external principals, and a
# setting the loader could not find must never hide a grant: absent reads
# as on.
ram_external_state := object.get(settings, ["allow_external_principals", "state"], "on")

# A RAM share that does not allow external principals can only be shared
# inside the owner's organization: with an organization zone, an account it
# names is inside.
removed(_, f) if {
	input.resource.kind == "ram:resourceshare"
	ram_external_state == "off"
	org_id != ""
	f.exposure == "external"
	f.principal.account != ""
}

# undecided: a setting that would remove the grant cannot be known.
undecided(d, f) := sprintf("whether ACLs are disabled (S3 Object Ownership) cannot be known: %s", [settings.acls_disabled.reason]) if {
	acl_document(d)
	state("acls_disabled") == "unknown"
} else := sprintf("whether S3 Block Public Access ignore_public_acls is on cannot be known: %s", [bpa_flag("ignore_public_acls").reason]) if {
	acl_document(d)
	f.exposure == "public"
	bpa_state("ignore_public_acls") == "unknown"
} else := sprintf("whether S3 Block Public Access restrict_public_buckets is on cannot be known: %s", [bpa_flag("restrict_public_buckets").reason]) if {
	restrictable_document(d)
	public_document(d)
	bpa_state("restrict_public_buckets") == "unknown"
}

# adjust applies the settings that change a grant it does not remove.
adjust(d, f) := object.union(f, {
	"exposure": "unresolved",
	"severity": "medium",
	"reason": r,
	"message": sprintf("%s, unless S3 removes it: %s", [f.message, r]),
}) if {
	f.exposure != "unresolved"
	r := undecided(d, f)
} else := narrowed_to_vpc(f) if {
	f.exposure == "public"
	input.resource.kind == "s3:accesspoint"
	state("vpc_only") == "on"
} else := noted(d, f)

# An access point whose network origin is a VPC takes requests only from
# that VPC: a grant to "*" is narrowed, like one limited by aws:SourceVpc.
narrowed_to_vpc(f) := object.union(f, {
	"exposure": "external",
	"severity": severity("external", f.access_levels),
	"message": sprintf("%s, through the access point, which accepts requests only from VPC %s", [f.message, vpc]),
}) if {
	vpc := object.get(settings, ["vpc_only", "value"], "")
	vpc != ""
} else := object.union(f, {
	"exposure": "external",
	"severity": severity("external", f.access_levels),
	"message": sprintf("%s, through the access point, which accepts requests only from its VPC", [f.message]),
})

# noted adds what a setting changes without removing the grant.
noted(d, f) := object.union(f, {"message": sprintf("%s (%s)", [f.message, n])}) if n := note(d, f)

else := f

note(d, f) := sprintf("S3 Block Public Access ignore_public_acls%s removes only the public grants of this ACL", [set_by(bpa_flag("ignore_public_acls"))]) if {
	acl_document(d)
	f.exposure != "public"
	bpa_state("ignore_public_acls") == "on"
} else := sprintf("block_public_acls%s stops new public ACLs but does not remove this one; ignore_public_acls does", [set_by(bpa_flag("block_public_acls"))]) if {
	acl_document(d)
	f.exposure == "public"
	bpa_state("block_public_acls") == "on"
} else := sprintf("block_public_policy%s makes S3 reject this policy when it is written, but does not remove a policy already in place; restrict_public_buckets does", [set_by(bpa_flag("block_public_policy"))]) if {
	restrictable_document(d)
	f.exposure == "public"
	bpa_state("block_public_policy") == "on"
} else := "BlockPublicPolicy is on: Secrets Manager should refuse to attach this policy, failing the deployment" if {
	input.resource.kind == "secretsmanager:secret"
	f.exposure == "public"
	state("block_public_policy") == "on"
} else := "the share does not allow external principals, so this is an account of your organization; declare --org-id to treat the organization as inside" if {
	input.resource.kind == "ram:resourceshare"
	ram_external_state == "off"
	f.exposure == "external"
	f.principal.account != ""
}
