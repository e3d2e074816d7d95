import { BEDROCK_EVENT_SOURCE, MODEL_SOURCE_LABELS, type ModelSourceKind, type WatchedCall } from './catalogue';
import { contextLines, type AlertContext } from './enrichment';
import { DEFAULT_MAX_FIELD_LENGTH, displayValue, restrictTo, safeText } from './sanitize';
import type { Verdict, VerdictKind } from './verdict';

/** Alert severities, in the order of the reference rule's scale. */
export type AlertSeverity = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** The reference rule's severity and risk score. */
export const DEFAULT_SEVERITY: AlertSeverity = 'MEDIUM';
export const DEFAULT_RISK_SCORE = 47;

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

/** Severity and risk of a tamper alert: someone changed the detector outside its deployment. */
export const TAMPER_SEVERITY: AlertSeverity = 'HIGH';
export const TAMPER_RISK_SCORE = 73;

export const TAMPER_TRIAGE_STEPS: readonly string[] = [
  "Check whether the actor is the detector's deployment role (CloudFormation, invokedBy cloudformation.amazonaws.com) during a planned deployment; anything else is unexpected.",
  'Confirm the detector still works: the trail logs, the rules are enabled with their targets, the function and its dead-letter queue exist, the topic has its subscriptions.',
  'Review other recent actions by the same identity, especially Bedrock model imports and marketplace endpoint calls that the change may have hidden.',
];
export const TAMPER_RESPONSE_STEPS: readonly string[] = [
  'Redeploy the detector stack to restore it, then look for Bedrock supply-chain calls made while it was impaired (CloudTrail event history).',
  "Deactivate the access key shown above and rotate the principal's credentials if the change was not authorised.",
  'Keep the guardrail SCP attached: it denies these calls to everyone but the deployment principals.',
];

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
  /** The verdict; its severity and risk score replace the alert kind's. */
  readonly verdict?: Verdict;
  /** The EventBridge envelope's account/region/id, used where the record lacks them. */
  readonly envelope?: { readonly account?: unknown; readonly region?: unknown; readonly id?: unknown };
  /** What the provenance check and enrichment found. */
  readonly context?: AlertContext;
}

export interface AlertField {
  /** Where in the record the value came from, e.g. `requestParameters.roleArn`. */
  readonly field: string;
  readonly label: string;
  readonly value: string;
}

/** The machine-readable alert. Every string from the record has been made safe by `safeText`. */
/** What an alert is about. */
export type AlertCategory = 'model-supply-chain' | 'detector-tampering';

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
}

const MISSING = '(not in record)';

const SPLIT_PATHS = new Map<string, string[]>();

