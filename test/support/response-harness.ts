// A handler with every client the lifecycle follow-up and contain mode use, each a real SDK v3
// client pointed at the local endpoint, and helpers to read what went over the wire.
/* eslint-disable @typescript-eslint/no-explicit-any -- the alerts are read as the JSON they are */
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

import { createHandler } from '../../lambda/alert/handler';
import { MinInterval } from '../../lambda/alert/lookup';
import { DEFAULT_ALERT_FUNCTION_CONFIG, type AlertFunctionConfig } from '../../lib/detection';
import type { LocalAws, Service } from '../../tools/local-aws/server';

export const ACCOUNT = '111122223333';
export const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`;
export const TABLE = 'bedrock-supply-chain-idempotency';
export const QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/bedrock-supply-chain-dead-letters`;
export const SOAR_BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/soar`;
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const ENVIRONMENT = { account: ACCOUNT, region: 'us-east-1', partition: 'aws' };

/** Every destination on; the checks that need other services off, so the requests are the response's. */
export const RESPONSE_BASE: AlertFunctionConfig = {
  ...DEFAULT_ALERT_FUNCTION_CONFIG,
  provenanceCheck: false,
  enrichment: null,
  checkTimeoutMs: 500,
  outputs: { securityHub: true, soarEventBusArn: SOAR_BUS },
};

/** A handler over the local endpoint; `maxAttempts` 3 (the SDK's default), so one throttle is retried. */
export function responseHandler(aws: LocalAws, config: Partial<AlertFunctionConfig> = {}, now?: () => number) {
  const common = {
    region: 'us-east-1',
    endpoint: aws.endpoint,
    credentials: CREDENTIALS,
    maxAttempts: 3,
    retryMode: 'standard',
  };
  const bedrocks = new Map<string, BedrockClient>();
  return createHandler({
    sns: new SNSClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    cloudTrail: new CloudTrailClient(common),
    dynamoDb: new DynamoDBClient({ ...common, maxAttempts: 1 }),
    securityHub: new SecurityHubClient(common),
    eventBridge: new EventBridgeClient(common),
    bedrockIn: (region) => {
      if (!bedrocks.has(region)) bedrocks.set(region, new BedrockClient({ ...common, region }));
      return bedrocks.get(region);
    },
    sfn: new SFNClient(common),
    iam: new IAMClient({ ...common, region: 'us-east-1' }),
    sqs: new SQSClient(common),
    deadLetterQueueUrl: QUEUE_URL,
    topicArn: TOPIC,
    config: { ...RESPONSE_BASE, ...config },
    idempotencyTable: TABLE,
    environment: ENVIRONMENT,
    lookupLimiter: new MinInterval(0),
    now,
  });
}

export function wire(aws: LocalAws) {
  const of = (service: Service, operation?: string) =>
    aws.requests.filter((r) => r.service === service && (!operation || r.operation === operation));
  return {
    of,
    /** The JSON alerts published to SNS, in order. */
    alerts: () =>
      of('sns', 'Publish').map((r) => JSON.parse(JSON.parse(String(r.params.Message)).sqs) as Record<string, any>),
    subjects: () => of('sns', 'Publish').map((r) => String(r.params.Subject)),
    /** Requests that change something in Bedrock or IAM (what containment does). */
    changes: () =>
      aws.requests
        .filter(
          (r) =>
            (r.service === 'bedrock' && !/^GET /.test(r.operation) && r.operation !== 'POST /listTagsForResource') ||
            r.service === 'iam',
        )
        .map((r) =>
          r.service === 'iam'
            ? `iam ${r.operation} ${String(r.params.RoleName ?? r.params.UserName)}`
            : `bedrock ${r.operation}`,
        ),
  };
}

/** A job or resource on the local endpoint. */
export function putBedrock(aws: LocalAws, id: string, get: Record<string, unknown>, tags: Record<string, string> = {}) {
  aws.response.bedrock.set(id, { get, tags: new Map(Object.entries(tags)) });
}
