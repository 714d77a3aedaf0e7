package terraform

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"  //nolint:gosec // md5() is a Terraform function, not used for security
	"crypto/sha1" //nolint:gosec // sha1() is a Terraform function, not used for security
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"maps"
	"math/big"
	"net/netip"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	"github.com/zclconf/go-cty/cty/gocty"
)

// The function table is Terraform's, minus what cannot be known offline:
// impure functions (timestamp, uuid, bcrypt ...) return an unknown value
// that says so, and file functions read only inside the scanned roots.

// pureFuncs are the functions that need nothing from the scan.
var pureFuncs = map[string]function.Function{
	"abs":              stdlib.AbsoluteFunc,
	"alltrue":          allTrueFunc,
	"anytrue":          anyTrueFunc,
	"base64decode":     base64DecodeFunc,
	"base64encode":     base64EncodeFunc,
	"base64gzip":       base64GzipFunc,
	"base64sha256":     hashFunc(sha256.New, true),
	"base64sha512":     hashFunc(sha512.New, true),
	"basename":         strFunc(func(s string) (string, error) { return path.Base(strings.ReplaceAll(s, "\\", "/")), nil }),
	"can":              canFunc,
	"ceil":             stdlib.CeilFunc,
	"chomp":            stdlib.ChompFunc,
	"chunklist":        stdlib.ChunklistFunc,
	"cidrhost":         cidrHostFunc,
	"cidrnetmask":      cidrNetmaskFunc,
	"cidrsubnet":       cidrSubnetFunc,
	"coalesce":         coalesceFunc,
	"coalescelist":     stdlib.CoalesceListFunc,
	"compact":          stdlib.CompactFunc,
	"concat":           stdlib.ConcatFunc,
	"contains":         stdlib.ContainsFunc,
	"csvdecode":        stdlib.CSVDecodeFunc,
	"dirname":          strFunc(func(s string) (string, error) { return path.Dir(strings.ReplaceAll(s, "\\", "/")), nil }),
	"distinct":         stdlib.DistinctFunc,
	"element":          stdlib.ElementFunc,
	"endswith":         strPredFunc(strings.HasSuffix),
	"ephemeralasnull":  identityFunc,
	"flatten":          stdlib.FlattenFunc,
	"floor":            stdlib.FloorFunc,
	"format":           stdlib.FormatFunc,
	"formatdate":       stdlib.FormatDateFunc,
	"formatlist":       stdlib.FormatListFunc,
	"indent":           stdlib.IndentFunc,
	"index":            indexFunc,
	"issensitive":      function.New(&function.Spec{Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true}}, Type: function.StaticReturnType(cty.Bool), Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.False, nil }}),
	"join":             stdlib.JoinFunc,
	"jsondecode":       stdlib.JSONDecodeFunc,
	"jsonencode":       stdlib.JSONEncodeFunc,
	"keys":             stdlib.KeysFunc,
	"length":           lengthFunc,
	"log":              stdlib.LogFunc,
	"lookup":           lookupFunc,
	"lower":            stdlib.LowerFunc,
	"matchkeys":        matchkeysFunc,
	"max":              stdlib.MaxFunc,
	"md5":              hashFunc(md5.New, false),
	"merge":            stdlib.MergeFunc,
	"min":              stdlib.MinFunc,
	"nonsensitive":     identityFunc,
	"one":              oneFunc,
	"parseint":         stdlib.ParseIntFunc,
	"pow":              stdlib.PowFunc,
	"range":            stdlib.RangeFunc,
	"regex":            stdlib.RegexFunc,
	"regexall":         stdlib.RegexAllFunc,
	"replace":          replaceFunc,
	"reverse":          stdlib.ReverseListFunc,
	"sensitive":        identityFunc,
	"setintersection":  stdlib.SetIntersectionFunc,
	"setproduct":       stdlib.SetProductFunc,
	"setsubtract":      stdlib.SetSubtractFunc,
	"setunion":         stdlib.SetUnionFunc,
	"sha1":             hashFunc(sha1.New, false),
	"sha256":           hashFunc(sha256.New, false),
	"sha512":           hashFunc(sha512.New, false),
	"signum":           stdlib.SignumFunc,
	"slice":            stdlib.SliceFunc,
	"sort":             stdlib.SortFunc,
	"split":            stdlib.SplitFunc,
	"startswith":       strPredFunc(strings.HasPrefix),
	"strcontains":      strPredFunc(strings.Contains),
	"strrev":           stdlib.ReverseFunc,
	"substr":           stdlib.SubstrFunc,
	"sum":              sumFunc,
	"textdecodebase64": textDecodeBase64Func,
	"textencodebase64": textEncodeBase64Func,
	"timeadd":          stdlib.TimeAddFunc,
	"timecmp":          timeCmpFunc,
	"title":            stdlib.TitleFunc,
	"tobool":           toFunc(cty.Bool),
	"tolist":           toFunc(cty.List(cty.DynamicPseudoType)),
	"tomap":            toFunc(cty.Map(cty.DynamicPseudoType)),
	"tonumber":         toFunc(cty.Number),
	"toset":            toFunc(cty.Set(cty.DynamicPseudoType)),
	"tostring":         toFunc(cty.String),
	"transpose":        transposeFunc,
	"trim":             stdlib.TrimFunc,
	"trimprefix":       stdlib.TrimPrefixFunc,
	"trimspace":        stdlib.TrimSpaceFunc,
	"trimsuffix":       stdlib.TrimSuffixFunc,
	"try":              tryFunc,
	"upper":            stdlib.UpperFunc,
	"urlencode":        strFunc(func(s string) (string, error) { return url.QueryEscape(s), nil }),
	"uuidv5":           uuidV5Func,
	"values":           stdlib.ValuesFunc,
	"yamldecode":       yamlDecodeFunc,
	"yamlencode":       yamlEncodeFunc,
	"zipmap":           stdlib.ZipmapFunc,
	"cidrsubnets":      cidrSubnetsFunc,
	"pathexpand":       pathExpandFunc,
	"abspath":          strFunc(func(s string) (string, error) { return path.Clean(strings.ReplaceAll(s, "\\", "/")), nil }),
}

