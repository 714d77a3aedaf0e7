package terraform

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/loaders/tftypes"
	"github.com/perimeter-iac/perimeter/policy"
)

// A module call that cannot be read (a registry or git module that is not
// downloaded, a local module without files) hides what it creates. Rather
// than report only "not downloaded", the loader analyses the call's
// arguments that are policies as the grants of one resource standing for
// what the module creates, at the module block: a policy passed to a
// module is almost always attached to something. The kind comes from the
// well-known terraform-aws-modules modules (s3-bucket, sqs, sns, kms ...),
// whose argument names are known (an S3 canned ACL, Block Public Access
// flags, attach_policy); any other module gives loaders.KindModuleInput,
// which a generic rule judges. The module's own defaults are not assumed:
// they change between versions (terraform-aws-modules/s3-bucket turned
// Block Public Access on by default in v4) and the module is not there to
// read. docs/terraform.md, "Modules that cannot be read".

// moduleKinds maps the names of terraform-aws-modules modules to the kind
// of the resource whose policy their arguments hold.
var moduleKinds = map[string]string{
	"s3-bucket":       loaders.KindS3Bucket,
	"sqs":             loaders.KindSQSQueue,
	"sns":             loaders.KindSNSTopic,
	"kms":             loaders.KindKMSKey,
	"ecr":             loaders.KindECRRepository,
	"secrets-manager": loaders.KindSecret,
	"efs":             loaders.KindEFSFileSystem,
	"opensearch":      loaders.KindOpenSearchDomain,
	"dynamodb-table":  loaders.KindDynamoDBTable,
	"eventbridge":     loaders.KindEventBus,
	"backup":          loaders.KindBackupVault,
}

var (
	registrySource = regexp.MustCompile(`^(?:[a-z0-9.-]+\.[a-z]+/)?terraform-aws-modules/([a-z0-9-]+)/aws(?://.*)?$`)
	gitSource      = regexp.MustCompile(`github\.com[/:]terraform-aws-modules/terraform-aws-([a-z0-9-]+?)(?:\.git)?(?:[/?].*)?$`)
)

// moduleKind returns the kind a module source stands for and whether its
// arguments' names are known (a terraform-aws-modules module).
func moduleKind(source string) (kind string, known bool) {
	for _, re := range []*regexp.Regexp{registrySource, gitSource} {
		if m := re.FindStringSubmatch(source); m != nil {
			if k, ok := moduleKinds[m[1]]; ok {
				return k, true
			}
		}
	}
	return loaders.KindModuleInput, false
}

