import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';

import {
  TamperClassifier,
  WatchedCallClassifier,
  applyProvenance,
  decideVerdict,
  detectorNames,
  parseSweepRequest,
  plannedActions,
  provenanceChecks,
  renderSnsMessage,
  resolveWatchedCalls,
  sweepEnvelope,
  METRIC_NAMESPACE,
  SERVICE_NAME,
  verdictSeverities,
  type AlertContext,
  type AlertFunctionConfig,
  type AlertSpec,
  type NonMatchCode,
  type PriorActivity,
  type Unavailable,
  type SweepRequest,
} from '../../lib/detection';

import { MinInterval, checkBucketOwner, describeError, firstSeen, lookupEventsLimiter, priorActivity } from './checks';
import { createDeliverer, destinationsOf, sendTo, type DeliveryOutcome, type DeliveryTargets } from './deliver';

/** Thrown for an event the handler cannot process; Lambda retries it, then dead-letters it with this message. */
export class UnprocessableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableEventError';
  }
}

/** Thrown when a destination still fails after the SDK's retries; Lambda retries only the failed ones. */
export class DeliveryFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryFailedError';
  }
}

/** Thrown when a sweep could not read or deliver everything; the message says what is missing. */
export class SweepIncompleteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepIncompleteError';
  }
}

export type HandlerResult =
  | {
      readonly status: 'alerted';
      readonly eventId: string | null;
      /** The SNS message id of the e-mail/JSON alert. */
      readonly messageId: string | undefined;
      readonly deliveries: readonly DeliveryOutcome[];
    }
  | { readonly status: 'quiet'; readonly eventId: string | null; readonly reason: string }
  | { readonly status: 'ignored'; readonly code: NonMatchCode; readonly reason: string }
  | {
      readonly status: 'swept';
      readonly kind: SweepRequest['kind'];
      readonly found: number;
      readonly alerted: number;
      readonly quiet: number;
      readonly ignored: number;
    };

