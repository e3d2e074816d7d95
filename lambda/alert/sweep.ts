// A sweep (the backfill on first deploy, the hourly reconciliation): read the watched calls back from
// CloudTrail event history, then put each record through the same path as an EventBridge delivery,
// so idempotency keeps anything from being alerted twice. Whatever could not be read or delivered is
// counted and reported: the invocation fails with the list, and the dead-letter queue keeps it.
import type { Context } from 'aws-lambda';

import { LOOKUP_EVENTS_MIN_INTERVAL_MS, sweepEnvelope, type SweepRequest, type WatchedCall } from '../../lib/detection';

import type { DeliveryTargets } from './deliver';
import { SweepIncompleteError, describeError } from './errors';
import { MinInterval, lookupEvents } from './lookup';
import { handleEvent, type PipelineDependencies } from './pipeline';
import { load } from './sdk';

export interface SweepResult {
  readonly status: 'swept';
  readonly kind: SweepRequest['kind'];
  readonly found: number;
  readonly alerted: number;
  readonly quiet: number;
  readonly ignored: number;
  /** How many regions without a rule were swept besides this one. */
  readonly regions: number;
}

/** A sweep stops this long before the function's timeout and reports itself incomplete. */
const SWEEP_TIME_MARGIN_MS = 30_000;
/** At most this many LookupEvents pages (50 events each) per watched call and sweep. */
const MAX_SWEEP_PAGES = 200;

/**
 * Reads every watched call's history first, then handles the events oldest first, so that "first
 * seen" marks the earliest call and a sweep that runs out of time has done the oldest.
 */
export async function runSweep(
  request: SweepRequest,
  watched: readonly WatchedCall[],
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  lambdaContext?: Context,
): Promise<SweepResult> {
  const cloudTrail = deps.clients.cloudTrail;
  if (!cloudTrail) throw new SweepIncompleteError('no CloudTrail client: cannot sweep');
  const outOfTime = () =>
    lambdaContext !== undefined && lambdaContext.getRemainingTimeInMillis() < SWEEP_TIME_MARGIN_MS;
  const end = deps.now();
  const start = end - request.lookbackMinutes * 60_000;
  const tally = { found: 0, alerted: 0, quiet: 0, ignored: 0, regions: 0 };
  const problems: string[] = [];
  let stopped: string | undefined;

  const envelopes: Record<string, unknown>[] = [];
  for (const call of watched) {
    const read = await lookupEvents(
      cloudTrail,
      {
        attribute: { key: 'EventName', value: call.eventName },
        start: new Date(start),
        end: new Date(end),
        maxPages: MAX_SWEEP_PAGES,
        shouldStop: () =>
          outOfTime() ? `stopped before the function timeout while reading ${call.eventName}` : undefined,
      },
      deps.lookupLimiter,
    );
    for (const looked of read.events) {
      tally.found++;
      const envelope = sweepEnvelope(looked);
      if (typeof envelope === 'string') problems.push(envelope);
      else envelopes.push(envelope);
    }
    if (read.stopped) {
      stopped = read.stopped;
      break;
    }
    if (read.problem) problems.push(`LookupEvents ${call.eventName}: ${read.problem}`);
    else if (read.truncated)
      problems.push(`LookupEvents ${call.eventName}: more than ${MAX_SWEEP_PAGES} pages; stopped`);
  }

  // The regions no rule watches: their event history (which needs no trail), by event source.
  if (request.kind === 'reconcile' && !stopped && deps.config.watchedRegions !== null) {
    const elsewhere = await sweepUnwatchedRegions(watched, targets, deps, { start, end, outOfTime });
    for (const e of elsewhere.envelopes) envelopes.push(e);
    problems.push(...elsewhere.problems);
    tally.found += elsewhere.found;
    tally.regions = elsewhere.regions.length;
    if (elsewhere.stopped) stopped = elsewhere.stopped;
  }

  const timeOf = (e: Record<string, unknown>) => Date.parse(typeof e.time === 'string' ? e.time : '') || 0;
  envelopes.sort((a, b) => timeOf(a) - timeOf(b));
  for (const [i, envelope] of envelopes.entries()) {
    if (outOfTime()) {
      stopped = `stopped before the function timeout with ${envelopes.length - i} events left, from ${String(envelope.time)}`;
      break;
    }
    const problem = await processSwept(envelope, targets, deps, tally);
    if (problem) problems.push(problem);
  }

  deps.logger.info(`${request.kind} sweep`, { ...tally, lookbackMinutes: request.lookbackMinutes, problems, stopped });
  deps.count('SweepEventsFound', tally.found);
  if (problems.length || stopped) {
    deps.count('SweepFailures');
    throw new SweepIncompleteError(
      `${request.kind} sweep incomplete (${tally.found} found, ${tally.alerted} alerted): ` +
        [...(stopped ? [stopped] : []), ...problems.slice(0, 10)].join('; ') +
        (problems.length > 10 ? `; and ${problems.length - 10} more` : ''),
    );
  }
  return { status: 'swept', kind: request.kind, ...tally };
}

