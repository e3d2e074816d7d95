import { Token } from 'aws-cdk-lib';

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
