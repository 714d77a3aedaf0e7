package cloudformation

import (
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// extraFunction returns an intrinsic function beyond the core set.
func extraFunction(name string) (func(e *evaluator, arg policy.Value, r loaders.Range, depth int) (policy.Value, bool), bool) {
	switch name {
	case "Fn::GetAZs":
		return (*evaluator).getAZs, true
	case "Fn::Cidr":
		return (*evaluator).cidr, true
	case "Fn::Length":
		return (*evaluator).length, true
	case "Fn::ToJsonString":
		return (*evaluator).toJSONString, true
	case "Fn::Transform":
		return (*evaluator).transform, true
	}
	return nil, false
}

// getAZs: the zones of a region depend on the account, so the list is
// known only at deploy time.
func (e *evaluator) getAZs(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	v, _ := e.eval(arg, depth+1)
	region := e.region()
	if v.Kind == policy.String && v.Str != "" {
		region = v.Str
	}
	return unknown(fmt.Sprintf("Fn::GetAZs %s is resolved at deploy time (the zones depend on the account)", region), r), true
}

// maxCidrCount is the largest count Fn::Cidr accepts.
const maxCidrCount = 256

// cidr computes Fn::Cidr [ipBlock, count, cidrBits]: count consecutive
// subnets with cidrBits host bits, from the start of ipBlock.
func (e *evaluator) cidr(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	if arg.Kind != policy.List || len(arg.Items) != 3 {
		return e.malformed(r, "Fn::Cidr", "it takes [ipBlock, count, cidrBits]")
	}
	var parts [3]string
	for i := range 3 {
		v, _ := e.eval(arg.Items[i], depth+1)
		s, u, ok := e.scalarString(v, r, "Fn::Cidr")
		if !ok {
			return u, true
		}
		parts[i] = strings.TrimSpace(s)
	}
	prefix, err := netip.ParsePrefix(parts[0])
	count, err2 := strconv.Atoi(parts[1])
	bits, err3 := strconv.Atoi(parts[2])
	if err != nil || err2 != nil || err3 != nil {
		return e.malformed(r, "Fn::Cidr", "it takes a CIDR block and two integers")
	}
	prefix = prefix.Masked()
	total := prefix.Addr().BitLen()
	newLen := total - bits
	if count < 1 || count > maxCidrCount || bits < 0 || newLen < prefix.Bits() {
		return e.malformed(r, "Fn::Cidr", fmt.Sprintf("%d subnets of %d host bits do not fit in %s", count, bits, prefix))
	}
	if newLen-prefix.Bits() < 63 && int64(count) > int64(1)<<(newLen-prefix.Bits()) {
		return e.malformed(r, "Fn::Cidr", fmt.Sprintf("%s has room for fewer than %d subnets of %d host bits", prefix, count, bits))
	}
	base := new(big.Int).SetBytes(prefix.Addr().AsSlice())
	step := new(big.Int).Lsh(big.NewInt(1), uint(bits))
	out := policy.Value{Kind: policy.List, Range: r}
	for i := range count {
		n := new(big.Int).Add(base, new(big.Int).Mul(step, big.NewInt(int64(i))))
		b := n.FillBytes(make([]byte, total/8))
		addr, _ := netip.AddrFromSlice(b)
		out.Items = append(out.Items, str(netip.PrefixFrom(addr, newLen).String(), r))
	}
	return out, true
}

func (e *evaluator) length(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	items, u, ok := e.list(arg, r, "Fn::Length", depth)
	if !ok {
		return u, true
	}
	return policy.Value{Kind: policy.Number, Str: strconv.Itoa(len(items)), Range: r}, true
}

// toJSONString renders a resolved mapping or list as compact JSON, keys in
// the order written.
func (e *evaluator) toJSONString(arg policy.Value, r loaders.Range, depth int) (policy.Value, bool) {
	v, _ := e.eval(arg, depth+1)
	if u, ok := v.FirstUnknown(); ok {
		return unknown(u.Reason, r), true
	}
	var sb strings.Builder
	writeJSON(&sb, v)
	return str(sb.String(), r), true
}

func writeJSON(sb *strings.Builder, v policy.Value) {
	switch v.Kind {
	case policy.Object:
		sb.WriteByte('{')
		for i, f := range v.Fields {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(strconv.Quote(f.Key))
			sb.WriteByte(':')
			writeJSON(sb, f.Value)
		}
		sb.WriteByte('}')
	case policy.List:
		sb.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				sb.WriteByte(',')
			}
			writeJSON(sb, it)
		}
		sb.WriteByte(']')
	case policy.String:
		sb.WriteString(strconv.Quote(v.Str))
	case policy.Number, policy.Bool:
		sb.WriteString(v.Str)
	case policy.Null, policy.Unknown:
		sb.WriteString("null")
	}
}

// transform: a macro rewrites the value at deploy time, with code the
// loader cannot run.
func (e *evaluator) transform(arg policy.Value, r loaders.Range, _ int) (policy.Value, bool) {
	name := "(unnamed)"
	if n, ok := field(arg, "Name"); ok && n.Kind == policy.String {
		name = n.Str
	}
	e.diags.warnf(r, "Fn::Transform %s is a macro; the value it produces is not analysed", name)
	return unknown(fmt.Sprintf("Fn::Transform %s is expanded by a macro at deploy time", name), r), true
}

// implicit resolves a Ref to a name that a transform declares rather than
// the template (SAM's generated resources).
func (e *evaluator) implicit(name string, r loaders.Range) (policy.Value, bool) {
	if !e.t.sam {
		return policy.Value{}, false
	}
	if v, ok := samImplicitRef(e, name, r); ok {
		return v, true
	}
	return policy.Value{}, false
}

// implicitAttr resolves Fn::GetAtt on a resource that a transform declares.
func (e *evaluator) implicitAttr(id, attr string, r loaders.Range) (policy.Value, bool) {
	if !e.t.sam {
		return policy.Value{}, false
	}
	return samImplicitAttr(e, id, attr, r)
}