/** Reads a dotted path with plain property access (no EventBridge flattening). */
export function getPath(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  let keys = SPLIT_PATHS.get(path);
  if (keys === undefined) {
    keys = path.split('.');
    SPLIT_PATHS.set(path, keys);
  }
  for (const key of keys) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What differs between alert kinds; everything else is read from the record the same way. */
export interface AlertSpec {
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
  /** `requestParameters` fields that name a changed detector resource. */
  readonly targetFields: readonly string[];
  /** Show the whole request when no source field is known (caller-added calls). */
  readonly showRequest: boolean;
}

const SPECS = new WeakMap<WatchedCall, AlertSpec>();

/** The alert spec of a watched supply-chain call (cached per call). */
export function supplyChainSpec(call: WatchedCall, options: AlertOptions = {}): AlertSpec {
  const severity = options.severity ?? DEFAULT_SEVERITY;
  const riskScore = options.riskScore ?? DEFAULT_RISK_SCORE;
  let spec = SPECS.get(call);
  if (spec === undefined || spec.severity !== severity || spec.riskScore !== riskScore) {
    spec = {
      category: 'model-supply-chain',
      eventName: call.eventName,
      eventSource: BEDROCK_EVENT_SOURCE,
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
      targetFields: [],
      showRequest: call.modelSourceFields.length === 0,
    };
    SPECS.set(call, spec);
  }
  return spec;
}

/** Builds the alert for a record that `classify` matched to `call`. */
export function buildAlert(
  record: Record<string, unknown>,
  call: WatchedCall,
  options: AlertOptions = {},
): AlertDocument {
  return buildAlertFromSpec(
    record,
    supplyChainSpec(call, options),
    options,
    options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH,
  );
}

/** Builds an alert of any kind from its spec. */
export function buildAlertFromSpec(
  record: Record<string, unknown>,
  spec: AlertSpec,
  options: AlertOptions,
  max: number,
): AlertDocument {
  // Direct reads of the fixed CloudTrail fields (none of these names exists on Object.prototype).
  const v = (value: unknown): string | null => displayValue(value, max) ?? null;
  const identity = isObject(record.userIdentity) ? record.userIdentity : undefined;
  const session = isObject(identity?.sessionContext) ? identity.sessionContext : undefined;
  const issuer = isObject(session?.sessionIssuer) ? session.sessionIssuer : undefined;
  const attributes = isObject(session?.attributes) ? session.attributes : undefined;
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
  const readsRequest = spec.modelSourceFields.length > 0 || spec.targetFields.length > 0 || spec.showRequest;
  if (!isObject(request) && readsRequest) {
    notes.push(
      spec.category === 'model-supply-chain'
        ? 'The record has no requestParameters, so the model source cannot be read from it.'
        : 'The record has no requestParameters, so the changed resource cannot be read from it.',
    );
  }
  if (!isObject(response) && spec.newResourceFields.length > 0) {
    notes.push('The record has no responseElements, so the new resource cannot be read from it.');
  }

  const modelSource: (AlertField & { kind: ModelSourceKind })[] = [];
  for (const f of spec.modelSourceFields) {
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
  if (isObject(request) && spec.modelSourceFields.length > 0 && modelSource.length === 0) {
    notes.push('None of the request fields that name the model source are in this record.');
  }
  if (spec.showRequest && isObject(request)) {
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
  for (const path of spec.newResourceFields) {
    const value = displayValue(getPath(response, path), max);
    if (value !== undefined) newResources.push({ field: `responseElements.${path}`, label: 'New resource', value });
  }
  const target: AlertField[] = [];
  for (const path of spec.targetFields) {
    const value = displayValue(getPath(request, path), max);
    if (value !== undefined) target.push({ field: `requestParameters.${path}`, label: 'Detector resource', value });
  }

  const eventId = v(record.eventID) ?? displayValue(options.envelope?.id, max) ?? null;
  return {
    schema: ALERT_SCHEMA,
    category: spec.category,
    title: spec.title,
    summary: spec.summary,
    severity: options.verdict?.severity ?? spec.severity,
    riskScore: options.verdict?.riskScore ?? spec.riskScore,
    mitre: spec.mitre,
    event: {
      name: spec.eventName,
      source: spec.eventSource ?? v(record.eventSource) ?? '(not in record)',
      id: eventId,
      time: v(record.eventTime),
      account,
      region,
      requestId: v(record.requestID),
      profile: spec.profile,
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
    },
    modelSource,
    newResources,
    target,
    verdict: options.verdict
      ? { kind: options.verdict.kind, reasons: options.verdict.reasons.map((r) => safeText(r, max)) }
      : null,
    context: options.context ?? null,
    notes,
    consoleUrl: consoleUrl(record.awsRegion, record.eventID),
    triage: spec.triage,
    response: spec.response,
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
  const account = restrictTo(alert.event.account ?? '', /[^A-Za-z0-9-]/g, 32);
  const region = restrictTo(alert.event.region ?? '', /[^A-Za-z0-9-]/g, 32);
  const where = account && region ? `${account}/${region}` : account || region;
  const what = alert.category === 'detector-tampering' ? 'Bedrock detector tampered:' : 'Bedrock';
  const subject = `[${alert.severity}] ${what} ${alert.event.name}${where ? ` in ${where}` : ''}`;
  return restrictTo(subject, /[^\x20-\x7E]/g, SNS_SUBJECT_MAX);
}

/** The alert as plain text for email and chat: one `label: value` per line. */
export function alertText(alert: AlertDocument): string {
  return renderText(alert, PLAIN);
}

/** The alert as JSON (the form SQS, Lambda and HTTPS subscribers receive). */
export function alertJson(alert: AlertDocument): string {
  return JSON.stringify(alert);
}

/**
 * How rendered text is encoded. The SNS message needs the text inside a JSON string literal; writing
 * it escaped in the first place saves escaping the whole text again, on every event.
 */
interface TextEncoding {
  readonly newline: string;
  readonly escape: (value: string) => string;
}
const PLAIN: TextEncoding = { newline: '\n', escape: (value) => value };
const IN_JSON_STRING: TextEncoding = { newline: '\\n', escape: escapeSafeText };

/**
 * Escapes a string that `safeText` produced (or one of this module's constants) for a JSON string:
 * such a string has no control characters or lone surrogates, so only `"` and `\` need escaping, and
 * most values need nothing. Used only on documents `buildAlert` made.
 */
function escapeSafeText(text: string): string {
  return text.indexOf('"') === -1 && text.indexOf('\\') === -1 ? text : text.replace(/["\\]/g, '\\$&');
}

/** Characters that JSON.stringify escapes inside a string (plus lone surrogates). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The inside of a JSON string literal for `text`: what JSON.stringify writes between the quotes. */
function escapeInJsonString(text: string): string {
  return JSON_ESCAPED.test(text) ? JSON.stringify(text).slice(1, -1) : text;
}

const label = (name: string) => `  ${name.padEnd(22)} `;
const LABEL = {
  actorArn: label('Actor ARN:'),
  identityType: label('Identity type:'),
  accessKeyId: label('Access key ID:'),
  sessionIssuer: label('Session issuer:'),
  mfa: label('MFA authenticated:'),
  sourceIp: label('Source IP:'),
  userAgent: label('User agent:'),
  event: label('Event:'),
  eventId: label('Event ID:'),
  time: label('Time:'),
  account: label('Account:'),
  region: label('Region:'),
  requestId: label('Request ID:'),
};

function renderText(alert: AlertDocument, encoding: TextEncoding): string {
  const nl = encoding.newline;
  const esc = encoding.escape;
  const line = (prefix: string, value: string | null) => nl + prefix + (value === null ? MISSING : esc(value));
  const a = alert.actor;
  const e = alert.event;
  const m = alert.mitre;
  let out =
    esc(alert.title) +
    nl +
    esc(
      `Severity ${alert.severity}, risk score ${alert.riskScore}. MITRE ATT&CK ${m.tactic.id} ${m.tactic.name} / ${m.technique.id} ${m.technique.name}.`,
    ) +
    nl +
    nl +
    esc(alert.summary) +
    (alert.verdict
      ? `${nl}${nl}VERDICT: ${alert.verdict.kind}` + alert.verdict.reasons.map((r) => `${nl}  - ${esc(r)}`).join('')
      : '') +
    (alert.context
      ? `${nl}${nl}CONTEXT` +
        contextLines(alert.context)
          .map((l) => `${nl}  - ${esc(l)}`)
          .join('')
      : '') +
    nl +
    nl +
    'WHO' +
    line(LABEL.actorArn, a.arn) +
    line(LABEL.identityType, a.identityType) +
    line(LABEL.accessKeyId, a.accessKeyId) +
    line(LABEL.sessionIssuer, a.sessionIssuerArn) +
    line(LABEL.mfa, a.mfaAuthenticated) +
    line(LABEL.sourceIp, a.sourceIp) +
    line(LABEL.userAgent, a.userAgent) +
    nl +
    nl +
    'WHAT AND WHERE' +
    line(LABEL.event, `${e.name} (${e.source})`) +
    line(LABEL.eventId, e.id) +
    line(LABEL.time, e.time) +
    line(LABEL.account, e.account) +
    line(LABEL.region, e.region) +
    line(LABEL.requestId, e.requestId) +
    nl;
  if (alert.category === 'detector-tampering') {
    out += `${nl}DETECTOR RESOURCE CHANGED`;
    if (alert.target.length === 0) out += `${nl}  ${MISSING}`;
    for (const f of alert.target) out += line(label(`${f.field.replace(/^requestParameters\./, '')}:`), f.value);
  } else {
    out += `${nl}MODEL SOURCE`;
    if (alert.modelSource.length === 0) out += `${nl}  ${MISSING}`;
    for (const f of alert.modelSource) out += line(label(`${f.label}:`), f.value);
    out += `${nl}${nl}NEW RESOURCE`;
    if (alert.newResources.length === 0) out += `${nl}  ${MISSING}`;
    for (const f of alert.newResources) out += line(label(`${f.field.replace(/^responseElements\./, '')}:`), f.value);
  }
  if (alert.notes.length > 0) {
    out += `${nl}${nl}NOTES`;
    for (const n of alert.notes) out += `${nl}  - ${esc(n)}`;
  }
  out += cachedGuide(alert.triage, alert.response, encoding);
  if (alert.consoleUrl) out += `${nl}${nl}CloudTrail event: ${esc(alert.consoleUrl)}`;
  return out + nl;
}

function guideText(triage: readonly string[], response: readonly string[], encoding: TextEncoding): string {
  const nl = encoding.newline;
  const steps = (list: readonly string[]) => list.map((s, i) => `${nl}  ${i + 1}. ${encoding.escape(s)}`).join('');
  return `${nl}${nl}TRIAGE${steps(triage)}${nl}${nl}RESPONSE${steps(response)}`;
}
/** A guide's steps are constants: render each once per encoding. */
const GUIDES = new WeakMap<readonly string[], { response: readonly string[]; plain: string; inJson: string }>();
function cachedGuide(triage: readonly string[], response: readonly string[], encoding: TextEncoding): string {
  let cached = GUIDES.get(triage);
  if (cached === undefined || cached.response !== response) {
    cached = {
      response,
      plain: guideText(triage, response, PLAIN),
      inJson: guideText(triage, response, IN_JSON_STRING),
    };
    GUIDES.set(triage, cached);
  }
  return encoding === IN_JSON_STRING ? cached.inJson : cached.plain;
}

/** `escapeSafeText` twice, for a `safeText` string inside JSON text inside a JSON string. */
function escapeSafeTextTwice(text: string): string {
  return text.indexOf('"') === -1 && text.indexOf('\\') === -1 ? text : escapeSafeText(escapeSafeText(text));
}

/** The JSON alert as a JSON string literal; the constant members are serialized once, at load. */
function alertJsonLiteral(alert: AlertDocument): string {
  // Written member by member for the document's fixed shape (the generic writer walks keys and
  // types at run time). A test compares the result with JSON.parse of the whole message, so a member
  // added to AlertDocument and forgotten here fails it.
  const e = alert.event;
  const a = alert.actor;
  return (
    '"{' +
    `${Q}schema${Q}:${str(alert.schema)},${Q}category${Q}:${str(alert.category)},${Q}title${Q}:${str(alert.title)},` +
    `${Q}summary${Q}:${str(alert.summary)},${Q}severity${Q}:${str(alert.severity)},${Q}riskScore${Q}:${alert.riskScore},` +
    `${Q}event${Q}:{${Q}name${Q}:${str(e.name)},${Q}source${Q}:${str(e.source)},${Q}id${Q}:${str(e.id)},${Q}time${Q}:${str(e.time)},` +
    `${Q}account${Q}:${str(e.account)},${Q}region${Q}:${str(e.region)},${Q}requestId${Q}:${str(e.requestId)},${Q}profile${Q}:${str(e.profile)}},` +
    `${Q}actor${Q}:{${Q}arn${Q}:${str(a.arn)},${Q}identityType${Q}:${str(a.identityType)},${Q}accessKeyId${Q}:${str(a.accessKeyId)},` +
    `${Q}principalId${Q}:${str(a.principalId)},${Q}accountId${Q}:${str(a.accountId)},${Q}sessionIssuerArn${Q}:${str(a.sessionIssuerArn)},` +
    `${Q}invokedBy${Q}:${str(a.invokedBy)},${Q}mfaAuthenticated${Q}:${str(a.mfaAuthenticated)},${Q}userAgent${Q}:${str(a.userAgent)},` +
    `${Q}sourceIp${Q}:${str(a.sourceIp)}},` +
    `${Q}modelSource${Q}:${fields(alert.modelSource, true)},${Q}newResources${Q}:${fields(alert.newResources, false)},` +
    `${Q}target${Q}:${fields(alert.target, false)},` +
    `${Q}verdict${Q}:${alert.verdict ? `{${Q}kind${Q}:${str(alert.verdict.kind)},${Q}reasons${Q}:${strings(alert.verdict.reasons)}}` : 'null'},` +
    `${Q}context${Q}:${alert.context ? escapeInJsonString(JSON.stringify(alert.context)) : 'null'},` +
    `${Q}notes${Q}:${strings(alert.notes)},${Q}consoleUrl${Q}:${str(alert.consoleUrl)}` +
    `${constantMembers(alert)}"`
  );
}

/** A quote inside JSON text inside a JSON string. */
const Q = '\\"';
const str = (v: string | null): string => (v === null ? 'null' : `${Q}${escapeSafeTextTwice(v)}${Q}`);
const strings = (list: readonly string[]): string => `[${list.map(str).join(',')}]`;
function fields(list: readonly (AlertField & { readonly kind?: string })[], withKind: boolean): string {
  let out = '[';
  for (let i = 0; i < list.length; i++) {
    const f = list[i];
    out +=
      (i > 0 ? ',' : '') +
      `{${Q}field${Q}:${str(f.field)},${Q}label${Q}:${str(f.label)},` +
      (withKind ? `${Q}kind${Q}:${str(f.kind ?? null)},` : '') +
      `${Q}value${Q}:${str(f.value)}}`;
  }
  return out + ']';
}

/** The MITRE mapping and the guide are constants of each alert kind: serialize them once. */
const CONSTANT_MEMBERS = new WeakMap<
  readonly string[],
  { mitre: MitreMapping; response: readonly string[]; text: string }
>();
function constantMembers(alert: AlertDocument): string {
  if (alert.triage === TRIAGE_STEPS && alert.response === RESPONSE_STEPS && alert.mitre === MITRE_ATTACK) {
    return SUPPLY_CHAIN_CONSTANT_MEMBERS;
  }
  let cached = CONSTANT_MEMBERS.get(alert.triage);
  if (cached === undefined || cached.mitre !== alert.mitre || cached.response !== alert.response) {
    const json = `,"mitre":${JSON.stringify(alert.mitre)},"triage":${JSON.stringify(alert.triage)},"response":${JSON.stringify(alert.response)}}`;
    cached = { mitre: alert.mitre, response: alert.response, text: escapeInJsonString(json) };
    CONSTANT_MEMBERS.set(alert.triage, cached);
  }
  return cached.text;
}

const SUPPLY_CHAIN_CONSTANT_MEMBERS = escapeInJsonString(
  `,"mitre":${JSON.stringify(MITRE_ATTACK)},"triage":${JSON.stringify(TRIAGE_STEPS)},"response":${JSON.stringify(RESPONSE_STEPS)}}`,
);

/** SNS protocols that receive the JSON alert; every other protocol (e-mail, SMS, ...) gets the text. */
export const JSON_PROTOCOLS: readonly string[] = ['sqs', 'lambda', 'http', 'https', 'firehose', 'email-json'];

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
  what: WatchedCall | AlertSpec,
  options: AlertOptions = {},
): { alert: AlertDocument; sns: SnsAlertMessage } {
  const spec = 'category' in what ? what : supplyChainSpec(what, options);
  let last: { alert: AlertDocument; sns: SnsAlertMessage } | undefined;
  for (const cap of [options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH, 256, 64]) {
    const alert = buildAlertFromSpec(record, spec, options, cap);
    // Each body is escaped once and shared by every protocol key (the same JSON as stringifying
    // the whole object, without escaping the alert six times).
    const text = `"${renderText(alert, IN_JSON_STRING)}"`;
    const json = alertJsonLiteral(alert);
    let message = `{"default":${text},"email":${text}`;
    for (const protocol of JSON_PROTOCOLS) message += `,"${protocol}":${json}`;
    message += '}';
    const attributes: Record<string, string> = {
      category: alert.category,
      ...(alert.verdict ? { verdict: alert.verdict.kind } : {}),
      severity: alert.severity,
      eventName: alert.event.name,
    };
    const account = restrictTo(alert.event.account ?? '', /[^0-9]/g, 12);
    if (account) attributes.account = account;
    last = { alert, sns: { subject: alertSubject(alert), message, messageStructure: 'json', attributes } };
    // A UTF-16 unit is at most 3 UTF-8 bytes: count exactly only when that bound is too high.
    const roomForAttributes = 1024;
    if (message.length * 3 + roomForAttributes <= SNS_MESSAGE_MAX_BYTES) return last;
    if (Buffer.byteLength(message, 'utf8') + roomForAttributes <= SNS_MESSAGE_MAX_BYTES) return last;
  }
  return last!;
}
