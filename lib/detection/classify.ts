import {
  BEDROCK_EVENT_SOURCE,
  BEDROCK_EVENTBRIDGE_SOURCE,
  CLOUDTRAIL_API_CALL_DETAIL_TYPE,
  DEFAULT_WATCHED_CALLS,
  type WatchedCall,
} from './catalogue';
import { hasStringLeaf, leavesAt } from './leaves';

/** Why a record or event is not a watched call. */
export type NonMatchCode =
  'wrong-source' | 'wrong-detail-type' | 'wrong-event-source' | 'unwatched-event-name' | 'failed-call';

export type Classification =
  | { readonly matched: true; readonly call: WatchedCall }
  | { readonly matched: false; readonly code: NonMatchCode; readonly reason: string };

/**
 * Decides, in code, exactly what the EventBridge pattern from `buildEventPattern(calls)` decides:
 * `eventSource` is `bedrock.amazonaws.com`, `eventName` is one of the watched names (both exact and
 * case-sensitive, with EventBridge's array and dotted-key semantics) and no `errorCode` leaf exists.
 */
export class WatchedCallClassifier {
  private readonly byName: ReadonlyMap<string, WatchedCall>;
  private readonly names: ReadonlySet<string>;

  constructor(readonly calls: readonly WatchedCall[] = DEFAULT_WATCHED_CALLS) {
    this.byName = new Map(calls.map((c) => [c.eventName, c]));
    this.names = new Set(this.byName.keys());
  }

  /** Classifies one CloudTrail record (an element of a log file's `Records[]`, or an event's `detail`). */
  classify(record: unknown): Classification {
    return this.decide(record, IN_RECORD);
  }

  /** Classifies an EventBridge event whose `detail` is a CloudTrail record. */
  classifyEvent(event: unknown): Classification {
    if (hasStringLeaf(event, SOURCE, SOURCE_VALUES) === undefined) {
      return noMatch(
        'wrong-source',
        `source is ${describe(leavesAt(event, SOURCE))}, not '${BEDROCK_EVENTBRIDGE_SOURCE}'`,
      );
    }
    if (hasStringLeaf(event, DETAIL_TYPE, DETAIL_TYPE_VALUES) === undefined) {
      return noMatch(
        'wrong-detail-type',
        `detail-type is ${describe(leavesAt(event, DETAIL_TYPE))}, not '${CLOUDTRAIL_API_CALL_DETAIL_TYPE}'`,
      );
    }
    return this.decide(event, IN_DETAIL);
  }

  private decide(doc: unknown, paths: FieldPaths): Classification {
    if (hasStringLeaf(doc, paths.eventSource, EVENT_SOURCE_VALUES) === undefined) {
      return noMatch(
        'wrong-event-source',
        `eventSource is ${describe(leavesAt(doc, paths.eventSource))}, not '${BEDROCK_EVENT_SOURCE}'`,
      );
    }
    const name = hasStringLeaf(doc, paths.eventName, this.names);
    if (name === undefined) {
      return noMatch(
        'unwatched-event-name',
        `eventName is ${describe(leavesAt(doc, paths.eventName))}, not a watched call`,
      );
    }
    const errorCode = leavesAt(doc, paths.errorCode);
    if (errorCode.length > 0) {
      return noMatch('failed-call', `the call failed (errorCode ${describe(errorCode)})`);
    }
    return { matched: true, call: this.byName.get(name)! };
  }
}

interface FieldPaths {
  readonly eventSource: readonly string[];
  readonly eventName: readonly string[];
  readonly errorCode: readonly string[];
}
const IN_RECORD: FieldPaths = { eventSource: ['eventSource'], eventName: ['eventName'], errorCode: ['errorCode'] };
const IN_DETAIL: FieldPaths = {
  eventSource: ['detail', 'eventSource'],
  eventName: ['detail', 'eventName'],
  errorCode: ['detail', 'errorCode'],
};
const SOURCE = ['source'];
const DETAIL_TYPE = ['detail-type'];
const SOURCE_VALUES: ReadonlySet<string> = new Set([BEDROCK_EVENTBRIDGE_SOURCE]);
const DETAIL_TYPE_VALUES: ReadonlySet<string> = new Set([CLOUDTRAIL_API_CALL_DETAIL_TYPE]);
const EVENT_SOURCE_VALUES: ReadonlySet<string> = new Set([BEDROCK_EVENT_SOURCE]);

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
