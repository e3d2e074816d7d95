/**
 * Enrichment: what the same principal did in Bedrock shortly before the call (from CloudTrail
 * LookupEvents), and whether the principal and source IP are new to the detector. The lookups run
 * in the Lambda; what to ask and what the answers mean are decided here, purely.
 */
import { principalArnOf } from './record';
import { safeText } from './sanitize';
import { stringOf as str } from './values';

/** Enrichment settings (all bounded so one alert costs a known number of requests). */
export interface EnrichmentOptions {
  /** How far back to look for the principal's other Bedrock calls. @default 60 */
  readonly windowMinutes: number;
  /** At most this many LookupEvents pages (50 events each) per alert. @default 2 */
  readonly maxPages: number;
}

/** Enrichment settings with the first-seen memory switch, as the function takes them. */
export interface EnrichmentSettings extends EnrichmentOptions {
  /** Say whether the principal and the source IP are new to the detector. @default true */
  readonly firstSeen: boolean;
}

/** The one set of enrichment defaults: the construct, the function and the docs read them here. */
export const DEFAULT_ENRICHMENT: EnrichmentSettings = { windowMinutes: 60, maxPages: 2, firstSeen: true };

/** The bounds of each enrichment setting. */
export const ENRICHMENT_BOUNDS = { windowMinutes: [1, 24 * 60], maxPages: [1, 10] } as const;
/** CloudTrail LookupEvents allows 2 requests per second per account and region. */
export const LOOKUP_EVENTS_MIN_INTERVAL_MS = 500;
/** LookupEvents sees the last 90 days. */
export const LOOKUP_EVENTS_HORIZON_DAYS = 90;

/** A LookupEvents result entry, reduced to what enrichment reads (SDK-free). */
export interface LookedUpEvent {
  readonly EventId?: string;
  readonly EventName?: string;
  readonly EventTime?: Date | string;
  readonly EventSource?: string;
  readonly CloudTrailEvent?: string;
}

export interface PriorActivity {
  readonly status: 'found';
  readonly windowMinutes: number;
  /** LookupEvents entries read (all services). */
  readonly scanned: number;
  /** Whether more pages were left unread (the bound was reached). */
  readonly truncated: boolean;
  /** The principal's Bedrock calls in the window, before this one. */
  readonly bedrockCalls: number;
  /** Calls per event name, most frequent first (at most 10). */
  readonly byName: readonly { readonly name: string; readonly count: number }[];
  /** Event names among them that list or read models (List*, Get*): enumeration before the import. */
  readonly enumeration: readonly string[];
}

export interface Unavailable {
  readonly status: 'unavailable';
  readonly reason: string;
}

/**
 * Summarises the principal's Bedrock calls among `events`, keeping only those by the same principal
 * (compared as `aws:PrincipalArn` would be), before `record`, inside the window.
 */
export function summarizePriorActivity(
  record: Record<string, unknown>,
  events: readonly LookedUpEvent[],
  options: EnrichmentOptions,
  truncated: boolean,
): PriorActivity {
  const principal = principalArnOf(record);
  const end = Date.parse(str(record.eventTime) ?? '');
  const start = end - options.windowMinutes * 60_000;
  const counts = new Map<string, number>();
  let bedrockCalls = 0;
  for (const e of events) {
    // LookupEvents names the service of each entry: only Bedrock's records are read.
    if (e.EventSource !== undefined && e.EventSource !== 'bedrock.amazonaws.com') continue;
    let other: Record<string, unknown>;
    try {
      other = JSON.parse(e.CloudTrailEvent ?? 'null') as Record<string, unknown>;
    } catch {
      continue;
    }
    if (other === null || typeof other !== 'object') continue;
    if (other.eventSource !== 'bedrock.amazonaws.com' || other.eventID === record.eventID) continue;
    if (principal === undefined || principalArnOf(other) !== principal) continue;
    const t = Date.parse(str(other.eventTime) ?? '');
    if (!(t >= start && t <= end)) continue;
    const name = safeText(str(other.eventName) ?? '(no name)', 128);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    bedrockCalls++;
  }
  const byName = [...counts.entries()]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1))
    .slice(0, 10);
  return {
    status: 'found',
    windowMinutes: options.windowMinutes,
    scanned: events.length,
    truncated,
    bedrockCalls,
    byName,
    enumeration: [...counts.keys()].filter((n) => /^(List|Get)[A-Z]/.test(n)).sort(),
  };
}

/** Whether something was seen before by this detector (kept as long as the delivery records). */
export type FirstSeen = 'new' | 'seen' | 'unknown';

export interface FirstSeenResult {
  readonly principal: FirstSeen;
  readonly sourceIp: FirstSeen;
  /** How many days the detector remembers (its idempotency days): "new" means "not in that time". */
  readonly memoryDays: number;
  readonly reason?: string;
}

/** The keys the detector remembers principals and source IPs by (in its idempotency table). */
export function firstSeenKeys(record: Record<string, unknown>): { principal?: string; sourceIp?: string } {
  const principal = principalArnOf(record);
  const ip = str(record.sourceIPAddress);
  return {
    principal: principal ? `seen#principal#${principal.slice(0, 1024)}` : undefined,
    // Service principals (bedrock.amazonaws.com) are not addresses; only IPs are remembered.
    sourceIp: ip && /^[0-9a-fA-F:.]{2,45}$/.test(ip) ? `seen#ip#${ip}` : undefined,
  };
}