// impureFuncs return a new value on every run, or read the machine.
var impureFuncs = map[string]cty.Type{
	"timestamp":     cty.String,
	"plantimestamp": cty.String,
	"uuid":          cty.String,
	"bcrypt":        cty.String,
	"rsadecrypt":    cty.String,
}

// buildFuncs returns the function table of one root evaluation.
func (ev *evaluator) buildFuncs() map[string]function.Function {
	fs := make(map[string]function.Function, len(pureFuncs)+16)
	maps.Copy(fs, pureFuncs)
	for name, ty := range impureFuncs {
		fs[name] = impureFunc(name, ty)
	}
	fs["file"] = ev.fileFunc(func(data []byte) (cty.Value, error) {
		if !utf8.Valid(data) {
			return cty.NilVal, errors.New("contents are not valid UTF-8; use filebase64 instead")
		}
		return cty.StringVal(string(data)), nil
	})
	fs["filebase64"] = ev.fileFunc(func(data []byte) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString(data)), nil
	})
	for name, h := range map[string]func() hash.Hash{"filemd5": md5.New, "filesha1": sha1.New, "filesha256": sha256.New, "filesha512": sha512.New} {
		fs[name] = ev.fileFunc(func(data []byte) (cty.Value, error) {
			hh := h()
			hh.Write(data)
			return cty.StringVal(hex.EncodeToString(hh.Sum(nil))), nil
		})
	}
	for name, h := range map[string]func() hash.Hash{"filebase64sha256": sha256.New, "filebase64sha512": sha512.New} {
		fs[name] = ev.fileFunc(func(data []byte) (cty.Value, error) {
			hh := h()
			hh.Write(data)
			return cty.StringVal(base64.StdEncoding.EncodeToString(hh.Sum(nil))), nil
		})
	}
	fs["fileexists"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			ok, err := ev.fileExists(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.BoolVal(ok), nil
		},
	})
	fs["fileset"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "pattern", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			names, err := ev.fileSet(args[0].AsString(), args[1].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			if len(names) == 0 {
				return cty.SetValEmpty(cty.String), nil
			}
			vals := make([]cty.Value, len(names))
			for i, n := range names {
				vals[i] = cty.StringVal(n)
			}
			return cty.SetVal(vals), nil
		},
	})
	fs["templatefile"] = ev.templateFileFunc(fs)
	fs["templatestring"] = ev.templateStringFunc(fs)
	return fs
}

