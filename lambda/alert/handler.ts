import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';

import {
  TamperClassifier,
  WatchedCallClassifier,
  decideVerdict,
  detectorNames,
  plannedActions,
  verdictSeverities,
  type AlertSpec,
  renderSnsMessage,
  resolveWatchedCalls,
  type AlertFunctionConfig,
  type NonMatchCode,
} from '../../lib/detection';

/** Thrown for an event the handler cannot process; Lambda retries it, then dead-letters it with this message. */
export class UnprocessableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableEventError';
  }
}

export type HandlerResult =
  | { readonly status: 'alerted'; readonly eventId: string | null; readonly messageId: string | undefined }
  | { readonly status: 'quiet'; readonly eventId: string | null; readonly reason: string }
  | { readonly status: 'ignored'; readonly code: NonMatchCode; readonly reason: string };

export interface HandlerDependencies {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly config: AlertFunctionConfig;
  /** Where structured log lines go. @default console.log */
  readonly log?: (line: string) => void;
}

/** CloudWatch embedded-metric namespace of the handler's counters. */
export const METRIC_NAMESPACE = 'BedrockModelSupplyChain';

/**
 * The alerting Lambda: classify the EventBridge event with `lib/detection`, build the alert, publish
 * it. Everything but the SNS call is pure and tested on its own.
 *
 * - A watched, successful call: published to SNS (a failed publish throws, so it is retried).
 * - A well-formed event that is not a watched call: logged with the reason and counted.
 * - Anything that cannot be processed: thrown, so Lambda retries it and then sends it, with the
 *   error, to the on-failure destination.
 */
export function createHandler(deps: HandlerDependencies): (event: unknown) => Promise<HandlerResult> {
  const classifier = new WatchedCallClassifier(resolveWatchedCalls(deps.config));
  const tamper = new TamperClassifier(detectorNames(deps.config.namePrefix), deps.config.guardrailPolicyIds);
  const severities = verdictSeverities(deps.config);
  const log = deps.log ?? ((line: string) => console.log(line));
  // Structured log lines in CloudWatch embedded-metric format; the metric declaration is
  // serialized once per metric name.
  const metricTails = new Map<string, string>();
  const metricTail = (metric: string): string => {
    let tail = metricTails.get(metric);
    if (tail === undefined) {
      tail = `,"${metric}":1,"_aws":{"CloudWatchMetrics":${JSON.stringify([
        { Namespace: METRIC_NAMESPACE, Dimensions: [[]], Metrics: [{ Name: metric, Unit: 'Count' }] },
      ])},"Timestamp":`;
      metricTails.set(metric, tail);
    }
    return tail;
  };
  const emit = (entry: { level: string; message: string } & Record<string, unknown>, metric: string) => {
    const json = JSON.stringify(entry);
    log(`${json.slice(0, -1)}${metricTail(metric)}${Date.now()}}}`);
  };

  return async function handler(event: unknown): Promise<HandlerResult> {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw new UnprocessableEventError(`expected an EventBridge event object, got ${describeType(event)}`);
    }
    const envelope = event as Record<string, unknown>;
    const decision = classifier.classifyEvent(envelope);
    const tampering = decision.matched ? undefined : tamper.classifyEvent(envelope);
    if (!decision.matched && !tampering?.matched) {
      emit(
        {
          level: 'WARN',
          message: `ignored: ${decision.reason}, and not a change to the detector`,
          code: decision.code,
          eventBridgeId: short(envelope.id),
          detailType: short(envelope['detail-type']),
          source: short(envelope.source),
        },
        'EventsIgnored',
      );
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
    // Supply-chain calls get a verdict; tampering is always notified (observe mode aside).
    const verdict = decision.matched
      ? decideVerdict(record, decision.call, deps.config.approvals, severities)
      : undefined;
    const { alert, sns } = renderSnsMessage(record, what, {
      severity: deps.config.severity,
      riskScore: deps.config.riskScore,
      verdict,
      envelope: { account: envelope.account, region: envelope.region, id: envelope.id },
    });
    const actions = plannedActions(verdict, deps.config.mode, deps.config.notifyApproved);
    if (!actions.notify) {
      emit(
        {
          level: 'INFO',
          message: `not notified: ${actions.quietReason}`,
          category: alert.category,
          verdict: alert.verdict?.kind,
          eventId: alert.event.id,
          eventName: alert.event.name,
          account: alert.event.account,
          region: alert.event.region,
          severity: alert.severity,
          reasons: alert.verdict?.reasons,
        },
        'AlertsNotNotified',
      );
      return { status: 'quiet', eventId: alert.event.id, reason: actions.quietReason ?? '' };
    }
    const out = await deps.sns.send(
      new PublishCommand({
        TopicArn: deps.topicArn,
        Subject: sns.subject,
        Message: sns.message,
        MessageStructure: sns.messageStructure,
        MessageAttributes: messageAttributes(sns.attributes),
      }),
    );
    // The hot path's log line, written directly: every value but the message id comes from the
    // alert, whose strings are already safe (see jsonFieldOf).
    log(
      `{"level":"INFO","message":"alerted","category":"${alert.category}","verdict":${jsonFieldOf(alert.verdict?.kind ?? null)},` +
        `"eventId":${jsonFieldOf(alert.event.id)},"eventName":${jsonFieldOf(alert.event.name)},"account":${jsonFieldOf(alert.event.account)},` +
        `"region":${jsonFieldOf(alert.event.region)},"severity":"${alert.severity}","snsMessageId":${JSON.stringify(out.MessageId ?? null)}` +
        `${metricTail('AlertsPublished')}${Date.now()}}}`,
    );
    return { status: 'alerted', eventId: alert.event.id, messageId: out.MessageId };
  };
}

function messageAttributes(attributes: Readonly<Record<string, string>>): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const name in attributes) out[name] = { DataType: 'String', StringValue: attributes[name] };
  return out;
}

/**
 * A JSON value for a string from an alert document: `safeText` has already removed control
 * characters and lone surrogates from those, so only quotes and backslashes need escaping.
 */
function jsonFieldOf(value: string | null): string {
  if (value === null) return 'null';
  return value.indexOf('"') === -1 && value.indexOf('\\') === -1 ? `"${value}"` : JSON.stringify(value);
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
