import { DEFAULT_WATCHED_CALLS } from './calls';
import { CLOUDTRAIL_API_CALL_DETAIL_TYPE, type WatchedCall } from './catalogue';
import { leavesAt } from './leaves';
import { matchesEventPattern } from './match';
import { EVENT_PATTERN_MAX_CHARS, buildEventPatterns, patternBranches, type DetectionEventPattern } from './pattern';

/** Why a record or event is not a watched call. */
export type NonMatchCode =
  | 'wrong-source'
  | 'wrong-detail-type'
  | 'wrong-event-source'
  | 'unwatched-event-name'
  | 'filtered-out'
  | 'failed-call'
  /** The rule matched, but the function's own check found the call harmless (see `relevance`). */
  | 'not-relevant';

export type Classification =
  | { readonly matched: true; readonly call: WatchedCall }
  | { readonly matched: false; readonly code: NonMatchCode; readonly reason: string };

/**
 * Decides, in code, exactly what the EventBridge patterns from `buildEventPatterns(calls)` decide
 * (with `matchesEventPattern`, EventBridge's semantics for arrays, dotted keys and operators), then
 * names the call; when nothing matches, it says why (the first check that fails).
 */
export class WatchedCallClassifier {
  /** The rules' patterns, exactly as the construct deploys them. */
  readonly patterns: readonly DetectionEventPattern[];
  /** The same, for a bare record (its `detail` part only). */
  private readonly detailPatterns: readonly { detail: unknown }[];
  private readonly bySource: ReadonlyMap<string, readonly WatchedCall[]>;
  private readonly sources: ReadonlySet<string>;
  private readonly anySource: boolean;
  /** Every watched event name: a pattern can match only an event with one of them. */
  private readonly names: ReadonlySet<string>;

  /**
   * @param calls the watched calls
   * @param outcome `success` (the detection rules) or `failure` (the probing signal's rules)
   * @param maxChars the pattern-size quota the rules were packed for (a branch's EventBridge sources
   *   are those of the pattern it is packed in, so the classifier packs them the same way)
   */
  constructor(
    readonly calls: readonly WatchedCall[] = DEFAULT_WATCHED_CALLS,
    private readonly outcome: 'success' | 'failure' = 'success',
    maxChars = EVENT_PATTERN_MAX_CHARS,
  ) {
    this.patterns = buildEventPatterns(calls, maxChars, outcome);
    this.detailPatterns = this.patterns.map((p) => ({ detail: p.detail }));
    const bySource = new Map<string, WatchedCall[]>();
    for (const c of calls) bySource.set(c.eventSource, [...(bySource.get(c.eventSource) ?? []), c]);
    this.bySource = bySource;
    const branches = patternBranches(calls);
    this.anySource = branches.some((b) => b.source === undefined);
    this.sources = new Set(branches.map((b) => b.source).filter((s): s is string => s !== undefined));
    this.names = new Set(calls.map((c) => c.eventName));
  }

  /** Classifies one CloudTrail record (an element of a log file's `Records[]`, or an event's `detail`). */
  classify(record: unknown): Classification {
    const event = { detail: record };
    if (this.mayMatch(event) && this.detailPatterns.some((p) => matchesEventPattern(p, event)))
      return this.named(event);
    return this.why(event);
  }

  /**
   * Whether any pattern could match: every branch of every pattern requires one of the watched event
   * names, so an event with none is decided without running the patterns (most events a rule never
   * sends, and every tamper event, take this path).
   */
  private mayMatch(event: unknown): boolean {
    return leavesAt(event, ['detail', 'eventName']).some((n) => typeof n === 'string' && this.names.has(n));
  }

