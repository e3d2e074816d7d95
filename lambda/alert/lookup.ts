// The one CloudTrail LookupEvents pager, used by enrichment (the principal's earlier calls) and by
// the sweeps (the watched calls EventBridge may not have delivered). It keeps the account's rate
// limit, bounds the pages, stops on a page token that comes back, and reports a failure instead of
// throwing it, so each caller decides what a failure means.
import type { CloudTrailClient, LookupAttributeKey } from '@aws-sdk/client-cloudtrail';

import { LOOKUP_EVENTS_MIN_INTERVAL_MS, type LookedUpEvent } from '../../lib/detection';

import { describeError } from './errors';
import { load } from './sdk';

/**
 * Keeps calls at least `intervalMs` apart (CloudTrail LookupEvents: 2 requests per second per
 * account and region). One per container, shared by enrichment and sweeps.
 */
export class MinInterval {
  private next = 0;
  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}
  async wait(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await this.sleep(at - now);
  }
}

export const lookupEventsLimiter = new MinInterval(LOOKUP_EVENTS_MIN_INTERVAL_MS);

export interface LookupEventsQuery {
  readonly attribute: { readonly key: LookupAttributeKey; readonly value: string };
  readonly start: Date;
  readonly end: Date;
  /** At most this many pages (50 events each). */
  readonly maxPages: number;
  /** Each request is abandoned after this long. @default no limit beyond the client's */
  readonly timeoutMs?: number;
  /** Asked before each request: a reason stops the paging there. */
  readonly shouldStop?: () => string | undefined;
}

export interface LookedUpPages {
  readonly events: LookedUpEvent[];
  readonly pages: number;
  /** More pages were left unread: the page bound, a repeated token or a stop. */
  readonly truncated: boolean;
  /** What went wrong, when something did: a failed request, or a page token that came back. */
  readonly problem?: string;
  /** A request failed (as opposed to a repeated token). */
  readonly failed?: boolean;
  /** Why `shouldStop` stopped the reading, when it did. */
  readonly stopped?: string;
}

/** Reads the pages of one LookupEvents query, rate limited and bounded. */
export async function lookupEvents(
  cloudTrail: CloudTrailClient,
  query: LookupEventsQuery,
  limiter: MinInterval = lookupEventsLimiter,
): Promise<LookedUpPages> {
  // Loaded on first use: enrichment and sweeps are not needed to classify or deliver an event.
  const { LookupEventsCommand } = load.cloudTrail();
  const events: LookedUpEvent[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const stop = query.shouldStop?.();
    if (stop) return { events, pages, truncated: true, stopped: stop };
    if (pages >= query.maxPages) return { events, pages, truncated: true };
    await limiter.wait();
    let page;
    try {
      page = await cloudTrail.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: query.attribute.key, AttributeValue: query.attribute.value }],
          StartTime: query.start,
          EndTime: query.end,
          MaxResults: 50,
          NextToken: token,
        }),
        query.timeoutMs ? { abortSignal: AbortSignal.timeout(query.timeoutMs) } : undefined,
      );
    } catch (e) {
      return { events, pages, truncated: true, failed: true, problem: describeError(e) };
    }
    pages++;
    events.push(...(page.Events ?? []));
    if (page.NextToken !== undefined && page.NextToken === token) {
      return { events, pages, truncated: true, problem: 'the same page token came back; stopped' };
    }
    token = page.NextToken;
  } while (token);
  return { events, pages, truncated: false };
}
