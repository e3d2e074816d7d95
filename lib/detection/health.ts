/**
 * The health of the trail the detector relies on, from what CloudTrail says of it: logging on,
 * write management events selected (basic or advanced selectors), every region. Pure; the function
 * reads the three answers and the tests judge recorded ones.
 */
import { isObject } from './values';

/** What DescribeTrails, GetTrailStatus and GetEventSelectors said (any of them may be missing). */
export interface TrailReadings {
  /** The trail's DescribeTrails entry, or undefined when it was not listed. */
  readonly trail?: { readonly IsMultiRegionTrail?: boolean; readonly Name?: string; readonly TrailARN?: string };
  /** GetTrailStatus's IsLogging, or undefined when it could not be read. */
  readonly isLogging?: boolean;
  /** GetEventSelectors' answer, or undefined when it could not be read. */
  readonly selectors?: { readonly EventSelectors?: unknown; readonly AdvancedEventSelectors?: unknown };
  /** What could not be read, and why. */
  readonly unreadable: readonly string[];
}

export interface TrailHealth {
  /** `blind`: a reading shows the trail impaired. `unknown`: nothing shows that, but a reading failed. */
  readonly status: 'healthy' | 'blind' | 'unknown';
  readonly problems: readonly string[];
}

/** Judges the readings: every problem is named, so the alert says what to fix. */
export function judgeTrailHealth(readings: TrailReadings): TrailHealth {
  const problems: string[] = [];
  if (readings.trail === undefined && readings.unreadable.length === 0) problems.push('the trail no longer exists');
  if (readings.trail && readings.trail.IsMultiRegionTrail === false) {
    problems.push('it logs its home region only (not multi-region)');
  }
  if (readings.isLogging === false) problems.push('logging is stopped (StopLogging)');
  if (readings.selectors !== undefined) {
    const why = writeManagementEvents(readings.selectors);
    if (why !== undefined) problems.push(why);
  }
  if (problems.length > 0) return { status: 'blind', problems };
  if (readings.unreadable.length > 0) return { status: 'unknown', problems: [...readings.unreadable] };
  return { status: 'healthy', problems: [] };
}

/** Undefined when the selectors record write management events; otherwise why they do not. */
export function writeManagementEvents(selectors: {
  readonly EventSelectors?: unknown;
  readonly AdvancedEventSelectors?: unknown;
}): string | undefined {
  const advanced = Array.isArray(selectors.AdvancedEventSelectors) ? selectors.AdvancedEventSelectors : [];
  if (advanced.length > 0) {
    const ok = advanced.some((s: unknown) => {
      const fields = isObject(s) && Array.isArray(s.FieldSelectors) ? s.FieldSelectors : [];
      const field = (name: string) =>
        fields.find((f: unknown) => isObject(f) && f.Field === name) as Record<string, unknown> | undefined;
      const category = field('eventCategory');
      if (!Array.isArray(category?.Equals) || !category.Equals.includes('Management')) return false;
      const readOnly = field('readOnly');
      if (Array.isArray(readOnly?.Equals) && readOnly.Equals.includes('true') && !readOnly.Equals.includes('false')) {
        return false;
      }
      const source = field('eventSource');
      const excluded = Array.isArray(source?.NotEquals) ? source.NotEquals : [];
      return !excluded.includes('bedrock.amazonaws.com');
    });
    return ok
      ? undefined
      : 'its advanced event selectors record no write management events (or exclude bedrock.amazonaws.com)';
  }
  const basic = Array.isArray(selectors.EventSelectors) ? selectors.EventSelectors : [];
  const ok = basic.some(
    (s: unknown) =>
      isObject(s) &&
      s.IncludeManagementEvents !== false &&
      (s.ReadWriteType === 'All' || s.ReadWriteType === 'WriteOnly' || s.ReadWriteType === undefined),
  );
  return ok ? undefined : 'its event selectors record no write management events (read-only or none)';
}

/** One subscription of the alert topic, as ListSubscriptionsByTopic lists it. */
export interface SubscriptionReading {
  /** The subscription's ARN; `PendingConfirmation` (or `Deleted`) while it is not confirmed. */
  readonly SubscriptionArn?: string;
  readonly Protocol?: string;
  readonly Endpoint?: string;
}

/** A confirmed subscription, as the health memory keeps it. */
export interface RememberedSubscription {
  readonly arn: string;
  readonly protocol: string;
}

export interface SubscriptionHealth {
  /** The confirmed subscriptions now. */
  readonly confirmed: readonly RememberedSubscription[];
  /** The remembered confirmed subscriptions that are gone. */
  readonly removed: readonly RememberedSubscription[];
}

/**
 * Compares the topic's confirmed subscriptions with the ones the last check saw. A subscription that
 * is gone is what no SCP can stop: the unsubscribe link in every e-mail needs no credentials. A first
 * check (nothing remembered) finds nothing removed.
 */
export function judgeSubscriptions(
  current: readonly SubscriptionReading[],
  remembered: readonly RememberedSubscription[] | undefined,
): SubscriptionHealth {
  const confirmed = current
    .filter((s) => typeof s.SubscriptionArn === 'string' && s.SubscriptionArn.startsWith('arn:'))
    .map((s) => ({ arn: s.SubscriptionArn as string, protocol: s.Protocol ?? 'unknown' }));
  const now = new Set(confirmed.map((s) => s.arn));
  return { confirmed, removed: (remembered ?? []).filter((s) => !now.has(s.arn)) };
}
