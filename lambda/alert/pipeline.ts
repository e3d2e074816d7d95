// One event, start to finish: decide what it is, judge a watched call (verdict, provenance,
// enrichment), build the alert, decide whether to notify, deliver to each destination once, and
// report. Each step is a named function with its inputs spelled out; `handleEvent` reads top to
// bottom as the path an event takes.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

import {
  applyProvenance,
  buildAlertDocument,
  decideVerdict,
  plannedActions,
  provenanceChecks,
  subjectOf,
  type AlertContext,
  type AlertDocument,
  type AlertFunctionConfig,
  type EventDecider,
  type EventDecision,
  type NonMatchCode,
  type PlannedActions,
  type PriorActivity,
  type Unavailable,
  type Verdict,
  type VerdictSeverities,
} from '../../lib/detection';

import { checkBucketOwner, firstSeen, priorActivity } from './checks';
import {
  destinationsOf,
  sendTo,
  type AlertToSend,
  type Deliverer,
  type DeliveryClients,
  type DeliveryOutcome,
  type DeliveryTargets,
} from './deliver';
import { DeliveryFailedError, UnprocessableEventError, describeError, describeType } from './errors';
import type { MinInterval } from './lookup';

/** What one event came to. */
export type EventResult =
  | {
      readonly status: 'alerted';
      readonly eventId: string | null;
      /** The SNS message id of the e-mail/JSON alert. */
      readonly messageId: string | undefined;
      readonly deliveries: readonly DeliveryOutcome[];
    }
  | { readonly status: 'quiet'; readonly eventId: string | null; readonly reason: string }
  | { readonly status: 'ignored'; readonly code: NonMatchCode; readonly reason: string };

/** The clients the checks and the destinations use; each is created on first use (see index.ts). */
export interface PipelineClients extends DeliveryClients {
  readonly s3?: S3Client;
  readonly cloudTrail?: CloudTrailClient;
  readonly dynamoDb?: DynamoDBClient;
}

/** Everything an event's path needs, made once per container. */
export interface PipelineDependencies {
  readonly config: AlertFunctionConfig;
  readonly decider: EventDecider;
  readonly severities: VerdictSeverities;
  readonly clients: PipelineClients;
  /** The DynamoDB table of delivered events and first-seen marks. */
  readonly idempotencyTable?: string;
  readonly deliverer: Deliverer;
  readonly logger: Logger;
  /** Adds to a count in the invocation's one metric document. */
  readonly count: (name: string, value?: number) => void;
  readonly lookupLimiter: MinInterval;
  readonly now: () => number;
}

/** Where the event came from: EventBridge (live) or a sweep of CloudTrail history. */
export type EventOrigin = 'live' | 'sweep';

/** Decides, judges, alerts and delivers one EventBridge event (or a swept record in its envelope). */
export async function handleEvent(
  envelope: Record<string, unknown>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin = 'live',
): Promise<EventResult> {
  const decision = deps.decider.decide(envelope);
  if (decision.kind === 'ignored') return ignore(envelope, decision, deps);
  if (decision.kind === 'unreadable') throw new UnprocessableEventError(decision.reason);
  const judged =
    decision.kind === 'watched' ? await judgeWatchedCall(decision, targets, deps, origin) : { verdict: undefined };
  const alert = describeAlert(decision, judged, envelope, deps.config);
  const actions = plannedActions(judged.verdict, deps.config.mode, deps.config.notifyApproved);
  if (!actions.notify) return stayQuiet(alert.document, actions, deps);
  const outcomes = await deliverAlert(alert, eventKeyOf(decision.record, envelope), targets, deps, origin);
  return reportDeliveries(alert.document, outcomes, deps);
}

/** An event that is neither a watched call nor tampering: logged and counted, nothing else. */
function ignore(
  envelope: Record<string, unknown>,
  decision: Extract<EventDecision, { kind: 'ignored' }>,
  deps: PipelineDependencies,
): EventResult {
  deps.logger.warn(`ignored: ${decision.reason}, and not a change to the detector`, {
    code: decision.code,
    eventBridgeId: short(envelope.id),
    detailType: short(envelope['detail-type']),
    source: short(envelope.source),
  });
  deps.count('EventsIgnored');
  return { status: 'ignored', code: decision.code, reason: decision.reason };
}

