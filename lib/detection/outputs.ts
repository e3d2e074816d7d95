/**
 * The alert in the shapes of the other destinations: an AWS Chatbot (Amazon Q Developer in chat
 * applications) custom notification, a Security Hub ASFF finding, and a SOAR event for EventBridge.
 * SDK-free objects; the Lambda hands them to the clients. Every string from the record is already
 * safe (`safeText`), and chat text is additionally kept out of markdown.
 */
import type { AlertDocument } from './alert';
import { contextLines } from './render';
import { restrictTo, truncate } from './sanitize';

/** `truncate`, with its marker counted inside `max` (for fields with a hard length limit). */
export function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = truncate(text, Math.max(0, max - 48));
  return cut.length <= max ? cut : cut.slice(0, max);
}

// --- Chat --------------------------------------------------------------------------------------

/** The custom notification AWS Chatbot renders in Slack or Microsoft Teams (schema version 1.0). */
export interface ChatNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

/** Characters ARNs and ids use; anything else is dropped where a value lands outside a code block. */
const NOT_ID = /[^A-Za-z0-9:/._+=,-]/g;
/** Characters ARNs use (`@` appears in some resource names). */
const NOT_ARN = /[^A-Za-z0-9:/._+=,@-]/g;

/** The id a destination keys the alert by: the CloudTrail event id, or the call and its time. */
function eventKeyOf(alert: AlertDocument): string {
  const e = alert.event;
  return restrictTo(e.id ?? `${e.name}-${e.time ?? ''}`, NOT_ID, 128);
}

/** The ARNs among the alert's new resources and changed detector resources, reduced to `disallowed`'s complement. */
function resourceArns(alert: AlertDocument, disallowed: RegExp, max: number): string[] {
  return [...alert.newResources, ...alert.target]
    .map((f) => restrictTo(f.value, disallowed, max))
    .filter((v) => v.startsWith('arn:'));
}
const SEVERITY_EMOJI: Readonly<Record<string, string>> = {
  CRITICAL: ':rotating_light:',
  HIGH: ':red_circle:',
  MEDIUM: ':large_orange_diamond:',
  LOW: ':large_blue_diamond:',
  INFORMATIONAL: ':information_source:',
};

/**
 * Record values in chat go only inside one fenced code block, where neither Slack nor Teams
 * renders markdown, links or mentions; a backtick in a value (the only way out of the block) is
 * replaced with a look-alike, and `<`, `>`, `&` (Slack's control characters) with entities.
 */
