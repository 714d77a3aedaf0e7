package cloudformation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// maxNesting bounds how deeply nested stacks are followed.
const maxNesting = 8

// parsedFile is one claimed file after the first pass.
type parsedFile struct {
	file loaders.File
	// t is the template when it was parsed in the first pass (early):
	// parents of nested stacks and CDK stacks. Others are parsed when they
	// are analysed, and when a parent reads them (lazy, kept once read).
	t      *template
	early  bool
	lazy   func() *template
	diags  *diagSet
	nested bool // another scanned template uses it as a nested stack
	// stackName is the CDK stack name from cdk.out/manifest.json,
	// region the region of the stack's environment there (when fixed),
	// and assembly the manifest's path.
	stackName, region, assembly string
}

// template returns the file's template (nil when it is not one): the one
// parsed in the first pass, or else one parsed on first use by another
// template and kept. The file's problems are reported by its own parse, so
// those of this one are dropped.
func (pf *parsedFile) template() *template {
	if pf.early {
		return pf.t
	}
	return pf.lazy()
}

// loadContext is what the evaluators of one Load share.
type loadContext struct {
	files     map[string]*parsedFile
	overrides map[string]policy.Value
	// exports are the literal export names of each CDK cloud assembly's
	// stacks (exportIndex); region is Options.Region.
	exports map[string]map[string]*parsedFile
	region  string
	// assets maps a directory holding CDK asset manifests to the files of
	// its assets, by object key (cdkAssets).
	assets map[string]map[string]string
}

func isLocalPath(s string) bool {
	if s == "" || strings.Contains(s, "://") || strings.HasPrefix(s, "s3:") {
		return false
	}
	return !strings.ContainsAny(s, "${}")
}

// nestedPath says which local template a nested stack uses: its
// TemplateURL when that is a relative path, SAM's Location, or the CDK
// asset path in its Metadata. ok is false for a remote template.
func (e *evaluator) nestedPath(res *resource, props policy.Value) (p string, ok bool) {
	for _, prop := range []string{"TemplateURL", "Location"} {
		if raw, found := field(props, prop); found {
			if v, _ := e.eval(raw, 1); v.Kind == policy.String && isLocalPath(v.Str) {
				return v.Str, true
			}
		}
	}
	if raw, found := field(res.metadata, "aws:asset:path"); found && raw.Kind == policy.String && isLocalPath(raw.Str) {
		return raw.Str, true
	}
	// CDK without asset metadata: the object key at the end of the
	// TemplateURL, looked up in the asset manifests beside the template.
	if raw, found := field(props, "TemplateURL"); found && e.lc != nil {
		if v, _ := e.eval(raw, 1); v.Kind == policy.String {
			dir := path.Dir(e.t.src.path)
			if file, ok := e.lc.assets[dir][path.Base(v.Str)]; ok {
				return relPath(dir, file), true
			}
		}
	}
	return "", false
}

// relPath makes file (in dir) relative to dir, as joinPath expects.
func relPath(dir, file string) string {
	if rel, ok := strings.CutPrefix(file, dir+"/"); ok {
		return rel
	}
	return file
}

func joinPath(parent, rel string) string {
	if path.IsAbs(rel) {
		return path.Clean(rel)
	}
	return path.Join(path.Dir(parent), rel)
}

// markNested flags the templates that other templates use as nested
// stacks: they are analysed with their parent's parameters, not alone.
func markNested(lc *loadContext, opts loaders.Options) {
	files := lc.files
	for _, pf := range files {
		if pf.t == nil {
			continue
		}
		e := newEvaluator(pf.t, opts, nil, &diagSet{})
		e.lc = lc
		for _, id := range pf.t.order {
			res := pf.t.resources[id]
			if res.typ != "AWS::CloudFormation::Stack" && res.typ != "AWS::Serverless::Application" {
				continue
			}
			if rel, ok := e.nestedPath(res, e.props(res, 0)); ok {
				if child, ok := files[joinPath(pf.file.Path, rel)]; ok && child != pf {
					child.nested = true
				}
			}
		}
	}
}

// nestedStack analyses a nested stack's template with the parameters the
// parent passes, and returns its resources with the stack in their chain.
func (e *evaluator) nestedStack(res *resource, props policy.Value) []loaders.Resource {
	if res.typ == "AWS::Serverless::Application" {
		e.samApplication(res, props)
	}
	rel, ok := e.nestedPath(res, props)
	if !ok {
		if res.typ == "AWS::CloudFormation::Stack" {
			e.diags.warnf(res.declRange, "nested stack %s uses a remote template; it is not analysed", res.id)
		}
		return nil
	}
	if e.lc == nil {
		return nil
	}
	p := joinPath(e.t.src.path, rel)
	child, ok := e.lc.files[p]
	if !ok || child.template() == nil {
		e.diags.warnf(res.declRange, "nested stack %s: template %s is not among the scanned templates; it is not analysed", res.id, p)
		return nil
	}
	if len(e.chain) >= maxNesting || slices.Contains(e.chain, p) {
		e.diags.errorf(res.declRange, "nested stack %s: %s nests too deeply or includes itself; it is not analysed", res.id, p)
		return nil
	}
	ce := e.childEvaluator(res, props, child, 1)
	out := ce.analyse()
	call := loaders.ModuleCall{Address: res.id, Range: res.rng}
	for i := range out {
		out[i].ModuleChain = append([]loaders.ModuleCall{call}, out[i].ModuleChain...)
	}
	return out
}