func impureFunc(name string, ty cty.Type) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true},
		Type:     function.StaticReturnType(ty),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return unknownOf(ty, name+"() is impure: its value is known only at apply"), nil
		},
	})
}

// unsupportedFunc stands in for a function perimeter does not evaluate
// (a provider-defined function such as provider::aws::arn_parse).
func unsupportedFunc(name string) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true},
		Type:     function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return unknownBecause(name + "() is not evaluated offline"), nil
		},
	})
}

// tryFunc and canFunc behave like Terraform's try and can, except that an
// unknown result keeps the reasons of the unknown parts it depends on (the
// HCL extension drops them).
var tryFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "expressions", Type: customdecode.ExpressionClosureType},
	Type: func(args []cty.Value) (cty.Type, error) {
		v, err := tryValue(args)
		if err != nil {
			return cty.NilType, err
		}
		return v.Type(), nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return tryValue(args) },
})

func tryValue(args []cty.Value) (cty.Value, error) {
	if len(args) == 0 {
		return cty.NilVal, errors.New("at least one argument is required")
	}
	var msgs []string
	for _, arg := range args {
		v, diags := customdecode.ExpressionClosureFromVal(arg).Value()
		if diags.HasErrors() {
			for _, d := range diags {
				msgs = append(msgs, d.Summary+": "+d.Detail)
			}
			continue
		}
		if !v.IsWhollyKnown() {
			// Which argument succeeds may change once the value is known,
			// so the result is unknown, for the same reasons.
			reasons := deepReasons(v)
			if len(reasons) == 0 {
				return cty.DynamicVal, nil
			}
			return unknownBecause(joinReasons(reasons)), nil
		}
		return v, nil
	}
	return cty.NilVal, errors.New("no expression succeeded: " + strings.Join(msgs, "; "))
}

var canFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "expression", Type: customdecode.ExpressionClosureType}},
	Type:   function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, diags := customdecode.ExpressionClosureFromVal(args[0]).Value()
		if diags.HasErrors() {
			return cty.False, nil
		}
		if !v.IsWhollyKnown() {
			if reasons := deepReasons(v); len(reasons) > 0 {
				return unknownOf(cty.Bool, joinReasons(reasons)), nil
			}
			return cty.UnknownVal(cty.Bool), nil
		}
		return cty.True, nil
	},
})

// lookupFunc is Terraform's lookup, whose default may be null.
var lookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType, AllowMarked: true},
		{Name: "key", Type: cty.String, AllowMarked: true},
	},
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true, AllowMarked: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) > 3 {
			return cty.NilType, errors.New("lookup() takes at most three arguments")
		}
		ty := args[0].Type()
		switch {
		case ty.IsObjectType():
			key, _ := args[1].Unmark()
			if !key.IsKnown() {
				return cty.DynamicPseudoType, nil
			}
			if ty.HasAttribute(key.AsString()) {
				return ty.AttributeType(key.AsString()), nil
			}
			if len(args) == 3 {
				return args[2].Type(), nil
			}
			return cty.NilType, fmt.Errorf("the given object has no attribute %q", key.AsString())
		case ty.IsMapType():
			return ty.ElementType(), nil
		case ty == cty.DynamicPseudoType:
			return cty.DynamicPseudoType, nil
		}
		return cty.NilType, errors.New("lookup() requires a map as the first argument")
	},
	Impl: func(args []cty.Value, ty cty.Type) (cty.Value, error) {
		var marks []cty.ValueMarks
		m, mk := args[0].Unmark()
		marks = append(marks, mk)
		key, kk := args[1].Unmark()
		marks = append(marks, kk)
		if !m.IsKnown() || !key.IsKnown() {
			return cty.UnknownVal(ty).WithMarks(marks...), nil
		}
		k := key.AsString()
		if m.Type().IsObjectType() {
			if m.Type().HasAttribute(k) {
				return m.GetAttr(k).WithMarks(marks...), nil
			}
		} else if m.HasIndex(key).True() {
			return m.Index(key).WithMarks(marks...), nil
		}
		if len(args) == 3 {
			def, err := convert.Convert(args[2], ty)
			if err != nil {
				return cty.NilVal, err
			}
			return def.WithMarks(marks...), nil
		}
		return cty.NilVal, fmt.Errorf("lookup failed to find key %q", k)
	},
})

