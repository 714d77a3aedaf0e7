package perimeter.rules.acme_kms_decrypt_test

import data.perimeter.rules.acme_kms_decrypt

zone := {"accounts": ["111122223333"], "org_id": "", "own_account": "111122223333", "declared": true}

loc := {"file": "kms.tf", "line": 9, "column": 7, "end_line": 9, "end_column": 10}

key(principal, actions) := {"zone": zone, "resource": {
	"type": "aws_kms_key", "kind": "kms:key", "address": "aws_kms_key.k", "target": "aws_kms_key.k",
	"target_name": "", "source": "terraform", "location": loc, "condition": "", "settings": {},
	"documents": [{
		"index": 0, "attribute": "policy", "synthetic": false, "location": loc,
		"unknown": false, "reason": "", "problems": [],
		"statements": [{
			"index": 0, "sid": "", "effect": "Allow", "effect_reason": "",
			"principal_element": "Principal", "principal_location": loc,
			"principals": [{"type": "AWS", "value": principal, "kind": "account", "account": principal,
				"unknown": false, "reason": "", "location": loc}],
			"actions": actions, "not_action": false, "actions_reason": "", "access_levels": ["Write"],
			"resources": ["*"], "not_resource": false, "resource_reason": "",
			"conditions": [], "unknown": false, "reason": "", "location": loc,
		}],
	}],
}}

test_foreign_decrypt_is_reported if {
	count(acme_kms_decrypt.findings) == 1 with input as key("444455556666", ["kms:Decrypt"])
	count(acme_kms_decrypt.findings) == 1 with input as key("444455556666", ["kms:*"])
}

test_foreign_encrypt_only_is_not if {
	count(acme_kms_decrypt.findings) == 0 with input as key("444455556666", ["kms:Encrypt"])
}

test_own_account_decrypt_is_not if {
	count(acme_kms_decrypt.findings) == 0 with input as key("111122223333", ["kms:Decrypt"])
}
