// Lambda entry point: read the configuration and create the clients once per cold start, then
// delegate to the handler. Every client takes its endpoint from the SDK's own settings
// (AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL), which is how the tests point them at a local server.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';

import {
  ALERT_CONFIG_ENV,
  ALERT_TOPIC_ENV,
  IDEMPOTENCY_TABLE_ENV,
  parseAlertFunctionConfig,
} from '../../lib/detection';

import { createHandler } from './handler';

const topicArn = process.env[ALERT_TOPIC_ENV];
if (!topicArn) throw new Error(`${ALERT_TOPIC_ENV} is not set: the alerting function has nowhere to publish`);
const config = parseAlertFunctionConfig(process.env[ALERT_CONFIG_ENV]);
const idempotencyTable = process.env[IDEMPOTENCY_TABLE_ENV] || undefined;

// Every request is bounded: a stalled connection must not hold an alert for the function's timeout.
const http = { requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } };

export const handler = createHandler({
  sns: new SNSClient(http),
  topicArn,
  config,
  // A bucket in another region answers with a redirect; follow it rather than report the check failed.
  s3: config.provenanceCheck
    ? new S3Client({
        followRegionRedirects: true,
        forcePathStyle: !!(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL),
      })
    : undefined,
  cloudTrail: new CloudTrailClient(http),
  securityHub: config.outputs.securityHub ? new SecurityHubClient(http) : undefined,
  eventBridge: config.outputs.soarEventBusArn ? new EventBridgeClient(http) : undefined,
  dynamoDb: idempotencyTable ? new DynamoDBClient(http) : undefined,
  idempotencyTable,
});