/**
 * Reads the event history of every enabled region of this account that no rule watches (the
 * configuration's `watchedRegions` and this function's own region are watched), one LookupEvents
 * series per watched event source, and returns the records in their EventBridge envelopes.
 */
async function sweepUnwatchedRegions(
  watched: readonly WatchedCall[],
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  window: { start: number; end: number; outOfTime: () => boolean },
): Promise<{
  envelopes: Record<string, unknown>[];
  problems: string[];
  found: number;
  regions: string[];
  stopped?: string;
}> {
  const out = {
    envelopes: [] as Record<string, unknown>[],
    problems: [] as string[],
    found: 0,
    regions: [] as string[],
  };
  const ec2 = deps.clients.ec2;
  const clientIn = deps.clients.cloudTrailIn;
  if (!ec2 || !clientIn) {
    // Asked for, but not possible: say so, rather than report the regions swept.
    out.problems.push('no EC2 or regional CloudTrail client: the regions no rule watches were not swept');
    return out;
  }
  const { DescribeRegionsCommand } = load.ec2();
  let enabled: string[];
  try {
    const answer = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }), {
      abortSignal: AbortSignal.timeout(deps.config.checkTimeoutMs * 5),
    });
    enabled = (answer.Regions ?? []).map((r) => r.RegionName).filter((r): r is string => typeof r === 'string');
  } catch (e) {
    out.problems.push(`DescribeRegions: ${describeError(e)}`);
    return out;
  }
  const covered = new Set([targets.region, ...(deps.config.watchedRegions ?? [])]);
  out.regions = enabled.filter((r) => !covered.has(r)).sort();
  // One series per event source (LookupEvents takes one attribute), kept to the watched names.
  const namesBySource = new Map<string, Set<string>>();
  for (const call of watched) {
    const names = namesBySource.get(call.eventSource) ?? new Set<string>();
    names.add(call.eventName);
    namesBySource.set(call.eventSource, names);
  }
  for (const region of out.regions) {
    for (const [source, names] of namesBySource) {
      let client: ReturnType<typeof clientIn>;
      try {
        client = clientIn(region);
      } catch (e) {
        out.problems.push(`CloudTrail client for ${region}: ${describeError(e)}`);
        break;
      }
      const read = await lookupEvents(
        client,
        {
          attribute: { key: 'EventSource', value: source },
          start: new Date(window.start),
          end: new Date(window.end),
          maxPages: MAX_SWEEP_PAGES,
          shouldStop: () =>
            window.outOfTime() ? `stopped before the function timeout while reading ${region}` : undefined,
        },
        regionLimiter(region),
      );
      for (const looked of read.events) {
        if (looked.EventName === undefined || !names.has(looked.EventName)) continue;
        out.found++;
        const envelope = sweepEnvelope(looked);
        if (typeof envelope === 'string') out.problems.push(`${region}: ${envelope}`);
        else out.envelopes.push(envelope);
      }
      if (read.stopped) return { ...out, stopped: read.stopped };
      if (read.problem) out.problems.push(`LookupEvents ${region} ${source}: ${read.problem}`);
      else if (read.truncated)
        out.problems.push(`LookupEvents ${region} ${source}: more than ${MAX_SWEEP_PAGES} pages; stopped`);
    }
  }
  return out;
}

/** LookupEvents allows 2 requests per second per account and region: one limiter per region. */
const LIMITERS = new Map<string, MinInterval>();
function regionLimiter(region: string): MinInterval {
  let limiter = LIMITERS.get(region);
  if (!limiter) {
    limiter = new MinInterval(LOOKUP_EVENTS_MIN_INTERVAL_MS);
    LIMITERS.set(region, limiter);
  }
  return limiter;
}

/**
 * One record read back from history (a sweep's, a hunt's) through the live path, counted in
 * `tally`; what fails is returned as a problem line (the caller reports it, never drops it).
 */
export async function processSwept(
  envelope: Record<string, unknown>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  tally: { alerted: number; quiet: number; ignored: number },
): Promise<string | undefined> {
  try {
    const result = await handleEvent(envelope, targets, deps, 'sweep');
    if (result.status === 'alerted') tally.alerted++;
    else if (result.status === 'quiet') tally.quiet++;
    else tally.ignored++;
    return undefined;
  } catch (e) {
    return `${String(envelope.id)}: ${describeError(e)}`;
  }
}
