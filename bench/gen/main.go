// Command gen writes a synthetic infrastructure tree of a chosen size for
// perimeter's benchmarks: Terraform root modules that call local modules
// with for_each, build policies with aws_iam_policy_document data sources,
// jsonencode and heredocs from variables and locals, and CloudFormation
// templates in YAML and JSON with parameters, conditions and intrinsics.
// Every supported resource kind appears; some grants stay inside the zone of
// trust (account 111122223333) and some leave it.
//
//	go run ./bench/gen -out bench/out/10k -resources 10000
//
// The output is a pure function of -resources and -seed.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "bench/out/tree", "directory to write (replaced)")
	resources := flag.Int("resources", 1000, "approximate number of resources to generate")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	stats, err := Generate(*out, *resources, *seed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d files, %d resources (%d Terraform, %d CloudFormation)\n",
		*out, stats.Files, stats.TerraformResources+stats.CloudFormationResources, stats.TerraformResources, stats.CloudFormationResources)
}

// Stats counts what Generate wrote.
type Stats struct {
	Files                   int
	TerraformResources      int // resource instances, after count/for_each
	CloudFormationResources int
}

// Shares of the tree: 70% Terraform resources, 30% CloudFormation.
const (
	// Each Terraform root module calls the service module once per entry of
	// a map (for_each) and each instance declares modResources resources.
	tfInstancesPerRoot = 4
	modResources       = 6 // resources per service-module instance, see serviceModule
	cfnPerTemplate     = 12
)

type generator struct {
	dir   string
	rng   *rand.Rand
	stats Stats
}

// Generate writes a tree of about n resources under dir.
func Generate(dir string, n int, seed uint64) (Stats, error) {
	if err := os.RemoveAll(dir); err != nil {
		return Stats{}, err
	}
	g := &generator{dir: dir, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	tfTarget := n * 7 / 10
	cfnTarget := n - tfTarget
	if err := g.write("terraform/modules/service/main.tf", serviceModule); err != nil {
		return g.stats, err
	}
	if err := g.write("terraform/modules/service/variables.tf", serviceVariables); err != nil {
		return g.stats, err
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
		return "111122223333"
	}
}

func (g *generator) root(i int) error {
	var b strings.Builder
	fmt.Fprintf(&b, `# generated root module %d
variable "environment" {
  type    = string
  default = "prod"
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
`, g.rng.IntN(8) == 0)
	g.stats.TerraformResources += tfInstancesPerRoot*modResources + 2
	return g.write(fmt.Sprintf("terraform/roots/app%04d/main.tf", i), b.String())
}

const serviceVariables = `variable "name" {
  type = string
}

variable "partner_account" {
  type = string
}

variable "own_account" {
  type = string
}

variable "public_read" {
  type    = bool
  default = false
}
`

// serviceModule declares modResources (6) resources per instance.
const serviceModule = `locals {
  partner_root = "arn:aws:iam::${var.partner_account}:root"
  readers      = var.public_read ? ["*"] : [local.partner_root]
}

resource "aws_sqs_queue" "this" {
  name = var.name
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PartnerSend"
      Effect    = "Allow"
      Principal = { AWS = local.partner_root }
      Action    = ["sqs:SendMessage", "sqs:GetQueueAttributes"]
      Resource  = aws_sqs_queue.this.arn
    }]
  })
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-role"
  assume_role_policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::${var.own_account}:root"},
        "Action": "sts:AssumeRole"
      }]
    }
  EOF
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "Owner"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.own_account}:root"]
    }
  }
  statement {
    sid       = "PartnerDecrypt"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = local.readers
    }
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.us-east-1.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "this" {
  description = "key for ${var.name}"
  policy      = data.aws_iam_policy_document.key.json
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "fn.zip"
}

resource "aws_lambda_permission" "this" {
  statement_id   = "AllowQueue"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "sqs.amazonaws.com"
  source_account = var.own_account
  source_arn     = aws_sqs_queue.this.arn
}
`

func (g *generator) template(i int) error {
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
	for j := range cfnPerTemplate / 4 {
		fmt.Fprintf(&b, `  Bucket%[1]d:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "stack%[2]d-${Environment}-%[1]d"
  BucketPolicy%[1]d:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket%[1]d
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: PartnerRead
            Effect: Allow
            Principal:
              AWS: !If [IsProd, !Sub "arn:aws:iam::${Partner}:root", !Ref AWS::AccountId]
            Action: [s3:GetObject, s3:ListBucket]
            Resource:
              - !GetAtt Bucket%[1]d.Arn
              - !Sub "${Bucket%[1]d.Arn}/*"
  Queue%[1]d:
    Type: AWS::SQS::Queue
  QueuePolicy%[1]d:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue%[1]d]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: !GetAtt Queue%[1]d.Arn
            Condition:
              %[3]s
`, j, i, g.queueCondition())
	}
	g.stats.CloudFormationResources += cfnPerTemplate
	return g.write(fmt.Sprintf("cloudformation/stack%04d.yaml", i), b.String())
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