// childEvaluator makes the evaluator of a nested stack's template, with
// the parameters the parent passes (evaluated in the parent).
func (e *evaluator) childEvaluator(res *resource, props policy.Value, child *parsedFile, depth int) *evaluator {
	overrides := map[string]policy.Value{}
	if params, ok := field(props, "Parameters"); ok {
		pv, _ := e.eval(params, depth+1)
		for _, f := range pv.Fields {
			overrides[f.Key] = f.Value
		}
	}
	ce := newEvaluator(child.template(), e.opts, overrides, child.diags)
	ce.lc = e.lc
	ce.chain = append(append([]string{}, e.chain...), e.t.src.path)
	ce.stackName = fmt.Sprintf("%s-%s", e.stackNameValue(), res.id)
	ce.assembly = e.assembly
	return ce
}

// cdkStack is what cdk.out/manifest.json says about one stack template.
type cdkStack struct {
	name, region, assembly string
}

// cdkManifest reads cdk.out/manifest.json: the stack name and the region
// of each synthesized template, by path.
func cdkManifest(f loaders.File) (map[string]cdkStack, error) {
	var m struct {
		Artifacts map[string]struct {
			Type        string `json:"type"`
			Environment string `json:"environment"`
			Properties  struct {
				TemplateFile string `json:"templateFile"`
				StackName    string `json:"stackName"`
			} `json:"properties"`
			DisplayName string `json:"displayName"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(f.Data, &m); err != nil {
		return nil, err
	}
	out := map[string]cdkStack{}
	for id, a := range m.Artifacts {
		if a.Type != "aws:cloudformation:stack" || a.Properties.TemplateFile == "" {
			continue
		}
		name := a.Properties.StackName
		if name == "" {
			name = id
		}
		out[joinPath(f.Path, a.Properties.TemplateFile)] = cdkStack{name: name, region: envRegion(a.Environment), assembly: f.Path}
	}
	return out, nil
}

// envRegion returns the region of a CDK environment "aws://ACCOUNT/REGION"
// when the stack is bound to one ("" for unknown-region).
func envRegion(env string) string {
	rest, ok := strings.CutPrefix(env, "aws://")
	if !ok {
		return ""
	}
	_, region, ok := strings.Cut(rest, "/")
	if !ok || region == "" || strings.Contains(region, "unknown-") || strings.ContainsAny(region, "${}/") {
		return ""
	}
	return region
}

// isCDKAssets recognises a CDK asset manifest (cdk.out/<Stack>.assets.json):
// it maps the S3 object keys of nested stack templates to their files.
func isCDKAssets(p string, data []byte) bool {
	return strings.HasSuffix(strings.ReplaceAll(p, "\\", "/"), ".assets.json") &&
		bytes.Contains(data, []byte(`"files"`)) && bytes.Contains(data, []byte(`"objectKey"`))
}

// cdkAssets reads an asset manifest: the local file of each file asset,
// by the object key it is uploaded as (the last part of a nested stack's
// TemplateURL).
func cdkAssets(f loaders.File) (map[string]string, error) {
	var m struct {
		Files map[string]struct {
			Source struct {
				Path      string `json:"path"`
				Packaging string `json:"packaging"`
			} `json:"source"`
			Destinations map[string]struct {
				ObjectKey string `json:"objectKey"`
			} `json:"destinations"`
		} `json:"files"`
	}
	if err := json.Unmarshal(f.Data, &m); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, a := range m.Files {
		if a.Source.Packaging != "file" || !isLocalPath(a.Source.Path) {
			continue
		}
		for _, d := range a.Destinations {
			if d.ObjectKey != "" && !strings.Contains(d.ObjectKey, "/") {
				out[d.ObjectKey] = joinPath(f.Path, a.Source.Path)
			}
		}
	}
	return out, nil
}

func isCDKManifest(p string, data []byte) bool {
	return path.Base(strings.ReplaceAll(p, "\\", "/")) == "manifest.json" &&
		strings.Contains(string(data), `"artifacts"`) && strings.Contains(string(data), "aws:cloudformation:stack")
}

// parameterFiles reads the files in Options.ParameterFiles into overrides.
func parameterFiles(paths []string) (map[string]policy.Value, loaders.Diagnostics) {
	var diags loaders.Diagnostics
	out := map[string]policy.Value{}
	for _, p := range paths {
		r := loaders.Range{File: p}
		data, err := os.ReadFile(p)
		if err != nil {
			diags.Errorf(r, "cannot read the parameter file: %v", err)
			continue
		}
		v, err := policy.ParseJSON(data, policy.JSONOptions{File: p})
		if err != nil {
			diags.Errorf(r, "the parameter file is not valid JSON: %v", err)
			continue
		}
		switch v.Kind {
		case policy.List: // AWS CLI: [{"ParameterKey": k, "ParameterValue": v}]
			for _, it := range v.Items {
				k, okK := field(it, "ParameterKey")
				val, okV := field(it, "ParameterValue")
				if !okK || k.Kind != policy.String {
					diags.Errorf(it.Range, "a parameter entry has no ParameterKey")
					continue
				}
				if !okV {
					continue // UsePreviousValue: nothing known here
				}
				out[k.Str] = val
			}
		case policy.Object: // template configuration: {"Parameters": {k: v}}
			params, ok := field(v, "Parameters")
			if !ok || params.Kind != policy.Object {
				diags.Errorf(v.Range, `a template-configuration file needs a "Parameters" object`)
				continue
			}
			for _, f := range params.Fields {
				out[f.Key] = f.Value
			}
		case policy.Null, policy.String, policy.Number, policy.Bool, policy.Unknown:
			diags.Errorf(v.Range, "a parameter file is a list of {ParameterKey, ParameterValue} or a {\"Parameters\": {...}} object")
		}
	}
	for k, v := range out {
		if v.Kind == policy.List {
			// A list value is written "a,b" in both formats; keep lists as given.
			continue
		}
		v.Range = loaders.Range{}
		out[k] = v
	}
	return out, diags
}
