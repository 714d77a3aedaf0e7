package loaders

// KindAPIGatewayRestAPI is an API Gateway REST API exposed by its resource
// policy (CloudFormation's AWS::ApiGateway::RestApi Policy, SAM's
// AWS::Serverless::Api Auth.ResourcePolicy).
const KindAPIGatewayRestAPI = "apigateway:restapi"
