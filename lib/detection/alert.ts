/**
 * The alert document: what every destination is rendered from (see `render.ts` for the text and
 * the SNS message, `outputs.ts` for chat, Security Hub and SOAR). Built from a decided event, the
 * verdict and what the checks found. Every string from the record has been made safe by `safeText`.
 * Pure.
 */
import { MODEL_SOURCE_LABELS, type ModelSourceKind, type TargetField, type WatchedCall } from './catalogue';
import type { EventDecision } from './decide';
import type { FirstSeenResult, PriorActivity, Unavailable } from './enrichment';
import {
  ESCAPE_RESPONSE_STEPS,
  ESCAPE_TRIAGE_STEPS,
  RESPONSE_STEPS,
  TAMPER_RESPONSE_STEPS,
  TAMPER_RISK_SCORE,
  TAMPER_SEVERITY,
  TAMPER_TRIAGE_STEPS,
  TRIAGE_STEPS,
  VERDICT_RESPONSE_STEPS,
} from './guides';
import type { ProvenanceResult } from './provenance';
import { getPath, humanBehind, identityOf, sessionOf } from './record';
import { DEFAULT_MAX_FIELD_LENGTH, displayValue, safeText } from './sanitize';
import { DEFAULT_RISK_SCORE, DEFAULT_SEVERITY, type AlertSeverity } from './severity';
import type { TamperCall, TamperService } from './tamper-catalogue';
import { isObject } from './values';
import type { Verdict } from './verdict';
import type { VerdictKind } from './verdict-kinds';

/** The schema id carried by every JSON alert; bump on a breaking change. */
export const ALERT_SCHEMA = 'bedrock-model-supply-chain-alert/v1';

/** A MITRE ATT&CK tactic and technique. */
export interface MitreMapping {
  readonly tactic: { readonly id: string; readonly name: string; readonly url: string };
  readonly technique: { readonly id: string; readonly name: string; readonly url: string };
}

export const MITRE_ATTACK: MitreMapping = {
  tactic: { id: 'TA0003', name: 'Persistence', url: 'https://attack.mitre.org/tactics/TA0003/' },
  technique: { id: 'T1525', name: 'Implant Internal Image', url: 'https://attack.mitre.org/techniques/T1525/' },
};

/** Tampering with the detector: defense evasion by impairing defenses. */
export const TAMPER_MITRE_ATTACK: MitreMapping = {
  tactic: { id: 'TA0005', name: 'Defense Evasion', url: 'https://attack.mitre.org/tactics/TA0005/' },
  technique: { id: 'T1562', name: 'Impair Defenses', url: 'https://attack.mitre.org/techniques/T1562/' },
};

/** What an alert is about. */
export type AlertCategory =
  | 'model-supply-chain'
  | 'detector-tampering'
  /** Repeated failed watched calls by one principal (optional signal). */
  | 'failed-attempts'
  /** A model, deployment or endpoint deleted soon after its watched creation (optional signal). */
  | 'create-then-delete';

export interface AlertField {
  /** Where in the record the value came from, e.g. `requestParameters.roleArn`. */
  readonly field: string;
  readonly label: string;
  readonly value: string;
}

/** What enrichment and provenance found, shown in the alert. */
export interface AlertContext {
  readonly provenance: readonly ProvenanceResult[];
  readonly priorActivity: PriorActivity | Unavailable | null;
  readonly firstSeen: FirstSeenResult | null;
}

/** The machine-readable alert (schema {@link ALERT_SCHEMA}). */
export interface AlertDocument {
  readonly schema: typeof ALERT_SCHEMA;
  readonly category: AlertCategory;
  readonly title: string;
  readonly summary: string;
  readonly severity: AlertSeverity;
  readonly riskScore: number;
  readonly mitre: MitreMapping;
  readonly event: {
    readonly name: string;
    readonly source: string;
    readonly id: string | null;
    readonly time: string | null;
    readonly account: string | null;
    readonly region: string | null;
    readonly requestId: string | null;
    readonly profile: WatchedCall['profile'] | 'tamper';
  };
  readonly actor: {
    readonly arn: string | null;
    readonly identityType: string | null;
    readonly accessKeyId: string | null;
    readonly principalId: string | null;
    readonly accountId: string | null;
    readonly sessionIssuerArn: string | null;
    readonly invokedBy: string | null;
    readonly mfaAuthenticated: string | null;
    readonly userAgent: string | null;
    readonly sourceIp: string | null;
    /**
     * The person behind the session, where the record says: an IAM Identity Center user, a
     * federated (SAML, web identity) session's name or source identity.
     */
    readonly human: string | null;
    /** The session's source identity (`sts:SourceIdentity`), set once and carried across role chains. */
    readonly sourceIdentity: string | null;
  };
  /** How the call reached AWS. */
  readonly session: {
    /** The VPC endpoint the call came through. */
    readonly vpcEndpointId: string | null;
    /** Made with console credentials (`sessionCredentialFromConsole`). */
    readonly console: boolean;
    /** Made with a Bedrock API key (a bearer token), not a signed request. */
    readonly bearerToken: boolean;
  };
  readonly modelSource: readonly (AlertField & { readonly kind: ModelSourceKind })[];
  readonly newResources: readonly AlertField[];
  /** For a tamper alert: the detector resource the call changed. */
  readonly target: readonly AlertField[];
  /** For a supply-chain alert: whether the call is part of the approved pipeline, and why. */
  readonly verdict: { readonly kind: VerdictKind; readonly reasons: readonly string[] } | null;
  /** What the provenance check and enrichment found, when they ran. */
  readonly context: AlertContext | null;
  /** Things a responder should know about the record itself (missing or truncated fields). */
  readonly notes: readonly string[];
  readonly consoleUrl: string | null;
  readonly triage: readonly string[];
  readonly response: readonly string[];
  /** Null on the first alert; on an update of it (lifecycle follow-up, containment), what changed. */
  readonly update: AlertUpdate | null;
}

