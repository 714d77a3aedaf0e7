package loaders

// Kinds of exposed resource. A kind is what Access Analyzer would call the
// resource type; several Terraform and CloudFormation types feed one kind
// (aws_s3_bucket_policy, aws_s3_bucket's legacy policy argument and
// AWS::S3::BucketPolicy all expose an "s3:bucket"). docs/resource-types.md
// lists, for every kind, the types that feed it and how their arguments
// become policy documents.
const (
	KindS3Bucket       = "s3:bucket"
	KindIAMRole        = "iam:role"
	KindKMSKey         = "kms:key"
	KindLambdaFunction = "lambda:function"
	KindLambdaLayer    = "lambda:layer"
	KindSQSQueue       = "sqs:queue"

	// Access Analyzer's other types.
	KindS3AccessPoint            = "s3:accesspoint"
	KindS3MultiRegionAccessPoint = "s3:multiregionaccesspoint"
	KindS3DirectoryBucket        = "s3express:bucket"
	KindSNSTopic                 = "sns:topic"
	KindSecret                   = "secretsmanager:secret"
	KindECRRepository            = "ecr:repository"
	KindEFSFileSystem            = "elasticfilesystem:filesystem"
	KindEBSSnapshot              = "ec2:snapshot"
	KindRDSSnapshot              = "rds:snapshot"
	KindRDSClusterSnapshot       = "rds:clustersnapshot"
	KindDynamoDBTable            = "dynamodb:table"
	KindDynamoDBStream           = "dynamodb:stream"

	// Exposures Access Analyzer does not analyse. KindAPIGatewayRestAPI
	// ("apigateway:restapi") is in kinds_cloudformation.go.
	KindOpenSearchDomain       = "es:domain"
	KindLambdaFunctionURL      = "lambda:functionurl"
	KindAMI                    = "ec2:image"
	KindRAMResourceShare       = "ram:resourceshare"
	KindVPCEndpointService     = "ec2:vpcendpointservice"
	KindGlueCatalog            = "glue:catalog"
	KindEventBus               = "events:eventbus"
	KindLogsResourcePolicy     = "logs:resourcepolicy"
	KindLogsDestination        = "logs:destination"
	KindBackupVault            = "backup:vault"
	KindGlacierVault           = "glacier:vault"
	KindCodeArtifactDomain     = "codeartifact:domain"
	KindCodeArtifactRepository = "codeartifact:repository"
	KindKinesisStream          = "kinesis:stream"
	KindECRRegistry            = "ecr:registry"
)

// Kinds lists every kind above, for tests and documentation that must
// cover them all.
var Kinds = []string{
	KindS3Bucket, KindIAMRole, KindKMSKey, KindLambdaFunction, KindLambdaLayer, KindSQSQueue,
	KindS3AccessPoint, KindS3MultiRegionAccessPoint, KindS3DirectoryBucket, KindSNSTopic, KindSecret,
	KindECRRepository, KindEFSFileSystem, KindEBSSnapshot, KindRDSSnapshot, KindRDSClusterSnapshot,
	KindDynamoDBTable, KindDynamoDBStream,
	KindAPIGatewayRestAPI, KindOpenSearchDomain, KindLambdaFunctionURL, KindAMI, KindRAMResourceShare,
	KindVPCEndpointService, KindGlueCatalog, KindEventBus, KindLogsResourcePolicy, KindLogsDestination,
	KindBackupVault, KindGlacierVault, KindCodeArtifactDomain, KindCodeArtifactRepository,
	KindKinesisStream, KindECRRegistry, KindModuleInput,
}