  /** Classifies an EventBridge event whose `detail` is a CloudTrail record. */
  classifyEvent(event: unknown): Classification {
    if (this.mayMatch(event) && this.patterns.some((p) => matchesEventPattern(p, event))) return this.named(event);
    const source = leavesAt(event, ['source']);
    const sourceOk = source.some(
      (s) => typeof s === 'string' && (this.sources.has(s) || (this.anySource && s.startsWith('aws.'))),
    );
    if (!sourceOk) {
      return noMatch('wrong-source', `source is ${describe(source)}, not one of the watched services' sources`);
    }
    const detailType = leavesAt(event, ['detail-type']);
    if (!detailType.includes(CLOUDTRAIL_API_CALL_DETAIL_TYPE)) {
      return noMatch(
        'wrong-detail-type',
        `detail-type is ${describe(detailType)}, not '${CLOUDTRAIL_API_CALL_DETAIL_TYPE}'`,
      );
    }
    return this.why(event);
  }

  /** The call a matched event is (the patterns matched, so one is). */
  private named(event: unknown): Classification {
    const sources = leavesAt(event, ['detail', 'eventSource']);
    const names = leavesAt(event, ['detail', 'eventName']);
    for (const [source, calls] of this.bySource) {
      if (!sources.includes(source)) continue;
      const call = calls.find((c) => names.includes(c.eventName) && filterMatches(c, event));
      if (call) return { matched: true, call };
    }
    // Unreachable while the patterns and the calls agree; never drop a matched event.
    return noMatch('unwatched-event-name', 'the rule matched but no watched call has this source and name');
  }

  /** Why an event whose envelope is right matched no pattern: the first check that fails. */
  private why(event: unknown): Classification {
    const sources = leavesAt(event, ['detail', 'eventSource']);
    const calls = [...this.bySource].filter(([s]) => sources.includes(s)).flatMap(([, c]) => c);
    if (calls.length === 0) {
      return noMatch('wrong-event-source', `eventSource is ${describe(sources)}, not a watched event source`);
    }
    const names = leavesAt(event, ['detail', 'eventName']);
    const named = calls.filter((c) => names.includes(c.eventName));
    if (named.length === 0) {
      return noMatch('unwatched-event-name', `eventName is ${describe(names)}, not a watched call`);
    }
    const filtered = named.filter((c) => filterMatches(c, event));
    if (filtered.length === 0) {
      return noMatch(
        'filtered-out',
        `${named[0].eventName} does not meet its request condition (${JSON.stringify(named[0].requestFilter)})`,
      );
    }
    const errorCode = leavesAt(event, ['detail', 'errorCode']);
    if (this.outcome === 'success' && errorCode.length > 0) {
      return noMatch('failed-call', `the call failed (errorCode ${describe(errorCode)})`);
    }
    if (this.outcome === 'failure' && errorCode.length === 0) {
      return noMatch('failed-call', 'the call succeeded (no errorCode): not a failed call');
    }
    // Unreachable while the patterns and these checks agree: say so rather than guess.
    return noMatch('unwatched-event-name', 'no watched pattern matches this event');
  }
}

/** Whether a call's request filter (if any) holds for the event's record. */
function filterMatches(call: WatchedCall, event: unknown): boolean {
  if (!call.requestFilter) return true;
  return matchesEventPattern({ detail: { requestParameters: call.requestFilter } }, event);
}

/** Classifies a CloudTrail record against the default catalogue (or the given calls). */
export function classify(record: unknown, calls: readonly WatchedCall[] = DEFAULT_WATCHED_CALLS): Classification {
  return new WatchedCallClassifier(calls).classify(record);
}

function noMatch(code: NonMatchCode, reason: string): Classification {
  return { matched: false, code, reason };
}

/** A short, log-safe rendering of the leaves found at a field. */
function describe(leaves: readonly unknown[]): string {
  if (leaves.length === 0) return 'absent';
  const shown = leaves.slice(0, 3).map((l) => {
    const text = JSON.stringify(l) ?? String(l);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  });
  return shown.join(' | ') + (leaves.length > 3 ? ` (+${leaves.length - 3} more)` : '');
}
