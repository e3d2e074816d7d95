import { CLOUDTRAIL_API_CALL_DETAIL_TYPE, type WatchedCall } from './catalogue';
import { eventBridgeSourceOf } from './select';

/** EventBridge's default quota on the size of an event pattern, in characters (adjustable to 4,096). */
export const EVENT_PATTERN_MAX_CHARS = 2048;

/** The size EventBridge counts against {@link EVENT_PATTERN_MAX_CHARS}: the pattern as compact JSON. */
export function patternSize(pattern: unknown): number {
  return JSON.stringify(pattern).length;
}

/** A value of an EventBridge pattern field: an exact value or an operator. */
export type PatternValue = string | { readonly [operator: string]: unknown };

/** An EventBridge event pattern in its JSON form, as `PutRule` takes it. */
export interface DetectionEventPattern {
  readonly source: readonly PatternValue[];
  readonly 'detail-type': readonly string[];
  /**
   * `errorCode` absent (a successful call), and one branch's `eventSource`, `eventName` and request
   * filter, or `$or` of the branches.
   */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** One branch of a pattern: calls of one event source that share a request filter. */
export interface PatternBranch {
  /** The EventBridge `source`, or undefined where it is unverified (matched as any `aws.` source). */
  readonly source: string | undefined;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** The calls grouped into branches: by event source, then by request filter, in catalogue order. */
export function patternBranches(calls: readonly WatchedCall[]): PatternBranch[] {
  const groups = new Map<string, { source: string | undefined; calls: WatchedCall[] }>();
  for (const c of calls) {
    const key = `${c.eventSource} ${JSON.stringify(c.requestFilter ?? {})}`;
    const group = groups.get(key) ?? { source: eventBridgeSourceOf(c.eventSource), calls: [] };
    group.calls.push(c);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ source, calls: group }) => ({
    source,
    detail: {
      eventSource: [group[0].eventSource],
      eventName: group.map((c) => c.eventName),
      ...(group[0].requestFilter ? { requestParameters: { ...group[0].requestFilter } } : {}),
    },
  }));
}

/**
 * Packs branches into as few patterns as fit `maxChars` each (EventBridge's pattern-size quota),
 * in order, one rule per pattern. `extra` is added to every pattern's `detail` (the success or
 * failure condition). A branch that does not fit on its own throws with `tooLong`'s message.
 */
export function packPatterns(
  branches: readonly PatternBranch[],
  extra: Readonly<Record<string, unknown>>,
  maxChars: number,
  tooLong: (size: number) => string,
): DetectionEventPattern[] {
  const patterns: DetectionEventPattern[] = [];
  let group: PatternBranch[] = [];
  for (const b of branches.flatMap((branch) => fitBranch(branch, extra, maxChars))) {
    if (group.length > 0 && patternSize(patternOf([...group, b], extra)) > maxChars) {
      patterns.push(patternOf(group, extra));
      group = [];
    }
    group.push(b);
  }
  if (group.length > 0) patterns.push(patternOf(group, extra));
  for (const p of patterns) if (patternSize(p) > maxChars) throw new Error(tooLong(patternSize(p)));
  return patterns;
}

/** A branch whose names alone do not fit one pattern, split into branches of fewer names that do. */
function fitBranch(branch: PatternBranch, extra: Readonly<Record<string, unknown>>, maxChars: number): PatternBranch[] {
  const names = branch.detail.eventName as readonly string[];
  if (patternSize(patternOf([branch], extra)) <= maxChars || names.length < 2) return [branch];
  const half = Math.ceil(names.length / 2);
  return [names.slice(0, half), names.slice(half)].flatMap((part) =>
    fitBranch({ ...branch, detail: { ...branch.detail, eventName: part } }, extra, maxChars),
  );
}

function patternOf(group: readonly PatternBranch[], extra: Readonly<Record<string, unknown>>): DetectionEventPattern {
  const sources = group.map((g) => g.source);
  return {
    // A branch whose EventBridge source is unverified is matched by its eventSource alone.
    source: sources.includes(undefined) ? [{ prefix: 'aws.' }] : [...new Set(sources as string[])],
    'detail-type': [CLOUDTRAIL_API_CALL_DETAIL_TYPE],
    // EventBridge wants at least two branches in an `$or`.
    detail: group.length === 1 ? { ...group[0].detail, ...extra } : { ...extra, $or: group.map((g) => g.detail) },
  };
}

/** What makes a call a success: CloudTrail sets `errorCode` only on failed calls. */
export const SUCCESS: Readonly<Record<string, unknown>> = { errorCode: [{ exists: false }] };
/** What makes a call a failure. */
export const FAILURE: Readonly<Record<string, unknown>> = { errorCode: [{ exists: true }] };

/**
 * The EventBridge patterns that match a successful call to any of `calls`, packed into as few as fit
 * EventBridge's pattern-size quota (one rule each). Names match exactly and case-sensitively, as
 * EventBridge does; a call's request filter (RAM shares of custom models, a provisioned-throughput
 * model swap) is part of its branch.
 */
export function buildEventPatterns(
  calls: readonly WatchedCall[],
  maxChars = EVENT_PATTERN_MAX_CHARS,
  outcome: 'success' | 'failure' = 'success',
): DetectionEventPattern[] {
  if (calls.length === 0) throw new Error('buildEventPatterns needs at least one watched call');
  return packPatterns(
    patternBranches(calls),
    outcome === 'success' ? SUCCESS : FAILURE,
    maxChars,
    (size) =>
      `one event source's watched names make a pattern of ${size} characters, more than the ${maxChars} EventBridge allows: watch fewer names`,
  );
}

/**
 * The one pattern of `calls` when they fit in one (the default and extended profiles do).
 * @throws when they need more than one: use {@link buildEventPatterns}
 */
export function buildEventPattern(calls: readonly WatchedCall[]): DetectionEventPattern {
  const patterns = buildEventPatterns(calls);
  if (patterns.length > 1) {
    throw new Error(`these ${calls.length} calls need ${patterns.length} patterns: use buildEventPatterns`);
  }
  return patterns[0];
}
