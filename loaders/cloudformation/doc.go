// Package cloudformation reads AWS CloudFormation templates (YAML with the
// short-form intrinsic tags, and JSON) into loaders.Resource values. Its
// sibling loaders/terraform does the same for HCL.
//
// The loader works on a position-carrying tree (policy.Value) built from
// gopkg.in/yaml.v3 nodes for YAML and from policy.ParseJSON for JSON, and
// resolves intrinsic functions itself, on that tree: Ref, Fn::Sub, Fn::Join,
// Fn::GetAtt, Fn::FindInMap, Fn::Select, Fn::Split, Fn::If and the condition
// functions, Fn::ImportValue and AWS::NoValue. A value that cannot be known
// offline (a parameter without Default, an import, an SSM parameter, a
// dynamic reference) stays policy.Unknown with a reason; a resource declared
// in the template resolves to a symbolic name in the own account. Conditions
// that depend on unknown parameters are analysed branch by branch, and each
// variant is reported with a readable Resource.Condition.
//
// goformation is deliberately not used: it keeps no positions and its
// default intrinsic handlers substitute fake values (a fake account ID, empty
// strings) that would turn an unknown grant into a false "clean".
// docs/cloudformation.md lists every placeholder and reason text.
package cloudformation
