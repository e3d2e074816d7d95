/**
 * The one pure entry that decides what an EventBridge event is for the detector: a watched call, a
 * failed watched call (probing), a delete of what a watched call created, a change that blinds or
 * escapes the detector (tamper), or something to ignore, with the reason. The alert function routes
 * every event through it; the tests prove it decides what the synthesized rules decide.
 */
import { DELETE_CALLS, DELETE_CALLS_AS_WATCHED, type DeleteCall } from './calls';
import type { WatchedCall } from './catalogue';
import { WatchedCallClassifier, type NonMatchCode } from './classify';
import type { DetectorNames } from './names';
import { outsideModelEndpoints } from './relevance';
import { TamperClassifier } from './tamper';
import { type TamperCall, type TamperService } from './tamper-catalogue';
import { isObject } from './values';

export type EventDecision =
  /** A successful watched call: judge it and alert. `outsideEndpoints`: what the relevance check found. */
  | {
      readonly kind: 'watched';
      readonly call: WatchedCall;
      readonly record: Record<string, unknown>;
      readonly outsideEndpoints?: readonly string[];
    }
  /** A watched call that failed (errorCode): counted per principal for the probing signal. */
  | { readonly kind: 'probe'; readonly call: WatchedCall; readonly record: Record<string, unknown> }
  /** A delete of a model, deployment or endpoint: compared with what the same principal created. */
  | { readonly kind: 'deleted'; readonly call: DeleteCall; readonly record: Record<string, unknown> }
  /** A successful call that stops, blinds, removes or escapes the detector: alert. */
  | {
      readonly kind: 'tamper';
      readonly service: TamperService;
      readonly call: TamperCall;
      readonly record: Record<string, unknown>;
    }
  /** Neither: nothing to do. `reason` says why it is not a watched call (the first check that failed). */
  | { readonly kind: 'ignored'; readonly code: NonMatchCode; readonly reason: string }
  /**
   * A rule matched, but the event's `detail` is not one CloudTrail record (EventBridge also
   * matches a field inside an array of objects): it cannot be read, so it must not be dropped.
   */
  | { readonly kind: 'unreadable'; readonly eventName: string; readonly reason: string };

/** What the detector watches, as its configuration says. */
export interface EventDeciderOptions {
  readonly calls: readonly WatchedCall[];
  readonly names: DetectorNames;
  /** Guardrail SCP ids whose changes are tampering. */
  readonly guardrailPolicyIds?: readonly string[];
  /** Names of the trails the detector relies on besides its own. */
  readonly trails?: readonly string[];
  /** Decide failed watched calls too (the probing signal). */
  readonly probing?: boolean;
  /** Decide deletes of watched resources too (the create-then-delete signal). */
  readonly createThenDelete?: boolean;
}

export class EventDecider {
  private readonly watched: WatchedCallClassifier;
  private readonly failed?: WatchedCallClassifier;
  private readonly deletes?: WatchedCallClassifier;
  private readonly tamper: TamperClassifier;

  constructor(options: EventDeciderOptions) {
    this.watched = new WatchedCallClassifier(options.calls);
    if (options.probing) this.failed = new WatchedCallClassifier(options.calls, 'failure');
    if (options.createThenDelete) this.deletes = new WatchedCallClassifier(DELETE_CALLS_AS_WATCHED);
    this.tamper = new TamperClassifier(options.names, options.guardrailPolicyIds ?? [], options.trails ?? []);
  }

  decide(event: unknown): EventDecision {
    const watched = this.watched.classifyEvent(event);
    if (watched.matched) {
      const record = recordOf(event);
      if (!record) return unreadable(watched.call.eventName, (event as Record<string, unknown>).detail);
      if (watched.call.relevance === 'outside-model-configuration') {
        const outside = outsideModelEndpoints(record);
        if (outside.length === 0) {
          return {
            kind: 'ignored',
            code: 'not-relevant',
            reason: `${watched.call.eventName} names no model endpoint outside Bedrock`,
          };
        }
        return { kind: 'watched', call: watched.call, record, outsideEndpoints: outside };
      }
      return { kind: 'watched', call: watched.call, record };
    }
    const failed = this.failed?.classifyEvent(event);
    if (failed?.matched) {
      const record = recordOf(event);
      if (!record) return unreadable(failed.call.eventName, (event as Record<string, unknown>).detail);
      return { kind: 'probe', call: failed.call, record };
    }
    const deleted = this.deletes?.classifyEvent(event);
    if (deleted?.matched) {
      const record = recordOf(event);
      if (!record) return unreadable(deleted.call.eventName, (event as Record<string, unknown>).detail);
      const call = DELETE_CALLS.find((d) => d.eventName === deleted.call.eventName)!;
      return { kind: 'deleted', call, record };
    }
    const tamper = this.tamper.classifyEvent(event);
    if (tamper.matched) {
      const record = recordOf(event);
      if (!record) return unreadable(tamper.call.action, (event as Record<string, unknown>).detail);
      return { kind: 'tamper', service: tamper.service, call: tamper.call, record };
    }
    return { kind: 'ignored', code: watched.code, reason: watched.reason };
  }
}

function recordOf(event: unknown): Record<string, unknown> | undefined {
  const detail = (event as Record<string, unknown>).detail;
  return isObject(detail) ? detail : undefined;
}

function unreadable(eventName: string, detail: unknown): EventDecision {
  const type = detail === null ? 'null' : Array.isArray(detail) ? 'an array' : `a ${typeof detail}`;
  return {
    kind: 'unreadable',
    eventName,
    reason: `event matched ${eventName} but its detail is ${detail === undefined ? 'missing' : type}, not a CloudTrail record object`,
  };
}
