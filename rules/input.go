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
		terms[i] = ast.StringTerm(s)
	}
	return ast.ArrayTerm(terms...)
}

func locationTerm(r policy.Range) *ast.Term {
	return ast.ObjectTerm(
		item("file", ast.StringTerm(r.File)),
		item("line", ast.IntNumberTerm(r.Start.Line)),
		item("column", ast.IntNumberTerm(r.Start.Column)),
		item("end_line", ast.IntNumberTerm(r.End.Line)),
		item("end_column", ast.IntNumberTerm(r.End.Column)),
	)
}

func resourceTerm(res *loaders.Resource) *ast.Term {
	docs := make([]*ast.Term, len(res.Documents))
	services := kindServices[res.Kind]
	if len(services) == 1 && services[0] == "*" {
		services = nil // every service
	}
	for i, d := range res.Documents {
		docs[i] = documentTerm(i, d, services)
	}
	settings := ast.NewObject()
	if len(res.Settings) > 0 {
		if v, err := ast.InterfaceToValue(res.Settings); err == nil {
			settings = v.(ast.Object) //nolint:forcetypeassert // InterfaceToValue of a map is an Object
		}
	}
	return ast.ObjectTerm(
		item("type", ast.StringTerm(res.Type)),
		item("kind", ast.StringTerm(res.Kind)),
		item("address", ast.StringTerm(res.Address)),
		item("target", ast.StringTerm(res.Target)),
		item("target_name", ast.StringTerm(res.TargetName)),
		item("source", ast.StringTerm(string(res.Source))),
		item("location", locationTerm(res.DeclRange)),
		item("condition", ast.StringTerm(res.Condition)),
		item("settings", ast.NewTerm(settings)),
		item("documents", ast.ArrayTerm(docs...)),
	)
}

func documentTerm(index int, d loaders.Document, services []string) *ast.Term {
	doc := d.Policy
	if doc == nil {
		doc = &policy.Document{}
	}
	statements := make([]*ast.Term, len(doc.Statements))
	for i := range doc.Statements {
		statements[i] = statementTerm(&doc.Statements[i], services)
	}
	problems := make([]*ast.Term, len(doc.Problems))
	for i, p := range doc.Problems {
		problems[i] = ast.ObjectTerm(
			item("message", ast.StringTerm(p.Message)),
			item("location", locationTerm(p.Range.Or(d.Range))),
		)
	}
	return ast.ObjectTerm(
		item("index", ast.IntNumberTerm(index)),
		item("attribute", ast.StringTerm(d.Attribute)),
		item("synthetic", ast.BooleanTerm(d.Synthetic)),
		item("location", locationTerm(d.Range.Or(doc.Range))),
		item("unknown", ast.BooleanTerm(doc.Unknown)),
		item("reason", ast.StringTerm(doc.Reason)),
		item("problems", ast.ArrayTerm(problems...)),
		item("statements", ast.ArrayTerm(statements...)),
	)
}

func statementTerm(s *policy.Statement, services []string) *ast.Term {
	principals := make([]*ast.Term, len(s.Principals))
	for i, p := range s.Principals {
		principals[i] = ast.ObjectTerm(
			item("type", ast.StringTerm(p.Type)),
			item("value", ast.StringTerm(p.Value)),
			item("kind", ast.StringTerm(string(p.Kind))),
			item("account", ast.StringTerm(p.Account)),
			item("unknown", ast.BooleanTerm(p.Unknown)),
			item("reason", ast.StringTerm(p.Reason)),
			item("location", locationTerm(p.Range.Or(s.PrincipalRange).Or(s.Range))),
		)
	}
	conditions := make([]*ast.Term, len(s.Conditions))
	for i, c := range s.Conditions {
		conditions[i] = ast.ObjectTerm(
			item("operator", ast.StringTerm(c.Operator)),
			item("base", ast.StringTerm(c.Base)),
			item("qualifier", ast.StringTerm(c.Qualifier)),
			item("if_exists", ast.BooleanTerm(c.IfExists)),
			item("negated", ast.BooleanTerm(c.Negated)),
			item("key", ast.StringTerm(strings.ToLower(c.Key))),
			item("written_key", ast.StringTerm(c.Key)),
			item("values", stringArray(c.Values)),
			item("unknown", ast.BooleanTerm(c.Unknown)),
			item("reason", ast.StringTerm(c.Reason)),
			item("location", locationTerm(c.Range)),
		)
	}
	levels := policy.LoadCatalog().AccessLevels(s.Actions, s.NotAction, services)
	return ast.ObjectTerm(
		item("index", ast.IntNumberTerm(s.Index)),
		item("sid", ast.StringTerm(s.Sid)),
		item("effect", ast.StringTerm(s.Effect)),
		item("effect_reason", ast.StringTerm(s.EffectReason)),
		item("principal_element", ast.StringTerm(s.PrincipalElement)),
		item("principal_location", locationTerm(s.PrincipalRange.Or(s.Range))),
		item("principals", ast.ArrayTerm(principals...)),
		item("actions", stringArray(s.Actions)),
		item("not_action", ast.BooleanTerm(s.NotAction)),
		item("actions_reason", ast.StringTerm(s.ActionsReason)),
		item("access_levels", stringArray(levels)),
		item("resources", stringArray(s.Resources)),
		item("not_resource", ast.BooleanTerm(s.NotResource)),
		item("resource_reason", ast.StringTerm(s.ResourceReason)),
		item("conditions", ast.ArrayTerm(conditions...)),
		item("unknown", ast.BooleanTerm(s.Unknown)),
		item("reason", ast.StringTerm(s.Reason)),
		item("location", locationTerm(s.Range)),
	)
}
