package tftypes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// Some blocks grant nothing themselves but change what others grant: S3
// Block Public Access at the bucket and account levels, S3 Object
// Ownership, an access point's or Multi-Region Access Point's settings,
// a RAM share's allow_external_principals and the resources associated
// with it. A loader records each instance of such a block as a Fact, and
// Link joins the facts of one configuration (one root module and the
// modules it calls: one state, one account) to the resources.

// FactSpec says what a loader records of a block type for Link.
type FactSpec struct {
	// Target is the argument naming the resource the block applies to
	// ("bucket"); "" when it applies to itself or to the account.
	Target string
	// Name is the argument holding the block's own name ("details.name");
	// "" means the loader's name for it (its ARN when the loader knows it).
	Name string
	// Args are the arguments Link reads (dotted names reach into nested
	// blocks, as for Args).
	Args []string
}

var pabFlags = []string{
	loaders.PublicAccessBlockBlockACLs, loaders.PublicAccessBlockIgnoreACLs,
	loaders.PublicAccessBlockBlockPolicy, loaders.PublicAccessBlockRestrictBuckets,
}

var factSpecs = map[string]FactSpec{
	"aws_s3_bucket_public_access_block":       {Target: "bucket", Args: pabFlags},
	"aws_s3_account_public_access_block":      {Args: append([]string{"account_id"}, pabFlags...)},
	"aws_s3_bucket_ownership_controls":        {Target: "bucket", Args: []string{"rule"}},
	"aws_s3_access_point":                     {Target: "bucket", Args: []string{"public_access_block_configuration", "vpc_configuration"}},
	"aws_s3control_multi_region_access_point": {Name: "details.name", Args: []string{"details"}},
	"aws_ram_resource_share":                  {Args: []string{"allow_external_principals"}},
	"aws_ram_resource_association":            {Target: "resource_share_arn", Args: []string{"resource_arn"}},
	"aws_ram_principal_association":           {Target: "resource_share_arn", Args: []string{"principal"}},
}

// LookupFact returns what a loader records of a block type for Link; ok is
// false for a type Link does not read.
func LookupFact(typ string) (FactSpec, bool) {
	s, ok := factSpecs[typ]
	return s, ok
}

