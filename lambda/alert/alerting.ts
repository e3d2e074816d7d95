// Alerting, shared by every kind of event: the pipeline's types and dependencies, and the last steps
// of every path: describe the alert, decide whether to notify (observe mode, approved calls),
// deliver to each destination once, and report. Also how an ignored event is logged.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';

import {
  buildAlertDocument,
  plannedActions,
  type AlertDocument,
  type AlertFunctionConfig,
  type AlertOptions,
  type AlertSubject,
  type EventDecider,
  type EventDecision,
  type NonMatchCode,
  type PlannedActions,
  type Verdict,
  type VerdictSeverities,
} from '../../lib/detection';

import {
  destinationsOf,
  sendTo,
  type AlertToSend,
  type Deliverer,
  type DeliveryClients,
  type DeliveryOutcome,
  type DeliveryTargets,
} from './deliver';
import { DeliveryFailedError, describeError, describeType } from './errors';
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
  /** For asking whether a SageMaker endpoint is registered with Bedrock (the endpoint-swap profile). */
  readonly bedrock?: BedrockClient;
  /** For listing the enabled regions to sweep. */
  readonly ec2?: EC2Client;
  /** A CloudTrail client in another region (sweeps of the regions no rule watches). */
  readonly cloudTrailIn?: (region: string) => CloudTrailClient;
  /** A Bedrock client in a region (lifecycle follow-up, containment). */
  readonly bedrockIn?: (region: string) => BedrockClient | undefined;
  /** For starting the follow-up state machine. */
  readonly sfn?: SFNClient;
  /** For quarantining a principal (contain mode). */
  readonly iam?: IAMClient;
  /** For reporting a follow-up that could not be recorded to the dead-letter queue. */
  readonly sqs?: SQSClient;
  /** The dead-letter queue's URL. */
  readonly deadLetterQueueUrl?: string;
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

/** Plans (observe mode, approved calls), then delivers to every destination once and reports. */
export async function alertAndDeliver(
  alert: AlertToSend,
  verdict: Verdict | undefined,
  record: Record<string, unknown>,
  envelope: Record<string, unknown>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin,
  eventKey: string | undefined = eventKeyOf(record, envelope),
): Promise<EventResult> {
  const actions = plannedActions(verdict, deps.config.mode, deps.config.notifyApproved);
  if (!actions.notify) return stayQuiet(alert.document, actions, deps);
  const outcomes = await deliverAlert(alert, eventKey, targets, deps, origin);
  return reportDeliveries(alert.document, outcomes, deps);
}

/** An event that is neither a watched call nor tampering: logged and counted, nothing else. */
export function ignore(
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

/** The alert document, and how to build it with shorter values (for SNS). */
export function describeAlert(
  record: Record<string, unknown>,
  subject: AlertSubject,
  options: Omit<AlertOptions, 'envelope' | 'maxFieldLength'>,
  envelope: Record<string, unknown>,
): AlertToSend {
  const all: AlertOptions = {
    ...options,
    envelope: { account: envelope.account, region: envelope.region, id: envelope.id },
  };
  return {
    document: buildAlertDocument(record, subject, all),
    withFieldCap: (maxFieldLength) => buildAlertDocument(record, subject, { ...all, maxFieldLength }),
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
export function eventKeyOf(record: Record<string, unknown>, envelope: Record<string, unknown>): string | undefined {
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
