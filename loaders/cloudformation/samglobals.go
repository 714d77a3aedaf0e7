package cloudformation

import (
	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// applyGlobals merges a SAM template's Globals section into its serverless
// resources the way SAM does: Globals.Function into each
// AWS::Serverless::Function, Globals.Api into each AWS::Serverless::Api
// (and the implicit ServerlessRestApi), and so on. Mappings merge key by
// key (the resource wins), lists are concatenated (global items first),
// and any other value of the resource replaces the global one. Merged
// values keep their positions, so a grant written in Globals is reported
// there.
func (t *template) applyGlobals(globals policy.Value) {
	if globals.Kind != policy.Object {
		return
	}
	if api, ok := field(globals, "Api"); ok && api.Kind == policy.Object {
		t.addImplicitAPI(api)
	}
	for _, g := range globals.Fields {
		typ := "AWS::Serverless::" + g.Key
		for _, id := range t.order {
			res := t.resources[id]
			if res.typ != typ {
				continue
			}
			if _, _, fn := intrinsic(res.props); fn {
				continue // Properties chosen by a function: left as written
			}
			res.props = mergeGlobal(g.Value, res.props, 0)
		}
	}
}

// addImplicitAPI declares the ServerlessRestApi that SAM creates for Api
// events without a RestApiId, so that Globals.Api (its Auth.ResourcePolicy,
// its Policy) is analysed for it too. It is positioned at Globals.Api.
func (t *template) addImplicitAPI(api policy.Value) {
	if _, declared := t.resources["ServerlessRestApi"]; declared {
		return
	}
	for _, id := range t.order {
		res := t.resources[id]
		if res.typ != "AWS::Serverless::Function" && res.typ != "AWS::Serverless::StateMachine" {
			continue
		}
		events, _ := field(res.props, "Events")
		for _, ev := range events.Fields {
			typ, _ := field(ev.Value, "Type")
			props, _ := field(ev.Value, "Properties")
			if _, explicit := field(props, "RestApiId"); typ.Str == "Api" && !explicit {
				t.resources["ServerlessRestApi"] = &resource{
					id: "ServerlessRestApi", typ: "AWS::Serverless::Api",
					props: policy.Value{Kind: policy.Object, Range: api.Range},
					rng:   api.Range, declRange: api.Range,
				}
				t.order = append(t.order, "ServerlessRestApi")
				return
			}
		}
	}
}

// mergeGlobal merges a Globals value into a resource's value.
func mergeGlobal(global, local policy.Value, depth int) policy.Value {
	if depth > maxDepth {
		return local
	}
	switch {
	case local.Kind == policy.Null && local.Fields == nil && local.Items == nil && depth == 0:
		return global // no Properties at all
	case global.Kind == policy.Object && local.Kind == policy.Object && !isFn(global) && !isFn(local):
		out := local
		out.Fields = nil
		for _, gf := range global.Fields {
			if lv, ok := field(local, gf.Key); ok {
				gf.Value = mergeGlobal(gf.Value, lv, depth+1)
				gf.KeyRange = keyRange(local, gf.Key)
			}
			out.Fields = append(out.Fields, gf)
		}
		for _, lf := range local.Fields {
			if _, ok := field(global, lf.Key); !ok {
				out.Fields = append(out.Fields, lf)
			}
		}
		return out
	case global.Kind == policy.List && local.Kind == policy.List:
		out := local
		out.Items = append(append([]policy.Value{}, global.Items...), local.Items...)
		return out
	}
	return local
}

func isFn(v policy.Value) bool {
	_, _, ok := intrinsic(v)
	return ok
}

func keyRange(v policy.Value, key string) loaders.Range {
	for _, f := range v.Fields {
		if f.Key == key {
			return f.KeyRange
		}
	}
	return v.Range
}
