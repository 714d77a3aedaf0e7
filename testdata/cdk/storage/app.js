// storage: S3 buckets and a KMS key, env-agnostic (Ref AWS::AccountId in
// the template), CDK version reporting left on (CDKMetadata, Conditions).
const cdk = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');
const kms = require('aws-cdk-lib/aws-kms');
const iam = require('aws-cdk-lib/aws-iam');

const app = new cdk.App();
const stack = new cdk.Stack(app, 'StorageStack');

// Public website bucket: publicReadAccess adds s3:GetObject for "*".
new s3.Bucket(stack, 'Site', {
  websiteIndexDocument: 'index.html',
  publicReadAccess: true,
  blockPublicAccess: new s3.BlockPublicAccess({
    blockPublicAcls: true, ignorePublicAcls: true,
    blockPublicPolicy: false, restrictPublicBuckets: false,
  }),
});

// Downloads: only the public/ prefix is public (grantPublicAccess), plus a
// statement restricted to one VPC endpoint (conditioned public).
const downloads = new s3.Bucket(stack, 'Downloads', {
  bucketName: 'example-downloads',
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
  enforceSSL: true,
});
downloads.grantPublicAccess('public/*');
downloads.addToResourcePolicy(new iam.PolicyStatement({
  principals: [new iam.AnyPrincipal()],
  actions: ['s3:GetObject'],
  resources: [downloads.arnForObjects('internal/*')],
  conditions: { StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } },
}));

// Partner bucket encrypted with a key: the partner account may read both.
const key = new kms.Key(stack, 'PartnerKey', { enableKeyRotation: true, alias: 'partner-data' });
const partner = new s3.Bucket(stack, 'PartnerData', {
  encryption: s3.BucketEncryption.KMS,
  encryptionKey: key,
  enforceSSL: true,
});
partner.grantRead(new iam.AccountPrincipal('444455556666'));
key.grantDecrypt(new iam.AccountPrincipal('444455556666'));

// Internal bucket: only our own account and a role of this stack.
// autoDeleteObjects: CDK's custom resource role may empty the bucket.
const logs = new s3.Bucket(stack, 'Logs', {
  enforceSSL: true, autoDeleteObjects: true, removalPolicy: cdk.RemovalPolicy.DESTROY,
});
logs.grantRead(new iam.AccountRootPrincipal());
const reader = new iam.Role(stack, 'LogReader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
logs.grantRead(reader);
// A key whose policy names the organization (inside with --org-id).
const orgKey = new kms.Key(stack, 'OrgKey');
orgKey.grantEncryptDecrypt(new iam.OrganizationPrincipal('o-abcdefghij'));

app.synth();
