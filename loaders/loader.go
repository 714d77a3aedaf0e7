package loaders

import (
	"context"
)

// File is one input file, read once by discovery and handed to the loader
// that claims it.
type File struct {
	// Path is the path shown to users: relative to the working directory
	// when the file is below it, as given otherwise.
	Path string
	Data []byte
}

// Options configure every loader for one scan.
type Options struct {
	// OwnAccount is the declared account (the first --account), or
	// policy.OwnAccount when none was declared. data.aws_caller_identity and
	// AWS::AccountId resolve to it.
	OwnAccount string
	// Partition is the AWS partition ARNs are built in ("aws" unless the
	// configuration says otherwise).
	Partition string
	// Region is the region ARNs are built in when the configuration does
	// not fix one; empty means unknown.
	Region string

	// Terraform: --var name=value (raw HCL expressions or strings, as
	// terraform accepts them), --var-file paths, and TF_VAR_ variables from
	// the environment, which cmd/perimeter reads and passes in.
	Vars     []Var
	VarFiles []string
	EnvVars  map[string]string
	// Workspace is terraform.workspace ("default" when empty).
	Workspace string

	// CloudFormation: --parameter Key=Value overrides.
	Parameters map[string]string
	// ParameterFiles are CloudFormation parameter files, in the AWS CLI
	// format ([{"ParameterKey": ..., "ParameterValue": ...}]) or the
	// template-configuration format ({"Parameters": {...}}). Later files
	// win; --parameter wins over all of them.
	ParameterFiles []string

	// Roots are the directories being scanned; file functions
	// (Terraform's file(), templatefile()) read only inside them.
	Roots []string

	// Limits bound the work one file may cause (limits.go).
	Limits Limits
	// OnStart, when not nil, is called with the file or directory a loader
	// is about to work on, inside each point where a panic is isolated (a
	// file parsed, a Terraform module evaluated, a template analysed). A
	// scan uses it to name the work in progress if a memory limit stops it;
	// tests use it to inject a panic.
	OnStart func(path string)
}

// Var is one --var flag.
type Var struct {
	Name, Value string
}

// Loader reads one input language.
type Loader interface {
	// Name is the language name used in messages: "terraform".
	Name() string
	// Claims reports whether the loader reads the file. It is called once
	// per discovered file with the file's content, so JSON and YAML can be
	// recognised by content rather than by name.
	Claims(path string, data []byte) bool
	// Load turns the claimed files into resources. It keeps going after
	// errors: a file that fails loses only its own resources, and each
	// problem is a diagnostic with a range.
	Load(ctx context.Context, files []File, opts Options) ([]Resource, Diagnostics)
}
