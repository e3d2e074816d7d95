/**
 * What the construct tells the alerting function (written at synth into its environment, read at
 * cold start), with the checks both sides share. Pure.
 */
import { DETECTOR_MODES, type DetectorModeName } from './actions';
import type { SourceProfileName } from './catalogue';
import { checkContainment, type ContainmentSettings } from './containment';
import { DEFAULT_ENRICHMENT, ENRICHMENT_BOUNDS, type EnrichmentSettings } from './enrichment';
import { POLICY_ID } from './ids';
import { DEFAULT_FOLLOW_UP_MINUTES, checkFollowUpMinutes } from './lifecycle';
import { DEFAULT_NAME_PREFIX, checkNamePrefix } from './names';
import { checkRegion } from './regions';
import {
  DETECTION_PROFILES,
  DetectionConfigError,
  checkAdditionalEvents,
  checkEventName,
  checkSourceProfile,
  type AdditionalEvents,
  type DetectionProfileName,
} from './select';
import { DEFAULT_RISK_SCORE, DEFAULT_SEVERITY, checkRiskScore, checkSeverity, type AlertSeverity } from './severity';
import { checkBoolean, checkWhole, show } from './values';
import { checkApprovals, type Approvals } from './verdict';
import { DEFAULT_VERDICT_SEVERITIES, checkVerdictSeverities, type VerdictSeverities } from './verdict-kinds';

/** The environment variable that carries {@link AlertFunctionConfig} to the alerting Lambda as JSON. */
export const ALERT_CONFIG_ENV = 'DETECTOR_CONFIG';
/** The environment variable that carries the alert topic's ARN. */
export const ALERT_TOPIC_ENV = 'ALERT_TOPIC_ARN';

/** What the construct tells the alerting Lambda; written at synth, read at cold start. */
export interface AlertFunctionConfig {
  readonly profile: DetectionProfileName;
  /** The detector's resource-name prefix, to recognise tampering with its resources. */
  readonly namePrefix: string;
  /** Ids of the guardrail SCPs (`p-…`), to recognise their detachment or change (us-east-1 only). */
  readonly guardrailPolicyIds: readonly string[];
  readonly additionalEventNames: readonly string[];
  /** Opt-in source profiles. */
  readonly sourceProfiles: readonly SourceProfileName[];
  /** Further event names of other event sources. */
  readonly additionalEvents: readonly AdditionalEvents[];
  /** The trail the detector relies on, for its health check (null: none to check). */
  readonly trail: ReliedOnTrail | null;
  /**
   * Regions whose calls reach this detector by a rule; the reconciliation sweep also reads the event
   * history of every other enabled region of this account. Null: no such sweep.
   */
  readonly watchedRegions: readonly string[] | null;
  /** The optional signals. */
  readonly signals: AlertSignals;
  /** Severity and risk when nothing can be verified (the reference rule's). */
  readonly severity: AlertSeverity;
  readonly riskScore: number;
  /** What counts as the approved pipeline, for the verdict. */
  readonly approvals: Approvals;
  /** Severity and risk for the other verdicts. */
  readonly verdictSeverities: Partial<VerdictSeverities>;
  readonly mode: DetectorModeName;
  /** Notify approved calls too (they are always logged and counted). */
  readonly notifyApproved: boolean;
  /** Check who owns the S3 bucket of a model source (S3 GetBucketLocation with ExpectedBucketOwner). */
  readonly provenanceCheck: boolean;
  /** Look up the principal's earlier Bedrock calls and whether it and its IP are new; null when off. */
  readonly enrichment: EnrichmentSettings | null;
  /** Time allowed for each check or lookup request; past it the alert goes out with the check unverifiable. */
  readonly checkTimeoutMs: number;
  /** Destinations besides the SNS alert topic. */
  readonly outputs: AlertOutputs;
  /** How many days an event id (and a principal or source IP) is remembered. */
  readonly idempotencyDays: number;
  /**
   * Follow a watched create to its end with its `Get*` call, at these minutes after the call, and
   * send an update of the alert (null: off). The function starts the follow-up state machine
   * `<namePrefix>-follow-up` in its own account and region.
   */
  readonly followUp: { readonly minutes?: readonly number[] } | null;
  /** What contain mode does (used only in mode `contain`). */
  readonly containment: ContainmentSettings | null;
}

