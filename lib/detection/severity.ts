/**
 * The alert severity scale (the reference rule's) and its checks. Pure.
 */
import { show } from './values';

/** Alert severities, lowest first (the reference rule's scale, and Security Hub's labels). */
export enum Severity {
  /** For information: an approved call (sent only with `notifyApproved`). */
  INFORMATIONAL = 'INFORMATIONAL',
  /** Low. */
  LOW = 'LOW',
  /** Medium: the reference rule's, for a call that cannot be verified. */
  MEDIUM = 'MEDIUM',
  /** High: by default, a call by a principal outside the approvals. */
  HIGH = 'HIGH',
  /** Critical: by default, a model from a source outside the approvals. */
  CRITICAL = 'CRITICAL',
}

/** A severity's name, as the alert carries it. */
export type AlertSeverity = `${Severity}`;
export const ALERT_SEVERITIES: readonly AlertSeverity[] = Object.values(Severity);

/** The reference rule's severity and risk score: what a call gets when nothing can be verified. */
export const DEFAULT_SEVERITY: AlertSeverity = 'MEDIUM';
export const DEFAULT_RISK_SCORE = 47;

/** A severity and a 0-100 risk score. */
export interface SeverityAndRisk {
  readonly severity: AlertSeverity;
  readonly riskScore: number;
}

/** Returns a message naming the prop, the value and what is allowed, or undefined when valid. */
export function checkSeverity(value: unknown, prop = 'severity'): string | undefined {
  if (typeof value === 'string' && (ALERT_SEVERITIES as readonly string[]).includes(value)) return undefined;
  return `'${prop}' must be one of ${ALERT_SEVERITIES.map((s) => `'${s}'`).join(', ')}, got ${show(value)}`;
}

export function checkRiskScore(value: unknown, prop = 'riskScore'): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100) return undefined;
  return `'${prop}' must be a whole number from 0 to 100, got ${show(value)}`;
}
