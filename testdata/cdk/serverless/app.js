// serverless: Lambda permissions, function URLs, an API, SNS and SQS. The
// stack is bound to an environment (account and region written into the
// template), version reporting off.
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const iam = require('aws-cdk-lib/aws-iam');
const s3 = require('aws-cdk-lib/aws-s3');
const sns = require('aws-cdk-lib/aws-sns');
const subs = require('aws-cdk-lib/aws-sns-subscriptions');
const sqs = require('aws-cdk-lib/aws-sqs');
const apigw = require('aws-cdk-lib/aws-apigateway');

const app = new cdk.App({ analyticsReporting: false });
const stack = new cdk.Stack(app, 'ServerlessStack', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

const code = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });');
const handler = new lambda.Function(stack, 'Handler', {
  runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code,
});

// Anyone may invoke it (Principal "*").
handler.addPermission('AnyoneInvoke', { principal: new iam.AnyPrincipal() });
// S3 of our own account, through one bucket: confined.
const uploads = new s3.Bucket(stack, 'Uploads');
handler.addPermission('FromUploads', {
  principal: new iam.ServicePrincipal('s3.amazonaws.com'),
  sourceAccount: cdk.Stack.of(stack).account,
  sourceArn: uploads.bucketArn,
});
// EventBridge without a source: any account's rule could target it.
handler.addPermission('FromAnyRule', { principal: new iam.ServicePrincipal('events.amazonaws.com') });
// A partner account may invoke it.
handler.grantInvoke(new iam.AccountPrincipal('444455556666'));

// Function URLs: one public, one behind IAM.
const publicFn = new lambda.Function(stack, 'PublicUrlFn', {
  runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code,
});
publicFn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
const privateFn = new lambda.Function(stack, 'PrivateUrlFn', {
  runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code,
});
privateFn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });

// A REST API in front of the handler: Lambda permissions for API Gateway
// with Fn::Join-built source ARNs; a resource policy open to one CIDR.
new apigw.LambdaRestApi(stack, 'Api', {
  handler,
  policy: new iam.PolicyDocument({
    statements: [new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()],
      actions: ['execute-api:Invoke'],
      resources: ['execute-api:/*'],
      conditions: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } },
    })],
  }),
});

// SNS fan-out: the queue accepts messages from the topic only (inside);
// the topic accepts publishes from a partner account (external).
const topic = new sns.Topic(stack, 'Events');
const queue = new sqs.Queue(stack, 'Inbox', { enforceSSL: true });
topic.addSubscription(new subs.SqsSubscription(queue));
topic.grantPublish(new iam.AccountPrincipal('444455556666'));

app.synth();
