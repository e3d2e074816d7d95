/**
 * The one pure entry that decides what an EventBridge event is for the detector: a watched call, a
 * change to the detector (tamper), or something to ignore, with the reason. The alert function
 * routes every event through it; the tests prove it decides what the synthesized rules decide.
 */
import type { WatchedCall } from './catalogue';
import { WatchedCallClassifier, type NonMatchCode } from './classify';
import type { DetectorNames } from './names';
import { TamperClassifier, type TamperCall, type TamperService } from './tamper';
import { isObject } from './values';

export type EventDecision =
  /** A successful watched call: judge it and alert. */
  | { readonly kind: 'watched'; readonly call: WatchedCall; readonly record: Record<string, unknown> }
  /** A successful call that stops, blinds or removes the detector: alert. */
  | {
      readonly kind: 'tamper';
      readonly service: TamperService;
      readonly call: TamperCall;
      readonly record: Record<string, unknown>;
    }
  /** Neither: nothing to do. `reason` says why it is not a watched call (the first check that failed). */
  | { readonly kind: 'ignored'; readonly code: NonMatchCode; readonly reason: string }
  /**
   * The pattern matched, but the event's `detail` is not one CloudTrail record (EventBridge also
   * matches a field inside an array of objects): it cannot be read, so it must not be dropped.
   */
  | { readonly kind: 'unreadable'; readonly eventName: string; readonly reason: string };

/** What the detector watches, as its configuration says. */
export interface EventDeciderOptions {
  readonly calls: readonly WatchedCall[];
  readonly names: DetectorNames;
  /** Guardrail SCP ids whose changes are tampering. */
  readonly guardrailPolicyIds?: readonly string[];
}

export class EventDecider {
  private readonly watched: WatchedCallClassifier;
  private readonly tamper: TamperClassifier;

  constructor(options: EventDeciderOptions) {
    this.watched = new WatchedCallClassifier(options.calls);
    this.tamper = new TamperClassifier(options.names, options.guardrailPolicyIds ?? []);
  }

  decide(event: unknown): EventDecision {
    const watched = this.watched.classifyEvent(event);
    if (watched.matched) {
      const detail = (event as Record<string, unknown>).detail;
      if (!isObject(detail)) return unreadable(watched.call.eventName, detail);
      return { kind: 'watched', call: watched.call, record: detail };
    }
    const tamper = this.tamper.classifyEvent(event);
    if (tamper.matched) {
      const detail = (event as Record<string, unknown>).detail;
      if (!isObject(detail)) return unreadable(tamper.call.action, detail);
      return { kind: 'tamper', service: tamper.service, call: tamper.call, record: detail };
    }
    return { kind: 'ignored', code: watched.code, reason: watched.reason };
  }
}

function unreadable(eventName: string, detail: unknown): EventDecision {
  const type = detail === null ? 'null' : Array.isArray(detail) ? 'an array' : `a ${typeof detail}`;
  return {
    kind: 'unreadable',
    eventName,
    reason: `event matched ${eventName} but its detail is ${detail === undefined ? 'missing' : type}, not a CloudTrail record object`,
  };
}
