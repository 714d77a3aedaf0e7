package loaders

// Kinds of exposed resource. A kind is what Access Analyzer would call the
// resource type; several Terraform and CloudFormation types feed one kind
// (aws_s3_bucket_policy, aws_s3_bucket's legacy policy argument and
// AWS::S3::BucketPolicy all expose an "s3:bucket").
const (
	KindS3Bucket       = "s3:bucket"
	KindIAMRole        = "iam:role"
	KindKMSKey         = "kms:key"
	KindLambdaFunction = "lambda:function"
	KindLambdaLayer    = "lambda:layer"
	KindSQSQueue       = "sqs:queue"
)
