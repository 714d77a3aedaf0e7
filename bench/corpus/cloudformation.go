package corpus

// The CloudFormation side: every template is a stack of its own under
// cloudformation/. Three kinds of template rotate:
//
//   - stackNNNN.yaml: buckets and bucket policies with !If/!Sub/!GetAtt,
//     queues with policies confined (or not) by conditions, a role, a KMS
//     key, a Lambda permission, an SNS topic policy and a secret policy;
//   - every third: sharedNNNN.json, a JSON template with the rarer types
//     (RAM, VPC endpoint services, EventBridge, CloudWatch Logs, Backup,
//     CodeArtifact, Kinesis, ECR, EFS, DynamoDB, API Gateway, OpenSearch,
//     Lambda URLs and layers, access points, S3 Express);
//   - every seventh: samNNNN.yaml, a SAM application (a function with a
//     public URL and an API with a resource policy).

// cfnBucketPair is repeated inside stackNNNN.yaml: 4 resources. @J@ is
// the pair's number, @N@ the stack's, @COND@ the queue's condition.
const cfnBucketPair = `  Bucket@J@:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "stack@N@-${Environment}-@J@"
  BucketPolicy@J@:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket@J@
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: PartnerRead
            Effect: Allow
            Principal:
              AWS: !If [IsProd, !Sub "arn:aws:iam::${Partner}:root", !Ref AWS::AccountId]
            Action: [s3:GetObject, s3:ListBucket]
            Resource:
              - !GetAtt Bucket@J@.Arn
              - !Sub "${Bucket@J@.Arn}/*"
  Queue@J@:
    Type: AWS::SQS::Queue
  QueuePolicy@J@:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue@J@]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: !GetAtt Queue@J@.Arn
            Condition:
              @COND@
`

// cfnStackTail closes stackNNNN.yaml: 8 resources.
const cfnStackTail = `  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "stack@N@-${Environment}-deployer"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::${Partner}:root"
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: stack@N@
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub "stack@N@ ${Environment}"
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Owner
            Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
            Action: kms:*
            Resource: "*"
          - Sid: ViaQueues
            Effect: Allow
            Principal:
              AWS: "*"
            Action: [kms:Decrypt, kms:GenerateDataKey]
            Resource: "*"
            Condition:
              StringEquals:
                kms:CallerAccount: !Ref AWS::AccountId
                kms:ViaService: !Sub "sqs.${AWS::Region}.amazonaws.com"
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      Role: !GetAtt Role.Arn
      Code:
        ZipFile: "def handler(event, context): return event"
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Function
      Principal: s3.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
      SourceArn: !GetAtt Bucket0.Arn
  Topic:
    Type: AWS::SNS::Topic
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              AWS: !If [IsProd, !Ref Partner, !Ref AWS::AccountId]
            Action: sns:Subscribe
            Resource: !Ref Topic
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub "stack@N@/${Environment}/db"
  SecretPolicy:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: !Ref Secret
      BlockPublicPolicy: true
      ResourcePolicy:
        Statement:
          - Effect: Allow
            Principal:
              AWS: !GetAtt Role.Arn
            Action: secretsmanager:GetSecretValue
            Resource: "*"
`

