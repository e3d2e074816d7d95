import { ALERT_SEVERITIES, DEFAULT_RISK_SCORE, DEFAULT_SEVERITY, type AlertSeverity } from './alert';
import { DETECTION_PROFILES, DetectionConfigError, checkEventName, type DetectionProfile } from './catalogue';
import { DEFAULT_NAME_PREFIX, checkNamePrefix } from './names';

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
  readonly severity: AlertSeverity;
  readonly riskScore: number;
}

export const DEFAULT_ALERT_FUNCTION_CONFIG: AlertFunctionConfig = {
  profile: 'default',
  namePrefix: DEFAULT_NAME_PREFIX,
  guardrailPolicyIds: [],
  additionalEventNames: [],
  severity: DEFAULT_SEVERITY,
  riskScore: DEFAULT_RISK_SCORE,
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
    config.guardrailPolicyIds.every((id) => /^p-[0-9a-z]{8,128}$/.test(String(id)))
      ? undefined
      : `'guardrailPolicyIds' must be an array of policy ids like 'p-abcd1234', got ${JSON.stringify(config.guardrailPolicyIds)}`,
    checkSeverity(config.severity),
    checkRiskScore(config.riskScore),
  ].filter((m): m is string => m !== undefined);
  if (problems.length > 0) throw new DetectionConfigError(`${ALERT_CONFIG_ENV}: ${problems.join('; ')}`);
  return {
    profile: config.profile,
    namePrefix: config.namePrefix,
    guardrailPolicyIds: config.guardrailPolicyIds,
    additionalEventNames: config.additionalEventNames,
    severity: config.severity,
    riskScore: config.riskScore,
  };
}
