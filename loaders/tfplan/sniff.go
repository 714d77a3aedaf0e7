package tfplan

import (
	"bytes"
	"strings"
)

// sniff reports whether a file is Terraform plan JSON: a .json file (not
// .tf.json or .tfvars.json) holding an object whose top-level members
// include "format_version" and "planned_values" or "resource_changes". It
// runs on every .json file of a tree, so most files are rejected by their
// first byte and two substring searches; only files that mention the keys
// get a scan of their top-level members, which builds nothing. State files
// (format_version and "values") and CloudFormation templates are not
// plans. A plan in a format version the loader does not read is claimed
// all the same, so that it is reported rather than silently skipped.
func sniff(path string, data []byte) bool {
	lower := strings.ToLower(path)
	if !strings.HasSuffix(lower, ".json") || strings.HasSuffix(lower, ".tf.json") || strings.HasSuffix(lower, ".tfvars.json") {
		return false
	}
	d := &doc{data: data}
	start := d.ws(0)
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		start = d.ws(3)
	}
	if start >= len(data) || data[start] != '{' ||
		!bytes.Contains(data, []byte(`"format_version"`)) ||
		(!bytes.Contains(data, []byte(`"planned_values"`)) && !bytes.Contains(data, []byte(`"resource_changes"`))) {
		return false
	}
	root := d.root()
	version, changes := false, false
	d.members(root, func(key string, _, v node) bool {
		switch key {
		case "format_version":
			version = d.isString(v)
		case "planned_values", "resource_changes":
			changes = true
		}
		return true
	})
	return version && changes
}
