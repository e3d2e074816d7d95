import { Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Thrown at synth for an invalid construct prop. The message names the prop, the value received and
 * what is allowed.
 */
export class PropValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropValidationError';
  }
}

/** Throws a {@link PropValidationError} when `problem` is a message. */
export function assertValid(problem: string | undefined): void {
  if (problem !== undefined) throw new PropValidationError(problem);
}

/** Whether a value is (or contains) an unresolved token: such values are judged only after they resolve. */
export function isToken(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/** Shows a received value in an error message. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A simple e-mail address check: one @, a dot in the domain, no spaces. */
export function checkEmail(value: string, prop: string): string | undefined {
  if (isToken(value)) return undefined;
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)
    ? undefined
    : `'${prop}' entries must be e-mail addresses like 'secops@example.com', got ${show(value)}`;
}

/** CloudTrail trail names: 3-128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit. */
export function checkTrailName(value: string, prop: string): string | undefined {
  if (isToken(value)) return undefined;
  return /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/.test(value) && !/[._-]{2}/.test(value)
    ? undefined
    : `'${prop}' must be 3-128 letters, digits, '.', '_' or '-', start and end with a letter or digit and have no two separators in a row, got ${show(value)}`;
}

/** A whole number within [min, max]. */
export function checkInteger(value: number, prop: string, min: number, max: number): string | undefined {
  if (isToken(value)) return undefined;
  return Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `'${prop}' must be a whole number from ${min} to ${max}, got ${show(value)}`;
}

/** A boolean prop (JavaScript callers can pass anything). */
export function checkBoolean(value: unknown, prop: string): string | undefined {
  if (value === undefined || typeof value === 'boolean' || isToken(value)) return undefined;
  return `'${prop}' must be true or false, got ${show(value)}`;
}

const RETENTION_DAYS = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');

/** One of the `logs.RetentionDays` values (CloudWatch Logs accepts no other). */
export function checkRetentionDays(value: unknown, prop: string): string | undefined {
  if (value === undefined || isToken(value) || RETENTION_DAYS.includes(value as number)) return undefined;
  return `'${prop}' must be a logs.RetentionDays value (${RETENTION_DAYS.filter((d) => d !== logs.RetentionDays.INFINITE).join(', ')} days, or INFINITE), got ${show(value)}`;
}

/** The watched calls are write management events: a trail must record them. */
export function checkManagementEvents(value: unknown, prop: string): string | undefined {
  if (value === undefined || isToken(value)) return undefined;
  return value === cloudtrail.ReadWriteType.ALL || value === cloudtrail.ReadWriteType.WRITE_ONLY
    ? undefined
    : `'${prop}' must be ReadWriteType.ALL or ReadWriteType.WRITE_ONLY (the watched calls are write management events), got ${show(value)}`;
}

/** SCP targets: at least one root, OU or account id. */
export function checkTargetIds(targetIds: unknown, prop: string): string | undefined {
  if (isToken(targetIds)) return undefined;
  if (!Array.isArray(targetIds) || targetIds.length === 0) {
    return `'${prop}' must contain at least one root, OU or account id, got ${show(targetIds)}`;
  }
  for (const id of targetIds) {
    if (isToken(id)) continue;
    if (typeof id !== 'string' || !/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/.test(id)) {
      return `'${prop}' entries must be a root id ('r-' and 4-32 lower-case letters or digits), an OU id ('ou-xxxx-xxxxxxxx') or a 12-digit account id, got ${show(id)}`;
    }
  }
  return undefined;
}

/** An SCP size budget: a whole number of bytes up to the quota. */
export function checkScpBudget(value: unknown, prop: string, max: number): string | undefined {
  if (value === undefined || isToken(value)) return undefined;
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max
    ? undefined
    : `'${prop}' must be a whole number from 1 to ${max} (the SCP quota), got ${show(value)}`;
}
