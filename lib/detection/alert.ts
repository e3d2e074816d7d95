import { BEDROCK_EVENT_SOURCE, MODEL_SOURCE_LABELS, type ModelSourceKind, type WatchedCall } from './catalogue';
import { DEFAULT_MAX_FIELD_LENGTH, displayValue, restrictTo } from './sanitize';

/** Alert severities, in the order of the reference rule's scale. */
export type AlertSeverity = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** The reference rule's severity and risk score. */
export const DEFAULT_SEVERITY: AlertSeverity = 'MEDIUM';
export const DEFAULT_RISK_SCORE = 47;

/** The schema id carried by every JSON alert; bump on a breaking change. */
export const ALERT_SCHEMA = 'bedrock-model-supply-chain-alert/v1';

export const MITRE_ATTACK = {
  tactic: { id: 'TA0003', name: 'Persistence', url: 'https://attack.mitre.org/tactics/TA0003/' },
  technique: { id: 'T1525', name: 'Implant Internal Image', url: 'https://attack.mitre.org/techniques/T1525/' },
} as const;

/** The investigation guide of the reference rule, in brief. */
export const TRIAGE_STEPS: readonly string[] = [
  'Find the change request or model-onboarding ticket for this call; none means treat it as unauthorised.',
  'Check that the actor is an approved ML/MLOps role or automation principal, and that the source IP and user agent match that pipeline.',
  'Confirm that the model source (S3 bucket owner, marketplace product, SageMaker endpoint) belongs to the organisation or an approved vendor.',
  'Look for InvokeModel/Converse calls to the new resource, prior enumeration (ListFoundationModels, ListCustomModels, ListImportedModels) and other recent actions by the same identity.',
];
export const RESPONSE_STEPS: readonly string[] = [
  'If unauthorised: delete or disable the imported model, custom model deployment or marketplace endpoint, and stop applications invoking it until its provenance is established.',
  "Deactivate the access key shown above and rotate the principal's credentials if compromise is suspected.",
  'Audit the S3 source bucket for tampering and review the model artifact for backdoors.',
  "Harden: restrict the Bedrock import and marketplace permissions to approved roles (this library's SCP guardrail).",
];

/** Settings that shape an alert. */
export interface AlertOptions {
  /** @default 'MEDIUM' */
  readonly severity?: AlertSeverity;
  /** 0-100. @default 47 */
  readonly riskScore?: number;
  /** Longest value shown, in code points. @default 1024 */
  readonly maxFieldLength?: number;
  /** The EventBridge envelope's account/region/id, used where the record lacks them. */
  readonly envelope?: { readonly account?: unknown; readonly region?: unknown; readonly id?: unknown };
}

export interface AlertField {
  /** Where in the record the value came from, e.g. `requestParameters.roleArn`. */
  readonly field: string;
  readonly label: string;
  readonly value: string;
}

/** The machine-readable alert. Every string from the record has been made safe by `safeText`. */
export interface AlertDocument {
  readonly schema: typeof ALERT_SCHEMA;
  readonly title: string;
  readonly summary: string;
  readonly severity: AlertSeverity;
  readonly riskScore: number;
  readonly mitre: typeof MITRE_ATTACK;
  readonly event: {
    readonly name: string;
    readonly source: string;
    readonly id: string | null;
    readonly time: string | null;
    readonly account: string | null;
    readonly region: string | null;
    readonly requestId: string | null;
    readonly profile: WatchedCall['profile'];
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
  };
  readonly modelSource: readonly (AlertField & { readonly kind: ModelSourceKind })[];
  readonly newResources: readonly AlertField[];
  /** Things a responder should know about the record itself (missing or truncated fields). */
  readonly notes: readonly string[];
  readonly consoleUrl: string | null;
  readonly triage: readonly string[];
  readonly response: readonly string[];
}

const MISSING = '(not in record)';

