// identity: IAM roles and their trust policies; two stacks joined by a
// cross-stack reference (Fn::ImportValue). Env-agnostic, version
// reporting off.
const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const sqs = require('aws-cdk-lib/aws-sqs');

const app = new cdk.App({ analyticsReporting: false });
const roles = new cdk.Stack(app, 'RolesStack');

// A partner account may assume this role, with an external ID.
new iam.Role(roles, 'PartnerAccess', {
  roleName: 'partner-access',
  assumedBy: new iam.AccountPrincipal('444455556666').withConditions({
    StringEquals: { 'sts:ExternalId': 'partner-7f3a' },
  }),
});
// A role of another account (by ARN) may assume this one.
new iam.Role(roles, 'AuditRole', {
  assumedBy: new iam.ArnPrincipal('arn:aws:iam::777788889999:role/auditor'),
});
// GitHub Actions through an OIDC provider of this account (native L2),
// limited to one repository.
const github = new iam.OidcProviderNative(roles, 'GitHubOidc', {
  url: 'https://token.actions.githubusercontent.com',
  clientIds: ['sts.amazonaws.com'],
  thumbprints: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
});
new iam.Role(roles, 'DeployFromGitHub', {
  assumedBy: new iam.OpenIdConnectPrincipal(github, {
    StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
    StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:example-org/example-repo:*' },
  }),
});
// A web identity federation open to any repository: only the audience is
// checked.
new iam.Role(roles, 'AnyGitHubRepo', {
  assumedBy: new iam.OpenIdConnectPrincipal(github, {
    StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
  }),
});
// The older OpenIdConnectProvider L2 (a CDK custom resource,
// Custom::AWSCDKOpenIdConnectProvider), still the common one: a GitLab
// pipeline of one project may deploy.
const gitlab = new iam.OpenIdConnectProvider(roles, 'GitLabOidc', {
  url: 'https://gitlab.example.com',
  clientIds: ['https://gitlab.example.com'],
});
new iam.Role(roles, 'DeployFromGitLab', {
  assumedBy: new iam.OpenIdConnectPrincipal(gitlab, {
    StringLike: { 'gitlab.example.com:sub': 'project_path:example-group/example-project:ref_type:branch:ref:main' },
  }),
});
// Inside the zone: a service, our own account.
new iam.Role(roles, 'Worker', {
  assumedBy: new iam.CompositePrincipal(
    new iam.ServicePrincipal('lambda.amazonaws.com'),
    new iam.AccountRootPrincipal(),
  ),
});
const consumer = new iam.Role(roles, 'Consumer', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });

// Another stack uses the Consumer role (a cross-stack reference: the role
// ARN is exported by RolesStack and imported here).
const queues = new cdk.Stack(app, 'QueuesStack');
queues.addDependency(roles);
const jobs = new sqs.Queue(queues, 'Jobs');
jobs.addToResourcePolicy(new iam.PolicyStatement({
  principals: [new iam.ArnPrincipal(consumer.roleArn)],
  actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
  resources: [jobs.queueArn],
}));
// A queue that a partner account may send to.
const partnerInbox = new sqs.Queue(queues, 'PartnerInbox');
partnerInbox.grantSendMessages(new iam.AccountPrincipal('444455556666'));

app.synth();
