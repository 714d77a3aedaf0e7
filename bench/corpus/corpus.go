// Package corpus writes synthetic infrastructure trees of a chosen size for
// perimeter's benchmarks (bench/gen, bench/run and the Go benchmarks that
// need a realistic tree): Terraform root modules that call local modules
// with for_each, build policies with aws_iam_policy_document data sources,
// jsonencode, heredocs and .tf.json, and call registry modules that are not
// downloaded; CloudFormation templates in YAML and JSON with parameters,
// conditions, intrinsics and SAM. Every resource kind perimeter analyses
// appears, in both languages where the language has a type for it; most
// grants stay inside the zone of trust (account 111122223333) and some
// leave it (another account, anyone, or a value that cannot be known).
//
// A tree is a pure function of its size and seed.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Stats counts what Generate wrote. Resources are declared resource
// instances (after for_each), whether or not they grant anything.
type Stats struct {
	Files                   int
	TerraformResources      int
	CloudFormationResources int
}

// Resources is the total number of resource instances.
func (s Stats) Resources() int { return s.TerraformResources + s.CloudFormationResources }

// ZoneAccount is the account the trees' grants stay inside when they do.
const ZoneAccount = "111122223333"

// Shares: 70% of the resources are Terraform's, 30% CloudFormation's.
const (
	// Each root calls modules/service once per partner (for_each).
	tfInstancesPerRoot = 4
	cfnBucketPairs     = 3
)

var (
	tfResource  = regexp.MustCompile(`(?m)^resource "`)
	tfModule    = regexp.MustCompile(`(?m)^module "`)
	cfnResource = regexp.MustCompile(`(?m)^ {4}"?Type"?: "?AWS::`)
)

// terraformCount counts resource blocks (an unread module call counts as
// one: what it creates is not known).
func terraformCount(src string) int {
	return len(tfResource.FindAllStringIndex(src, -1))
}

func cfnCount(src string) int { return len(cfnResource.FindAllStringIndex(src, -1)) }

type generator struct {
	dir   string
	rng   *rand.Rand
	stats Stats
}

