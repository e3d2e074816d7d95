// The alerting function's router: made once per container from its dependencies, it sends each
// invocation down one of two named paths: an EventBridge event to `handleEvent` (pipeline.ts), a
// sweep request to `runSweep` (sweep.ts). Anything it cannot process is thrown, so Lambda retries it
// and then dead-letters it with the error.
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
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
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';

import {
  EventDecider,
  METRIC_NAMESPACE,
  SERVICE_NAME,
  customActionEventIds,
  detectorNames,
  isCustomActionEvent,
  parseContainRequest,
  parseFollowUpRequest,
  parseHuntRequest,
  parseSweepRequest,
  resolveWatchedCalls,
  verdictSeverities,
  type AlertFunctionConfig,
} from '../../lib/detection';

import { containEvent, type ContainmentResult } from './contain';
import { createDeliverer, type DeliveryStoreSource, type DeliveryTargets } from './deliver';
import { UnprocessableEventError, describeError, describeType } from './errors';
import { runFollowUp, type FollowUpResult } from './follow-up';
import { runHealthCheck, type HealthResult } from './health';
import { runHuntStep, type HuntStepResult } from './hunt';
import { dynamoDbDeliveryStore } from './idempotency';
import { lookupEventsLimiter, type MinInterval } from './lookup';
import { handleEvent, type EventResult, type PipelineDependencies } from './pipeline';
import { runSweep, type SweepResult } from './sweep';

export { DeliveryFailedError, SweepIncompleteError, UnprocessableEventError } from './errors';

export type HandlerResult =
  | EventResult
  | SweepResult
  | HealthResult
  | FollowUpResult
  | ContainmentResult
  | HuntStepResult
  | {
      readonly status: 'contain-requests';
      readonly results: readonly ContainmentResult[];
      readonly ignored: readonly string[];
    };

export interface HandlerDependencies {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly config: AlertFunctionConfig;
  /** For the provenance check; without it the check is skipped. Read only when a check runs. */
  readonly s3?: S3Client;
  /** For enrichment and sweeps; without it both are skipped. Read only when they run. */
  readonly cloudTrail?: CloudTrailClient;
  readonly securityHub?: SecurityHubClient;
  readonly eventBridge?: EventBridgeClient;
  /** For idempotency and first-seen; with `idempotencyTable`. Read only when a delivery or first-seen runs. */
  readonly dynamoDb?: DynamoDBClient;
  /** For the SageMaker endpoint-swap profile (is the endpoint registered with Bedrock?). */
  readonly bedrock?: BedrockClient;
  /** For listing the enabled regions the reconciliation sweeps. */
  readonly ec2?: EC2Client;
  /** CloudTrail clients in other regions, for that sweep. */
  readonly cloudTrailIn?: (region: string) => CloudTrailClient;
  /** Bedrock clients by region, for the lifecycle follow-up and containment. */
  readonly bedrockIn?: (region: string) => BedrockClient | undefined;
  /** For starting the follow-up state machine. */
  readonly sfn?: SFNClient;
  /** For quarantining a principal (contain mode). */
  readonly iam?: IAMClient;
  /** For reporting a follow-up that could not be recorded to the dead-letter queue. */
  readonly sqs?: SQSClient;
  /** The dead-letter queue's URL. */
  readonly deadLetterQueueUrl?: string;
  /** For the organisation hunt's steps (hunt.ts). Read only when a hunt step runs. */
  readonly athena?: AthenaClient;
  /** The DynamoDB table of delivered events. Without it nothing is de-duplicated. */
  readonly idempotencyTable?: string;
  /** Where Security Hub findings are imported; read from the invocation's function ARN when not given. */
  readonly environment?: { readonly account: string; readonly region: string; readonly partition: string };
  /** @default a Powertools Logger, service `bedrock-supply-chain` */
  readonly logger?: Logger;
  /** @default Powertools Metrics in namespace {@link METRIC_NAMESPACE} */
  readonly metrics?: Metrics;
  /** Spacing of LookupEvents calls. @default 2 per second, shared by the container */
  readonly lookupLimiter?: MinInterval;
  readonly now?: () => number;
}

/**
 * The alerting Lambda, a thin adapter over `lib/detection`: an EventBridge event goes through
 * `handleEvent`, a sweep request (backfill, hourly reconciliation) through `runSweep`.
 */
