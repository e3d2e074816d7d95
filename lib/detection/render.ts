/**
 * Rendering the alert document as text: the subject line, the plain text for e-mail and chat, and
 * the SNS message (text for e-mail, the JSON document for every machine protocol) within SNS's size
 * limit. Pure.
 */
import { MITRE_ATTACK, type AlertContext, type AlertDocument, type AlertField, type MitreMapping } from './alert';
import { RESPONSE_STEPS, TRIAGE_STEPS } from './guides';
import { restrictTo, safeText } from './sanitize';
import { UPDATE_LABELS } from './update';
import { utf8Bytes } from './values';

const MISSING = '(not in record)';

/** SNS limits: subject under 100 characters; message and attributes together at most 256 KiB. */
export const SNS_SUBJECT_MAX = 99;
export const SNS_MESSAGE_MAX_BYTES = 262_144;

const SUBJECT_PREFIX: Readonly<Record<AlertDocument['category'], string>> = {
  'model-supply-chain': 'Bedrock',
  'detector-tampering': 'Bedrock detector tampered:',
  'failed-attempts': 'Bedrock failed attempts:',
  'create-then-delete': 'Bedrock create-then-delete:',
};

/** The alert's subject: printable ASCII only, within the SNS limit, built from safe fields. */
export function alertSubject(alert: AlertDocument): string {
  const account = restrictTo(alert.event.account ?? '', /[^A-Za-z0-9-]/g, 32);
  const region = restrictTo(alert.event.region ?? '', /[^A-Za-z0-9-]/g, 32);
  const where = account && region ? `${account}/${region}` : account || region;
  const what = SUBJECT_PREFIX[alert.category];
  const update = alert.update ? `UPDATE, ${UPDATE_LABELS[alert.update.kind]}: ` : '';
  const subject = `[${alert.severity}] ${update}${what} ${alert.event.name}${where ? ` in ${where}` : ''}`;
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
  human: label('Person:'),
  sourceIdentity: label('Source identity:'),
  session: label('Session:'),
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
    (alert.update?.actions.length
      ? `${nl}${nl}ACTIONS` + alert.update.actions.map((l) => `${nl}  - ${esc(l)}`).join('')
      : '') +
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
    (a.human !== null ? line(LABEL.human, a.human) : '') +
    (a.sourceIdentity !== null ? line(LABEL.sourceIdentity, a.sourceIdentity) : '') +
    (sessionText(alert) ? line(LABEL.session, sessionText(alert)) : '') +
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
    if (alert.target.length > 0 || alert.event.name !== 'TrailHealthCheck') {
      out += `${nl}DETECTOR RESOURCE CHANGED`;
      if (alert.target.length === 0) out += `${nl}  ${MISSING}`;
      for (const f of alert.target) out += line(label(`${f.label}:`), f.value);
    }
  } else {
    if (alert.target.length > 0) {
      out += `${nl}CHANGED`;
      for (const f of alert.target) out += line(label(`${f.label}:`), f.value);
      out += nl;
    }
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
    `${Q}sourceIp${Q}:${str(a.sourceIp)},${Q}human${Q}:${str(a.human)},${Q}sourceIdentity${Q}:${str(a.sourceIdentity)}},` +
    `${Q}session${Q}:{${Q}vpcEndpointId${Q}:${str(alert.session.vpcEndpointId)},${Q}console${Q}:${alert.session.console},${Q}bearerToken${Q}:${alert.session.bearerToken}},` +
    `${Q}modelSource${Q}:${fields(alert.modelSource, true)},${Q}newResources${Q}:${fields(alert.newResources, false)},` +
    `${Q}target${Q}:${fields(alert.target, false)},` +
    `${Q}verdict${Q}:${alert.verdict ? `{${Q}kind${Q}:${str(alert.verdict.kind)},${Q}reasons${Q}:${strings(alert.verdict.reasons)}}` : 'null'},` +
    `${Q}context${Q}:${alert.context ? escapeInJsonString(JSON.stringify(alert.context)) : 'null'},` +
    `${Q}notes${Q}:${strings(alert.notes)},${Q}consoleUrl${Q}:${str(alert.consoleUrl)},` +
    `${Q}update${Q}:${alert.update ? escapeInJsonString(JSON.stringify(alert.update)) : 'null'}` +
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

/** The context as display lines (strings already made safe). */
export function contextLines(context: AlertContext): string[] {
  const lines: string[] = [];
  for (const p of context.provenance) {
    lines.push(
      `Bucket ${safeText(p.bucket, 64)}: ${p.status}${p.owner ? ` (owner ${p.owner})` : ''}: ${safeText(p.reason, 512)}`,
    );
  }
  const a = context.priorActivity;
  if (a?.status === 'found') {
    lines.push(
      `Bedrock calls by the same principal in the ${a.windowMinutes} minutes before: ${a.bedrockCalls}` +
        (a.byName.length ? ` (${a.byName.map((n) => `${n.name} x${n.count}`).join(', ')})` : '') +
        (a.truncated ? `; only the latest ${a.scanned} events were read` : '') +
        // Event history lags the EventBridge delivery by minutes: "none" may mean "not there yet".
        (a.bedrockCalls === 0 ? ' (CloudTrail event history can lag the call by several minutes)' : ''),
    );
    if (a.enumeration.length) lines.push(`Enumeration before the call: ${a.enumeration.join(', ')}`);
  } else if (a?.status === 'unavailable') {
    lines.push(`Earlier activity: unavailable, ${safeText(a.reason, 512)}`);
  }
  const f = context.firstSeen;
  if (f) {
    lines.push(
      `Principal: ${f.principal}; source IP: ${f.sourceIp} (first seen by this detector, ${f.memoryDays}-day memory)` +
        (f.reason ? `: ${safeText(f.reason, 256)}` : ''),
    );
  }
  return lines;
}

/** The message attributes every SNS publication of an alert carries, for subscription filter policies. */
export function snsAttributes(alert: AlertDocument): Record<string, string> {
  const attributes: Record<string, string> = {
    category: alert.category,
    ...(alert.verdict ? { verdict: alert.verdict.kind } : {}),
    severity: alert.severity,
    eventName: alert.event.name,
    ...(alert.update ? { update: alert.update.kind } : {}),
  };
  const account = restrictTo(alert.event.account ?? '', /[^0-9]/g, 12);
  if (account) attributes.account = account;
  return attributes;
}

/** Shorter value caps tried, in turn, when an alert does not fit one SNS message. */
export const SNS_FALLBACK_FIELD_CAPS: readonly number[] = [256, 64];

/**
 * Renders an alert for SNS within its size limit. When it does not fit, `withFieldCap` builds the
 * same alert with shorter values ({@link SNS_FALLBACK_FIELD_CAPS}); the alert actually rendered is
 * returned with the message.
 */
export function renderSnsMessage(
  alert: AlertDocument,
  withFieldCap?: (maxFieldLength: number) => AlertDocument,
): { alert: AlertDocument; sns: SnsAlertMessage } {
  const candidates = [() => alert, ...SNS_FALLBACK_FIELD_CAPS.map((cap) => () => withFieldCap?.(cap))];
  let last: { alert: AlertDocument; sns: SnsAlertMessage } | undefined;
  for (const candidate of candidates) {
    const document = candidate();
    if (document === undefined) break;
    // Each body is escaped once and shared by every protocol key (the same JSON as stringifying
    // the whole object, without escaping the alert six times).
    const text = `"${renderText(document, IN_JSON_STRING)}"`;
    const json = alertJsonLiteral(document);
    let message = `{"default":${text},"email":${text}`;
    for (const protocol of JSON_PROTOCOLS) message += `,"${protocol}":${json}`;
    message += '}';
    last = {
      alert: document,
      sns: { subject: alertSubject(document), message, messageStructure: 'json', attributes: snsAttributes(document) },
    };
    // A UTF-16 unit is at most 3 UTF-8 bytes: count exactly only when that bound is too high.
    const roomForAttributes = 1024;
    if (message.length * 3 + roomForAttributes <= SNS_MESSAGE_MAX_BYTES) return last;
    if (utf8Bytes(message) + roomForAttributes <= SNS_MESSAGE_MAX_BYTES) return last;
  }
  return last!;
}

/** How the call reached AWS, as one line, or '' when nothing is notable. */
function sessionText(alert: AlertDocument): string {
  const s = alert.session;
  const parts = [
    ...(s.console ? ['console credentials'] : []),
    ...(s.bearerToken ? ['a Bedrock API key (bearer token)'] : []),
    ...(s.vpcEndpointId ? [`through VPC endpoint ${s.vpcEndpointId}`] : []),
  ];
  return parts.join(', ');
}
