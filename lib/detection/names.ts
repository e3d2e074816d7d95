/**
 * Physical names of everything the library deploys, derived from one prefix. The guardrails and the
 * tamper alert find the detector by these names (across accounts and regions, without cross-stack
 * references), so the constructs, the statements, the function and the tests all take them from
 * here. Pure.
 *
 * Which names are global: IAM role names and CloudWatch dashboard names are global to the account,
 * so they carry the region; S3 bucket names are global to the partition, so they carry the account
 * and the region; SCP names are global to the organisation. Everything else is regional.
 */
import { show } from './values';

/** The default prefix of every resource name. */
export const DEFAULT_NAME_PREFIX = 'bedrock-supply-chain';

/** Lower-case letters, digits and hyphens (S3 bucket rules), 3-24 characters, starting with a letter. */
const NAME_PREFIX = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/;

export function checkNamePrefix(value: unknown, prop = 'namePrefix'): string | undefined {
  if (typeof value === 'string' && NAME_PREFIX.test(value) && !value.includes('--')) return undefined;
  return `'${prop}' must be 3-24 lower-case letters, digits or single hyphens, starting with a letter and ending with a letter or digit, got ${show(value)}`;
}

/** The detector's names. Those that are global to an account have the region appended where used. */
export interface DetectorNames {
  /** The name prefix every other name starts with. */
  readonly prefix: string;
  /** The trail the detector creates. */
  readonly trail: string;
  /** The rules that match the watched calls (`<name>`, `<name>-2`, … when the patterns need more than one). */
  readonly rule: string;
  /** The rules that match failed watched calls, for the probing signal. */
  readonly probeRule: string;
  /** The rule that matches deletes of watched resources, for the create-then-delete signal. */
  readonly deleteRule: string;
  /** The schedule of the health check of the trail the detector relies on. */
  readonly healthRule: string;
  /** The rule that matches changes to the detector (a `-2` suffix names its second part). */
  readonly tamperRule: string;
  /** The rule, in us-east-1 only, that matches IAM and Organizations changes to the detector. */
  readonly globalTamperRule: string;
  /** The alerting function. */
  readonly function: string;
  /** The alerting function's log group. */
  readonly logGroup: string;
  /** The created trail's CloudWatch Logs group (with the default trail name). */
  readonly trailLogGroup: string;
  /** The dead-letter queue. */
  readonly queue: string;
  /** The alert topic. */
  readonly topic: string;
  /** The topic AWS Chatbot channels subscribe to. */
  readonly chatTopic: string;
  /** The DynamoDB table of delivered events. */
  readonly idempotencyTable: string;
  /** The schedule of the reconciliation sweep. */
  readonly reconcileRule: string;
  /** The alias of the detector's KMS key. */
  readonly keyAlias: string;
  /** IAM role names are global to the account: the region is appended (`<role>-<region>`). */
  readonly rolePrefix: string;
  /** Bucket names are global: the account and region are appended (`<bucket>-<account>-<region>`). */
  readonly bucketPrefix: string;
  /** Tag key set to "true" on the guardrail SCPs, so they can be protected by tag. */
  readonly guardrailTagKey: string;
  /** The organisation's central event bus (in the security account's home region). */
  readonly organizationBus: string;
  /** The StackSet that deploys the member accounts' forwarders. */
  readonly stackSet: string;
  /** The guardrail SCP; a split policy appends `-1`, `-2`, … (names are global to the organisation). */
  readonly scp: string;
  /** The physical id of the backfill's custom resource. */
  readonly backfill: string;
  /** CloudWatch dashboard names are global to the account: the region is appended (`<dashboard>-<region>`). */
  readonly dashboardPrefix: string;
  /** The state machine that waits between lifecycle follow-up checks. */
  readonly followUp: string;
  /** The rule that routes the Security Hub custom action "Contain this model" to the function. */
  readonly containRule: string;
}

