package rules

import (
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// The Rego input is documented in docs/input.md; this file builds it as
// ast values directly (no reflection, no JSON round trip) because it is
// built once per resource on the hot path.

// kindServices are the IAM services whose actions a resource of each kind
// can be granted; NotAction is expanded within them when computing access
// levels.
var kindServices = map[string][]string{
	loaders.KindS3Bucket:                 {"s3"},
	loaders.KindIAMRole:                  {"sts"},
	loaders.KindKMSKey:                   {"kms"},
	loaders.KindLambdaFunction:           {"lambda"},
	loaders.KindLambdaLayer:              {"lambda"},
	loaders.KindSQSQueue:                 {"sqs"},
	loaders.KindS3AccessPoint:            {"s3"},
	loaders.KindS3MultiRegionAccessPoint: {"s3"},
	loaders.KindS3DirectoryBucket:        {"s3express"},
	loaders.KindSNSTopic:                 {"sns"},
	loaders.KindSecret:                   {"secretsmanager"},
	loaders.KindECRRepository:            {"ecr"},
	loaders.KindECRRegistry:              {"ecr"},
	loaders.KindEFSFileSystem:            {"elasticfilesystem"},
	loaders.KindEBSSnapshot:              {"ec2"},
	loaders.KindRDSSnapshot:              {"rds"},
	loaders.KindRDSClusterSnapshot:       {"rds"},
	loaders.KindDynamoDBTable:            {"dynamodb"},
	loaders.KindDynamoDBStream:           {"dynamodb"},
	loaders.KindAPIGatewayRestAPI:        {"execute-api"},
	loaders.KindOpenSearchDomain:         {"es"},
	loaders.KindLambdaFunctionURL:        {"lambda"},
	loaders.KindAMI:                      {"ec2"},
	loaders.KindRAMResourceShare:         {"ram"},
	loaders.KindVPCEndpointService:       {"ec2", "vpce"},
	loaders.KindGlueCatalog:              {"glue"},
	loaders.KindEventBus:                 {"events"},
	loaders.KindLogsResourcePolicy:       {"logs"},
	loaders.KindLogsDestination:          {"logs"},
	loaders.KindBackupVault:              {"backup"},
	loaders.KindGlacierVault:             {"glacier"},
	loaders.KindCodeArtifactDomain:       {"codeartifact"},
	loaders.KindCodeArtifactRepository:   {"codeartifact"},
	loaders.KindKinesisStream:            {"kinesis"},
	// What an unread module creates is not known: NotAction is expanded
	// over every service ("*" stands for all).
	loaders.KindModuleInput: {"*"},
}

// Input returns the Rego input for one resource as plain Go values, the
// form users see in docs/input.md and `perimeter scan --dump-input`.
func Input(zone Zone, res *loaders.Resource) (any, error) {
	return ast.JSON(inputValue(zoneTerm(zone), res))
}

func inputValue(zone *ast.Term, res *loaders.Resource) ast.Value {
	return ast.NewObject(
		item("zone", zone),
		item("resource", resourceTerm(res)),
	)
}

func zoneTerm(z Zone) *ast.Term {
	return ast.ObjectTerm(
		item("accounts", stringArray(z.Accounts)),
		item("org_id", ast.StringTerm(z.OrgID)),
		item("own_account", ast.StringTerm(z.OwnAccount())),
		item("declared", ast.BooleanTerm(z.Declared)),
	)
}

// keyTerms interns the input's object keys: the input is built once per
// resource, and allocating every key anew showed in profiles.
var keyTerms = func() map[string]*ast.Term {
	m := map[string]*ast.Term{}
	for _, k := range []string{"access_levels", "account", "accounts", "actions", "actions_reason", "address", "attribute", "base", "column", "condition", "conditions", "declared", "documents", "effect", "effect_reason", "end_column", "end_line", "file", "if_exists", "index", "key", "kind", "line", "location", "message", "negated", "not_action", "not_resource", "operator", "org_id", "own_account", "principal_element", "principal_location", "principals", "problems", "qualifier", "reason", "resource", "resource_reason", "resources", "settings", "sid", "source", "statements", "synthetic", "target", "target_name", "type", "unknown", "value", "values", "written_key", "zone"} {
		m[k] = ast.StringTerm(k)
	}
	return m
}()

// valueTerms interns the string values that recur in every input (effects,
// principal types and kinds, condition operators, kinds, sources, "" ...):
// the same immutable term serves every resource, as OPA does with its own
// interned terms. The map is read-only after initialisation.
var valueTerms = func() map[string]*ast.Term {
	m := map[string]*ast.Term{}
	values := []string{
		"", "*", "Allow", "Deny", "Principal", "NotPrincipal",
		"AWS", "Service", "Federated", "CanonicalUser",
		"ForAnyValue", "ForAllValues", "Bool", "Null", "IpAddress", "NotIpAddress",
		"terraform", "cloudformation", "terraform-plan",
		"List", "Read", "Write", "Tagging", "Permissions management",
	}
	for _, k := range []policy.PrincipalKind{
		policy.KindWildcard, policy.KindAccount, policy.KindRole, policy.KindUser, policy.KindSession,
		policy.KindIAMOther, policy.KindService, policy.KindFederated, policy.KindCanonicalUser, policy.KindUniqueID, policy.KindUnknown, policy.KindInvalid,
	} {
		values = append(values, string(k))
	}
	for _, op := range []string{"String", "Arn", "Numeric", "Date", "Binary"} {
		for _, suffix := range []string{"Equals", "NotEquals", "EqualsIgnoreCase", "NotEqualsIgnoreCase", "Like", "NotLike", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals"} {
			values = append(values, op+suffix)
		}
	}
	for k := range kindServices {
		values = append(values, k)
	}
	for _, v := range values {
		m[v] = ast.StringTerm(v)
	}
	return m
}()

// str returns the term of a string value, interned when it is a common one.
func str(s string) *ast.Term {
	if t, ok := valueTerms[s]; ok {
		return t
	}
	return ast.StringTerm(s)
}

// boolTerm and intTerm return OPA's interned terms (small numbers are
// interned by OPA; others are allocated).
func boolTerm(b bool) *ast.Term { return ast.InternedTerm(b) }

func intTerm(i int) *ast.Term { return ast.InternedTerm(i) }

// fileTerms remembers the last file's term while one input is built: a
// resource's locations are nearly all in one file.
type fileTerms struct {
	file string
	term *ast.Term
}

func (f *fileTerms) get(file string) *ast.Term {
	if f.term == nil || f.file != file {
		f.file, f.term = file, str(file)
	}
	return f.term
}

func item(k string, v *ast.Term) [2]*ast.Term {
	t, ok := keyTerms[k]
	if !ok {
		t = ast.StringTerm(k)
	}
	return ast.Item(t, v)
}

func stringArray(ss []string) *ast.Term {
	terms := make([]*ast.Term, len(ss))
	for i, s := range ss {
		terms[i] = str(s)
	}
	return ast.ArrayTerm(terms...)
}

func (f *fileTerms) locationTerm(r policy.Range) *ast.Term {
	return ast.ObjectTerm(
		item("file", f.get(r.File)),
		item("line", intTerm(r.Start.Line)),
		item("column", intTerm(r.Start.Column)),
		item("end_line", intTerm(r.End.Line)),
		item("end_column", intTerm(r.End.Column)),
	)
}

func resourceTerm(res *loaders.Resource) *ast.Term {
	docs := make([]*ast.Term, len(res.Documents))
	services := kindServices[res.Kind]
	if len(services) == 1 && services[0] == "*" {
		services = nil // every service
	}
	f := &fileTerms{}
	for i, d := range res.Documents {
		docs[i] = f.documentTerm(i, d, services)
	}
	settings := ast.NewObject()
	if len(res.Settings) > 0 {
		if v, err := ast.InterfaceToValue(res.Settings); err == nil {
			settings = v.(ast.Object) //nolint:forcetypeassert // InterfaceToValue of a map is an Object
		}
	}
	return ast.ObjectTerm(
		item("type", ast.StringTerm(res.Type)),
		item("kind", str(res.Kind)),
		item("address", ast.StringTerm(res.Address)),
		item("target", str(res.Target)),
		item("target_name", str(res.TargetName)),
		item("source", str(string(res.Source))),
		item("location", f.locationTerm(res.DeclRange)),
		item("condition", str(res.Condition)),
		item("settings", ast.NewTerm(settings)),
		item("documents", ast.ArrayTerm(docs...)),
	)
}

func (f *fileTerms) documentTerm(index int, d loaders.Document, services []string) *ast.Term {
	doc := d.Policy
	if doc == nil {
		doc = &policy.Document{}
	}
	statements := make([]*ast.Term, len(doc.Statements))
	for i := range doc.Statements {
		statements[i] = f.statementTerm(&doc.Statements[i], services)
	}
	problems := make([]*ast.Term, len(doc.Problems))
	for i, p := range doc.Problems {
		problems[i] = ast.ObjectTerm(
			item("message", ast.StringTerm(p.Message)),
			item("location", f.locationTerm(p.Range.Or(d.Range))),
		)
	}
	return ast.ObjectTerm(
		item("index", intTerm(index)),
		item("attribute", str(d.Attribute)),
		item("synthetic", boolTerm(d.Synthetic)),
		item("location", f.locationTerm(d.Range.Or(doc.Range))),
		item("unknown", boolTerm(doc.Unknown)),
		item("reason", str(doc.Reason)),
		item("problems", ast.ArrayTerm(problems...)),
		item("statements", ast.ArrayTerm(statements...)),
	)
}

func (f *fileTerms) statementTerm(s *policy.Statement, services []string) *ast.Term {
	principals := make([]*ast.Term, len(s.Principals))
	for i, p := range s.Principals {
		principals[i] = ast.ObjectTerm(
			item("type", str(p.Type)),
			item("value", str(p.Value)),
			item("kind", str(string(p.Kind))),
			item("account", str(p.Account)),
			item("unknown", boolTerm(p.Unknown)),
			item("reason", str(p.Reason)),
			item("location", f.locationTerm(p.Range.Or(s.PrincipalRange).Or(s.Range))),
		)
	}
	conditions := make([]*ast.Term, len(s.Conditions))
	for i, c := range s.Conditions {
		conditions[i] = ast.ObjectTerm(
			item("operator", str(c.Operator)),
			item("base", str(c.Base)),
			item("qualifier", str(c.Qualifier)),
			item("if_exists", boolTerm(c.IfExists)),
			item("negated", boolTerm(c.Negated)),
			item("key", str(strings.ToLower(c.Key))),
			item("written_key", str(c.Key)),
			item("values", stringArray(c.Values)),
			item("unknown", boolTerm(c.Unknown)),
			item("reason", str(c.Reason)),
			item("location", f.locationTerm(c.Range)),
		)
	}
	levels := policy.LoadCatalog().AccessLevels(s.Actions, s.NotAction, services)
	return ast.ObjectTerm(
		item("index", intTerm(s.Index)),
		item("sid", str(s.Sid)),
		item("effect", str(s.Effect)),
		item("effect_reason", str(s.EffectReason)),
		item("principal_element", str(s.PrincipalElement)),
		item("principal_location", f.locationTerm(s.PrincipalRange.Or(s.Range))),
		item("principals", ast.ArrayTerm(principals...)),
		item("actions", stringArray(s.Actions)),
		item("not_action", boolTerm(s.NotAction)),
		item("actions_reason", str(s.ActionsReason)),
		item("access_levels", stringArray(levels)),
		item("resources", stringArray(s.Resources)),
		item("not_resource", boolTerm(s.NotResource)),
		item("resource_reason", str(s.ResourceReason)),
		item("conditions", ast.ArrayTerm(conditions...)),
		item("unknown", boolTerm(s.Unknown)),
		item("reason", str(s.Reason)),
		item("location", f.locationTerm(s.Range)),
	)
}
