/**
 * The subjects of the alerts that are not about one watched call or one change to the detector:
 * the optional signals (repeated failures, create-then-delete) and the trail health check. Pure.
 */
import { MITRE_ATTACK, TAMPER_MITRE_ATTACK, type AlertSubject } from './alert';
import type { DeleteCall } from './calls';
import type { WatchedCall } from './catalogue';
import {
  BLIND_RESPONSE_STEPS,
  BLIND_TRIAGE_STEPS,
  CREATE_DELETE_RESPONSE_STEPS,
  CREATE_DELETE_TRIAGE_STEPS,
  PROBING_RESPONSE_STEPS,
  PROBING_TRIAGE_STEPS,
  TAMPER_RISK_SCORE,
  TAMPER_SEVERITY,
  UNSUBSCRIBED_RESPONSE_STEPS,
  UNSUBSCRIBED_TRIAGE_STEPS,
} from './guides';
import type { AlertSeverity } from './severity';

/** Severity and risk of the optional signals: a hint for a hunt, not an incident. */
export const SIGNAL_SEVERITY: AlertSeverity = 'LOW';
export const SIGNAL_RISK_SCORE = 30;

/** The subject of `count` failed watched calls by one principal within an hour (the latest is `call`). */
export function probingSubject(call: WatchedCall, count: number): AlertSubject {
  return {
    category: 'failed-attempts',
    eventName: call.eventName,
    eventSource: call.eventSource,
    profile: call.profile,
    title: `Bedrock model supply chain: ${count} failed attempts (${call.eventName})`,
    summary: `One principal made ${count} failed calls within an hour that would bring a model in; the latest was ${call.eventName}. Repeated denials can be someone probing for a way around the guardrails.`,
    mitre: MITRE_ATTACK,
    severity: SIGNAL_SEVERITY,
    riskScore: SIGNAL_RISK_SCORE,
    triage: PROBING_TRIAGE_STEPS,
    response: PROBING_RESPONSE_STEPS,
    modelSourceFields: call.modelSourceFields,
    newResourceFields: [],
    targetFields: call.targetFields ?? [],
    showRequest: false,
  };
}

/** The subject of a delete that follows the same principal's watched creation within a day. */
export function createThenDeleteSubject(call: DeleteCall): AlertSubject {
  return {
    category: 'create-then-delete',
    eventName: call.eventName,
    eventSource: call.eventSource,
    profile: 'default',
    title: `Bedrock model supply chain: ${call.deletes} created and deleted within a day (${call.eventName})`,
    summary: `A ${call.deletes} was deleted by the principal that made a watched creation of one less than a day before: a short-lived model can serve poisoned answers and leave little behind.`,
    mitre: MITRE_ATTACK,
    severity: SIGNAL_SEVERITY,
    riskScore: SIGNAL_RISK_SCORE,
    triage: CREATE_DELETE_TRIAGE_STEPS,
    response: CREATE_DELETE_RESPONSE_STEPS,
    modelSourceFields: [],
    newResourceFields: [],
    targetFields: [{ path: call.identifierField, label: 'Deleted' }],
    showRequest: false,
  };
}

/** The outcome of the trail health check, for its alert. */
export interface TrailHealthAlert {
  readonly status: 'blind' | 'recovered';
  readonly trail: string;
  readonly problems: readonly string[];
}

/** The subject of a health-check change: the detector went blind, or recovered. */
export function trailHealthSubject(health: TrailHealthAlert): AlertSubject {
  const blind = health.status === 'blind';
  return {
    category: 'detector-tampering',
    eventName: 'TrailHealthCheck',
    eventSource: 'cloudtrail.amazonaws.com',
    profile: 'tamper',
    title: blind
      ? `Bedrock supply-chain detector blind: the trail ${health.trail} stopped recording what it needs`
      : `Bedrock supply-chain detector recovered: the trail ${health.trail} records again`,
    summary: blind
      ? `The hourly health check found the trail the detector relies on impaired: ${health.problems.join('; ')}. EventBridge may not receive the watched calls until it is fixed.`
      : 'The hourly health check finds the trail the detector relies on logging write management events in every region again.',
    mitre: TAMPER_MITRE_ATTACK,
    severity: blind ? TAMPER_SEVERITY : 'INFORMATIONAL',
    riskScore: blind ? TAMPER_RISK_SCORE : 10,
    triage: BLIND_TRIAGE_STEPS,
    response: BLIND_RESPONSE_STEPS,
    modelSourceFields: [],
    newResourceFields: [],
    targetFields: [],
    showRequest: false,
  };
}

/** What the subscription check found gone from the alert topic. */
export interface UnsubscribedAlert {
  readonly topic: string;
  readonly removed: readonly { readonly arn: string; readonly protocol: string }[];
  readonly remaining: number;
}

/** The subject of a "subscription gone" alert (tamper category). */
export function unsubscribedSubject(found: UnsubscribedAlert): AlertSubject {
  const what = found.removed.map((s) => `${s.protocol} ${s.arn}`).join('; ');
  return {
    category: 'detector-tampering',
    eventName: 'SubscriptionHealthCheck',
    eventSource: 'sns.amazonaws.com',
    profile: 'tamper',
    title: `Bedrock supply-chain alerts lost ${found.removed.length === 1 ? 'a subscriber' : `${found.removed.length} subscribers`}: ${found.topic}`,
    summary: `The hourly health check found ${found.removed.length} confirmed subscription${found.removed.length === 1 ? '' : 's'} of the alert topic gone (${what}); ${found.remaining} confirmed remain${found.remaining === 1 ? 's' : ''}. No SCP can stop an unsubscribe from an e-mail's link.`,
    mitre: TAMPER_MITRE_ATTACK,
    severity: TAMPER_SEVERITY,
    riskScore: TAMPER_RISK_SCORE,
    triage: UNSUBSCRIBED_TRIAGE_STEPS,
    response: UNSUBSCRIBED_RESPONSE_STEPS,
    modelSourceFields: [],
    newResourceFields: [],
    targetFields: [],
    showRequest: false,
  };
}
