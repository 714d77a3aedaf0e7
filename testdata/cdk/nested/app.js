// nested: a parent stack with a CfnParameter, a CfnCondition and a nested
// stack that receives a role ARN, a parameter and the condition's outcome
// through nested stack parameters. Env-agnostic, version reporting off.
const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const s3 = require('aws-cdk-lib/aws-s3');
const sns = require('aws-cdk-lib/aws-sns');
const sqs = require('aws-cdk-lib/aws-sqs');

const app = new cdk.App({ analyticsReporting: false });
const parent = new cdk.Stack(app, 'PlatformStack', { stackName: 'platform-prod' });

// The partner account is given at deploy time (no default).
const partnerAccount = new cdk.CfnParameter(parent, 'PartnerAccount', {
  type: 'String', description: 'Account ID of the partner that reads reports',
});
// Stage decides whether the archive bucket is shared read-only with anyone.
const stage = new cdk.CfnParameter(parent, 'Stage', {
  type: 'String', default: 'dev', allowedValues: ['dev', 'prod'],
});
const isProd = new cdk.CfnCondition(parent, 'IsProd', {
  expression: cdk.Fn.conditionEquals(stage.valueAsString, 'prod'),
});

const ops = new iam.Role(parent, 'OpsRole', { assumedBy: new iam.AccountRootPrincipal() });

// The archive bucket (its policy is written by the grants below).
const archive = new s3.Bucket(parent, 'Archive', { enforceSSL: true });

// Preview bucket: outside production, a public read policy exists
// (a CfnBucketPolicy with the condition NotProd = !IsProd).
const preview = new s3.Bucket(parent, 'Preview', {
  blockPublicAccess: new s3.BlockPublicAccess({
    blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: false,
  }),
});
const previewPolicy = new s3.CfnBucketPolicy(parent, 'PreviewPublicRead', {
  bucket: preview.bucketName,
  policyDocument: new iam.PolicyDocument({
    statements: [new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: [preview.arnForObjects('*')],
    })],
  }),
});
previewPolicy.cfnOptions.condition = new cdk.CfnCondition(parent, 'NotProd', {
  expression: cdk.Fn.conditionNot(isProd),
});

// The nested stack: a topic and a queue whose policies name the parent's
// role (passed as a nested stack parameter) and the partner account.
class Messaging extends cdk.NestedStack {
  constructor(scope, id) {
    super(scope, id);
    const topic = new sns.Topic(this, 'Reports');
    topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ArnPrincipal(ops.roleArn)],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
    }));
    topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.AccountPrincipal(partnerAccount.valueAsString)],
      actions: ['sns:Subscribe'],
      resources: [topic.topicArn],
    }));
    const dlq = new sqs.Queue(this, 'DeadLetters');
    dlq.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [dlq.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } },
    }));
    // A second-level nested stack: a key shared with the partner.
    new Keys(this, 'Keys');
    // A role of the nested stack, used by the parent (a nested stack output).
    this.publisher = new iam.Role(this, 'Publisher', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  }
}
class Keys extends cdk.NestedStack {
  constructor(scope, id) {
    super(scope, id);
    const key = new (require('aws-cdk-lib/aws-kms').Key)(this, 'ReportKey');
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.AccountPrincipal(partnerAccount.valueAsString)],
      actions: ['kms:Decrypt'],
      resources: ['*'],
    }));
  }
}
const messaging = new Messaging(parent, 'Messaging');
// The parent's archive bucket names the nested stack's role: the principal
// is Fn::GetAtt [Messaging stack, Outputs.<role ARN>].
archive.addToResourcePolicy(new iam.PolicyStatement({
  principals: [new iam.ArnPrincipal(messaging.publisher.roleArn)],
  actions: ['s3:PutObject'],
  resources: [archive.arnForObjects('incoming/*')],
}));

app.synth();
