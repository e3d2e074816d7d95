import {
  BEDROCK_EVENT_SOURCE,
  BEDROCK_EVENTBRIDGE_SOURCE,
  CLOUDTRAIL_API_CALL_DETAIL_TYPE,
  type WatchedCall,
} from './catalogue';

/** EventBridge's default quota on the size of an event pattern, in characters (adjustable to 4,096). */
export const EVENT_PATTERN_MAX_CHARS = 2048;

/** The size EventBridge counts against {@link EVENT_PATTERN_MAX_CHARS}: the pattern as compact JSON. */
export function patternSize(pattern: unknown): number {
  return JSON.stringify(pattern).length;
}

/** An EventBridge event pattern in its JSON form, as `PutRule` takes it. */
export interface DetectionEventPattern {
  readonly source: readonly string[];
  readonly 'detail-type': readonly string[];
  readonly detail: {
    readonly eventSource: readonly string[];
    readonly eventName: readonly string[];
    readonly errorCode: readonly [{ readonly exists: false }];
  };
}

/**
 * The EventBridge pattern that matches a successful call to any of `calls`.
 *
 * Success is the absence of `errorCode` (`{"exists": false}`): CloudTrail sets `errorCode` only on
 * failed calls. Names match exactly and case-sensitively, as EventBridge does.
 */
export function buildEventPattern(calls: readonly WatchedCall[]): DetectionEventPattern {
  if (calls.length === 0) throw new Error('buildEventPattern needs at least one watched call');
  return {
    source: [BEDROCK_EVENTBRIDGE_SOURCE],
    'detail-type': [CLOUDTRAIL_API_CALL_DETAIL_TYPE],
    detail: {
      eventSource: [BEDROCK_EVENT_SOURCE],
      eventName: calls.map((c) => c.eventName),
      errorCode: [{ exists: false }],
    },
  };
}
