/**
 * The CDK side of prop validation: the error every construct throws at synth, token handling, and
 * the checks that need aws-cdk-lib types (durations, log retention, trail event types). The pure
 * checks (ids, whole numbers, severities, names) live in `lib/detection` and `lib/prevention`; these
 * wrap them for props that may hold tokens. Every message names the prop, the value received and
 * what is allowed.
 */
import { Duration, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as logs from 'aws-cdk-lib/aws-logs';

import { checkBoolean as checkBooleanValue, checkWhole, show } from '../detection';

export { show };

/** Thrown at synth for an invalid construct prop. */
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

/** Throws for the first of several problems. */
export function assertAllValid(problems: readonly (string | undefined)[]): void {
  for (const problem of problems) assertValid(problem);
}

/** Whether a value is (or contains) an unresolved token: such values are judged only after they resolve. */
export function isToken(value: unknown): boolean {
  return Token.isUnresolved(value);
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

/** A whole number within [min, max], when given (a token is judged at deploy). */
export function checkInteger(value: unknown, prop: string, min: number, max: number): string | undefined {
  return value === undefined || isToken(value) ? undefined : checkWhole(value, prop, min, max);
}

/** A boolean prop (JavaScript callers can pass anything). */
export function checkBoolean(value: unknown, prop: string): string | undefined {
  return isToken(value) ? undefined : checkBooleanValue(value, prop);
}

/** A duration within [min, max] (an unresolved duration is judged at deploy). */
export function checkDuration(
  value: Duration | undefined,
  prop: string,
  min: Duration,
  max: Duration,
): string | undefined {
  if (value === undefined || value.isUnresolved()) return undefined;
  const seconds = value.toSeconds();
  if (seconds < min.toSeconds() || seconds > max.toSeconds()) {
    return `'${prop}' must be from ${min.toHumanString()} to ${max.toHumanString()}, got ${value.toHumanString()}`;
  }
  return undefined;
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