/** The trail the detector relies on, as far as it is known at synth (name, ARN or both). */
export interface ReliedOnTrail {
  readonly kind: 'create' | 'existing' | 'organization';
  readonly name?: string;
  readonly arn?: string;
}

/** The optional signals, each off unless turned on. */
export interface AlertSignals {
  /** Alert when one principal makes `probeThreshold` failed watched calls within an hour. */
  readonly probing: boolean;
  readonly probeThreshold: number;
  /** Alert when a model, deployment or endpoint is deleted within a day of its watched creation by the same principal. */
  readonly createThenDelete: boolean;
}

/** Destinations besides the alert topic; each is optional. */
export interface AlertOutputs {
  /** The SNS topic AWS Chatbot channels subscribe to; gets custom notifications. */
  readonly chatTopicArn?: string;
  /** Import each alert into Security Hub as an ASFF finding. */
  readonly securityHub: boolean;
  /** The EventBridge bus that receives each alert as a structured event. */
  readonly soarEventBusArn?: string;
}

/** The CloudWatch namespace of the alert function's metrics; the alarms read them from here. */
export const METRIC_NAMESPACE = 'BedrockModelSupplyChain';
/** The function's Powertools service name: its logs' `service` and its metrics' `service` dimension. */
export const SERVICE_NAME = 'bedrock-supply-chain';

/** The environment variable with the dead-letter queue's URL (a follow-up that cannot be recorded is reported there). */
export const DEAD_LETTER_QUEUE_ENV = 'DEAD_LETTER_QUEUE_URL';

/** The environment variable that names the idempotency table. */
export const IDEMPOTENCY_TABLE_ENV = 'IDEMPOTENCY_TABLE';
/** Event ids are remembered longer than the 90-day backfill reads back. */
export const DEFAULT_IDEMPOTENCY_DAYS = 100;
/** A check or lookup that takes longer than this is abandoned (the alert says so). */
export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

/** The full verdict mapping: the defaults, the configured overrides, and `severity`/`riskScore` for `unverified`. */
export function verdictSeverities(config: AlertFunctionConfig): VerdictSeverities {
  return {
    ...DEFAULT_VERDICT_SEVERITIES,
    ...config.verdictSeverities,
    unverified: { severity: config.severity, riskScore: config.riskScore },
  };
}

export const DEFAULT_ALERT_FUNCTION_CONFIG: AlertFunctionConfig = {
  profile: 'default',
  namePrefix: DEFAULT_NAME_PREFIX,
  guardrailPolicyIds: [],
  additionalEventNames: [],
  sourceProfiles: [],
  additionalEvents: [],
  trail: null,
  watchedRegions: null,
  signals: { probing: false, probeThreshold: 3, createThenDelete: false },
  severity: DEFAULT_SEVERITY,
  riskScore: DEFAULT_RISK_SCORE,
  approvals: {},
  verdictSeverities: {},
  mode: 'alert',
  notifyApproved: false,
  provenanceCheck: true,
  enrichment: DEFAULT_ENRICHMENT,
  checkTimeoutMs: DEFAULT_CHECK_TIMEOUT_MS,
  outputs: { securityHub: false },
  idempotencyDays: DEFAULT_IDEMPOTENCY_DAYS,
  followUp: {},
  containment: null,
};

/**
 * Parses and checks the Lambda's configuration. A missing value takes its default; a wrong one
 * throws, so a misconfigured function fails loudly at cold start instead of alerting wrongly.
 */