export function chatCodeText(value: string): string {
  return value.replace(/`/g, '\u02cb').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The alert as an AWS Chatbot custom notification (about 4 KB at most). */
export function buildChatNotification(alert: AlertDocument): ChatNotification {
  const e = alert.event;
  const a = alert.actor;
  const details: string[] = [
    `Actor:        ${a.arn ?? '(not in record)'}`,
    `Source IP:    ${a.sourceIp ?? '(not in record)'}`,
    `Account:      ${e.account ?? '(not in record)'}  Region: ${e.region ?? '(not in record)'}`,
    `Event:        ${e.name}  id ${e.id ?? '(not in record)'}  at ${e.time ?? '(not in record)'}`,
    ...alert.modelSource.map((f) => `${f.label}: ${f.value}`),
    ...alert.newResources.map((f) => `New resource: ${f.value}`),
    ...alert.target.map((f) => `Detector resource: ${f.value}`),
    ...(alert.verdict?.reasons ?? []).map((r) => `- ${r}`),
    ...(alert.context ? contextLines(alert.context).map((l) => `* ${l}`) : []),
  ].map((line) => fit(chatCodeText(line), 400));
  const description =
    `${alert.summary}\n` +
    (alert.verdict ? `*Verdict:* ${alert.verdict.kind}\n` : '') +
    `*Severity:* ${alert.severity} (risk ${alert.riskScore}), MITRE ATT&CK ${alert.mitre.technique.id} ${alert.mitre.technique.name}\n` +
    '```\n' +
    fit(details.join('\n'), 3000) +
    '\n```' +
    (alert.consoleUrl ? `\n<${alert.consoleUrl}|Open the event in CloudTrail>` : '');
  const id = eventKeyOf(alert);
  return {
    version: '1.0',
    source: 'custom',
    id,
    content: {
      textType: 'client-markdown',
      title: `${SEVERITY_EMOJI[alert.severity] ?? ''} [${alert.severity}] ${alert.title}`.trim(),
      description,
      nextSteps: alert.triage.slice(0, 5),
      keywords: [alert.severity, alert.category, ...(alert.verdict ? [alert.verdict.kind] : []), e.name],
    },
    metadata: {
      threadId: id,
      summary: `[${alert.severity}] ${alert.title}`,
      eventType: alert.category,
      relatedResources: resourceArns(alert, NOT_ID, 256).slice(0, 5),
      additionalContext: {
        eventId: id,
        account: restrictTo(e.account ?? '', /[^0-9]/g, 12),
        region: restrictTo(e.region ?? '', /[^a-z0-9-]/g, 32),
      },
    },
  };
}

// --- Security Hub --------------------------------------------------------------------------------

/** An ASFF finding, as BatchImportFindings takes it (only the members the detector sets). */
export interface AsffFinding {
  readonly SchemaVersion: '2018-10-08';
  readonly Id: string;
  readonly ProductArn: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Region: string;
  readonly Types: readonly string[];
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly FirstObservedAt?: string;
  readonly Severity: { readonly Label: string; readonly Original: string };
  readonly Title: string;
  readonly Description: string;
  readonly Remediation: { readonly Recommendation: { readonly Text: string } };
  readonly SourceUrl?: string;
  readonly ProductFields: Readonly<Record<string, string>>;
  readonly Resources: readonly {
    readonly Type: string;
    readonly Id: string;
    readonly Partition: string;
    readonly Region: string;
  }[];
  readonly RecordState: 'ACTIVE';
}

export interface FindingContext {
  /** The account and region Security Hub runs in (the function's). */
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly namePrefix: string;
  /** When the finding is written (its UpdatedAt). */
  readonly now: Date;
}

/** ASFF finding types by alert category. */
export const FINDING_TYPES: Readonly<Record<AlertDocument['category'], readonly string[]>> = {
  'model-supply-chain': ['TTPs/Persistence/T1525'],
  'detector-tampering': ['TTPs/Defense Evasion/T1562'],
  'failed-attempts': ['TTPs/Discovery', 'Unusual Behaviors/User'],
  'create-then-delete': ['TTPs/Defense Evasion/T1070', 'TTPs/Persistence/T1525'],
};

/**
 * The alert as a Security Hub finding. Its id depends only on the CloudTrail event, so a repeat
 * (retry, sweep, redelivery) updates the same finding instead of adding another.
 */
export function buildSecurityHubFinding(alert: AlertDocument, ctx: FindingContext): AsffFinding {
  const e = alert.event;
  const account = /^\d{12}$/.test(e.account ?? '') ? e.account! : ctx.account;
  const region = restrictTo(e.region ?? ctx.region, /[^a-z0-9-]/g, 32) || ctx.region;
  const eventKey = eventKeyOf(alert);
  const created = isoOr(e.time, ctx.now);
  const resources: AsffFinding['Resources'][number][] = [];
  for (const id of resourceArns(alert, NOT_ARN, 512)) {
    resources.push({ Type: 'Other', Id: id, Partition: ctx.partition, Region: region });
  }
  for (const f of alert.modelSource) {
    const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/|$)/.exec(f.value);
    if (m) {
      resources.push({
        Type: 'AwsS3Bucket',
        Id: `arn:${ctx.partition}:s3:::${m[1]}`,
        Partition: ctx.partition,
        Region: region,
      });
    }
  }
  // The access key the response steps name, so the finding carries what its text refers to.
  const accessKey = /^(AKIA|ASIA)[A-Z0-9]{12,124}$/.test(alert.actor.accessKeyId ?? '')
    ? alert.actor.accessKeyId!
    : undefined;
  if (accessKey) resources.push({ Type: 'AwsIamAccessKey', Id: accessKey, Partition: ctx.partition, Region: region });
  if (resources.length === 0) {
    resources.push({ Type: 'AwsAccount', Id: `AWS::::Account:${account}`, Partition: ctx.partition, Region: region });
  }
  // A step about the access key only when the finding carries one.
  const steps = accessKey ? alert.response : alert.response.filter((step) => !/access key/i.test(step));
  const description = [
    alert.summary,
    alert.verdict ? `Verdict ${alert.verdict.kind}: ${alert.verdict.reasons.join('; ')}` : '',
    `Actor ${alert.actor.arn ?? '(not in record)'}${alert.actor.human ? ` (${alert.actor.human})` : ''} from ${alert.actor.sourceIp ?? '(not in record)'}.`,
  ]
    .filter(Boolean)
    .join(' ');
  return {
    SchemaVersion: '2018-10-08',
    Id: `${ctx.namePrefix}/${account}/${region}/${eventKey}`,
    ProductArn: `arn:${ctx.partition}:securityhub:${ctx.region}:${ctx.account}:product/${ctx.account}/default`,
    GeneratorId: `${ctx.namePrefix}/${alert.category}/${e.name}`,
    // With the account's default product, Security Hub accepts findings only for the calling account;
    // the event's own account (a forwarded member's) is in ProductFields and the resources' ARNs.
    AwsAccountId: ctx.account,
    Region: region,
    Types: FINDING_TYPES[alert.category],
    CreatedAt: created,
    UpdatedAt: ctx.now.toISOString(),
    FirstObservedAt: created,
    Severity: { Label: alert.severity, Original: String(alert.riskScore) },
    Title: fit(alert.title, 256),
    Description: fit(description, 1024),
    Remediation: { Recommendation: { Text: fit(steps.map((s, i) => `${i + 1}. ${s}`).join(' '), 512) } },
    ...(alert.consoleUrl ? { SourceUrl: alert.consoleUrl } : {}),
    ProductFields: {
      'bedrock-supply-chain/eventName': e.name,
      'bedrock-supply-chain/eventId': eventKey,
      'bedrock-supply-chain/category': alert.category,
      'bedrock-supply-chain/eventAccount': account,
      ...(alert.verdict ? { 'bedrock-supply-chain/verdict': alert.verdict.kind } : {}),
      ...(alert.actor.arn ? { 'bedrock-supply-chain/actor': fit(alert.actor.arn, 2048) } : {}),
      ...(alert.actor.human ? { 'bedrock-supply-chain/person': fit(alert.actor.human, 2048) } : {}),
      ...(accessKey ? { 'bedrock-supply-chain/accessKeyId': accessKey } : {}),
    },
    Resources: resources.slice(0, 32),
    RecordState: 'ACTIVE',
  };
}