/** What judging a watched call found: the verdict, and what the checks added to the alert. */
interface Judgement {
  readonly verdict?: Verdict;
  readonly context?: AlertContext;
}

/**
 * The verdict of a watched call from the record and the approvals, then the provenance check and
 * enrichment (bounded, never blocking: a check that cannot tell says so), and the verdict again with
 * what provenance found.
 */
async function judgeWatchedCall(
  decision: Extract<EventDecision, { kind: 'watched' }>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin,
): Promise<Judgement> {
  const { config, severities } = deps;
  const verdict = decideVerdict(decision.record, decision.call, config.approvals, severities);
  const { provenance, context } = await gatherContext(decision, targets, deps, origin);
  return { verdict: applyProvenance(verdict, provenance, severities), context };
}

/** The provenance check, the principal's earlier activity and first-seen, in parallel. */
async function gatherContext(
  decision: Extract<EventDecision, { kind: 'watched' }>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin,
): Promise<{ provenance: AlertContext['provenance']; context?: AlertContext }> {
  const { config, clients } = deps;
  const record = decision.record;
  const s3 = config.provenanceCheck ? clients.s3 : undefined;
  const checks = s3 ? provenanceChecks(record, decision.call, config.approvals) : [];
  const enrichment = config.enrichment;
  const dynamoDb = enrichment?.firstSeen && deps.idempotencyTable ? clients.dynamoDb : undefined;
  const [provenance, prior, seen] = await Promise.all([
    Promise.all(checks.map((c) => checkBucketOwner(s3!, c, config.checkTimeoutMs))),
    earlierActivity(record, targets, deps, origin),
    dynamoDb
      ? firstSeen(dynamoDb, deps.idempotencyTable!, record, config.idempotencyDays, config.checkTimeoutMs, deps.now())
      : Promise.resolve(null),
  ]);
  for (const p of provenance) deps.count(`Provenance_${p.status}`);
  if (prior?.status === 'unavailable') deps.count('EnrichmentUnavailable');
  const context =
    provenance.length || prior || seen ? { provenance, priorActivity: prior, firstSeen: seen } : undefined;
  return { provenance, context };
}

/**
 * The principal's Bedrock calls before this one. LookupEvents sees only this account and region,
 * so a forwarded event's history is elsewhere; a sweep leaves the lookup out too, since it shares
 * the 2-per-second limit with its own paging.
 */
function earlierActivity(
  record: Record<string, unknown>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin,
): Promise<PriorActivity | Unavailable | null> {
  const enrichment = deps.config.enrichment;
  if (!enrichment) return Promise.resolve(null);
  const cloudTrail = deps.clients.cloudTrail;
  if (!cloudTrail) return Promise.resolve(null);
  if (origin === 'sweep') return Promise.resolve({ status: 'unavailable', reason: 'not looked up during a sweep' });
  const elsewhere =
    (typeof record.recipientAccountId === 'string' && record.recipientAccountId !== targets.account) ||
    (typeof record.awsRegion === 'string' && record.awsRegion !== targets.region);
  if (elsewhere) {
    return Promise.resolve({
      status: 'unavailable',
      reason: `the call was made in ${String(record.recipientAccountId)}/${String(record.awsRegion)}; LookupEvents here sees only ${targets.account}/${targets.region}`,
    });
  }
  return priorActivity(cloudTrail, record, enrichment, deps.config.checkTimeoutMs, deps.lookupLimiter);
}

/** The alert document of a decided event, and how to build it with shorter values (for SNS). */
function describeAlert(
  decision: Extract<EventDecision, { kind: 'watched' | 'tamper' }>,
  judged: Judgement,
  envelope: Record<string, unknown>,
  config: AlertFunctionConfig,
): AlertToSend {
  const subject = subjectOf(decision, config.severity, config.riskScore);
  const options = {
    verdict: judged.verdict,
    context: judged.context,
    envelope: { account: envelope.account, region: envelope.region, id: envelope.id },
  };
  return {
    document: buildAlertDocument(decision.record, subject, options),
    withFieldCap: (maxFieldLength) => buildAlertDocument(decision.record, subject, { ...options, maxFieldLength }),
  };
}