/** What an update of an alert is about. */
export type AlertUpdateKind =
  /** The followed job or resource ended well: the model is live (invocable or ready). */
  | 'live'
  /** It ended badly, with the service's reason. */
  | 'failed'
  /** It no longer exists (deleted before the follow-up ended). */
  | 'gone'
  /** Still running when the last check ran. */
  | 'still-running'
  /** Containment acted (or found everything already done). */
  | 'contained'
  /** Containment in dry-run: what would have been done. */
  | 'containment-dry-run'
  /** Containment not carried out: a safety rule or the hourly limit held it back. */
  | 'containment-held';

/** An update of an alert already sent: the same event, the same ids, what changed. */
export interface AlertUpdate {
  readonly kind: AlertUpdateKind;
  /** One line: what happened. */
  readonly text: string;
  /** When it was found (ISO 8601). */
  readonly at: string;
  /** The model or resource concerned, when known. */
  readonly resourceArn: string | null;
  /** The severity was raised: a model went live under a verdict that is not `approved`. */
  readonly escalated: boolean;
  /** Containment steps and their results, one line each. */
  readonly actions: readonly string[];
}

/**
 * What the alert is about: everything that differs between a watched call and a change to the
 * detector. Everything else is read from the record the same way.
 */
export interface AlertSubject {
  readonly category: AlertCategory;
  readonly eventName: string;
  /** The event source to show; the record's own when undefined. */
  readonly eventSource?: string;
  readonly profile: AlertDocument['event']['profile'];
  readonly title: string;
  readonly summary: string;
  readonly mitre: MitreMapping;
  readonly severity: AlertSeverity;
  readonly riskScore: number;
  readonly triage: readonly string[];
  readonly response: readonly string[];
  readonly modelSourceFields: WatchedCall['modelSourceFields'];
  readonly newResourceFields: readonly string[];
  /** `requestParameters` fields that name what the call changed (a detector resource, a swapped deployment). */
  readonly targetFields: readonly TargetField[];
  /** Show the whole request when no source field is known (caller-added calls). */
  readonly showRequest: boolean;
}

const WATCHED_SUBJECTS = new WeakMap<WatchedCall, AlertSubject>();

/** The subject of a watched call (cached per call). Severity and risk are the `unverified` ones. */
export function watchedCallSubject(
  call: WatchedCall,
  severity: AlertSeverity = DEFAULT_SEVERITY,
  riskScore: number = DEFAULT_RISK_SCORE,
): AlertSubject {
  let subject = WATCHED_SUBJECTS.get(call);
  if (subject === undefined || subject.severity !== severity || subject.riskScore !== riskScore) {
    subject = {
      category: 'model-supply-chain',
      eventName: call.eventName,
      eventSource: call.eventSource,
      profile: call.profile,
      title: `Bedrock model supply chain: ${call.eventName}`,
      summary: call.summary,
      mitre: MITRE_ATTACK,
      severity,
      riskScore,
      triage: TRIAGE_STEPS,
      response: RESPONSE_STEPS,
      modelSourceFields: call.modelSourceFields,
      newResourceFields: call.newResourceFields,
      targetFields: call.targetFields ?? [],
      showRequest: call.modelSourceFields.length === 0 && (call.targetFields ?? []).length === 0,
    };
    WATCHED_SUBJECTS.set(call, subject);
  }
  return subject;
}

const TAMPER_SUBJECTS = new WeakMap<TamperCall, AlertSubject>();