// isPolicyName reports whether an argument's name says it holds a policy
// document (its value then counts even when unknown).
func isPolicyName(name string) bool {
	for _, p := range []string{"attach_", "create_", "enable_", "use_", "manage_", "skip_", "block_", "restrict_"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	return name == "policy" || name == "access_policies" || strings.HasSuffix(name, "_policy") ||
		strings.HasSuffix(name, "policy_json") || strings.HasSuffix(name, "policy_document")
}

// emitModuleInputs analyses the arguments of one instance of a module call
// that cannot be read.
func (m *modInst) emitModuleInputs(mc *moduleCall, is *instSet, k instKey, reason string) {
	ev := m.ev
	defer func() {
		if r := recover(); r != nil {
			ev.diags.Errorf(toRange(mc.decl), "internal error while reading the arguments of module %s: %v", mc.name, r)
		}
	}()
	sc := m.blockScope(is, k)
	kind, known := moduleKind(mc.source)
	addr := m.prefix() + "module." + mc.name + k.String()
	attrs := configuredAttrs(mc.body)
	get := func(name string) (tftypes.Arg, bool) { return sc.argAt(mc.body, name, false, 0) }
	isS3 := known && kind == loaders.KindS3Bucket
	if known && (explicitlyFalse(get, "create") || (isS3 && explicitlyFalse(get, "create_bucket"))) {
		return // the module creates nothing
	}

	var docs []loaders.Document
	for _, name := range sortedKeys(attrs) {
		a := attrs[name]
		if isS3 && name == "policy" && explicitlyFalse(get, "attach_policy") {
			continue
		}
		v := sc.walk(a.Expr, true)
		switch {
		case v.Kind == policy.Object && hasField(v, "Statement"):
		case v.Kind == policy.Unknown && isPolicyName(name):
		default:
			continue
		}
		docs = append(docs, loaders.Document{Attribute: name, Range: toRange(a.Range), Policy: policy.Parse(v)})
	}
	if isS3 {
		docs = append(docs, m.moduleACL(addr, get)...)
	}
	if len(docs) == 0 {
		return
	}
	r := loaders.Resource{
		Type: "module", Kind: kind, Address: addr, Target: addr,
		Source: loaders.SourceTerraform, Range: toRange(mc.rng), DeclRange: toRange(mc.decl),
		ModuleChain: m.chain, Documents: docs,
		Condition: fmt.Sprintf("the module applies these arguments as written (%s)", reason),
	}
	if is.unknown {
		r.Condition = is.reason + "; " + r.Condition
	}
	if isS3 {
		if b, ok := get("bucket"); ok && b.Value.Kind == policy.String {
			r.TargetName = b.Value.Str
		}
		m.moduleS3Facts(addr, mc, get)
	}
	ev.out = append(ev.out, r)
}

func hasField(v policy.Value, key string) bool {
	_, ok := v.Get(key)
	return ok
}

// explicitlyFalse reports whether an argument is set to a known false.
func explicitlyFalse(get func(string) (tftypes.Arg, bool), name string) bool {
	a, ok := get(name)
	return ok && loaders.FlagOf(a.Value, name).State == loaders.FlagOff && a.Value.Kind != policy.Null
}

// moduleACL reads terraform-aws-modules/s3-bucket's acl (canned) and grant
// (a list of {type, permission, id, uri, email}) arguments.
func (m *modInst) moduleACL(addr string, get func(string) (tftypes.Arg, bool)) []loaders.Document {
	ls := m.ev.ls
	var docs []loaders.Document
	if a, ok := get("acl"); ok && a.Value.Kind != policy.Null {
		grants, ok := loaders.CannedACL(a.Value)
		switch {
		case !ok:
			m.ev.diags.Warnf(a.Range, "acl %q of %s is not a canned ACL S3 knows; AWS would reject it", a.Value.Str, addr)
		case len(grants) > 0:
			docs = append(docs, loaders.Document{
				Attribute: "acl", Synthetic: true, Range: a.Range,
				Policy: loaders.ACLDocument(grants, nil, ls.account, ls.partition, a.Range),
			})
		}
	}
	a, ok := get("grant")
	if !ok || a.Value.Kind == policy.Null {
		return docs
	}
	var owners []string
	if o, ok := get("owner"); ok {
		if id, ok := tftypes.Navigate(o.Value, "id"); ok && id.Kind == policy.String {
			owners = append(owners, id.Str)
		}
	}
	var grants []loaders.ACLGrant
	items := []policy.Value{a.Value}
	if a.Value.Kind == policy.List {
		items = a.Value.Items
	}
	for _, g := range items {
		if g.Kind != policy.Object {
			grants = append(grants, loaders.ACLGrant{Grantee: asUnknown(g, "the grant"), Permission: asUnknown(g, "the grant"), Range: g.Range})
			continue
		}
		typ, _ := g.Get("type")
		perm, ok := g.Get("permission")
		if !ok {
			perm = policy.UnknownValue("the grant has no permission", g.Range)
		}
		grantee := policy.UnknownValue("the grant names no grantee (id, uri or email)", g.Range)
		for _, k := range []string{"id", "uri", "email"} {
			if v, ok := g.Get(k); ok && v.Kind != policy.Null {
				grantee = v
				break
			}
		}
		t := ""
		if typ.Kind == policy.String {
			t = typ.Str
		}
		grants = append(grants, loaders.ACLGrant{Type: t, Grantee: grantee, Permission: perm, Range: g.Range})
	}
	if len(grants) > 0 {
		docs = append(docs, loaders.Document{
			Attribute: "grant", Synthetic: true, Range: a.Range,
			Policy: loaders.ACLDocument(grants, owners, ls.account, ls.partition, a.Range),
		})
	}
	return docs
}

func asUnknown(v policy.Value, what string) policy.Value {
	if v.Kind == policy.Unknown {
		return v
	}
	return policy.UnknownValue(fmt.Sprintf("%s is a %s, not an object", what, v.Kind), v.Range)
}

// moduleS3Facts records the Block Public Access and Object Ownership
// arguments of terraform-aws-modules/s3-bucket as the bucket-level blocks
// the module creates from them, so that Link applies them. Only arguments
// the call sets count; an Object Ownership rule whose object_ownership is
// left to the module's default (which changed between versions) is
// unknown.
func (m *modInst) moduleS3Facts(addr string, mc *moduleCall, get func(string) (tftypes.Arg, bool)) {
	ev := m.ev
	pab := tftypes.Fact{
		Type: "aws_s3_bucket_public_access_block", Address: addr, Target: addr,
		Range: toRange(mc.rng), Decl: toRange(mc.decl), Args: map[string]tftypes.Arg{},
	}
	for _, name := range []string{
		loaders.PublicAccessBlockBlockACLs, loaders.PublicAccessBlockIgnoreACLs,
		loaders.PublicAccessBlockBlockPolicy, loaders.PublicAccessBlockRestrictBuckets,
	} {
		if a, ok := get(name); ok {
			pab.Args[name] = a
		}
	}
	// attach_public_policy = false leaves the Block Public Access block out.
	if len(pab.Args) > 0 && !explicitlyFalse(get, "attach_public_policy") {
		ev.facts = append(ev.facts, pab)
	}
	ctl, ok := get("control_object_ownership")
	if !ok || loaders.FlagOf(ctl.Value, "control_object_ownership").State == loaders.FlagOff {
		return
	}
	own, ok := get("object_ownership")
	if !ok {
		own = tftypes.Arg{Value: policy.UnknownValue(addr+".object_ownership is left to the module's default, which perimeter cannot read", ctl.Range), Range: ctl.Range}
	}
	if st := loaders.FlagOf(ctl.Value, "control_object_ownership"); st.State == loaders.FlagUnknown {
		own.Value = policy.UnknownValue(st.Reason, ctl.Range)
	}
	rule := policy.Value{Kind: policy.Object, Range: own.Range, Fields: []policy.Field{{Key: "object_ownership", KeyRange: own.Range, Value: own.Value}}}
	ev.facts = append(ev.facts, tftypes.Fact{
		Type: "aws_s3_bucket_ownership_controls", Address: addr, Target: addr,
		Range: toRange(mc.rng), Decl: toRange(mc.decl),
		Args: map[string]tftypes.Arg{"rule": {Value: policy.Value{Kind: policy.List, Items: []policy.Value{rule}, Range: own.Range}, Range: own.Range}},
	})
}
