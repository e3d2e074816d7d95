/**
 * Making untrusted strings from a CloudTrail record safe to show.
 *
 * Every value that reaches an alert comes from the record, so from the caller: a user agent, a job
 * name or an S3 key can carry line breaks that forge alert lines, terminal escapes, bidirectional
 * overrides that reverse what a reader sees, or megabytes of text. Pure; no dependencies.
 */

/**
 * Control characters (C0, DEL, C1), invisible format characters (bidi overrides, zero-width), line
 * and paragraph separators, and lone surrogates (in `u` mode \p{Cs} matches only unpaired ones).
 * A value without them needs only `"` and `\` escaped to sit inside a JSON string.
 *
 * Then what renders as something other than text where alerts are read (HTML mail and web pages,
 * Slack, Teams, Discord and Google Chat, markdown): `<` and `>` (tags, and chat links and mentions
 * such as `<!channel>`, `<@U123>`, `<https://x|text>`, `<at>`), backticks (code spans and fences),
 * the `](` of a markdown link, and the `@` of the mentions that notify everyone (`@here`,
 * `@channel`, `@everyone`, `@all`).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029<>`]|\](?=\()|@(?=(?:here|channel|everyone|all)\b)/giu;

/**
 * Whether a value may need {@link UNSAFE} applied: anything but printable ASCII, or one of `<`, `>`,
 * `@`, `]`, a backtick. One character class, as quick as testing for printable ASCII alone.
 */
const MAY_NEED_ESCAPING = /[^\x20-\x3B\x3D\x3F\x41-\x5C\x5E\x5F\x61-\x7E]/;

/** Default cap on one value, in code points. */
export const DEFAULT_MAX_FIELD_LENGTH = 1024;

/**
 * One line of display text: unsafe characters and markup are shown as visible `\u{…}` escapes, so a
 * reader sees that they were there and nothing renders, and the result is capped at `max` code
 * points (never splitting a surrogate pair). Non-ASCII letters are kept as they are.
 */
export function safeText(value: string, max = DEFAULT_MAX_FIELD_LENGTH): string {
  // Fast path: printable ASCII without markup needs no escaping.
  if (!MAY_NEED_ESCAPING.test(value)) return value.length <= max ? value : truncate(value, max);
  const escaped = value.replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);
  return truncate(escaped, max);
}

/** Caps text at `max` code points, marking the cut with how much was left out. */
export function truncate(text: string, max: number): string {
  // Fast path: a string of at most `max` UTF-16 units has at most `max` code points.
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  const marker = ` [truncated: ${points.length - max} more characters]`;
  return points.slice(0, Math.max(0, max)).join('') + marker;
}

/**
 * Removes every character that `disallowed` (a global regular expression) matches, then caps the
 * result at `max` characters: for values that land in places with a strict grammar (SNS subject).
 */
export function restrictTo(value: string, disallowed: RegExp, max: number): string {
  if (!disallowed.global) throw new Error('restrictTo needs a global regular expression');
  return value.replace(disallowed, '').slice(0, max);
}

/**
 * Any JSON value as display text: strings go through {@link safeText}; numbers and booleans are
 * printed; objects and arrays are printed as compact JSON and capped.
 */
export function displayValue(value: unknown, max = DEFAULT_MAX_FIELD_LENGTH): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return safeText(value, max);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let json: string;
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    json = '[unprintable value]';
  }
  return safeText(json, max);
}
