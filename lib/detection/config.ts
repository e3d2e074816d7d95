import { ALERT_SEVERITIES, DEFAULT_RISK_SCORE, DEFAULT_SEVERITY, type AlertSeverity } from './alert';
import { DETECTION_PROFILES, DetectionConfigError, checkEventName, type DetectionProfile } from './catalogue';
import { DEFAULT_NAME_PREFIX, checkNamePrefix } from './names';
import {
  DEFAULT_VERDICT_SEVERITIES,
  DETECTOR_MODES,
  VERDICT_KINDS,
  checkApprovals,
  type Approvals,
  type DetectorMode,
  type VerdictSeverities,
} from './verdict';

/** The environment variable that carries {@link AlertFunctionConfig} to the alerting Lambda as JSON. */
export const ALERT_CONFIG_ENV = 'DETECTOR_CONFIG';
/** The environment variable that carries the alert topic's ARN. */
export const ALERT_TOPIC_ENV = 'ALERT_TOPIC_ARN';

/** What the construct tells the alerting Lambda; written at synth, read at cold start. */
export interface AlertFunctionConfig {
  readonly profile: DetectionProfile;
  /** The detector's resource-name prefix, to recognise tampering with its resources. */
  readonly namePrefix: string;
  /** Ids of the guardrail SCPs (`p-…`), to recognise their detachment or change (us-east-1 only). */
  readonly guardrailPolicyIds: readonly string[];
  readonly additionalEventNames: readonly string[];
  /** Severity and risk when nothing can be verified (the reference rule's). */
  readonly severity: AlertSeverity;
  readonly riskScore: number;
  /** What counts as the approved pipeline, for the verdict. */
  readonly approvals: Approvals;
  /** Severity and risk for the other verdicts. */
  readonly verdictSeverities: Partial<VerdictSeverities>;
  readonly mode: DetectorMode;
  /** Notify approved calls too (they are always logged and counted). */
  readonly notifyApproved: boolean;
}

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
  severity: DEFAULT_SEVERITY,
  riskScore: DEFAULT_RISK_SCORE,
  approvals: {},
  verdictSeverities: {},
  mode: 'alert',
  notifyApproved: false,
};

/** Returns a message naming the prop, the value and what is allowed, or undefined when valid. */
export function checkSeverity(value: unknown, prop = 'severity'): string | undefined {
  if (typeof value === 'string' && (ALERT_SEVERITIES as readonly string[]).includes(value)) return undefined;
  return `'${prop}' must be one of ${ALERT_SEVERITIES.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(value)}`;
}

export function checkRiskScore(value: unknown, prop = 'riskScore'): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100) return undefined;
  return `'${prop}' must be a whole number from 0 to 100, got ${JSON.stringify(value)}`;
}

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
      : `'profile' must be one of ${DETECTION_PROFILES.map((p) => `'${p}'`).join(', ')}, got ${JSON.stringify(config.profile)}`,
    Array.isArray(config.additionalEventNames)
      ? config.additionalEventNames.map((n) => checkEventName(n)).find((m) => m !== undefined)
      : `'additionalEventNames' must be an array, got ${JSON.stringify(config.additionalEventNames)}`,
    checkNamePrefix(config.namePrefix),
    Array.isArray(config.guardrailPolicyIds) &&
    config.guardrailPolicyIds.every((id) => typeof id === 'string' && /^p-[0-9a-z]{8,128}$/.test(id))
      ? undefined
      : `'guardrailPolicyIds' must be an array of policy ids like 'p-abcd1234', got ${JSON.stringify(config.guardrailPolicyIds)}`,
    checkSeverity(config.severity),
    checkRiskScore(config.riskScore),
    ...(config.approvals !== null && typeof config.approvals === 'object'
      ? checkApprovals(config.approvals)
      : [`'approvals' must be an object, got ${JSON.stringify(config.approvals)}`]),
    ...checkVerdictSeverities(config.verdictSeverities),
    DETECTOR_MODES.includes(config.mode)
      ? undefined
      : `'mode' must be one of ${DETECTOR_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(config.mode)}`,
    typeof config.notifyApproved === 'boolean'
      ? undefined
      : `'notifyApproved' must be true or false, got ${JSON.stringify(config.notifyApproved)}`,
  ].filter((m): m is string => m !== undefined);
  if (problems.length > 0) throw new DetectionConfigError(`${ALERT_CONFIG_ENV}: ${problems.join('; ')}`);
  return {
    profile: config.profile,
    namePrefix: config.namePrefix,
    guardrailPolicyIds: config.guardrailPolicyIds,
    additionalEventNames: config.additionalEventNames,
    severity: config.severity,
    riskScore: config.riskScore,
    approvals: config.approvals,
    verdictSeverities: config.verdictSeverities,
    mode: config.mode,
    notifyApproved: config.notifyApproved,
  };
}

/** Checks a partial verdict-severity mapping. */
export function checkVerdictSeverities(value: unknown, prop = 'verdictSeverities'): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [`'${prop}' must be an object keyed by verdict, got ${JSON.stringify(value)}`];
  }
  const problems: string[] = [];
  for (const [kind, mapping] of Object.entries(value)) {
    if (!(VERDICT_KINDS as readonly string[]).includes(kind) || kind === 'unverified') {
      problems.push(
        `'${prop}' keys must be ${VERDICT_KINDS.filter((k) => k !== 'unverified')
          .map((k) => `'${k}'`)
          .join(', ')} ('unverified' is set by 'severity' and 'riskScore'), got ${JSON.stringify(kind)}`,
      );
      continue;
    }
    const m = (mapping ?? {}) as Record<string, unknown>;
    const a = checkSeverity(m.severity, `${prop}.${kind}.severity`);
    const b = checkRiskScore(m.riskScore, `${prop}.${kind}.riskScore`);
    if (a) problems.push(a);
    if (b) problems.push(b);
  }
  return problems;
}