function isoOr(value: string | null, fallback: Date): string {
  const t = Date.parse(value ?? '');
  return Number.isFinite(t) ? new Date(t).toISOString() : fallback.toISOString();
}

// --- SOAR ----------------------------------------------------------------------------------------

/** The `source` of the detector's events on the SOAR bus. */
export const SOAR_EVENT_SOURCE = 'bedrock-model-supply-chain';
/** The `detail-type` of the detector's events on the SOAR bus, by alert category. */
export const SOAR_DETAIL_TYPES: Readonly<Record<AlertDocument['category'], string>> = {
  'model-supply-chain': 'Bedrock Model Supply Chain Alert',
  'detector-tampering': 'Bedrock Model Supply Chain Detector Tampering',
  'failed-attempts': 'Bedrock Model Supply Chain Failed Attempts',
  'create-then-delete': 'Bedrock Model Supply Chain Create Then Delete',
};

/** The `detail-type` of an update of an alert (lifecycle follow-up, containment) on the SOAR bus. */
export const SOAR_UPDATE_DETAIL_TYPE = 'Bedrock Model Supply Chain Alert Update';

/** A PutEvents entry (SDK-free). */
export interface SoarEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName: string;
  readonly Resources: string[];
  readonly Time?: Date;
}

/** The alert as an event for the SOAR bus: `detail` is the alert document (schema `ALERT_SCHEMA`). */
export function buildSoarEntry(alert: AlertDocument, eventBusArn: string): SoarEntry {
  const t = Date.parse(alert.event.time ?? '');
  return {
    Source: SOAR_EVENT_SOURCE,
    DetailType: alert.update ? SOAR_UPDATE_DETAIL_TYPE : SOAR_DETAIL_TYPES[alert.category],
    Detail: JSON.stringify(alert),
    EventBusName: eventBusArn,
    Resources: resourceArns(alert, NOT_ARN, 1600).slice(0, 10),
    ...(Number.isFinite(t) ? { Time: new Date(t) } : {}),
  };
}
