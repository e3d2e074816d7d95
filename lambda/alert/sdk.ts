// The modules that only some events need, loaded the first time they are used rather than at cold
// start: watched calls are rare, so nearly every alert is a cold start, and a feature that is off (or
// not needed by this event) should cost nothing. The AWS SDK (external to the bundle) is loaded with a
// synchronous `require`, so its CommonJS build is the one loaded: the same module instances the
// clients use.
/* eslint-disable @typescript-eslint/no-require-imports */

export const load = {
  s3: (): typeof import('@aws-sdk/client-s3') => require('@aws-sdk/client-s3'),
  cloudTrail: (): typeof import('@aws-sdk/client-cloudtrail') => require('@aws-sdk/client-cloudtrail'),
  dynamoDb: (): typeof import('@aws-sdk/client-dynamodb') => require('@aws-sdk/client-dynamodb'),
  securityHub: (): typeof import('@aws-sdk/client-securityhub') => require('@aws-sdk/client-securityhub'),
  eventBridge: (): typeof import('@aws-sdk/client-eventbridge') => require('@aws-sdk/client-eventbridge'),
  bedrock: (): typeof import('@aws-sdk/client-bedrock') => require('@aws-sdk/client-bedrock'),
  ec2: (): typeof import('@aws-sdk/client-ec2') => require('@aws-sdk/client-ec2'),
  sfn: (): typeof import('@aws-sdk/client-sfn') => require('@aws-sdk/client-sfn'),
  iam: (): typeof import('@aws-sdk/client-iam') => require('@aws-sdk/client-iam'),
  sqs: (): typeof import('@aws-sdk/client-sqs') => require('@aws-sdk/client-sqs'),
};
