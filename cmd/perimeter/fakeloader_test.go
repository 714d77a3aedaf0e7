package main

import (
	"bytes"
	"context"
	"path"
	"strings"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

// fakeLoader stands in for the Terraform and CloudFormation loaders in the
// CLI tests that must not depend on them: a *.fake.yml file is one S3 bucket
// policy written as JSON, where lines starting with # are comments. The
// resource's header is the line of the opening brace; the real rules judge
// it, so findings, positions and fingerprints are real.
type fakeLoader struct{}

func (fakeLoader) Name() string { return "fake" }

func (fakeLoader) Claims(p string, _ []byte) bool { return strings.HasSuffix(p, ".fake.yml") }

func (fakeLoader) Load(_ context.Context, files []loaders.File, _ loaders.Options) ([]loaders.Resource, loaders.Diagnostics) {
	var (
		out   []loaders.Resource
		diags loaders.Diagnostics
	)
	for _, f := range files {
		// Blank the comment lines so that positions stay those of the file.
		lines := bytes.Split(f.Data, []byte("\n"))
		header := 0
		for i, l := range lines {
			t := bytes.TrimSpace(l)
			if bytes.HasPrefix(t, []byte("#")) {
				lines[i] = bytes.Repeat([]byte(" "), len(l))
			} else if header == 0 && len(t) > 0 {
				header = i + 1
			}
		}
		v, err := policy.ParseJSON(bytes.Join(lines, []byte("\n")), policy.JSONOptions{File: f.Path})
		if err != nil {
			diags.Errorf(loaders.Range{File: f.Path, Start: policy.Pos{Line: 1, Column: 1}}, "%v", err)
			continue
		}
		name := strings.TrimSuffix(path.Base(f.Path), ".fake.yml")
		out = append(out, loaders.Resource{
			Type:      "aws_s3_bucket_policy",
			Kind:      loaders.KindS3Bucket,
			Address:   "aws_s3_bucket_policy." + name,
			Target:    "aws_s3_bucket." + name,
			Source:    loaders.SourceTerraform,
			Range:     v.Range,
			DeclRange: loaders.Range{File: f.Path, Start: policy.Pos{Line: header, Column: 1}, End: policy.Pos{Line: header, Column: 2}},
			Documents: []loaders.Document{{Attribute: "policy", Range: v.Range, Policy: policy.Parse(v)}},
		})
	}
	return out, diags
}