/** The subject of a change to the detector (cached per call). */
export function tamperSubject(service: TamperService, call: TamperCall): AlertSubject {
  let subject = TAMPER_SUBJECTS.get(call);
  if (subject === undefined) {
    const escape = service.kind === 'escape';
    subject = {
      category: 'detector-tampering',
      eventName: call.action.split(':')[1],
      eventSource: service.eventSource,
      profile: 'tamper',
      title: escape
        ? `Bedrock supply-chain detector escaped: ${call.action}`
        : `Bedrock supply-chain detector tampered with: ${call.action}`,
      summary: escape
        ? `A call that takes an account or a region out of the detector's and the guardrails' reach succeeded (${call.action}).`
        : `A call that can stop, blind or remove the Bedrock model supply-chain detector succeeded (${call.action}) on one of its resources.`,
      mitre: TAMPER_MITRE_ATTACK,
      severity: TAMPER_SEVERITY,
      riskScore: TAMPER_RISK_SCORE,
      triage: escape ? ESCAPE_TRIAGE_STEPS : TAMPER_TRIAGE_STEPS,
      response: escape ? ESCAPE_RESPONSE_STEPS : TAMPER_RESPONSE_STEPS,
      modelSourceFields: [],
      newResourceFields: [],
      targetFields: call.field ? [{ path: call.field, label: call.field }] : [],
      showRequest: escape && !call.field,
    };
    TAMPER_SUBJECTS.set(call, subject);
  }
  return subject;
}

/** The subject of a decided event. */
export function subjectOf(
  decision: Extract<EventDecision, { kind: 'watched' | 'tamper' }>,
  severity?: AlertSeverity,
  riskScore?: number,
): AlertSubject {
  return decision.kind === 'watched'
    ? watchedCallSubject(decision.call, severity, riskScore)
    : tamperSubject(decision.service, decision.call);
}

/** Settings that shape an alert. */
export interface AlertOptions {
  /** @default 'MEDIUM' */
  readonly severity?: AlertSeverity;
  /** 0-100. @default 47 */
  readonly riskScore?: number;
  /** Longest value shown, in code points. @default 1024 */
  readonly maxFieldLength?: number;
  /** The verdict; its severity and risk score replace the subject's. */
  readonly verdict?: Verdict;
  /** The EventBridge envelope's account/region/id, used where the record lacks them. */
  readonly envelope?: { readonly account?: unknown; readonly region?: unknown; readonly id?: unknown };
  /** What the provenance check and enrichment found. */
  readonly context?: AlertContext;
  /** Outside model endpoints the relevance check found in the request (AgentCore). */
  readonly outsideEndpoints?: readonly string[];
  /** Further notes for the responder (what a check could not tell, the creation a delete follows). */
  readonly notes?: readonly string[];
}

const MISSING_FIELD_NOTE: { readonly request: Readonly<Record<AlertCategory, string>> } = {
  request: {
    'model-supply-chain': 'The record has no requestParameters, so the model source cannot be read from it.',
    'detector-tampering': 'The record has no requestParameters, so the changed resource cannot be read from it.',
    'failed-attempts': 'The record has no requestParameters, so the attempted source cannot be read from it.',
    'create-then-delete': 'The record has no requestParameters, so the deleted resource cannot be read from it.',
  },
};

/** Builds the alert for a record that was decided to be the watched call `call`. */
export function buildAlert(
  record: Record<string, unknown>,
  call: WatchedCall,
  options: AlertOptions = {},
): AlertDocument {
  return buildAlertDocument(record, watchedCallSubject(call, options.severity, options.riskScore), options);
}