// Generate writes a tree of about n resources under dir, replacing it.
func Generate(dir string, n int, seed uint64) (Stats, error) {
	if err := os.RemoveAll(dir); err != nil {
		return Stats{}, err
	}
	g := &generator{dir: dir, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	tfTarget := n * 7 / 10
	cfnTarget := n - tfTarget
	for _, f := range []struct{ path, content string }{
		{"terraform/modules/service/main.tf", serviceModule},
		{"terraform/modules/service/variables.tf", serviceVariables},
		{"terraform/modules/platform/main.tf", platformModule},
		{"terraform/modules/platform/variables.tf", platformVariables},
	} {
		if err := g.write(f.path, f.content); err != nil {
			return g.stats, err
		}
	}
	for i := 0; g.stats.TerraformResources < tfTarget; i++ {
		if err := g.root(i); err != nil {
			return g.stats, err
		}
	}
	for i := 0; g.stats.CloudFormationResources < cfnTarget; i++ {
		if err := g.template(i); err != nil {
			return g.stats, err
		}
	}
	return g.stats, nil
}

func (g *generator) write(rel, content string) error {
	path := filepath.Join(g.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	g.stats.Files++
	return os.WriteFile(path, []byte(content), 0o644)
}

// account returns an account inside the zone most of the time, outside
// sometimes.
func (g *generator) account() string {
	switch g.rng.IntN(10) {
	case 0:
		return "444455556666"
	case 1:
		return fmt.Sprintf("5555%08d", g.rng.IntN(100000000))
	default:
		return ZoneAccount
	}
}

func fill(tmpl string, n int, partner string) string {
	return strings.NewReplacer("@N@", fmt.Sprintf("%04d", n), "@PARTNER@", partner).Replace(tmpl)
}

func (g *generator) root(i int) error {
	dir := fmt.Sprintf("terraform/roots/app%04d", i)
	var b strings.Builder
	fmt.Fprintf(&b, `# generated root module %d
variable "environment" {
  type    = string
  default = "prod"
}

variable "readers" {
  type    = list(string)
  default = []
}

locals {
  prefix = "app%d-${var.environment}"
  partners = {
`, i, i)
	for j := range tfInstancesPerRoot {
		fmt.Fprintf(&b, "    p%d = %q\n", j, g.account())
	}
	fmt.Fprintf(&b, `  }
}

data "aws_caller_identity" "current" {}

module "service" {
  source   = "../../modules/service"
  for_each = local.partners

  name            = "${local.prefix}-${each.key}"
  partner_account = each.value
  own_account     = data.aws_caller_identity.current.account_id
  public_read     = %t
}

module "platform" {
  source = "../../modules/platform"

  name            = local.prefix
  own_account     = data.aws_caller_identity.current.account_id
  partner_account = %q
  public          = %t
  readers         = var.readers
}

resource "aws_s3_bucket" "logs" {
  bucket = "${local.prefix}-logs"
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "Delivery"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/*"]
    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs.json
}
`, g.rng.IntN(8) == 0, g.account(), g.rng.IntN(10) == 0)
	main := b.String()
	g.stats.TerraformResources += terraformCount(main) +
		tfInstancesPerRoot*terraformCount(serviceModule) + terraformCount(platformModule)
	if err := g.write(dir+"/main.tf", main); err != nil {
		return err
	}
	extra := []struct {
		every int
		name  string
		tmpl  string
	}{
		{3, "shared.tf", sharedTF},
		{4, "roles.tf.json", rolesTFJSON},
		{10, "modules.tf", unreadModuleTF},
	}
	for _, x := range extra {
		if i%x.every != x.every-1 {
			continue
		}
		src := fill(x.tmpl, i, g.account())
		switch {
		case strings.HasSuffix(x.name, ".json"):
			g.stats.TerraformResources += strings.Count(src, `"name": `)
		default:
			g.stats.TerraformResources += terraformCount(src) + len(tfModule.FindAllStringIndex(src, -1))
		}
		if err := g.write(dir+"/"+x.name, src); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) template(i int) error {
	switch {
	case i%3 == 2:
		src := fill(cfnSharedJSON, i, g.account())
		g.stats.CloudFormationResources += cfnCount(src)
		return g.write(fmt.Sprintf("cloudformation/shared%04d.json", i), src)
	case i%7 == 6:
		src := fill(cfnSAM, i, g.account())
		g.stats.CloudFormationResources += cfnCount(src)
		return g.write(fmt.Sprintf("cloudformation/sam%04d.yaml", i), src)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `AWSTemplateFormatVersion: "2010-09-09"
Description: generated stack %d
Parameters:
  Environment:
    Type: String
    Default: prod
    AllowedValues: [prod, dev]
  Partner:
    Type: String
    Default: "%s"
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
Resources:
`, i, g.account())
	for j := range cfnBucketPairs {
		b.WriteString(strings.NewReplacer("@J@", strconv.Itoa(j), "@N@", fmt.Sprintf("%04d", i), "@COND@", g.queueCondition()).Replace(cfnBucketPair))
	}
	b.WriteString(fill(cfnStackTail, i, ""))
	src := b.String()
	g.stats.CloudFormationResources += cfnCount(src)
	return g.write(fmt.Sprintf("cloudformation/stack%04d.yaml", i), src)
}

func (g *generator) queueCondition() string {
	switch g.rng.IntN(4) {
	case 0:
		return `IpAddress: {"aws:SourceIp": "203.0.113.0/24"}`
	case 1:
		return fmt.Sprintf(`StringEquals: {"aws:SourceAccount": %q}`, g.account())
	default:
		return `ArnEquals: {"aws:SourceArn": !Sub "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:events"}`
	}
}