/** Reads a dotted path with plain property access (no EventBridge flattening). */
export function getPath(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Builds the alert for a record that `classify` matched to `call`. */
export function buildAlert(
  record: Record<string, unknown>,
  call: WatchedCall,
  options: AlertOptions = {},
): AlertDocument {
  const max = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
  const text = (path: string): string | null => displayValue(getPath(record, path), max) ?? null;
  const severity = options.severity ?? DEFAULT_SEVERITY;
  const riskScore = options.riskScore ?? DEFAULT_RISK_SCORE;
  const notes: string[] = [];

  const account =
    text('recipientAccountId') ??
    text('userIdentity.accountId') ??
    displayValue(options.envelope?.account, max) ??
    null;
  const region = text('awsRegion') ?? displayValue(options.envelope?.region, max) ?? null;
  const identityType = text('userIdentity.type');
  const sessionIssuerArn = text('userIdentity.sessionContext.sessionIssuer.arn');
  const invokedBy = text('userIdentity.invokedBy');
  let actorArn = text('userIdentity.arn');
  if (actorArn === null) {
    const fallback = sessionIssuerArn ?? invokedBy ?? text('userIdentity.principalId');
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
  if (!isObject(request)) {
    notes.push('The record has no requestParameters, so the model source cannot be read from it.');
  }
  if (!isObject(response)) {
    notes.push('The record has no responseElements, so the new resource cannot be read from it.');
  }

  const modelSource = call.modelSourceFields.flatMap((f) => {
    const value = displayValue(getPath(request, f.path), max);
    return value === undefined
      ? []
      : [{ field: `requestParameters.${f.path}`, label: MODEL_SOURCE_LABELS[f.kind], kind: f.kind, value }];
  });
  if (isObject(request) && call.modelSourceFields.length > 0 && modelSource.length === 0) {
    notes.push('None of the request fields that name the model source are in this record.');
  }
  if (call.modelSourceFields.length === 0 && isObject(request)) {
    // A caller-added call: the catalogue does not know its source fields, so show the request.
    const value = displayValue(request, max);
    if (value !== undefined)
      modelSource.push({
        field: 'requestParameters',
        label: MODEL_SOURCE_LABELS.requestParameters,
        kind: 'requestParameters',
        value,
      });
  }
  const newResources = call.newResourceFields.flatMap((path) => {
    const value = displayValue(getPath(response, path), max);
    return value === undefined ? [] : [{ field: `responseElements.${path}`, label: 'New resource', value }];
  });

  const eventId = text('eventID') ?? displayValue(options.envelope?.id, max) ?? null;
  return {
    schema: ALERT_SCHEMA,
    title: `Bedrock model supply chain: ${call.eventName}`,
    summary: call.summary,
    severity,
    riskScore,
    mitre: MITRE_ATTACK,
    event: {
      name: call.eventName,
      source: BEDROCK_EVENT_SOURCE,
      id: eventId,
      time: text('eventTime'),
      account,
      region,
      requestId: text('requestID'),
      profile: call.profile,
    },
    actor: {
      arn: actorArn,
      identityType,
      accessKeyId: text('userIdentity.accessKeyId'),
      principalId: text('userIdentity.principalId'),
      accountId: text('userIdentity.accountId'),
      sessionIssuerArn,
      invokedBy,
      mfaAuthenticated: text('userIdentity.sessionContext.attributes.mfaAuthenticated'),
      userAgent: text('userAgent'),
      sourceIp: text('sourceIPAddress'),
    },
    modelSource,
    newResources,
    notes,
    consoleUrl: consoleUrl(getPath(record, 'awsRegion'), getPath(record, 'eventID')),
    triage: TRIAGE_STEPS,
    response: RESPONSE_STEPS,
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

/** SNS limits: subject under 100 characters; message and attributes together at most 256 KiB. */
export const SNS_SUBJECT_MAX = 99;
export const SNS_MESSAGE_MAX_BYTES = 262_144;

/** The alert's subject: printable ASCII only, within the SNS limit, built from safe fields. */
export function alertSubject(alert: AlertDocument): string {
  const where = [alert.event.account, alert.event.region]
    .map((v) => restrictTo(v ?? '', /[A-Za-z0-9-]/, 32))
    .filter((v) => v.length > 0)
    .join('/');
  const subject = `[${alert.severity}] Bedrock ${alert.event.name}${where ? ` in ${where}` : ''}`;
  return restrictTo(subject, /[\x20-\x7E]/, SNS_SUBJECT_MAX);
}

/** The alert as plain text for email and chat: one `label: value` per line. */
export function alertText(alert: AlertDocument): string {
  const line = (label: string, value: string | null) => `  ${label.padEnd(22)} ${value ?? MISSING}`;
  const a = alert.actor;
  const e = alert.event;
  const out = [
    `${alert.title}`,
    `Severity ${alert.severity}, risk score ${alert.riskScore}. MITRE ATT&CK ${alert.mitre.tactic.id} ${alert.mitre.tactic.name} / ${alert.mitre.technique.id} ${alert.mitre.technique.name}.`,
    '',
    alert.summary,
    '',
    'WHO',
    line('Actor ARN:', a.arn),
    line('Identity type:', a.identityType),
    line('Access key ID:', a.accessKeyId),
    line('Session issuer:', a.sessionIssuerArn),
    line('MFA authenticated:', a.mfaAuthenticated),
    line('Source IP:', a.sourceIp),
    line('User agent:', a.userAgent),
    '',
    'WHAT AND WHERE',
    line('Event:', `${e.name} (${e.source})`),
    line('Event ID:', e.id),
    line('Time:', e.time),
    line('Account:', e.account),
    line('Region:', e.region),
    line('Request ID:', e.requestId),
    '',
    'MODEL SOURCE',
    ...(alert.modelSource.length > 0 ? alert.modelSource.map((f) => line(`${f.label}:`, f.value)) : [`  ${MISSING}`]),
    '',
    'NEW RESOURCE',
    ...(alert.newResources.length > 0
      ? alert.newResources.map((f) => line(`${f.field.replace(/^responseElements\./, '')}:`, f.value))
      : [`  ${MISSING}`]),
  ];
  if (alert.notes.length > 0) out.push('', 'NOTES', ...alert.notes.map((n) => `  - ${n}`));
  out.push('', 'TRIAGE', ...alert.triage.map((s, i) => `  ${i + 1}. ${s}`));
  out.push('', 'RESPONSE', ...alert.response.map((s, i) => `  ${i + 1}. ${s}`));
  if (alert.consoleUrl) out.push('', `CloudTrail event: ${alert.consoleUrl}`);
  return out.join('\n') + '\n';
}

/** What to hand to SNS Publish (SDK-free, so it stays pure). */
export interface SnsAlertMessage {
  readonly subject: string;
  /** A JSON object: `default`/`email` carry the text, `sqs`/`lambda`/`https`/`http`/`firehose`/`email-json` the JSON alert. */
  readonly message: string;
  readonly messageStructure: 'json';
  readonly attributes: Readonly<Record<string, string>>;
}

/** Renders an alert for SNS within its size limit, capping field lengths further if needed. */
export function renderSnsMessage(
  record: Record<string, unknown>,
  call: WatchedCall,
  options: AlertOptions = {},
): { alert: AlertDocument; sns: SnsAlertMessage } {
  const caps = [options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH, 256, 64];
  let last: { alert: AlertDocument; sns: SnsAlertMessage } | undefined;
  for (const cap of caps) {
    const alert = buildAlert(record, call, { ...options, maxFieldLength: cap });
    const text = alertText(alert);
    const json = JSON.stringify(alert);
    const message = JSON.stringify({
      default: text,
      email: text,
      'email-json': json,
      sqs: json,
      lambda: json,
      http: json,
      https: json,
      firehose: json,
    });
    const attributes: Record<string, string> = { severity: alert.severity, eventName: alert.event.name };
    const account = restrictTo(alert.event.account ?? '', /[0-9]/, 12);
    if (account) attributes.account = account;
    last = { alert, sns: { subject: alertSubject(alert), message, messageStructure: 'json', attributes } };
    if (Buffer.byteLength(message, 'utf8') + 1024 <= SNS_MESSAGE_MAX_BYTES) return last;
  }
  return last!;
}
