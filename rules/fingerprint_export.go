package rules

// Fingerprint computes a finding's ID from its fields, the way the engine
// does. cmd/perimeter uses it after re-rooting the paths of findings read
// from another revision (--new-since), so that they compare with the
// working tree's.
func Fingerprint(f *Finding) string { return fingerprint(f) }