export interface HandlerDependencies {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly config: AlertFunctionConfig;
  /** For the provenance check; without it the check is skipped. */
  readonly s3?: S3Client;
  /** For enrichment and sweeps; without it both are skipped. */
  readonly cloudTrail?: CloudTrailClient;
  readonly securityHub?: SecurityHubClient;
  readonly eventBridge?: EventBridgeClient;
  /** For idempotency and first-seen; with `idempotencyTable`. */
  readonly dynamoDb?: DynamoDBClient;
  /** The DynamoDB table of delivered events (Powertools idempotency). Without it nothing is de-duplicated. */
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

/** A sweep stops this long before the function's timeout and reports itself incomplete. */
const SWEEP_TIME_MARGIN_MS = 30_000;
/** At most this many LookupEvents pages (50 events each) per watched call and sweep. */
const MAX_SWEEP_PAGES = 200;

/**
 * The alerting Lambda, a thin adapter over `lib/detection`:
 *
 * - an EventBridge event: classify; for a watched call, decide the verdict, check provenance and
 *   enrich (bounded, never blocking), then deliver to each destination once (idempotent per event and
 *   destination). A destination that still fails after the SDK's retries makes the invocation fail,
 *   so Lambda retries it (only the failed destinations are re-sent) and then dead-letters it with
 *   the reason. The others have already delivered.
 * - a sweep request (backfill, hourly reconciliation): read the watched calls back from CloudTrail
 *   and put each through the same path.
 * - anything that cannot be processed: thrown, so it is retried and then dead-lettered with the error.
 */
export function createHandler(
  deps: HandlerDependencies,
): (event: unknown, context?: Context) => Promise<HandlerResult> {
  const config = deps.config;
  const watched = resolveWatchedCalls(config);
  const classifier = new WatchedCallClassifier(watched);
  const tamper = new TamperClassifier(detectorNames(config.namePrefix), config.guardrailPolicyIds);
  const severities = verdictSeverities(config);
  const logger = deps.logger ?? new Logger({ serviceName: SERVICE_NAME });
  const metrics = deps.metrics ?? new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME });
  const now = deps.now ?? Date.now;
  const limiter = deps.lookupLimiter ?? lookupEventsLimiter;
  const store =
    deps.idempotencyTable && deps.dynamoDb
      ? new DynamoDBPersistenceLayer({ tableName: deps.idempotencyTable, awsSdkV3Client: deps.dynamoDb })
      : undefined;
  const deliverer = createDeliverer(store, config.idempotencyDays);
  const count = (name: string) => metrics.addMetric(name, MetricUnit.Count, 1);

  async function context(
    record: Record<string, unknown>,
    call: Parameters<typeof provenanceChecks>[1],
    targets: DeliveryTargets,
    fromSweep: boolean,
  ) {
    const checks = config.provenanceCheck && deps.s3 ? provenanceChecks(record, call, config.approvals) : [];
    const enrichment = config.enrichment;
    // LookupEvents sees only this account and region: a forwarded event's history is elsewhere. A
    // sweep leaves the lookup out too: it shares the 2-per-second limit with its own paging.
    const lookupElsewhere =
      (typeof record.recipientAccountId === 'string' && record.recipientAccountId !== targets.account) ||
      (typeof record.awsRegion === 'string' && record.awsRegion !== targets.region);
    const lookup = (): Promise<PriorActivity | Unavailable | null> =>
      !enrichment || !deps.cloudTrail
        ? Promise.resolve(null)
        : fromSweep
          ? Promise.resolve({ status: 'unavailable', reason: 'not looked up during a sweep' })
          : lookupElsewhere
            ? Promise.resolve({
                status: 'unavailable',
                reason: `the call was made in ${String(record.recipientAccountId)}/${String(record.awsRegion)}; LookupEvents here sees only ${targets.account}/${targets.region}`,
              })
            : priorActivity(deps.cloudTrail, record, enrichment, config.checkTimeoutMs, limiter);
    const [provenance, prior, seen] = await Promise.all([
      Promise.all(checks.map((c) => checkBucketOwner(deps.s3!, c, config.checkTimeoutMs))),
      lookup(),
      enrichment?.firstSeen && deps.dynamoDb && deps.idempotencyTable
        ? firstSeen(deps.dynamoDb, deps.idempotencyTable, record, config.idempotencyDays, config.checkTimeoutMs, now())
        : Promise.resolve(null),
    ]);
    for (const p of provenance) count(`Provenance_${p.status}`);
    if (prior?.status === 'unavailable') count('EnrichmentUnavailable');
    const ctx: AlertContext | undefined =
      provenance.length || prior || seen ? { provenance, priorActivity: prior, firstSeen: seen } : undefined;
    return { provenance, ctx };
  }

  async function processEvent(
    envelope: Record<string, unknown>,
    targets: DeliveryTargets,
    fromSweep = false,
  ): Promise<HandlerResult> {
    const decision = classifier.classifyEvent(envelope);
    const tampering = decision.matched ? undefined : tamper.classifyEvent(envelope);
    if (!decision.matched && !tampering?.matched) {
      logger.warn(`ignored: ${decision.reason}, and not a change to the detector`, {
        code: decision.code,
        eventBridgeId: short(envelope.id),
        detailType: short(envelope['detail-type']),
        source: short(envelope.source),
      });
      count('EventsIgnored');
      return { status: 'ignored', code: decision.code, reason: decision.reason };
    }
    const what = decision.matched ? decision.call : (tampering as { spec: AlertSpec }).spec;
    const detail = envelope.detail;
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      throw new UnprocessableEventError(
        `event matched ${what.eventName} but its detail is ${describeType(detail)}, not a CloudTrail record object`,
      );
    }
    const record = detail as Record<string, unknown>;
    // Supply-chain calls get a verdict and the checks; tampering is always notified (observe mode aside).
    let verdict = decision.matched ? decideVerdict(record, decision.call, config.approvals, severities) : undefined;
    let alertContext: AlertContext | undefined;
    if (decision.matched && verdict) {
      const { provenance, ctx } = await context(record, decision.call, targets, fromSweep);
      verdict = applyProvenance(verdict, provenance, severities);
      alertContext = ctx;
    }
    const { alert, sns } = renderSnsMessage(record, what, {
      severity: config.severity,
      riskScore: config.riskScore,
      verdict,
      context: alertContext,
      envelope: { account: envelope.account, region: envelope.region, id: envelope.id },
    });
    const summary = {
      category: alert.category,
      verdict: alert.verdict?.kind ?? null,
      eventId: alert.event.id,
      eventName: alert.event.name,
      account: alert.event.account,
      region: alert.event.region,
      severity: alert.severity,
    };
    const actions = plannedActions(verdict, config.mode, config.notifyApproved);
    if (!actions.notify) {
      logger.info(`not notified: ${actions.quietReason}`, { ...summary, reasons: alert.verdict?.reasons });
      count('AlertsNotNotified');
      return { status: 'quiet', eventId: alert.event.id, reason: actions.quietReason ?? '' };
    }

    // One key per CloudTrail event: a redelivery, a retry and a sweep all find the same one.
    const eventKey =
      typeof record.eventID === 'string' ? record.eventID : typeof envelope.id === 'string' ? envelope.id : undefined;
    const at = new Date(now());
    const outcomes = await Promise.all(
      destinationsOf(targets, deps).map(async (destination): Promise<DeliveryOutcome> => {
        try {
          const out = await deliverer.deliver(
            eventKey ? { eventKey, destination } : undefined,
            () => sendTo(destination, alert, sns, targets, deps, at),
            !fromSweep,
          );
          if (out.storeProblem) {
            logger.error('idempotency store problem', {
              destination,
              eventId: alert.event.id,
              problem: out.storeProblem,
            });
            count('IdempotencyStoreErrors');
          }
          return { destination, ok: true, id: out.id };
        } catch (e) {
          return { destination, ok: false, error: describeError(e) };
        }
      }),
    );
    const failed = outcomes.filter((o) => !o.ok);
    // Plain counters in the invocation's one metric document (a dimensioned single metric per
    // destination would cost a document each); the failed destination is in the metric name.
    metrics.addMetric('Delivered', MetricUnit.Count, outcomes.length - failed.length);
    for (const o of failed) count(`DeliveryFailed_${o.destination}`);
    if (failed.length === outcomes.length) {
      logger.error('alert not delivered', { ...summary, deliveries: outcomes });
      count('AlertsFailed');
    } else {
      logger.info('alerted', { ...summary, deliveries: outcomes });
      count('AlertsPublished');
    }
    if (failed.length > 0) {
      throw new DeliveryFailedError(
        `event ${alert.event.id ?? '(no id)'} (${alert.event.name}): ` +
          failed.map((o) => `${o.destination} failed: ${o.error}`).join('; ') +
          (failed.length < outcomes.length
            ? `; delivered to ${outcomes
                .filter((o) => o.ok)
                .map((o) => o.destination)
                .join(', ')}`
            : ''),
      );
    }
    const snsOutcome = outcomes.find((o) => o.destination === 'sns');
    return { status: 'alerted', eventId: alert.event.id, messageId: snsOutcome?.id, deliveries: outcomes };
  }

  async function sweep(
    request: SweepRequest,
    targets: DeliveryTargets,
    lambdaContext?: Context,
  ): Promise<HandlerResult> {
    if (!deps.cloudTrail) throw new SweepIncompleteError('no CloudTrail client: cannot sweep');
    const end = now();
    const start = end - request.lookbackMinutes * 60_000;
    const tally = { found: 0, alerted: 0, quiet: 0, ignored: 0 };
    const problems: string[] = [];
    let stopped: string | undefined;
    // Read every watched call's history first, then handle the events oldest first, so that
    // "first seen" marks the earliest call and a sweep that runs out of time has done the oldest.
    const envelopes: Record<string, unknown>[] = [];
    reading: for (const call of watched) {
      let token: string | undefined;
      let pages = 0;
      do {
        if (lambdaContext && lambdaContext.getRemainingTimeInMillis() < SWEEP_TIME_MARGIN_MS) {
          stopped = `stopped before the function timeout while reading ${call.eventName}`;
          break reading;
        }
        await limiter.wait();
        let page;
        try {
          page = await deps.cloudTrail.send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: call.eventName }],
              StartTime: new Date(start),
              EndTime: new Date(end),
              MaxResults: 50,
              NextToken: token,
            }),
          );
        } catch (e) {
          problems.push(`LookupEvents ${call.eventName}: ${describeError(e)}`);
          break;
        }
        if (page.NextToken !== undefined && page.NextToken === token) {
          problems.push(`LookupEvents ${call.eventName}: the same page token came back; stopped`);
          break;
        }
        token = page.NextToken;
        if (++pages > MAX_SWEEP_PAGES) {
          problems.push(`LookupEvents ${call.eventName}: more than ${MAX_SWEEP_PAGES} pages; stopped`);
          break;
        }
        for (const looked of page.Events ?? []) {
          tally.found++;
          const envelope = sweepEnvelope(looked);
          if (typeof envelope === 'string') problems.push(envelope);
          else envelopes.push(envelope);
        }
      } while (token);
    }
    const timeOf = (e: Record<string, unknown>) => Date.parse(typeof e.time === 'string' ? e.time : '') || 0;
    envelopes.sort((a, b) => timeOf(a) - timeOf(b));
    for (const [i, envelope] of envelopes.entries()) {
      if (lambdaContext && lambdaContext.getRemainingTimeInMillis() < SWEEP_TIME_MARGIN_MS) {
        stopped = `stopped before the function timeout with ${envelopes.length - i} events left, from ${String(envelope.time)}`;
        break;
      }
      try {
        const result = await processEvent(envelope, targets, true);
        if (result.status === 'alerted') tally.alerted++;
        else if (result.status === 'quiet') tally.quiet++;
        else tally.ignored++;
      } catch (e) {
        problems.push(`${String(envelope.id)}: ${describeError(e)}`);
      }
    }
    logger.info(`${request.kind} sweep`, { ...tally, lookbackMinutes: request.lookbackMinutes, problems, stopped });
    metrics.addMetric('SweepEventsFound', MetricUnit.Count, tally.found);
    if (problems.length || stopped) {
      count('SweepFailures');
      throw new SweepIncompleteError(
        `${request.kind} sweep incomplete (${tally.found} found, ${tally.alerted} alerted): ` +
          [...(stopped ? [stopped] : []), ...problems.slice(0, 10)].join('; ') +
          (problems.length > 10 ? `; and ${problems.length - 10} more` : ''),
      );
    }
    return { status: 'swept', kind: request.kind, ...tally };
  }

  return async function handler(event: unknown, lambdaContext?: Context): Promise<HandlerResult> {
    if (lambdaContext) {
      logger.addContext(lambdaContext);
      deliverer.config.registerLambdaContext(lambdaContext);
    }
    try {
      if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new UnprocessableEventError(`expected an EventBridge event object, got ${describeType(event)}`);
      }
      const envelope = event as Record<string, unknown>;
      const targets = deliveryTargets(config, deps, lambdaContext);
      const request = parseSweepRequest(envelope);
      if (typeof request === 'string') throw new UnprocessableEventError(request);
      if (request) return await sweep(request, targets, lambdaContext);
      return await processEvent(envelope, targets);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

function deliveryTargets(config: AlertFunctionConfig, deps: HandlerDependencies, context?: Context): DeliveryTargets {
  const arn = /^arn:([^:]+):lambda:([^:]+):(\d{12}):/.exec(context?.invokedFunctionArn ?? '');
  const environment = deps.environment ?? {
    partition: arn?.[1] ?? 'aws',
    region: arn?.[2] ?? process.env.AWS_REGION ?? 'us-east-1',
    account: arn?.[3] ?? '000000000000',
  };
  return { ...config.outputs, topicArn: deps.topicArn, namePrefix: config.namePrefix, ...environment };
}

function describeType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A log-safe rendering of an envelope field (JSON escapes control characters; capped). */
function short(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    // Nested too deeply for JSON.stringify (an event can be); the log line must still be written.
    text = `[${describeType(value)} that cannot be printed]`;
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