export function createHandler(
  deps: HandlerDependencies,
): (event: unknown, context?: Context) => Promise<HandlerResult> {
  const config = deps.config;
  const watched = resolveWatchedCalls(config);
  const metrics = deps.metrics ?? new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME });
  const pipeline: PipelineDependencies = {
    config,
    decider: new EventDecider({
      calls: watched,
      names: detectorNames(config.namePrefix),
      guardrailPolicyIds: config.guardrailPolicyIds,
      trails: config.trail?.name !== undefined && config.trail.kind !== 'create' ? [config.trail.name] : [],
      probing: config.signals.probing,
      createThenDelete: config.signals.createThenDelete,
    }),
    severities: verdictSeverities(config),
    // The clients are read where they are used, never here: index.ts creates each on first use.
    clients: deps,
    idempotencyTable: deps.idempotencyTable,
    deliverer: createDeliverer(deliveryStore(deps, config.idempotencyDays), deps.now),
    logger: deps.logger ?? new Logger({ serviceName: SERVICE_NAME }),
    count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
    lookupLimiter: deps.lookupLimiter ?? lookupEventsLimiter,
    now: deps.now ?? Date.now,
  };

  return async function handler(event: unknown, lambdaContext?: Context): Promise<HandlerResult> {
    if (lambdaContext) {
      pipeline.logger.addContext(lambdaContext);
      pipeline.deliverer.registerLambdaContext(lambdaContext);
    }
    try {
      if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new UnprocessableEventError(`expected an EventBridge event object, got ${describeType(event)}`);
      }
      const envelope = event as Record<string, unknown>;
      const targets = deliveryTargets(config, deps, lambdaContext);
      const hunt = parseHuntRequest(envelope);
      if (typeof hunt === 'string') throw new UnprocessableEventError(hunt);
      if (hunt) return await runHuntStep(hunt, watched, targets, pipeline, deps.athena, lambdaContext);
      const request = parseSweepRequest(envelope);
      if (typeof request === 'string') throw new UnprocessableEventError(request);
      if (request?.kind === 'health') return await runHealthCheck(targets, pipeline);
      if (request) return await runSweep(request, watched, targets, pipeline, lambdaContext);
      const followUp = parseFollowUpRequest(envelope);
      if (typeof followUp === 'string') throw new UnprocessableEventError(followUp);
      if (followUp) return await runFollowUp(followUp.eventId, targets, pipeline);
      const contain = parseContainRequest(envelope);
      if (typeof contain === 'string') throw new UnprocessableEventError(contain);
      if (contain) {
        // A new request is reported anew; Lambda's retries of it keep its request id.
        return await containEvent(contain.eventId, targets, pipeline, lambdaContext?.awsRequestId ?? 'by-hand');
      }
      if (isCustomActionEvent(envelope)) return await containFindings(envelope, targets, pipeline);
      return await handleEvent(envelope, targets, pipeline);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** The delivery store over the detector's table, made on first delivery (the DynamoDB client with it). */
function deliveryStore(deps: HandlerDependencies, days: number): DeliveryStoreSource | undefined {
  const tableName = deps.idempotencyTable;
  if (!tableName) return undefined;
  return () => {
    const client = deps.dynamoDb;
    return client ? dynamoDbDeliveryStore(client, tableName, days) : undefined;
  };
}

function deliveryTargets(config: AlertFunctionConfig, deps: HandlerDependencies, context?: Context): DeliveryTargets {
  const arn = /^arn:([^:]+):lambda:([^:]+):(\d{12}):/.exec(context?.invokedFunctionArn ?? '');
  const environment = deps.environment ?? {
    partition: arn?.[1] ?? 'aws',
    region: arn?.[2] ?? process.env.AWS_REGION ?? 'us-east-1',
    account: arn?.[3] ?? '000000000000',
  };
  const accountKnown = deps.environment !== undefined || arn !== null;
  return { ...config.outputs, topicArn: deps.topicArn, namePrefix: config.namePrefix, ...environment, accountKnown };
}

/**
 * The Security Hub custom action "Contain this model": contains each of the detector's findings in
 * the event (each by its own recorded plan); the others are logged and counted. A containment that
 * fails does not stop the others; the invocation then fails with every reason (retried, then
 * dead-lettered).
 */
async function containFindings(
  envelope: Record<string, unknown>,
  targets: DeliveryTargets,
  pipeline: PipelineDependencies,
): Promise<HandlerResult> {
  const { eventIds, others } = customActionEventIds(envelope, targets.namePrefix);
  for (const other of others) pipeline.logger.warn(`custom action: ${other}`);
  if (others.length) pipeline.count('ContainRequestsIgnored', others.length);
  const results: ContainmentResult[] = [];
  const failures: string[] = [];
  for (const eventId of eventIds) {
    try {
      results.push(await containEvent(eventId, targets, pipeline, `action-${String(envelope.id ?? 'unknown')}`));
    } catch (e) {
      failures.push(`${eventId}: ${describeError(e)}`);
    }
  }
  if (failures.length) throw new Error(`containment failed for ${failures.join('; ')}`);
  return { status: 'contain-requests', results, ignored: others };
}
