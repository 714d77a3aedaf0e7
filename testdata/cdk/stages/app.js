// stages: one stack deployed by two Stages (nested cloud assemblies
// cdk.out/assembly-Dev and assembly-Prod), each bound to an environment,
// as CDK Pipelines apps are. Version reporting off; synthesized with
// --no-asset-metadata, so nested templates are found through the asset
// manifests (*.assets.json).
const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const s3 = require('aws-cdk-lib/aws-s3');
const sqs = require('aws-cdk-lib/aws-sqs');

class ServiceStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    // The tools account (where the pipeline runs) deploys through this role.
    new iam.Role(this, 'DeployRole', {
      roleName: `deploy-${props.stageName}`,
      assumedBy: new iam.AccountPrincipal('111122223333'),
    });
    // The analytics account reads the exports bucket.
    const exportsBucket = new s3.Bucket(this, 'Exports', { enforceSSL: true });
    exportsBucket.grantRead(new iam.AccountPrincipal(props.analyticsAccount));
    // A nested stack: the analytics account may send events to its queue.
    new EventsNested(this, 'Events', { analyticsAccount: props.analyticsAccount });
  }
}

class EventsNested extends cdk.NestedStack {
  constructor(scope, id, props) {
    super(scope, id);
    const queue = new sqs.Queue(this, 'Ingest');
    queue.grantSendMessages(new iam.AccountPrincipal(props.analyticsAccount));
  }
}

class ServiceStage extends cdk.Stage {
  constructor(scope, id, props) {
    super(scope, id, props);
    new ServiceStack(this, 'Service', { stageName: id.toLowerCase(), analyticsAccount: props.analyticsAccount });
  }
}

const app = new cdk.App({ analyticsReporting: false });
new ServiceStage(app, 'Dev', { env: { account: '111122223333', region: 'us-east-1' }, analyticsAccount: '111122223333' });
new ServiceStage(app, 'Prod', { env: { account: '444455556666', region: 'eu-west-1' }, analyticsAccount: '777788889999' });
app.synth();
