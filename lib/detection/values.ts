/**
 * Small facts every check and message shares: how a received value is printed in an error, the
 * whole-number check, and UTF-8 byte counting (what AWS quotas count). Pure; no dependencies.
 */

/** Shows a received value in an error message: as JSON where it can be, as text otherwise. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A whole number from `min` to `max`, or a message naming the prop, the value and the range. */
export function checkWhole(value: unknown, prop: string, min: number, max: number): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return undefined;
  return `'${prop}' must be a whole number from ${min} to ${max}, got ${show(value)}`;
}

/** True or false, or a message (JavaScript callers can pass anything). Undefined is allowed. */
export function checkBoolean(value: unknown, prop: string): string | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  return `'${prop}' must be true or false, got ${show(value)}`;
}

/** The UTF-8 length of a string, in bytes: what SCP, Lambda environment and SNS quotas count. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value when it is a string, otherwise undefined. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