export function detectorNames(prefix: string = DEFAULT_NAME_PREFIX): DetectorNames {
  return {
    prefix,
    trail: `${prefix}-trail`,
    rule: `${prefix}-rule`,
    probeRule: `${prefix}-probe-rule`,
    deleteRule: `${prefix}-delete-rule`,
    healthRule: `${prefix}-health`,
    tamperRule: `${prefix}-tamper-rule`,
    globalTamperRule: `${prefix}-global-tamper-rule`,
    function: `${prefix}-alert`,
    logGroup: `/aws/lambda/${prefix}-alert`,
    trailLogGroup: `/aws/cloudtrail/${prefix}-trail`,
    queue: `${prefix}-dead-letters`,
    topic: `${prefix}-alerts`,
    chatTopic: `${prefix}-chat`,
    idempotencyTable: `${prefix}-idempotency`,
    reconcileRule: `${prefix}-reconcile`,
    keyAlias: `alias/${prefix}`,
    rolePrefix: `${prefix}-alert`,
    bucketPrefix: `${prefix}-trail`,
    guardrailTagKey: `${prefix}:guardrail`,
    organizationBus: `${prefix}-org-bus`,
    stackSet: `${prefix}-forwarders`,
    scp: `${prefix}-guardrail`,
    backfill: `${prefix}-backfill`,
    dashboardPrefix: prefix,
    followUp: `${prefix}-follow-up`,
    containRule: `${prefix}-contain-rule`,
  };
}

/** The name of rule set member `i` (0-based): `<name>`, `<name>-2`, `<name>-3`, …. */
export function ruleSetMemberName(name: string, i: number): string {
  return i === 0 ? name : `${name}-${i + 1}`;
}

/** The alarms the detector watches itself with, by what they watch. */
export const DETECTOR_ALARMS = [
  'functionErrors',
  'functionThrottles',
  'deadLetters',
  'ruleFailures',
  'sweepFailures',
  'deliveryFailures',
  'followUpFailures',
] as const;
export type DetectorAlarm = (typeof DETECTOR_ALARMS)[number];

/** An alarm's name: `<prefix>-function-errors` and the like. */
export function alarmName(prefix: string, alarm: DetectorAlarm): string {
  return `${prefix}-${alarm.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Physical names of a forwarder's resources. They fall under the detector's names (`<prefix>-*`
 * rules, `<prefix>-alert-*` roles), so the guardrails deny changes to them and the tamper
 * patterns match changes to them, without a change to either.
 */
export interface ForwarderNames {
  /** The rules that forward the watched calls (`<name>`, `<name>-2`, …). */
  readonly rule: string;
  /** The rules that forward failed watched calls (probing signal). */
  readonly probeRule: string;
  /** The rule that forwards deletes of watched resources (create-then-delete signal). */
  readonly deleteRule: string;
  /** The rules that forward tamper events (`<name>`, `<name>-2`, …). */
  readonly tamperRule: string;
  /** The rule that forwards IAM and Organizations tamper events (us-east-1 only). */
  readonly globalTamperRule: string;
  /** The role of a forwarder of watched calls; the region is appended. */
  readonly rolePrefix: string;
  /** The role of a forwarder of tamper events only; the region is appended. */
  readonly tamperRolePrefix: string;
  /** The rule-name pattern the forwarder roles' trust policy admits (`aws:SourceArn`). */
  readonly rulePattern: string;
}

export function forwarderNames(prefix: string = DEFAULT_NAME_PREFIX): ForwarderNames {
  const names = detectorNames(prefix);
  return {
    rule: `${names.prefix}-forward-rule`,
    probeRule: `${names.prefix}-forward-probe-rule`,
    deleteRule: `${names.prefix}-forward-delete-rule`,
    tamperRule: `${names.prefix}-forward-tamper-rule`,
    globalTamperRule: `${names.prefix}-forward-global-tamper-rule`,
    rolePrefix: `${names.rolePrefix}-forward`,
    tamperRolePrefix: `${names.rolePrefix}-forward-tamper`,
    rulePattern: `${names.prefix}-forward-*`,
  };
}