// coalesceFunc is Terraform's coalesce: the first argument that is neither
// null nor an empty string.
var coalesceFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		types := make([]cty.Type, len(args))
		for i, a := range args {
			types[i] = a.Type()
		}
		ty, _ := convert.UnifyUnsafe(types)
		if ty == cty.NilType {
			return cty.NilType, errors.New("all arguments must have the same type")
		}
		return ty, nil
	},
	Impl: func(args []cty.Value, ty cty.Type) (cty.Value, error) {
		for _, a := range args {
			v, err := convert.Convert(a, ty)
			if err != nil {
				return cty.NilVal, err
			}
			if !v.IsKnown() {
				return cty.UnknownVal(ty), nil
			}
			if v.IsNull() || (ty == cty.String && v.AsString() == "") {
				continue
			}
			return v, nil
		}
		return cty.NilVal, errors.New("no non-null, non-empty-string arguments")
	},
})

var identityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

func strFunc(f func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "s", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			out, err := f(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(out), nil
		},
	})
}

func strPredFunc(f func(s, sub string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "s", Type: cty.String}, {Name: "sub", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

func hashFunc(h func() hash.Hash, b64 bool) function.Function {
	return strFunc(func(s string) (string, error) {
		hh := h()
		hh.Write([]byte(s))
		if b64 {
			return base64.StdEncoding.EncodeToString(hh.Sum(nil)), nil
		}
		return hex.EncodeToString(hh.Sum(nil)), nil
	})
}

var base64EncodeFunc = strFunc(func(s string) (string, error) { return base64.StdEncoding.EncodeToString([]byte(s)), nil })

var base64DecodeFunc = strFunc(func(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("failed to decode base64 data: %w", err)
	}
	if !utf8.Valid(b) {
		return "", errors.New("the result of decoding the provided string is not valid UTF-8")
	}
	return string(b), nil
})

var base64GzipFunc = strFunc(func(s string) (string, error) {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write([]byte(s)); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
})

// textencodebase64/textdecodebase64 support UTF-8 (and, through it, ASCII)
// only; other encodings give an error.
var textEncodeBase64Func = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "s", Type: cty.String}, {Name: "enc", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if e := strings.ToLower(args[1].AsString()); e != "utf-8" && e != "utf8" {
			return cty.NilVal, fmt.Errorf("encoding %q is not supported offline", args[1].AsString())
		}
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

var textDecodeBase64Func = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "s", Type: cty.String}, {Name: "enc", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if e := strings.ToLower(args[1].AsString()); e != "utf-8" && e != "utf8" {
			return cty.NilVal, fmt.Errorf("encoding %q is not supported offline", args[1].AsString())
		}
		b, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(string(b)), nil
	},
})

var uuidV5Func = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "namespace", Type: cty.String}, {Name: "name", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var ns uuid.UUID
		switch args[0].AsString() {
		case "dns":
			ns = uuid.NameSpaceDNS
		case "url":
			ns = uuid.NameSpaceURL
		case "oid":
			ns = uuid.NameSpaceOID
		case "x500":
			ns = uuid.NameSpaceX500
		default:
			var err error
			if ns, err = uuid.Parse(args[0].AsString()); err != nil {
				return cty.NilVal, fmt.Errorf("uuidv5() doesn't support namespace %s (%w)", args[0].AsString(), err)
			}
		}
		return cty.StringVal(uuid.NewSHA1(ns, []byte(args[1].AsString())).String()), nil
	},
})

var pathExpandFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "path", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p := args[0].AsString()
		if strings.HasPrefix(p, "~") {
			return unknownOf(cty.String, "pathexpand() of a home directory depends on the machine that runs terraform"), nil
		}
		return cty.StringVal(p), nil
	},
})

func boolListFunc(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			result := all
			for it := args[0].ElementIterator(); it.Next(); {
				_, v := it.Element()
				if !v.IsKnown() {
					return cty.UnknownVal(cty.Bool), nil
				}
				if v.IsNull() {
					if all {
						result = false
					}
					continue
				}
				if all && v.False() {
					result = false
				}
				if !all && v.True() {
					result = true
				}
			}
			return cty.BoolVal(result), nil
		},
	})
}

var (
	allTrueFunc = boolListFunc(true)
	anyTrueFunc = boolListFunc(false)
)

var indexFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}, {Name: "value", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].Type().IsListType() && !args[0].Type().IsTupleType() {
			return cty.NilVal, errors.New("argument must be a list or tuple")
		}
		if !args[0].IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		i := 0
		for it := args[0].ElementIterator(); it.Next(); i++ {
			_, v := it.Element()
			eq, err := stdlib.Equal(v, args[1])
			if err != nil {
				return cty.NilVal, err
			}
			if !eq.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if eq.True() {
				return cty.NumberIntVal(int64(i)), nil
			}
		}
		return cty.NilVal, errors.New("item not found")
	},
})

var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true, AllowMarked: true}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		if ty == cty.String || ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType() || ty == cty.DynamicPseudoType {
			return cty.Number, nil
		}
		return cty.NilType, errors.New("argument must be a string, a collection type, or a structural type")
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		ty := v.Type()
		switch {
		case ty == cty.DynamicPseudoType:
			return cty.UnknownVal(cty.Number).WithMarks(marks), nil
		case ty.IsTupleType():
			return cty.NumberIntVal(int64(ty.Length())).WithMarks(marks), nil
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))).WithMarks(marks), nil
		case ty == cty.String:
			if !v.IsKnown() {
				return cty.UnknownVal(cty.Number).WithMarks(marks), nil
			}
			return stdlib.Strlen(v)
		default:
			if !v.IsKnown() {
				return cty.UnknownVal(cty.Number).WithMarks(marks), nil
			}
			return v.Length().WithMarks(marks), nil
		}
	},
})

var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			ets := ty.TupleElementTypes()
			switch len(ets) {
			case 0:
				return cty.DynamicPseudoType, nil
			case 1:
				return ets[0], nil
			}
			return cty.NilType, errors.New("must be a list, set, or tuple value with either zero or one elements")
		}
		return cty.NilType, errors.New("must be a list, set, or tuple value with either zero or one elements")
	},
	Impl: func(args []cty.Value, ty cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.IsKnown() {
			return cty.UnknownVal(ty), nil
		}
		switch v.LengthInt() {
		case 0:
			return cty.NullVal(ty), nil
		case 1:
			it := v.ElementIterator()
			it.Next()
			_, e := it.Element()
			return e, nil
		}
		return cty.NilVal, errors.New("must be a list, set, or tuple value with either zero or one elements")
	},
})

var sumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].CanIterateElements() || args[0].LengthInt() == 0 {
			return cty.NilVal, errors.New("cannot sum an empty list or a non-collection")
		}
		total := cty.Zero
		for it := args[0].ElementIterator(); it.Next(); {
			_, v := it.Element()
			n, err := convert.Convert(v, cty.Number)
			if err != nil {
				return cty.NilVal, err
			}
			if !n.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			total = total.Add(n)
		}
		return total, nil
	},
})

var matchkeysFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "values", Type: cty.List(cty.DynamicPseudoType)}, {Name: "keys", Type: cty.List(cty.DynamicPseudoType)}, {Name: "searchset", Type: cty.List(cty.DynamicPseudoType)}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, ty cty.Type) (cty.Value, error) {
		vals, keys, search := args[0].AsValueSlice(), args[1].AsValueSlice(), args[2].AsValueSlice()
		if len(vals) != len(keys) {
			return cty.NilVal, errors.New("length of keys and values should be equal")
		}
		var out []cty.Value
		for i, k := range keys {
			for _, s := range search {
				if k.Type() == s.Type() && k.RawEquals(s) {
					out = append(out, vals[i])
					break
				}
			}
		}
		if len(out) == 0 {
			return cty.ListValEmpty(ty.ElementType()), nil
		}
		return cty.ListVal(out), nil
	},
})

var transposeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "values", Type: cty.Map(cty.List(cty.String))}},
	Type:   function.StaticReturnType(cty.Map(cty.List(cty.String))),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		out := map[string][]cty.Value{}
		for it := args[0].ElementIterator(); it.Next(); {
			k, list := it.Element()
			if list.IsNull() {
				continue
			}
			for it2 := list.ElementIterator(); it2.Next(); {
				_, v := it2.Element()
				out[v.AsString()] = append(out[v.AsString()], k)
			}
		}
		m := map[string]cty.Value{}
		for k, vs := range out {
			m[k] = cty.ListVal(vs)
		}
		if len(m) == 0 {
			return cty.MapValEmpty(cty.List(cty.String)), nil
		}
		return cty.MapVal(m), nil
	},
})

var timeCmpFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "a", Type: cty.String}, {Name: "b", Type: cty.String}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.NumberIntVal(int64(strings.Compare(args[0].AsString(), args[1].AsString()))), nil
	},
})

// replaceFunc is Terraform's replace: a substring in slashes is a regular
// expression.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		str, sub, repl := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(re.ReplaceAllString(str, repl)), nil
		}
		return cty.StringVal(strings.ReplaceAll(str, sub, repl)), nil
	},
})

// toFunc converts to a type, as Terraform's tostring/tolist/... do.
func toFunc(want cty.Type) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowDynamicType: true, AllowUnknown: true}},
		Type: func(args []cty.Value) (cty.Type, error) {
			got := args[0].Type()
			if got.Equals(want) {
				return got, nil
			}
			conv := convert.GetConversionUnsafe(got, want)
			if conv == nil {
				return cty.NilType, fmt.Errorf("cannot convert %s to %s", got.FriendlyName(), want.FriendlyNameForConstraint())
			}
			if want.HasDynamicTypes() {
				out, err := conv(cty.UnknownVal(got))
				if err != nil {
					return cty.NilType, err
				}
				return out.Type(), nil
			}
			return want, nil
		},
		Impl: func(args []cty.Value, ty cty.Type) (cty.Value, error) {
			v, err := convert.Convert(args[0], ty)
			if err != nil {
				return cty.NilVal, err
			}
			return v, nil
		},
	})
}

func cidrPrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid CIDR expression: %w", err)
	}
	return p, nil
}

// addToAddr adds n to the address a (big-endian), within its family.
func addToAddr(a netip.Addr, n *big.Int) (netip.Addr, error) {
	b := a.AsSlice()
	x := new(big.Int).SetBytes(b)
	x.Add(x, n)
	if x.Sign() < 0 || x.BitLen() > len(b)*8 {
		return netip.Addr{}, errors.New("address out of range")
	}
	out := make([]byte, len(b))
	x.FillBytes(out)
	addr, _ := netip.AddrFromSlice(out)
	return addr, nil
}

var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := cidrPrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		n, _ := args[1].AsBigFloat().Int(nil)
		size := new(big.Int).Lsh(big.NewInt(1), uint(p.Addr().BitLen()-p.Bits()))
		if n.Sign() < 0 {
			n.Add(n, size)
		}
		if n.Sign() < 0 || n.Cmp(size) >= 0 {
			return cty.NilVal, fmt.Errorf("prefix of %d does not accommodate a host numbered %s", p.Bits(), args[1].AsBigFloat().String())
		}
		a, err := addToAddr(p.Masked().Addr(), n)
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(a.String()), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := cidrPrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		if !p.Addr().Is4() {
			return cty.NilVal, errors.New("only IPv4 networks have netmasks")
		}
		mask := uint32(0xffffffff) << (32 - p.Bits())
		if p.Bits() == 0 {
			mask = 0
		}
		return cty.StringVal(fmt.Sprintf("%d.%d.%d.%d", mask>>24, (mask>>16)&0xff, (mask>>8)&0xff, mask&0xff)), nil
	},
})