export function parseAlertFunctionConfig(json: string | undefined): AlertFunctionConfig {
  if (json === undefined || json.trim() === '') return DEFAULT_ALERT_FUNCTION_CONFIG;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new DetectionConfigError(`${ALERT_CONFIG_ENV} is not valid JSON: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DetectionConfigError(`${ALERT_CONFIG_ENV} must be a JSON object, got ${json.slice(0, 100)}`);
  }
  const r = raw as Record<string, unknown>;
  const config = { ...DEFAULT_ALERT_FUNCTION_CONFIG, ...r } as AlertFunctionConfig;
  const problems = [
    DETECTION_PROFILES.includes(config.profile)
      ? undefined
      : `'profile' must be one of ${DETECTION_PROFILES.map((p) => `'${p}'`).join(', ')}, got ${show(config.profile)}`,
    Array.isArray(config.additionalEventNames)
      ? config.additionalEventNames.map((n) => checkEventName(n)).find((m) => m !== undefined)
      : `'additionalEventNames' must be an array, got ${show(config.additionalEventNames)}`,
    checkNamePrefix(config.namePrefix),
    ...(Array.isArray(config.sourceProfiles)
      ? config.sourceProfiles.map((p) => checkSourceProfile(p))
      : [`'sourceProfiles' must be an array, got ${show(config.sourceProfiles)}`]),
    ...checkAdditionalEvents(config.additionalEvents),
    ...checkTrail(config.trail),
    ...(config.watchedRegions === null
      ? []
      : Array.isArray(config.watchedRegions)
        ? config.watchedRegions.map((r) => checkRegion(r, 'watchedRegions'))
        : [`'watchedRegions' must be an array of regions or null, got ${show(config.watchedRegions)}`]),
    ...checkSignals(config.signals),
    Array.isArray(config.guardrailPolicyIds) &&
    config.guardrailPolicyIds.every((id) => typeof id === 'string' && POLICY_ID.test(id))
      ? undefined
      : `'guardrailPolicyIds' must be an array of policy ids like 'p-abcd1234', got ${show(config.guardrailPolicyIds)}`,
    checkSeverity(config.severity),
    checkRiskScore(config.riskScore),
    ...(config.approvals !== null && typeof config.approvals === 'object'
      ? checkApprovals(config.approvals)
      : [`'approvals' must be an object, got ${show(config.approvals)}`]),
    ...checkVerdictSeverities(config.verdictSeverities),
    DETECTOR_MODES.includes(config.mode)
      ? undefined
      : `'mode' must be one of ${DETECTOR_MODES.map((m) => `'${m}'`).join(', ')}, got ${show(config.mode)}`,
    checkBoolean(config.notifyApproved, 'notifyApproved'),
    checkBoolean(config.provenanceCheck, 'provenanceCheck'),
    ...checkEnrichment(config.enrichment),
    checkWhole(config.checkTimeoutMs, 'checkTimeoutMs', 100, 30_000),
    checkWhole(config.idempotencyDays, 'idempotencyDays', 1, 3650),
    ...checkOutputs(config.outputs),
    config.followUp === null
      ? undefined
      : typeof config.followUp === 'object' && !Array.isArray(config.followUp)
        ? config.followUp.minutes === undefined
          ? undefined
          : checkFollowUpMinutes(config.followUp.minutes, 'followUp.minutes')
        : `'followUp' must be an object or null, got ${show(config.followUp)}`,
    ...(config.containment === null ? [] : checkContainment(config.containment)),
    config.mode === 'contain' && config.containment === null
      ? `'containment' must be set in mode 'contain'`
      : undefined,
  ].filter((m): m is string => m !== undefined);
  if (problems.length > 0) throw new DetectionConfigError(`${ALERT_CONFIG_ENV}: ${problems.join('; ')}`);
  return {
    profile: config.profile,
    namePrefix: config.namePrefix,
    guardrailPolicyIds: config.guardrailPolicyIds,
    additionalEventNames: config.additionalEventNames,
    sourceProfiles: config.sourceProfiles,
    additionalEvents: config.additionalEvents,
    trail: config.trail,
    watchedRegions: config.watchedRegions,
    signals: config.signals,
    severity: config.severity,
    riskScore: config.riskScore,
    approvals: config.approvals,
    verdictSeverities: config.verdictSeverities,
    mode: config.mode,
    notifyApproved: config.notifyApproved,
    provenanceCheck: config.provenanceCheck,
    enrichment: config.enrichment,
    checkTimeoutMs: config.checkTimeoutMs,
    outputs: config.outputs,
    idempotencyDays: config.idempotencyDays,
    followUp: config.followUp,
    containment: config.containment,
  };
}

/** Checks the enrichment settings (null turns enrichment off). */
export function checkEnrichment(value: unknown, prop = 'enrichment'): string[] {
  if (value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value) || value === undefined) {
    return [`'${prop}' must be an object or null, got ${show(value)}`];
  }
  const e = value as Record<string, unknown>;
  return [
    checkWhole(e.windowMinutes, `${prop}.windowMinutes`, ...ENRICHMENT_BOUNDS.windowMinutes),
    checkWhole(e.maxPages, `${prop}.maxPages`, ...ENRICHMENT_BOUNDS.maxPages),
    typeof e.firstSeen === 'boolean'
      ? undefined
      : `'${prop}.firstSeen' must be true or false, got ${show(e.firstSeen)}`,
  ].filter((m): m is string => m !== undefined);
}

function checkOutputs(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [`'outputs' must be an object, got ${show(value)}`];
  }
  const o = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof o.securityHub !== 'boolean') {
    problems.push(`'outputs.securityHub' must be true or false, got ${show(o.securityHub)}`);
  }
  if (
    o.chatTopicArn !== undefined &&
    (typeof o.chatTopicArn !== 'string' || !/^arn:[a-z-]+:sns:/.test(o.chatTopicArn))
  ) {
    problems.push(`'outputs.chatTopicArn' must be an SNS topic ARN, got ${show(o.chatTopicArn)}`);
  }
  if (
    o.soarEventBusArn !== undefined &&
    (typeof o.soarEventBusArn !== 'string' ||
      !/^arn:[a-z-]+:events:[^:]+:\d{12}:event-bus\/.+$/.test(o.soarEventBusArn))
  ) {
    problems.push(`'outputs.soarEventBusArn' must be an EventBridge event bus ARN, got ${show(o.soarEventBusArn)}`);
  }
  return problems;
}

function checkTrail(value: unknown): string[] {
  if (value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value) || value === undefined) {
    return [`'trail' must be an object or null, got ${show(value)}`];
  }
  const t = value as Record<string, unknown>;
  const problems: string[] = [];
  if (t.kind !== 'create' && t.kind !== 'existing' && t.kind !== 'organization') {
    problems.push(`'trail.kind' must be 'create', 'existing' or 'organization', got ${show(t.kind)}`);
  }
  for (const k of ['name', 'arn'] as const) {
    if (t[k] !== undefined && (typeof t[k] !== 'string' || t[k] === '')) {
      problems.push(`'trail.${k}' must be a non-empty string, got ${show(t[k])}`);
    }
  }
  return problems;
}

function checkSignals(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [`'signals' must be an object, got ${show(value)}`];
  }
  const s = value as Record<string, unknown>;
  return [
    checkBoolean(s.probing, 'signals.probing'),
    checkWhole(s.probeThreshold, 'signals.probeThreshold', 2, 100),
    checkBoolean(s.createThenDelete, 'signals.createThenDelete'),
  ].filter((m): m is string => m !== undefined);
}

/** When the follow-up checks, in minutes after the call (the default schedule unless configured). */
export function followUpMinutes(config: Pick<AlertFunctionConfig, 'followUp'>): readonly number[] {
  return config.followUp?.minutes ?? DEFAULT_FOLLOW_UP_MINUTES;
}
