// Package suppress decides which findings a user has accepted, the offline
// counterpart of IAM Access Analyzer's archive rules. It reads two kinds of
// suppression:
//
//   - inline directives in the scanned files: `# perimeter:ignore <rule or
//     exposure> <reason>` (also `//` in HCL, a `"//"` key in .tf.json) on the
//     grant's line, above it, or at the top of the resource block, and
//     `Metadata.perimeter.ignore` entries on CloudFormation resources;
//   - archive rules and accepted findings in `.perimeter-archive.yml` (or the
//     `archive:` section of `.perimeter.yml`): filters on the finding's
//     resource, principal, actions and conditions, or fingerprints written by
//     `perimeter baseline`.
//
// A suppressed finding is never dropped: Apply returns it with the reason and
// the place the suppression was written, so every report can show it. A
// suppression without a reason, or one whose date has passed, does not
// suppress anything and becomes a warning.
//
// The package judges nothing about access; it reads the findings package
// rules produced and the file contents discovery read (its sibling is
// cmd/perimeter/internal/report, which prints the result).
package suppress