// FactTypes lists the types LookupFact knows, sorted.
func FactTypes() []string {
	out := make([]string, 0, len(factSpecs))
	for t := range factSpecs {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Fact is one instance of a block type of LookupFact, as a loader read it.
type Fact struct {
	Type    string
	Address string // full address, with module path and instance key
	Range   loaders.Range
	Decl    loaders.Range
	// Target is the address of the resource the spec's target argument
	// refers to, when it is declared in the configuration; TargetName is
	// the argument's value when known; TargetReason says why neither is
	// known (the argument's unknown reason).
	Target, TargetName, TargetReason string
	// Name is the block's own name or ARN when known.
	Name string
	// Args are the spec's arguments that are set.
	Args map[string]Arg
	// Condition is set when the block exists only under a condition the
	// loader could not decide (a count on an unknown value): what it would
	// turn on is then unknown, never assumed.
	Condition string
}

// uncertain is the reason a fact may not exist, "" when it does.
func (f *Fact) uncertain() string {
	if f.Condition == "" {
		return ""
	}
	return fmt.Sprintf("%s exists only if %s", f.Address, f.Condition)
}

// levelOf reads a fact's Block Public Access level, doubtful when the fact
// may not exist.
func levelOf(f *Fact, pab loaders.PublicAccessBlock) loaders.PublicAccessBlock {
	if why := f.uncertain(); why != "" {
		return doubtful(pab, why)
	}
	return pab
}

// Link joins the facts of one configuration to its resources: it sets the
// S3 settings (Block Public Access of the account, the bucket and the
// access point; Object Ownership; an access point's VPC origin), turns a
// bucket policy on a directory bucket into an s3express:bucket, gives a RAM
// principal association the actions of the resources its share shares and
// the share's allow_external_principals. ownAccount is the account the
// configuration deploys to (policy.OwnAccount when undeclared).
//
// A fact is joined by the target address when a reference names the
// resource, else by name or ARN. A bucket-level setting whose bucket
// cannot be identified applies to no bucket, and says so in a warning: it
// never silences a grant it might not concern.
func Link(res []loaders.Resource, facts []Fact, ownAccount string) ([]loaders.Resource, loaders.Diagnostics) {
	l := &linker{own: ownAccount, byType: map[string][]*Fact{}, byAddr: map[string]*Fact{}, indexes: map[string]*factIndex{}}
	for i := range facts {
		f := &facts[i]
		l.byType[f.Type] = append(l.byType[f.Type], f)
		l.byAddr[f.Address] = f
	}
	l.throughBucketConfig(res, facts)
	l.checkTargets()
	for i := range res {
		l.link(&res[i])
	}
	return res, l.diags
}

type linker struct {
	own     string
	byType  map[string][]*Fact
	byAddr  map[string]*Fact
	indexes map[string]*factIndex
	acct    *loaders.PublicAccessBlock
	diags   loaders.Diagnostics
}

// factIndex finds the facts of one type by address and by normalised name,
// so that joining stays linear in the size of the configuration.
type factIndex struct {
	byAddr, byName map[string][]int
	facts          []*Fact
}

// matching returns the facts of typ that name the same resource as (addr,
// name): by the facts' targets, or (self) by their own addresses and names.
func (l *linker) matching(typ string, self bool, norm func(string) string, addr, name string) []*Fact {
	key := fmt.Sprintf("%s/%v", typ, self)
	idx := l.indexes[key]
	if idx == nil {
		idx = &factIndex{byAddr: map[string][]int{}, byName: map[string][]int{}, facts: l.byType[typ]}
		for i, f := range idx.facts {
			a, n := f.Target, f.TargetName
			if self {
				a, n = f.Address, f.Name
			}
			if a != "" {
				idx.byAddr[a] = append(idx.byAddr[a], i)
			}
			if nn := norm(n); nn != "" {
				idx.byName[nn] = append(idx.byName[nn], i)
			}
		}
		l.indexes[key] = idx
	}
	var cands []int
	if addr != "" {
		cands = append(cands, idx.byAddr[addr]...)
	}
	if nn := norm(name); nn != "" {
		cands = append(cands, idx.byName[nn]...)
	}
	slices.Sort(cands)
	cands = slices.Compact(cands)
	var out []*Fact
	for _, i := range cands {
		f := idx.facts[i]
		a, n := f.Target, f.TargetName
		if self {
			a, n = f.Address, f.Name
		}
		if sameTarget(addr, name, a, n, norm) {
			out = append(out, f)
		}
	}
	return out
}

// bucketConfigTypes configure one S3 bucket and have its name as their
// id: a block whose bucket is aws_s3_bucket_policy.p.id names p's bucket
// (terraform-aws-modules/s3-bucket writes its Block Public Access so, to
// order it after the policy).
var bucketConfigTypes = map[string]bool{
	"aws_s3_bucket_policy": true, "aws_s3_bucket_acl": true,
	"aws_s3_bucket_public_access_block": true, "aws_s3_bucket_ownership_controls": true,
}

// throughBucketConfig re-targets facts and resources whose target is
// another bucket configuration block to that block's bucket.
func (l *linker) throughBucketConfig(res []loaders.Resource, facts []Fact) {
	next := map[string]string{}
	for _, r := range res {
		if bucketConfigTypes[r.Type] && r.Target != "" && r.Target != r.Address {
			next[r.Address] = r.Target
		}
	}
	for _, f := range facts {
		if bucketConfigTypes[f.Type] && f.Target != "" {
			next[f.Address] = f.Target
		}
	}
	follow := func(t string) string {
		for range 4 {
			n, ok := next[t]
			if !ok || !bucketConfigTypes[addrType(t)] {
				break
			}
			t = n
		}
		return t
	}
	for i := range facts {
		if bucketConfigTypes[facts[i].Type] {
			facts[i].Target = follow(facts[i].Target)
		}
	}
	for i := range res {
		if bucketConfigTypes[res[i].Type] {
			res[i].Target = follow(res[i].Target)
		}
	}
}

// checkTargets warns about bucket-level settings whose bucket cannot be
// identified.
func (l *linker) checkTargets() {
	for _, typ := range []string{"aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls"} {
		for _, f := range l.byType[typ] {
			if f.Target != "" || f.TargetName != "" {
				continue
			}
			why := ""
			if f.TargetReason != "" {
				why = ": " + f.TargetReason
			}
			l.diags.Warnf(f.Decl, "%s: the bucket it applies to cannot be identified%s; perimeter applies it to no bucket", f.Address, why)
		}
	}
}

func (l *linker) link(r *loaders.Resource) {
	switch r.Kind {
	case loaders.KindS3Bucket:
		if addrType(r.Target) == "aws_s3_directory_bucket" || strings.HasSuffix(bucketName(r.TargetName), "--x-s3") {
			r.Kind = loaders.KindS3DirectoryBucket
			setS3(r, loaders.AllOn("S3 directory buckets (Block Public Access is always on)"), loaders.Flag{})
			return
		}
		acls := loaders.Flag{}
		if slices.ContainsFunc(r.Documents, func(d loaders.Document) bool { return d.Synthetic }) {
			acls = l.aclsDisabled(r.Target, r.TargetName)
		}
		setS3(r, loaders.CombinePublicAccessBlocks(l.account(), l.bucketPAB(r.Target, r.TargetName)), acls)
	case loaders.KindS3AccessPoint:
		l.accessPoint(r)
	case loaders.KindS3MultiRegionAccessPoint:
		pab := l.account()
		for _, f := range l.matching("aws_s3control_multi_region_access_point", true, plainName, r.Target, r.TargetName) {
			if d, ok := f.Args["details"]; ok {
				pab = loaders.CombinePublicAccessBlocks(pab, levelOf(f, readPAB(d.Value, "public_access_block", f.Address+".details.public_access_block", true)))
			}
		}
		setS3(r, pab, loaders.Flag{})
	case loaders.KindRAMResourceShare:
		l.ramShare(r)
	}
}

// setS3 stores the S3 settings, leaving out what no level sets.
func setS3(r *loaders.Resource, pab loaders.PublicAccessBlock, acls loaders.Flag) {
	if !pab.IsZero() {
		r.SetSetting(loaders.SettingPublicAccessBlock, pab.Setting())
	}
	if acls.State != "" {
		r.SetSetting(loaders.SettingACLsDisabled, acls.Setting())
	}
}

// account is the account-level Block Public Access.
func (l *linker) account() loaders.PublicAccessBlock {
	if l.acct != nil {
		return *l.acct
	}
	var out loaders.PublicAccessBlock
	defer func() { l.acct = &out }()
	for _, f := range l.byType["aws_s3_account_public_access_block"] {
		pab := levelOf(f, flagsOf(f.Args, f.Address, false))
		if reason := l.otherAccount(f); reason != "" {
			pab = doubtful(pab, reason)
		}
		out = loaders.CombinePublicAccessBlocks(out, pab)
	}
	return out
}

// otherAccount says why an account-level block may not be the scanned
// resources' account ("" when it is).
func (l *linker) otherAccount(f *Fact) string {
	a, ok := f.Args["account_id"]
	if !ok || a.Value.Kind == policy.Null {
		return ""
	}
	switch v := a.Value; v.Kind {
	case policy.Unknown:
		return fmt.Sprintf("%s.account_id is unknown: %s", f.Address, v.Reason)
	case policy.String, policy.Number:
		if v.Str == l.own {
			return ""
		}
		if l.own == "" || l.own == policy.OwnAccount {
			return fmt.Sprintf("%s applies to account %s, and whether the scanned resources are in it is not known (declare --account)", f.Address, v.Str)
		}
		return "-" // another account: it does not apply
	case policy.Null, policy.Bool, policy.List, policy.Object:
	}
	return fmt.Sprintf("%s.account_id is a %s, not an account ID", f.Address, a.Value.Kind)
}

// doubtful turns the flags a level turns on into unknown ones with the
// reason ("-" drops the level).
func doubtful(pab loaders.PublicAccessBlock, reason string) loaders.PublicAccessBlock {
	if reason == "-" {
		return loaders.PublicAccessBlock{}
	}
	f := func(fl loaders.Flag) loaders.Flag {
		if fl.State == loaders.FlagOn {
			return loaders.Flag{State: loaders.FlagUnknown, Reason: reason, SetBy: fl.SetBy}
		}
		return fl
	}
	return loaders.PublicAccessBlock{
		BlockPublicACLs: f(pab.BlockPublicACLs), IgnorePublicACLs: f(pab.IgnorePublicACLs),
		BlockPublicPolicy: f(pab.BlockPublicPolicy), RestrictPublicBuckets: f(pab.RestrictPublicBuckets),
	}
}

// bucketPAB is the Block Public Access of the bucket a resource names.
func (l *linker) bucketPAB(target, name string) loaders.PublicAccessBlock {
	var out loaders.PublicAccessBlock
	if target == "" && name == "" {
		return out
	}
	for _, f := range l.matching("aws_s3_bucket_public_access_block", false, bucketName, target, name) {
		out = loaders.CombinePublicAccessBlocks(out, levelOf(f, flagsOf(f.Args, f.Address, false)))
	}
	return out
}

// aclsDisabled reads the Object Ownership of the bucket a resource names.
func (l *linker) aclsDisabled(target, name string) loaders.Flag {
	out := loaders.Flag{}
	if target == "" && name == "" {
		return out
	}
	for _, f := range l.matching("aws_s3_bucket_ownership_controls", false, bucketName, target, name) {
		setBy := f.Address + ".rule.object_ownership"
		a, ok := f.Args["rule"]
		if !ok {
			continue
		}
		fl := loaders.Flag{State: loaders.FlagOff, SetBy: setBy}
		for _, rule := range blocks(a.Value) {
			o := field(rule, "object_ownership")
			if rule.Kind == policy.Unknown {
				o = rule
			}
			switch {
			case o.Kind == policy.Unknown:
				fl = loaders.Flag{State: loaders.FlagUnknown, Reason: o.Reason, SetBy: setBy}
			case o.Kind == policy.String && o.Str == "BucketOwnerEnforced":
				fl = loaders.Flag{State: loaders.FlagOn, SetBy: setBy}
			}
			if fl.On() {
				break
			}
		}
		if why := f.uncertain(); why != "" && fl.On() {
			fl = loaders.Flag{State: loaders.FlagUnknown, Reason: why, SetBy: setBy}
		}
		out = loaders.AnyOn(out, fl)
	}
	return out
}

// accessPoint: an access point is subject to its own Block Public Access,
// its bucket's and its account's; a VPC configuration makes it VPC-only.
func (l *linker) accessPoint(r *loaders.Resource) {
	pab := l.account()
	if r.Type == "aws_s3control_object_lambda_access_point_policy" {
		setS3(r, pab, loaders.Flag{})
		return
	}
	var ap *Fact
	if f := l.byAddr[r.Address]; f != nil && f.Type == "aws_s3_access_point" {
		ap = f
	} else if fs := l.matching("aws_s3_access_point", true, accessPointName, r.Target, r.TargetName); len(fs) > 0 {
		ap = fs[0]
	}
	if ap == nil {
		setS3(r, pab, loaders.Flag{})
		return
	}
	if a, ok := ap.Args["public_access_block_configuration"]; ok && a.Value.Kind != policy.Null {
		pab = loaders.CombinePublicAccessBlocks(pab, levelOf(ap, readPAB(a.Value, "", ap.Address+".public_access_block_configuration", true)))
	} else {
		// S3 turns every Block Public Access setting on for an access point
		// created without them, and they cannot be changed afterwards (S3
		// User Guide, "Managing public access to access points").
		pab = loaders.CombinePublicAccessBlocks(pab, loaders.AllOn(ap.Address+" (access point default)"))
	}
	pab = loaders.CombinePublicAccessBlocks(pab, l.bucketPAB(ap.Target, ap.TargetName))
	setS3(r, pab, loaders.Flag{})
	if a, ok := ap.Args["vpc_configuration"]; ok && a.Value.Kind != policy.Null {
		fl := loaders.Flag{State: loaders.FlagOn, SetBy: ap.Address + ".vpc_configuration"}
		if vpc, ok := Navigate(a.Value, "vpc_id"); ok && vpc.Kind == policy.String {
			fl.Value = vpc.Str
		}
		r.SetSetting(loaders.SettingVPCOnly, fl.Setting())
	}
}

// ramShare: a principal association gets the actions of the resources
// associated with its share, and the share's allow_external_principals.
func (l *linker) ramShare(r *loaders.Resource) {
	if r.Type != "aws_ram_principal_association" {
		return
	}
	var share *Fact
	if fs := l.matching("aws_ram_resource_share", true, plainName, r.Target, r.TargetName); len(fs) > 0 {
		share = fs[0]
	}
	ext := loaders.Flag{
		State: loaders.FlagUnknown, SetBy: r.Address + ".resource_share_arn",
		Reason: "the resource share is not in the scanned code, so whether it allows external principals is not known",
	}
	if share != nil {
		ext = loaders.Flag{State: loaders.FlagOff, SetBy: share.Address + " (allow_external_principals defaults to false in the AWS provider)"}
		if a, ok := share.Args["allow_external_principals"]; ok && a.Value.Kind != policy.Null {
			ext = loaders.FlagOf(a.Value, share.Address+".allow_external_principals")
		}
		if why := share.uncertain(); why != "" && ext.State == loaders.FlagOff {
			ext = loaders.Flag{State: loaders.FlagUnknown, Reason: why, SetBy: ext.SetBy}
		}
	}
	r.SetSetting(loaders.SettingAllowExternalPrincipals, ext.Setting())

	pa := l.byAddr[r.Address]
	if pa == nil || pa.Type != "aws_ram_principal_association" {
		return
	}
	principal, ok := pa.Args["principal"]
	if !ok {
		return
	}
	var actions []policy.Value
	seen := map[string]bool{}
	for _, f := range l.matching("aws_ram_resource_association", false, plainName, r.Target, r.TargetName) {
		a, ok := f.Args["resource_arn"]
		if !ok {
			continue
		}
		act := ramAction(a)
		if act.Kind == policy.String {
			if seen[act.Str] {
				continue
			}
			seen[act.Str] = true
		}
		actions = append(actions, act)
	}
	if len(actions) == 0 {
		return // the pending unknown action stays
	}
	for i := range r.Documents {
		if r.Documents[i].Synthetic && r.Documents[i].Attribute == "principal" {
			r.Documents[i] = ramDocument(principal, actions, r.Range)
		}
	}
}

// ramAction is "<service>:*" for a shared resource: from its ARN, or from
// the type of the resource the argument refers to.
func ramAction(a Arg) policy.Value {
	v := a.Value
	if v.Kind == policy.String {
		if arn, ok := policy.ParseARN(v.Str); ok && arn.Service != "" {
			return policy.StringValue(arn.Service+":*", v.Range)
		}
	}
	for _, ref := range a.Refs {
		if svc, ok := ramServices[addrType(ref)]; ok {
			return policy.StringValue(svc+":*", v.Range)
		}
	}
	reason := "the shared resource is unknown"
	if v.Kind == policy.Unknown {
		reason += ": " + v.Reason
	}
	return policy.UnknownValue(reason, v.Range)
}

// ramServices maps the Terraform types of resources RAM commonly shares to
// their IAM service (RAM User Guide, "Shareable AWS resources").
var ramServices = map[string]string{
	"aws_subnet": "ec2", "aws_ec2_transit_gateway": "ec2", "aws_ec2_managed_prefix_list": "ec2",
	"aws_ec2_capacity_reservation": "ec2", "aws_vpc_ipam_pool": "ec2", "aws_ec2_traffic_mirror_target": "ec2",
	"aws_ec2_local_gateway_route_table": "ec2", "aws_ec2_transit_gateway_multicast_domain": "ec2",
	"aws_route53_resolver_rule": "route53resolver", "aws_route53_resolver_query_log_config": "route53resolver",
	"aws_route53_resolver_firewall_rule_group": "route53resolver", "aws_route53profiles_profile": "route53profiles",
	"aws_licensemanager_license_configuration": "license-manager", "aws_glue_catalog_database": "glue",
	"aws_glue_catalog_table": "glue", "aws_networkfirewall_firewall_policy": "network-firewall",
	"aws_networkfirewall_rule_group": "network-firewall", "aws_imagebuilder_component": "imagebuilder",
	"aws_imagebuilder_image": "imagebuilder", "aws_imagebuilder_image_recipe": "imagebuilder",
	"aws_imagebuilder_container_recipe": "imagebuilder", "aws_codebuild_project": "codebuild",
	"aws_codebuild_report_group": "codebuild", "aws_appmesh_mesh": "appmesh", "aws_rds_cluster": "rds",
	"aws_resourcegroups_group": "resource-groups", "aws_servicecatalogappregistry_application": "servicecatalog",
	"aws_acmpca_certificate_authority": "acm-pca", "aws_vpclattice_service": "vpc-lattice",
	"aws_vpclattice_service_network": "vpc-lattice", "aws_ssm_parameter": "ssm",
	"aws_dynamodb_table": "dynamodb", "aws_backup_vault": "backup", "aws_cloudwatch_log_group": "logs",
}

// readPAB reads the four flags of a Block Public Access block (at path in
// v, or v itself); within such a block the provider defaults each flag to
// defaultOn.
func readPAB(v policy.Value, path, setBy string, defaultOn bool) loaders.PublicAccessBlock {
	if path != "" {
		inner, ok := Navigate(v, path)
		if !ok {
			return loaders.PublicAccessBlock{}
		}
		v = inner
	}
	bs := blocks(v)
	if len(bs) == 0 {
		return loaders.PublicAccessBlock{}
	}
	b := bs[0]
	args := map[string]Arg{}
	if b.Kind == policy.Unknown {
		for _, name := range pabFlags {
			args[name] = Arg{Value: b, Range: b.Range}
		}
	} else {
		for _, name := range pabFlags {
			if fv := field(b, name); fv.Kind != policy.Null {
				args[name] = Arg{Value: fv, Range: fv.Range}
			}
		}
	}
	return flagsOf(args, setBy, defaultOn)
}

// flagsOf reads the four flags from arguments; an absent flag is not set,
// or on (the provider's default) when defaultOn.
func flagsOf(args map[string]Arg, setBy string, defaultOn bool) loaders.PublicAccessBlock {
	flag := func(name string) loaders.Flag {
		by := setBy + "." + name
		a, ok := args[name]
		if !ok || a.Value.Kind == policy.Null {
			if defaultOn {
				return loaders.Flag{State: loaders.FlagOn, SetBy: by + " (the provider's default)"}
			}
			return loaders.Flag{}
		}
		return loaders.FlagOf(a.Value, by)
	}
	return loaders.PublicAccessBlock{
		BlockPublicACLs:       flag(loaders.PublicAccessBlockBlockACLs),
		IgnorePublicACLs:      flag(loaders.PublicAccessBlockIgnoreACLs),
		BlockPublicPolicy:     flag(loaders.PublicAccessBlockBlockPolicy),
		RestrictPublicBuckets: flag(loaders.PublicAccessBlockRestrictBuckets),
	}
}

// sameTarget reports whether two references name the same resource: by
// address when both have one, else by normalised name.
func sameTarget(addrA, nameA, addrB, nameB string, norm func(string) string) bool {
	if addrA != "" && addrB != "" {
		return addrA == addrB
	}
	na, nb := norm(nameA), norm(nameB)
	return na != "" && na == nb
}

func plainName(s string) string { return s }

// bucketName reduces an S3 bucket ARN to the bucket name.
func bucketName(s string) string {
	if a, ok := policy.ParseARN(s); ok && (a.Service == "s3" || a.Service == "s3express") {
		res := a.Resource
		res = strings.TrimPrefix(res, "bucket/")
		return res
	}
	return s
}

// accessPointName reduces an access point ARN to "accesspoint/NAME" (the
// configuration's own ARNs have a wildcard region and a placeholder
// account, so those are not compared).
func accessPointName(s string) string {
	if a, ok := policy.ParseARN(s); ok && a.Service == "s3" {
		return a.Resource
	}
	return s
}

// addrType is the resource type of an address or reference (module path,
// instance keys and attributes dropped): aws_s3_bucket for
// module.a["x"].aws_s3_bucket.b["k"] or aws_s3_bucket.b.id.
func addrType(addr string) string {
	steps := addrSteps(addr)
	for i := 0; i < len(steps); i++ {
		switch {
		case steps[i] == "module":
			i++ // the call's name
		case steps[i] == "data":
			return ""
		case strings.HasPrefix(steps[i], "["):
		default:
			return steps[i]
		}
	}
	return ""
}

// addrSteps splits an address into names and [keys], keys kept whole
// (they may hold dots).
func addrSteps(addr string) []string {
	var (
		out   []string
		cur   strings.Builder
		depth int
		quote bool
	)
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := range len(addr) {
		ch := addr[i]
		switch {
		case quote:
			cur.WriteByte(ch)
			if ch == '"' && addr[i-1] != '\\' {
				quote = false
			}
		case ch == '"':
			quote = true
			cur.WriteByte(ch)
		case ch == '[':
			if depth == 0 {
				flush()
			}
			depth++
			cur.WriteByte(ch)
		case ch == ']':
			cur.WriteByte(ch)
			depth--
			if depth == 0 {
				flush()
			}
		case ch == '.' && depth == 0:
			flush()
		default:
			cur.WriteByte(ch)
		}
	}
	flush()
	return out
}