/** The log fields that identify an alert. */
function summaryOf(alert: AlertDocument) {
  return {
    category: alert.category,
    verdict: alert.verdict?.kind ?? null,
    eventId: alert.event.id,
    eventName: alert.event.name,
    account: alert.event.account,
    region: alert.event.region,
    severity: alert.severity,
  };
}

/** Observe mode, or an approved call: logged and counted with the reasons, sent nowhere. */
function stayQuiet(alert: AlertDocument, actions: PlannedActions, deps: PipelineDependencies): EventResult {
  deps.logger.info(`not notified: ${actions.quietReason}`, { ...summaryOf(alert), reasons: alert.verdict?.reasons });
  deps.count('AlertsNotNotified');
  return { status: 'quiet', eventId: alert.event.id, reason: actions.quietReason ?? '' };
}

/** One key per CloudTrail event: a redelivery, a retry and a sweep all find the same one. */
function eventKeyOf(record: Record<string, unknown>, envelope: Record<string, unknown>): string | undefined {
  if (typeof record.eventID === 'string') return record.eventID;
  return typeof envelope.id === 'string' ? envelope.id : undefined;
}

/** Sends to every destination at once, each at most once per event; one failure does not stop the others. */
async function deliverAlert(
  alert: AlertToSend,
  eventKey: string | undefined,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin,
): Promise<DeliveryOutcome[]> {
  const at = new Date(deps.now());
  return Promise.all(
    destinationsOf(targets, deps.clients).map(async (destination): Promise<DeliveryOutcome> => {
      try {
        const out = await deps.deliverer.deliver(
          eventKey ? { eventKey, destination } : undefined,
          () => sendTo(destination, alert, targets, deps.clients, at),
          origin === 'live',
        );
        if (out.storeProblem) {
          deps.logger.error('idempotency store problem', {
            destination,
            eventId: alert.document.event.id,
            problem: out.storeProblem,
          });
          deps.count('IdempotencyStoreErrors');
        }
        return { destination, ok: true, id: out.id };
      } catch (e) {
        return { destination, ok: false, error: describeError(e) };
      }
    }),
  );
}

/**
 * Logs and counts what was delivered. A destination that still failed makes the invocation fail,
 * so Lambda retries it (only the failed destinations are re-sent) and then dead-letters it with
 * the reason; the others have already delivered.
 */
function reportDeliveries(
  alert: AlertDocument,
  outcomes: readonly DeliveryOutcome[],
  deps: PipelineDependencies,
): EventResult {
  const failed = outcomes.filter((o) => !o.ok);
  // Plain counters in the invocation's one metric document (a dimensioned single metric per
  // destination would cost a document each); the failed destination is in the metric name.
  deps.count('Delivered', outcomes.length - failed.length);
  for (const o of failed) deps.count(`DeliveryFailed_${o.destination}`);
  if (failed.length === outcomes.length) {
    deps.logger.error('alert not delivered', { ...summaryOf(alert), deliveries: outcomes });
    deps.count('AlertsFailed');
  } else {
    deps.logger.info('alerted', { ...summaryOf(alert), deliveries: outcomes });
    deps.count('AlertsPublished');
  }
  if (failed.length > 0) {
    const delivered = outcomes.filter((o) => o.ok).map((o) => o.destination);
    throw new DeliveryFailedError(
      `event ${alert.event.id ?? '(no id)'} (${alert.event.name}): ` +
        failed.map((o) => `${o.destination} failed: ${o.error}`).join('; ') +
        (delivered.length ? `; delivered to ${delivered.join(', ')}` : ''),
    );
  }
  const sns = outcomes.find((o) => o.destination === 'sns');
  return { status: 'alerted', eventId: alert.event.id, messageId: sns?.id, deliveries: outcomes };
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