// cfnSharedJSON is a JSON template with the rarer types.
const cfnSharedJSON = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "generated shared stack @N@",
  "Parameters": {
    "Partner": {"Type": "String", "Default": "@PARTNER@"},
    "ReaderAccount": {"Type": "String"}
  },
  "Resources": {
    "Share": {
      "Type": "AWS::RAM::ResourceShare",
      "Properties": {
        "Name": "subnets@N@",
        "ResourceArns": [{"Fn::Sub": "arn:aws:ec2:${AWS::Region}:${AWS::AccountId}:subnet/subnet-@N@"}],
        "Principals": [{"Ref": "Partner"}, {"Ref": "AWS::AccountId"}]
      }
    },
    "Service": {
      "Type": "AWS::EC2::VPCEndpointService",
      "Properties": {
        "NetworkLoadBalancerArns": [{"Fn::Sub": "arn:aws:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:loadbalancer/net/nlb@N@/abc"}],
        "AcceptanceRequired": true
      }
    },
    "ServicePermissions": {
      "Type": "AWS::EC2::VPCEndpointServicePermissions",
      "Properties": {
        "ServiceId": {"Ref": "Service"},
        "AllowedPrincipals": [{"Fn::Sub": "arn:aws:iam::${Partner}:root"}]
      }
    },
    "Bus": {
      "Type": "AWS::Events::EventBus",
      "Properties": {"Name": "bus@N@"}
    },
    "BusPolicy": {
      "Type": "AWS::Events::EventBusPolicy",
      "Properties": {
        "EventBusName": {"Ref": "Bus"},
        "StatementId": "partner",
        "Action": "events:PutEvents",
        "Principal": {"Ref": "Partner"}
      }
    },
    "LogsPolicy": {
      "Type": "AWS::Logs::ResourcePolicy",
      "Properties": {
        "PolicyName": "delivery@N@",
        "PolicyDocument": {"Fn::Sub": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"delivery.logs.amazonaws.com\"}, \"Action\": \"logs:PutLogEvents\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"${AWS::AccountId}\"}}}]}"}
      }
    },
    "Destination": {
      "Type": "AWS::Logs::Destination",
      "Properties": {
        "DestinationName": "central@N@",
        "RoleArn": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/cwl"},
        "TargetArn": {"Fn::Sub": "arn:aws:kinesis:${AWS::Region}:${AWS::AccountId}:stream/central"},
        "DestinationPolicy": {"Fn::Sub": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"${Partner}\"}, \"Action\": \"logs:PutSubscriptionFilter\", \"Resource\": \"*\"}]}"}
      }
    },
    "Vault": {
      "Type": "AWS::Backup::BackupVault",
      "Properties": {
        "BackupVaultName": "vault@N@",
        "AccessPolicy": {
          "Version": "2012-10-17",
          "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "backup:DeleteRecoveryPoint", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${Partner}:root"}}, "Action": "backup:CopyIntoBackupVault", "Resource": "*"}
          ]
        }
      }
    },
    "Domain": {
      "Type": "AWS::CodeArtifact::Domain",
      "Properties": {
        "DomainName": "packages@N@",
        "PermissionsPolicyDocument": {
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "codeartifact:GetAuthorizationToken", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": {"Ref": "AWS::AccountId"}}}}]
        }
      }
    },
    "Repository": {
      "Type": "AWS::CodeArtifact::Repository",
      "Properties": {
        "RepositoryName": "npm",
        "DomainName": {"Fn::GetAtt": ["Domain", "Name"]},
        "PermissionsPolicyDocument": {
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Ref": "ReaderAccount"}}, "Action": ["codeartifact:ReadFromRepository"], "Resource": "*"}]
        }
      }
    },
    "Stream": {
      "Type": "AWS::Kinesis::Stream",
      "Properties": {"Name": "clicks@N@", "ShardCount": 1}
    },
    "StreamPolicy": {
      "Type": "AWS::Kinesis::ResourcePolicy",
      "Properties": {
        "ResourceArn": {"Fn::GetAtt": ["Stream", "Arn"]},
        "ResourcePolicy": {
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${Partner}:role/reader"}},
            "Action": ["kinesis:GetRecords", "kinesis:GetShardIterator"], "Resource": {"Fn::GetAtt": ["Stream", "Arn"]}}]
        }
      }
    },
    "Images": {
      "Type": "AWS::ECR::Repository",
      "Properties": {
        "RepositoryName": "images@N@",
        "RepositoryPolicyText": {
          "Version": "2012-10-17",
          "Statement": [{"Sid": "Pull", "Effect": "Allow", "Principal": {"AWS": [{"Ref": "AWS::AccountId"}, {"Ref": "Partner"}]},
            "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]}]
        }
      }
    },
    "Registry": {
      "Type": "AWS::ECR::RegistryPolicy",
      "Properties": {
        "PolicyText": {
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${Partner}:root"}}, "Action": ["ecr:ReplicateImage"],
            "Resource": {"Fn::Sub": "arn:aws:ecr:${AWS::Region}:${AWS::AccountId}:repository/*"}}]
        }
      }
    },
    "Replication": {
      "Type": "AWS::ECR::ReplicationConfiguration",
      "Properties": {
        "ReplicationConfiguration": {"Rules": [{"Destinations": [{"Region": "eu-west-1", "RegistryId": {"Ref": "AWS::AccountId"}}]}]}
      }
    },
    "Files": {
      "Type": "AWS::EFS::FileSystem",
      "Properties": {
        "FileSystemPolicy": {
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/app"}}, "Action": "elasticfilesystem:ClientMount"}]
        }
      }
    },
    "Table": {
      "Type": "AWS::DynamoDB::Table",
      "Properties": {
        "TableName": "orders@N@",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
        "ResourcePolicy": {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${Partner}:role/analytics"}}, "Action": "dynamodb:GetItem", "Resource": "*"}]}},
        "StreamSpecification": {"StreamViewType": "NEW_IMAGE",
          "ResourcePolicy": {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Ref": "AWS::AccountId"}}, "Action": "dynamodb:GetRecords", "Resource": "*"}]}}}
      }
    },
    "GlobalTable": {
      "Type": "AWS::DynamoDB::GlobalTable",
      "Properties": {
        "TableName": "sessions@N@",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "Replicas": [{"Region": "us-east-1", "ResourcePolicy": {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Ref": "Partner"}}, "Action": "dynamodb:Query", "Resource": "*"}]}}}]
      }
    },
    "Api": {
      "Type": "AWS::ApiGateway::RestApi",
      "Properties": {
        "Name": "api@N@",
        "EndpointConfiguration": {"Types": ["PRIVATE"]},
        "Policy": {
          "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
            {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
              "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}}
          ]
        }
      }
    },
    "Search": {
      "Type": "AWS::OpenSearchService::Domain",
      "Properties": {
        "DomainName": "search@N@",
        "AccessPolicies": {
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:ESHttpGet",
            "Resource": {"Fn::Sub": "arn:aws:es:${AWS::Region}:${AWS::AccountId}:domain/search@N@/*"},
            "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]
        }
      }
    },
    "LegacySearch": {
      "Type": "AWS::Elasticsearch::Domain",
      "Properties": {
        "DomainName": "legacy@N@",
        "AccessPolicies": {
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/search"}}, "Action": "es:*", "Resource": "*"}]
        }
      }
    },
    "Handler": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Handler": "index.handler", "Runtime": "nodejs20.x",
        "Role": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/lambda"},
        "Code": {"ZipFile": "exports.handler = async () => ({})"}
      }
    },
    "HandlerUrl": {
      "Type": "AWS::Lambda::Url",
      "Properties": {"TargetFunctionArn": {"Fn::GetAtt": ["Handler", "Arn"]}, "AuthType": "NONE", "Cors": {"AllowOrigins": ["https://example.com"]}}
    },
    "LayerPermission": {
      "Type": "AWS::Lambda::LayerVersionPermission",
      "Properties": {
        "Action": "lambda:GetLayerVersion",
        "LayerVersionArn": {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:layer:common@N@:1"},
        "Principal": {"Ref": "Partner"}
      }
    },
    "Data": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "BucketName": "shared@N@-data",
        "AccessControl": "LogDeliveryWrite",
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}
      }
    },
    "ReaderPoint": {
      "Type": "AWS::S3::AccessPoint",
      "Properties": {
        "Bucket": {"Ref": "Data"},
        "Name": "reader@N@",
        "Policy": {
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${Partner}:role/reader"}}, "Action": "s3:GetObject",
            "Resource": {"Fn::Sub": "arn:aws:s3:${AWS::Region}:${AWS::AccountId}:accesspoint/reader@N@/object/*"}}]
        }
      }
    },
    "GlobalPoint": {
      "Type": "AWS::S3::MultiRegionAccessPoint",
      "Properties": {"Name": "global@N@", "Regions": [{"Bucket": {"Ref": "Data"}}]}
    },
    "GlobalPointPolicy": {
      "Type": "AWS::S3::MultiRegionAccessPointPolicy",
      "Properties": {
        "MrapName": {"Ref": "GlobalPoint"},
        "Policy": {
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Ref": "AWS::AccountId"}}, "Action": "s3:GetObject",
            "Resource": {"Fn::Sub": "arn:aws:s3::${AWS::AccountId}:accesspoint/global@N@.mrap/object/*"}}]
        }
      }
    },
    "Express": {
      "Type": "AWS::S3Express::DirectoryBucket",
      "Properties": {"BucketName": "express@N@--use1-az4--x-s3", "DataRedundancy": "SingleAvailabilityZone", "LocationName": "use1-az4"}
    },
    "ExpressPolicy": {
      "Type": "AWS::S3Express::BucketPolicy",
      "Properties": {
        "Bucket": {"Ref": "Express"},
        "PolicyDocument": {
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${Partner}:root"}}, "Action": "s3express:CreateSession",
            "Resource": {"Fn::GetAtt": ["Express", "Arn"]}}]
        }
      }
    }
  }
}
`

// cfnSAM is a SAM application.
const cfnSAM = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: generated SAM application @N@
Globals:
  Function:
    Runtime: python3.12
    Timeout: 10
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        ResourcePolicy:
          AwsAccountWhitelist: ["@PARTNER@"]
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Handler: orders.handler
      CodeUri: src/
      FunctionUrlConfig:
        AuthType: NONE
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /orders
            Method: get
  Queue:
    Type: AWS::SQS::Queue
  QueuePolicy:
    Type: AWS::SQS::QueueInlinePolicy
    Properties:
      Queue: !Ref Queue
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Service: sns.amazonaws.com
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
            Condition:
              ArnEquals:
                aws:SourceArn: !Sub "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:orders"
  Topic:
    Type: AWS::SNS::Topic
  TopicPolicy:
    Type: AWS::SNS::TopicInlinePolicy
    Properties:
      TopicArn: !Ref Topic
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              AWS: "@PARTNER@"
            Action: sns:Subscribe
            Resource: !Ref Topic
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"
            Action: kms:*
            Resource: "*"
  Replica:
    Type: AWS::KMS::ReplicaKey
    Properties:
      PrimaryKeyArn: !GetAtt Key.Arn
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"
            Action: kms:*
            Resource: "*"
  AirGapped:
    Type: AWS::Backup::LogicallyAirGappedBackupVault
    Properties:
      BackupVaultName: airgapped@N@
      MinRetentionDays: 7
      MaxRetentionDays: 30
      AccessPolicy:
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"
            Action: backup:CopyIntoBackupVault
            Resource: "*"
  ObjectLambdaPoint:
    Type: AWS::S3ObjectLambda::AccessPoint
    Properties:
      Name: transform@N@
      ObjectLambdaConfiguration:
        SupportingAccessPoint: !Sub "arn:aws:s3:${AWS::Region}:${AWS::AccountId}:accesspoint/supporting"
        TransformationConfigurations:
          - Actions: [GetObject]
            ContentTransformation:
              AwsLambda:
                FunctionArn: !GetAtt Orders.Arn
  ObjectLambdaPolicy:
    Type: AWS::S3ObjectLambda::AccessPointPolicy
    Properties:
      ObjectLambdaAccessPoint: !Ref ObjectLambdaPoint
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              AWS: "@PARTNER@"
            Action: s3-object-lambda:GetObject
            Resource: !Sub "arn:aws:s3-object-lambda:${AWS::Region}:${AWS::AccountId}:accesspoint/transform@N@"
`
