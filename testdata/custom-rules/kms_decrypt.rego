# METADATA
# title: KMS decryption granted outside the zone of trust
# description: >-
#   A key policy lets a principal outside the zone of trust call kms:Decrypt
#   (or an action pattern that covers it).
# custom:
#   id: ACME001
#   severity: critical
#   kinds: ["kms:key"]
#   resource_types: [aws_kms_key, aws_kms_key_policy, "AWS::KMS::Key"]
#   remediation: >-
#     Confine the statement with "aws:PrincipalOrgID" or name only your own accounts.
package perimeter.rules.acme_kms_decrypt

import data.perimeter.lib.grants

findings contains f if {
	some g in grants.findings
	g.exposure != "unresolved"
	decrypts(g)
	f := object.union(g, {"message": sprintf("kms:Decrypt outside the zone of trust: %s", [g.message])})
}

decrypts(g) if {
	not g.not_action
	some a in g.actions
	glob.match(lower(a), [], "kms:decrypt")
}

decrypts(g) if {
	g.not_action
	every a in g.actions {
		not glob.match(lower(a), [], "kms:decrypt")
	}
}
