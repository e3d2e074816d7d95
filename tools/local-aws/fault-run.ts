// A fault-injection run: many events through the real handler, with real SDK clients, against a
// local AWS endpoint that fails a share of requests to each destination. Lambda's asynchronous
// invocation is reproduced: up to three attempts per event, then the on-failure destination (the
// dead-letter queue) gets the event with the error. Shared by the fault test and the benchmark.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';

import { createHandler } from '../../lambda/alert/handler';
import { DEFAULT_ALERT_FUNCTION_CONFIG, type AlertFunctionConfig } from '../../lib/detection';

import type { FaultKind, LocalAws, Service } from './server';

const ACCOUNT = '111122223333';
export const FAULT_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`;
export const FAULT_CHAT_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-chat`;
const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/soar`;
const DESTINATIONS = ['sns', 'chat', 'securityHub', 'soar'] as const;
const LAMBDA_CONTEXT = {
  functionName: 'bedrock-supply-chain-alert',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bedrock-supply-chain-alert`,
  awsRequestId: 'fault-run',
  getRemainingTimeInMillis: () => 600_000,
} as unknown as import('aws-lambda').Context;
type Destination = (typeof DESTINATIONS)[number];

/** The CloudTrail record every event of the run carries (with its own event id): a model import. */
const IMPORT_RECORD = path.join(__dirname, '..', '..', 'test', 'fixtures', 'cloudtrail', 'pos-import-01.json');

/** The EventBridge event that carries `detail` as CloudTrail delivers a Bedrock API call. */
function bedrockEvent(detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.bedrock',
    account: detail.recipientAccountId,
    time: detail.eventTime,
    region: detail.awsRegion,
    resources: [],
    detail,
  };
}

export interface FaultRunOptions {
  readonly events: number;
  /** Share of requests to each destination's service that fail. */
  readonly share: number;
  readonly kinds?: readonly FaultKind[];
  /** Attempts per event: Lambda's first try and its two asynchronous retries. @default 3 */
  readonly attempts?: number;
  /** Events in flight at once. @default 16 */
  readonly concurrency?: number;
  readonly seed?: number;
}

export interface FaultRunResult {
  readonly events: number;
  /** Events every destination received. */
  readonly delivered: number;
  /** Events in the dead-letter queue, each with the reason Lambda would record. */
  readonly deadLettered: { readonly eventId: string; readonly error: string }[];
  /** (event, destination) pairs the service answered more than once. */
  readonly duplicates: number;
  /** Events neither fully delivered nor dead-lettered, or dead-lettered without naming each missing destination. */
  readonly lost: string[];
  readonly requests: number;
  readonly injected: number;
  readonly elapsedMs: number;
}

function eventIdOf(service: Service, params: Record<string, unknown>): [Destination, string] | undefined {
  if (service === 'sns') {
    const message = String(params.Message ?? '');
    const id = /"(?:eventId|id)\\?"\s*:\s*\\?"(fault-[0-9]+)/.exec(message)?.[1];
    if (!id) return undefined;
    return [params.TopicArn === FAULT_CHAT_TOPIC ? 'chat' : 'sns', id];
  }
  if (service === 'securityhub') {
    const id = /(fault-[0-9]+)$/.exec(String((params.Findings as { Id: string }[])?.[0]?.Id))?.[1];
    return id ? ['securityHub', id] : undefined;
  }
  if (service === 'events') {
    const id = /"id":"(fault-[0-9]+)"/.exec(String((params.Entries as { Detail: string }[])?.[0]?.Detail))?.[1];
    return id ? ['soar', id] : undefined;
  }
  return undefined;
}

export async function faultRun(aws: LocalAws, options: FaultRunOptions): Promise<FaultRunResult> {
  const common = {
    region: 'us-east-1',
    endpoint: aws.endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    // The SDK's own retries (3 attempts, as in Lambda), with the backoff shortened for the run.
    retryStrategy: new ConfiguredRetryStrategy(3, () => 5),
  };
  const config: AlertFunctionConfig = {
    ...DEFAULT_ALERT_FUNCTION_CONFIG,
    provenanceCheck: false,
    enrichment: null,
    outputs: { securityHub: true, chatTopicArn: FAULT_CHAT_TOPIC, soarEventBusArn: BUS },
  };
  const handler = createHandler({
    sns: new SNSClient(common),
    securityHub: new SecurityHubClient(common),
    eventBridge: new EventBridgeClient(common),
    dynamoDb: new DynamoDBClient(common),
    idempotencyTable: 'bedrock-supply-chain-idempotency',
    topicArn: FAULT_TOPIC,
    config,
    environment: { account: ACCOUNT, region: 'us-east-1', partition: 'aws' },
  });
  aws.reset();
  aws.items.clear();
  for (const service of ['sns', 'securityhub', 'events'] as const) {
    aws.failShare(
      service,
      options.share,
      options.kinds ?? ['error', 'throttle', 'slow', 'reset'],
      (options.seed ?? 7) + service.length,
    );
  }
  const base = JSON.parse(fs.readFileSync(IMPORT_RECORD, 'utf8')) as Record<string, unknown>;
  const deadLettered: { eventId: string; error: string }[] = [];
  const started = Date.now();
  let next = 0;
  const attempts = options.attempts ?? 3;
  const worker = async () => {
    while (next < options.events) {
      const i = next++;
      const eventId = `fault-${i}`;
      const event = bedrockEvent({ ...base, eventID: eventId });
      let lastError = '';
      for (let attempt = 0; attempt < attempts; attempt++) {
        try {
          await handler(event, LAMBDA_CONTEXT);
          lastError = '';
          break;
        } catch (e) {
          lastError = (e as Error).message;
        }
      }
      if (lastError) deadLettered.push({ eventId, error: lastError });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  const elapsedMs = Date.now() - started;

  // What each service actually answered (a slow answer is still an answer).
  const received = new Map<string, number>();
  let injected = 0;
  for (const r of aws.requests) {
    if (r.fault && r.fault !== 'slow') {
      injected++;
      continue;
    }
    if (r.fault === 'slow') injected++;
    const key = eventIdOf(r.service, r.params);
    if (key) received.set(key.join(' '), (received.get(key.join(' ')) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of received.values()) if (n > 1) duplicates++;
  const dead = new Map(deadLettered.map((d) => [d.eventId, d.error]));
  const lost: string[] = [];
  let delivered = 0;
  for (let i = 0; i < options.events; i++) {
    const eventId = `fault-${i}`;
    const missing = DESTINATIONS.filter((d) => !received.has(`${d} ${eventId}`));
    if (missing.length === 0) {
      delivered++;
      continue;
    }
    const error = dead.get(eventId);
    // Dead-lettered, and the reason names every destination that did not receive it.
    if (!error || !missing.every((d) => error.includes(`${d} failed: `))) lost.push(eventId);
  }
  return {
    events: options.events,
    delivered,
    deadLettered,
    duplicates,
    lost,
    requests: aws.requests.length,
    injected,
    elapsedMs,
  };
}
