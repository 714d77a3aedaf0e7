package loaders

import (
	"fmt"
	"strings"

	"github.com/perimeter-iac/perimeter/policy"
)

// Keys of Resource.Settings that the built-in rules read. Each holds a
// Flag's Setting() (or, for SettingPublicAccessBlock, a map of four of
// them); docs/resource-types.md says which kinds carry which.
const (
	// SettingPublicAccessBlock is S3 Block Public Access as it applies to
	// the resource: the account, bucket and access point levels combined
	// (a flag is on when any level turns it on). Its keys are the four
	// PublicAccessBlock* constants.
	SettingPublicAccessBlock = "public_access_block"
	// SettingACLsDisabled is on when S3 Object Ownership is
	// BucketOwnerEnforced: ACLs no longer grant anything.
	SettingACLsDisabled = "acls_disabled"
	// SettingVPCOnly is on for an S3 access point whose network origin is
	// a VPC (Value holds the VPC ID): requests must come from that VPC.
	SettingVPCOnly = "vpc_only"
	// SettingAllowExternalPrincipals is a RAM share's
	// allow_external_principals / AllowExternalPrincipals (default on).
	SettingAllowExternalPrincipals = "allow_external_principals"
	// SettingBlockPublicPolicy is Secrets Manager's block_public_policy /
	// BlockPublicPolicy: AWS refuses to attach a policy that allows broad
	// access.
	SettingBlockPublicPolicy = "block_public_policy"
)

// The four S3 Block Public Access flags, as keys of the
// SettingPublicAccessBlock map (Terraform's argument names).
const (
	PublicAccessBlockBlockACLs       = "block_public_acls"
	PublicAccessBlockIgnoreACLs      = "ignore_public_acls"
	PublicAccessBlockBlockPolicy     = "block_public_policy"
	PublicAccessBlockRestrictBuckets = "restrict_public_buckets"
)

// The states of a Flag.
const (
	FlagOn      = "on"
	FlagOff     = "off"
	FlagUnknown = "unknown"
)

// Flag is a boolean setting as the configuration fixes it: on, off, or
// unknown (with the reason). The zero Flag is "not set", which reads as off.
type Flag struct {
	State  string
	Reason string // why the value is unknown
	SetBy  string // where the value comes from: "aws_s3_account_public_access_block.this", "Bucket.PublicAccessBlockConfiguration.IgnorePublicAcls"
	Value  string // an optional detail (a VPC ID)
}

// On reports whether the flag is known to be on.
func (f Flag) On() bool { return f.State == FlagOn }

// Setting is the flag in Resource.Settings: {"state", "reason", "set_by",
// "value"}.
func (f Flag) Setting() map[string]any {
	state := f.State
	if state == "" {
		state = FlagOff
	}
	return map[string]any{"state": state, "reason": f.Reason, "set_by": f.SetBy, "value": f.Value}
}

// FlagOf reads a boolean configuration value: a Bool, or the strings
// "true"/"false" (CloudFormation accepts both). A Null value is not set;
// an Unknown value gives an unknown flag with its reason; anything else is
// unknown too, saying what it is.
func FlagOf(v policy.Value, setBy string) Flag {
	switch v.Kind {
	case policy.Null:
		return Flag{}
	case policy.Unknown:
		return Flag{State: FlagUnknown, Reason: v.Reason, SetBy: setBy}
	case policy.Bool, policy.String:
		switch strings.ToLower(strings.TrimSpace(v.Str)) {
		case "true":
			return Flag{State: FlagOn, SetBy: setBy}
		case "false":
			return Flag{State: FlagOff, SetBy: setBy}
		}
		return Flag{State: FlagUnknown, Reason: fmt.Sprintf("%s is %q, not true or false", setBy, v.Str), SetBy: setBy}
	case policy.Number, policy.List, policy.Object:
	}
	return Flag{State: FlagUnknown, Reason: fmt.Sprintf("%s is a %s, not a boolean", setBy, v.Kind), SetBy: setBy}
}

// AnyOn combines flags of which one being on is enough (S3 applies the most
// restrictive of the account, bucket and access point settings): on when
// any is on, else unknown when any is unknown, else off.
func AnyOn(flags ...Flag) Flag {
	var unknown *Flag
	for i := range flags {
		switch flags[i].State {
		case FlagOn:
			return flags[i]
		case FlagUnknown:
			if unknown == nil {
				unknown = &flags[i]
			}
		}
	}
	if unknown != nil {
		return *unknown
	}
	for _, f := range flags {
		if f.State == FlagOff {
			return f
		}
	}
	return Flag{}
}

// PublicAccessBlock is one level of S3 Block Public Access settings.
type PublicAccessBlock struct {
	BlockPublicACLs, IgnorePublicACLs, BlockPublicPolicy, RestrictPublicBuckets Flag
}

// CombinePublicAccessBlocks merges the levels that apply to a bucket or
// access point (account, bucket, access point) flag by flag with AnyOn.
func CombinePublicAccessBlocks(levels ...PublicAccessBlock) PublicAccessBlock {
	var out PublicAccessBlock
	pick := func(get func(PublicAccessBlock) Flag) Flag {
		flags := make([]Flag, len(levels))
		for i, l := range levels {
			flags[i] = get(l)
		}
		return AnyOn(flags...)
	}
	out.BlockPublicACLs = pick(func(b PublicAccessBlock) Flag { return b.BlockPublicACLs })
	out.IgnorePublicACLs = pick(func(b PublicAccessBlock) Flag { return b.IgnorePublicACLs })
	out.BlockPublicPolicy = pick(func(b PublicAccessBlock) Flag { return b.BlockPublicPolicy })
	out.RestrictPublicBuckets = pick(func(b PublicAccessBlock) Flag { return b.RestrictPublicBuckets })
	return out
}

// IsZero reports whether no level set any flag.
func (b PublicAccessBlock) IsZero() bool { return b == PublicAccessBlock{} }

// Setting is the value of Settings[SettingPublicAccessBlock].
func (b PublicAccessBlock) Setting() map[string]any {
	return map[string]any{
		PublicAccessBlockBlockACLs:       b.BlockPublicACLs.Setting(),
		PublicAccessBlockIgnoreACLs:      b.IgnorePublicACLs.Setting(),
		PublicAccessBlockBlockPolicy:     b.BlockPublicPolicy.Setting(),
		PublicAccessBlockRestrictBuckets: b.RestrictPublicBuckets.Setting(),
	}
}

// AllOn is a PublicAccessBlock with every flag on, set by setBy (S3
// directory buckets, whose Block Public Access cannot be turned off).
func AllOn(setBy string) PublicAccessBlock {
	on := Flag{State: FlagOn, SetBy: setBy}
	return PublicAccessBlock{on, on, on, on}
}

// SetSetting stores v under key, creating the map.
func (r *Resource) SetSetting(key string, v any) {
	if r.Settings == nil {
		r.Settings = map[string]any{}
	}
	r.Settings[key] = v
}