func subnet(p netip.Prefix, newbits, num int64) (netip.Prefix, error) {
	bits := int64(p.Bits()) + newbits
	if newbits < 0 || bits > int64(p.Addr().BitLen()) {
		return netip.Prefix{}, fmt.Errorf("insufficient address space to extend prefix of %d by %d", p.Bits(), newbits)
	}
	if num < 0 || (newbits < 63 && num >= int64(1)<<newbits) {
		return netip.Prefix{}, fmt.Errorf("prefix extension of %d does not accommodate a subnet numbered %d", newbits, num)
	}
	shift := new(big.Int).Lsh(big.NewInt(num), uint(max(0, p.Addr().BitLen()-int(bits))))
	a, err := addToAddr(p.Masked().Addr(), shift)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, int(bits)), nil
}

var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number}, {Name: "netnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := cidrPrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		var nb, num int64
		if err := gocty.FromCtyValue(args[1], &nb); err != nil {
			return cty.NilVal, err
		}
		if err := gocty.FromCtyValue(args[2], &num); err != nil {
			return cty.NilVal, err
		}
		s, err := subnet(p, nb, num)
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(s.String()), nil
	},
})

var cidrSubnetsFunc = function.New(&function.Spec{
	Params:   []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam: &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.String)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := cidrPrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		if len(args) == 1 {
			return cty.ListValEmpty(cty.String), nil
		}
		// Allocate consecutive subnets, each aligned to its own size.
		base := new(big.Int).SetBytes(p.Masked().Addr().AsSlice())
		total := p.Addr().BitLen()
		cur := new(big.Int).Set(base)
		var out []cty.Value
		for _, a := range args[1:] {
			var nb int64
			if err := gocty.FromCtyValue(a, &nb); err != nil {
				return cty.NilVal, err
			}
			bits := int64(p.Bits()) + nb
			if nb < 1 || bits > int64(total) {
				return cty.NilVal, fmt.Errorf("would extend prefix to %d bits, which is too long for this address family", bits)
			}
			size := new(big.Int).Lsh(big.NewInt(1), uint(int64(total)-bits))
			rem := new(big.Int).Mod(new(big.Int).Sub(cur, base), size)
			if rem.Sign() != 0 {
				cur.Add(cur, new(big.Int).Sub(size, rem))
			}
			end := new(big.Int).Add(base, new(big.Int).Lsh(big.NewInt(1), uint(total-p.Bits())))
			if new(big.Int).Add(cur, size).Cmp(end) > 0 {
				return cty.NilVal, errors.New("not enough remaining address space for a subnet")
			}
			buf := make([]byte, total/8)
			cur.FillBytes(buf)
			addr, _ := netip.AddrFromSlice(buf)
			out = append(out, cty.StringVal(netip.PrefixFrom(addr, int(bits)).String()))
			cur.Add(cur, size)
		}
		return cty.ListVal(out), nil
	},
})

// toInt converts a known number value to int.
func toInt(v cty.Value) (int, error) {
	if v.Type() != cty.Number {
		nv, err := convert.Convert(v, cty.Number)
		if err != nil {
			return 0, fmt.Errorf("must be a whole number: %w", err)
		}
		v = nv
	}
	if v.IsNull() || !v.IsKnown() {
		return 0, errors.New("must be a known whole number")
	}
	bf := v.AsBigFloat()
	if !bf.IsInt() {
		return 0, errors.New("must be a whole number")
	}
	i, acc := bf.Int64()
	if acc != big.Exact || i > 1<<31 || i < -(1<<31) {
		return 0, errors.New("number out of range")
	}
	return int(i), nil
}

// toStringKey converts a for_each key to a string.
func toStringKey(v cty.Value) (string, error) {
	if v.IsNull() {
		return "", errors.New("for_each keys must not be null")
	}
	sv, err := convert.Convert(v, cty.String)
	if err != nil {
		return "", errors.New("for_each set elements must be strings")
	}
	return sv.AsString(), nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var _ = strconv.Itoa
