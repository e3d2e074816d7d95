// Lambda entry point (cold start): read the configuration, create the SNS client, and delegate to
// the handler. Every other client is created the first time it is used, and only when its feature is
// on: watched calls are rare, so nearly every alert is a cold start, and what an event does not need
// should not be loaded before it. Every client takes its endpoint from the SDK's own settings
// (AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL), which is how the tests point them at a local server.
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';

import {
  ALERT_CONFIG_ENV,
  ALERT_TOPIC_ENV,
  DEAD_LETTER_QUEUE_ENV,
  IDEMPOTENCY_TABLE_ENV,
  parseAlertFunctionConfig,
} from '../../lib/detection';

import { createHandler, type HandlerDependencies } from './handler';
import { loadAthena } from './hunt';
import { load } from './sdk';

const topicArn = process.env[ALERT_TOPIC_ENV];
if (!topicArn) throw new Error(`${ALERT_TOPIC_ENV} is not set: the alerting function has nowhere to publish`);
const config = parseAlertFunctionConfig(process.env[ALERT_CONFIG_ENV]);
const idempotencyTable = process.env[IDEMPOTENCY_TABLE_ENV] || undefined;

// Every request is bounded: a stalled connection must not hold an alert for the function's timeout.
const http = { requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } };

/** Creates a value on first read, once. */
function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

const s3 = once(
  (): S3Client =>
    new (load.s3().S3Client)({
      // A bucket in another region answers with a redirect; follow it rather than report the check failed.
      followRegionRedirects: true,
      forcePathStyle: !!(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL),
    }),
);
const cloudTrail = once((): CloudTrailClient => new (load.cloudTrail().CloudTrailClient)(http));
const securityHub = once((): SecurityHubClient => new (load.securityHub().SecurityHubClient)(http));
const eventBridge = once((): EventBridgeClient => new (load.eventBridge().EventBridgeClient)(http));
const athena = once((): AthenaClient => new (loadAthena().AthenaClient)(http));
const dynamoDb = once((): DynamoDBClient => new (load.dynamoDb().DynamoDBClient)(http));
/**
 * A client whose SDK module the Lambda runtime may not carry (the bundle leaves the SDK external):
 * undefined when it cannot be loaded, logged once, so its check reports itself skipped rather than
 * failing every event that needs it.
 */
function optional<T>(name: string, make: () => T): () => T | undefined {
  return once(() => {
    try {
      return make();
    } catch (e) {
      console.error(JSON.stringify({ level: 'ERROR', message: `${name} could not be loaded`, error: String(e) }));
      return undefined;
    }
  });
}
const bedrock = optional('@aws-sdk/client-bedrock', (): BedrockClient => new (load.bedrock().BedrockClient)(http));
const ec2 = optional('@aws-sdk/client-ec2', (): EC2Client => new (load.ec2().EC2Client)(http));
/** A CloudTrail client per region, for sweeping the regions no rule watches. */
const cloudTrails = new Map<string, CloudTrailClient>();
function cloudTrailIn(region: string): CloudTrailClient {
  let client = cloudTrails.get(region);
  if (!client) {
    client = new (load.cloudTrail().CloudTrailClient)({ ...http, region });
    cloudTrails.set(region, client);
  }
  return client;
}

/** A Bedrock client per region, for the lifecycle follow-up and containment (undefined if the SDK module is missing). */
const bedrocks = new Map<string, BedrockClient | undefined>();
function bedrockIn(region: string): BedrockClient | undefined {
  if (!bedrocks.has(region)) {
    bedrocks.set(
      region,
      optional('@aws-sdk/client-bedrock', () => new (load.bedrock().BedrockClient)({ ...http, region }))(),
    );
  }
  return bedrocks.get(region);
}
const sfn = optional('@aws-sdk/client-sfn', (): SFNClient => new (load.sfn().SFNClient)(http));
const iam = optional('@aws-sdk/client-iam', (): IAMClient => new (load.iam().IAMClient)(http));
const sqs = optional('@aws-sdk/client-sqs', (): SQSClient => new (load.sqs().SQSClient)(http));
const deadLetterQueueUrl = process.env[DEAD_LETTER_QUEUE_ENV] || undefined;
const contains = config.mode === 'contain' && config.containment !== null;

const dependencies: HandlerDependencies = {
  sns: new SNSClient(http),
  topicArn,
  config,
  idempotencyTable,
  get s3() {
    return config.provenanceCheck ? s3() : undefined;
  },
  get cloudTrail() {
    return cloudTrail();
  },
  get securityHub() {
    return config.outputs.securityHub ? securityHub() : undefined;
  },
  get eventBridge() {
    return config.outputs.soarEventBusArn ? eventBridge() : undefined;
  },
  get dynamoDb() {
    return idempotencyTable ? dynamoDb() : undefined;
  },
  get bedrock() {
    return config.sourceProfiles.includes('sagemaker-endpoint-swaps') ? bedrock() : undefined;
  },
  get ec2() {
    return config.watchedRegions !== null ? ec2() : undefined;
  },
  cloudTrailIn,
  get bedrockIn() {
    return config.followUp !== null || contains ? bedrockIn : undefined;
  },
  get sfn() {
    return config.followUp !== null ? sfn() : undefined;
  },
  get iam() {
    return contains ? iam() : undefined;
  },
  get sqs() {
    return deadLetterQueueUrl ? sqs() : undefined;
  },
  deadLetterQueueUrl,
  get athena() {
    return athena();
  },
};

export const handler = createHandler(dependencies);
