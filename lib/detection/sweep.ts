/**
 * Sweeps: the backfill on first deploy and the scheduled reconciliation. Both read the watched
 * calls back from CloudTrail LookupEvents and put each record through the same pipeline as an
 * EventBridge delivery, so idempotency keeps anything from being alerted twice. Pure.
 */
import { CLOUDTRAIL_API_CALL_DETAIL_TYPE } from './catalogue';
import { LOOKUP_EVENTS_HORIZON_DAYS, type LookedUpEvent } from './enrichment';

/** The key that marks an invocation as a sweep request (the schedule's and the backfill's input). */
export const SWEEP_REQUEST_KEY = 'bedrockSupplyChainSweep';

/**
 * `backfill`: read history once at stack creation. `reconcile`: read history hourly (and the
 * unwatched regions'). `health`: check the trail the detector relies on.
 */
export type SweepKind = 'backfill' | 'reconcile' | 'health';

export interface SweepRequest {
  readonly kind: SweepKind;
  /** How far back to read, in minutes (at most the 90-day LookupEvents horizon). */
  readonly lookbackMinutes: number;
}

/** Default backfill depth: the whole LookupEvents horizon. */
export const DEFAULT_BACKFILL_DAYS = LOOKUP_EVENTS_HORIZON_DAYS;
/** Default reconciliation: hourly. */
export const DEFAULT_RECONCILE_INTERVAL_MINUTES = 60;
/** The reconciliation interval's bounds, in minutes. */
export const RECONCILE_INTERVAL_BOUNDS = [5, 12 * 60] as const;

/**
 * How far back a reconciliation sweep reads: twice its interval (CloudTrail can take minutes to
 * record an event, and a sweep can be late), at most a day.
 */
export function reconcileLookbackMinutes(intervalMinutes: number): number {
  return Math.min(2 * intervalMinutes, 24 * 60);
}

/** The invocation payload of a sweep. */
export function sweepRequestPayload(request: SweepRequest): Record<string, SweepRequest> {
  return { [SWEEP_REQUEST_KEY]: request };
}

/**
 * The sweep request in an invocation, undefined when the invocation is not one, or a message saying
 * what is wrong with it.
 */
export function parseSweepRequest(event: Record<string, unknown>): SweepRequest | string | undefined {
  if (!(SWEEP_REQUEST_KEY in event)) return undefined;
  const r = event[SWEEP_REQUEST_KEY] as Record<string, unknown> | null;
  if (r === null || typeof r !== 'object') return `${SWEEP_REQUEST_KEY} must be an object`;
  if (r.kind !== 'backfill' && r.kind !== 'reconcile' && r.kind !== 'health') {
    return `${SWEEP_REQUEST_KEY}.kind must be 'backfill', 'reconcile' or 'health', got ${JSON.stringify(r.kind)}`;
  }
  const max = LOOKUP_EVENTS_HORIZON_DAYS * 24 * 60;
  if (typeof r.lookbackMinutes !== 'number' || !Number.isInteger(r.lookbackMinutes) || r.lookbackMinutes < 1) {
    return `${SWEEP_REQUEST_KEY}.lookbackMinutes must be a whole number of minutes from 1 to ${max}, got ${JSON.stringify(r.lookbackMinutes)}`;
  }
  return { kind: r.kind, lookbackMinutes: Math.min(r.lookbackMinutes, max) };
}

/**
 * A record read back by LookupEvents, in the envelope EventBridge would have delivered it in, or
 * a message saying why it cannot be (it is then counted and reported, never dropped silently).
 */
export function sweepEnvelope(event: LookedUpEvent): Record<string, unknown> | string {
  let record: unknown;
  try {
    record = JSON.parse(event.CloudTrailEvent ?? '');
  } catch {
    return `LookupEvents entry ${JSON.stringify(event.EventId ?? null)} has no readable CloudTrailEvent`;
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return `LookupEvents entry ${JSON.stringify(event.EventId ?? null)} has a CloudTrailEvent that is not an object`;
  }
  const r = record as Record<string, unknown>;
  const source = typeof r.eventSource === 'string' ? r.eventSource : '';
  return {
    version: '0',
    id: `sweep-${typeof r.eventID === 'string' ? r.eventID : (event.EventId ?? 'unknown')}`,
    'detail-type': CLOUDTRAIL_API_CALL_DETAIL_TYPE,
    source: `aws.${source.replace(/\.amazonaws\.com$/, '')}`,
    account: r.recipientAccountId,
    time: r.eventTime,
    region: r.awsRegion,
    resources: [],
    detail: r,
  };
}