/** Builds an alert of any kind from its subject; values are capped at `options.maxFieldLength`. */
export function buildAlertDocument(
  record: Record<string, unknown>,
  subject: AlertSubject,
  options: AlertOptions = {},
): AlertDocument {
  const max = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
  // Direct reads of the fixed CloudTrail fields (none of these names exists on Object.prototype).
  const v = (value: unknown): string | null => displayValue(value, max) ?? null;
  const { identity, issuer, attributes } = identityOf(record);
  const notes: string[] = [];

  const account =
    v(record.recipientAccountId) ?? v(identity?.accountId) ?? displayValue(options.envelope?.account, max) ?? null;
  const region = v(record.awsRegion) ?? displayValue(options.envelope?.region, max) ?? null;
  const identityType = v(identity?.type);
  const sessionIssuerArn = v(issuer?.arn);
  const invokedBy = v(identity?.invokedBy);
  let actorArn = v(identity?.arn);
  if (actorArn === null) {
    const fallback = sessionIssuerArn ?? invokedBy ?? v(identity?.principalId);
    notes.push(
      fallback === null
        ? 'The record names no actor ARN, session issuer, invoking service or principal id.'
        : 'The record has no userIdentity.arn; the actor shown is the best other identifier in the record.',
    );
    actorArn = fallback;
  }

  const request = record.requestParameters;
  const response = record.responseElements;
  if (
    record.omitted === true ||
    (isObject(request) && request.omitted === true) ||
    (isObject(response) && response.omitted === true)
  ) {
    notes.push(
      'CloudTrail truncated part of this record (omitted: true); fields over its size limit are missing here. Read the full event in CloudTrail.',
    );
  }
  const readsRequest = subject.modelSourceFields.length > 0 || subject.targetFields.length > 0 || subject.showRequest;
  if (!isObject(request) && readsRequest) notes.push(MISSING_FIELD_NOTE.request[subject.category]);
  if (!isObject(response) && subject.newResourceFields.length > 0) {
    notes.push('The record has no responseElements, so the new resource cannot be read from it.');
  }

  const modelSource: (AlertField & { kind: ModelSourceKind })[] = [];
  for (const f of subject.modelSourceFields) {
    const value = displayValue(getPath(request, f.path), max);
    if (value !== undefined) {
      modelSource.push({
        field: `requestParameters.${f.path}`,
        label: MODEL_SOURCE_LABELS[f.kind],
        kind: f.kind,
        value,
      });
    }
  }
  if (isObject(request) && subject.modelSourceFields.length > 0 && modelSource.length === 0) {
    notes.push('None of the request fields that name the model source are in this record.');
  }
  if (subject.showRequest && isObject(request)) {
    // A caller-added call: the catalogue does not know its source fields, so show the request.
    const value = displayValue(request, max);
    if (value !== undefined) {
      modelSource.push({
        field: 'requestParameters',
        label: MODEL_SOURCE_LABELS.requestParameters,
        kind: 'requestParameters',
        value,
      });
    }
  }
  const newResources: AlertField[] = [];
  for (const path of subject.newResourceFields) {
    const value = displayValue(getPath(response, path), max);
    if (value !== undefined) newResources.push({ field: `responseElements.${path}`, label: 'New resource', value });
  }
  const target: AlertField[] = [];
  for (const t of subject.targetFields) {
    const value = displayValue(getPath(request, t.path), max);
    if (value !== undefined) target.push({ field: `requestParameters.${t.path}`, label: t.label, value });
  }
  for (const endpoint of options.outsideEndpoints ?? []) {
    const value = displayValue(endpoint, max);
    if (value !== undefined) {
      modelSource.push({
        field: 'requestParameters',
        label: MODEL_SOURCE_LABELS.outsideEndpoint,
        kind: 'outsideEndpoint',
        value,
      });
    }
  }
  notes.push(...(options.notes ?? []));

  const eventId = v(record.eventID) ?? displayValue(options.envelope?.id, max) ?? null;
  return {
    schema: ALERT_SCHEMA,
    category: subject.category,
    title: subject.title,
    summary: subject.summary,
    severity: options.verdict?.severity ?? subject.severity,
    riskScore: options.verdict?.riskScore ?? subject.riskScore,
    mitre: subject.mitre,
    event: {
      name: subject.eventName,
      source: subject.eventSource ?? v(record.eventSource) ?? '(not in record)',
      id: eventId,
      time: v(record.eventTime),
      account,
      region,
      requestId: v(record.requestID),
      profile: subject.profile,
    },
    actor: {
      arn: actorArn,
      identityType,
      accessKeyId: v(identity?.accessKeyId),
      principalId: v(identity?.principalId),
      accountId: v(identity?.accountId),
      sessionIssuerArn,
      invokedBy,
      mfaAuthenticated: v(attributes?.mfaAuthenticated),
      userAgent: v(record.userAgent),
      sourceIp: v(record.sourceIPAddress),
      human: displayValue(humanBehind(record), max) ?? null,
      sourceIdentity: v(identity?.sourceIdentity) ?? v(attributes?.sourceIdentity),
    },
    session: { vpcEndpointId: v(record.vpcEndpointId), ...sessionOf(record) },
    modelSource,
    newResources,
    target,
    verdict: options.verdict
      ? { kind: options.verdict.kind, reasons: options.verdict.reasons.map((r) => safeText(r, max)) }
      : null,
    context: options.context ?? null,
    notes,
    consoleUrl: consoleUrl(record.awsRegion, record.eventID),
    triage: subject.triage,
    response:
      subject.category === 'model-supply-chain' && options.verdict
        ? VERDICT_RESPONSE_STEPS[options.verdict.kind]
        : subject.response,
    update: null,
  };
}

/** The CloudTrail console's event-history page for the event, in commercial regions only. */
function consoleUrl(region: unknown, eventId: unknown): string | null {
  if (typeof region !== 'string' || typeof eventId !== 'string') return null;
  if (!/^(?!cn-|us-gov-|us-iso)[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) return null;
  const id = eventId.trim();
  if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) return null;
  return `https://${region}.console.aws.amazon.com/cloudtrail/home?region=${region}#/events/${id}`;
}
