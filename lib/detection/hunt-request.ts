/**
 * The organisation hunt's invocation of the alert function: what the hunt's state machine sends
 * on each step (the query's settings, and the progress so far), how the function reads it, and the
 * envelope a hunt row is judged in (the same path as a live event and a sweep). Pure.
 */
import { CLOUDTRAIL_API_CALL_DETAIL_TYPE } from './catalogue';
import { show } from './values';

/** The key that marks an invocation as a hunt step (the state machine's payload). */
export const HUNT_REQUEST_KEY = 'bedrockSupplyChainHunt';

/** The hunt's default range: this many days back from the day it starts. */
export const DEFAULT_HUNT_DAYS = 90;
/** The longest range one hunt reads, in days (a partition-projected table reads a day per partition). */
export const MAX_HUNT_DAYS = 3660;

/** Where a hunt is: starting the query, waiting for it, reading its results, or done. */
export type HuntPhase = 'start' | 'wait' | 'results' | 'done';

/** What a hunt has done so far. */
export interface HuntTally {
  /** Rows read from the query's results. */
  readonly rows: number;
  readonly alerted: number;
  readonly quiet: number;
  readonly ignored: number;
  /** Rows that could not be judged or delivered (the hunt fails at the end, naming the first). */
  readonly problems: number;
  readonly firstProblems: readonly string[];
  /** Result pages read. */
  readonly pages: number;
}

/** One step's input and output: the settings (from the state machine) and the progress. */
export interface HuntRequest {
  /** The Athena workgroup the query runs in (its result location and limits are enforced). */
  readonly workGroup: string;
  /** The tables to read (`database.table`), one per log layout. */
  readonly tables: readonly string[];
  /** The first day read, `yyyy/MM/dd`; with `toDay`. @default `days` before today (UTC) */
  readonly fromDay?: string;
  /** The last day read, `yyyy/MM/dd`. @default today (UTC) */
  readonly toDay?: string;
  /** How many days back from today, when `fromDay` is not given. @default 90 */
  readonly days?: number;
  /** Only these accounts. @default - every account the tables project */
  readonly accounts?: readonly string[];
  /** Only these regions. @default - every region the tables project */
  readonly regions?: readonly string[];
  /** Set by the function. */
  readonly phase?: HuntPhase;
  readonly queryExecutionId?: string;
  readonly nextToken?: string;
  /** Rows of the page at `nextToken` already judged (a step that ran out of time mid-page). */
  readonly rowOffset?: number;
  readonly tally?: HuntTally;
}

export const EMPTY_HUNT_TALLY: HuntTally = {
  rows: 0,
  alerted: 0,
  quiet: 0,
  ignored: 0,
  problems: 0,
  firstProblems: [],
  pages: 0,
};

/** `yyyy/MM/dd` of a time (UTC). */
export function huntDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
}

/** The days a request covers: as given, or the last `days` days up to today. */
export function huntRange(request: HuntRequest, now: number): { fromDay: string; toDay: string } {
  const toDay = request.toDay ?? huntDay(now);
  const fromDay = request.fromDay ?? huntDay(now - (request.days ?? DEFAULT_HUNT_DAYS) * 86_400_000);
  return { fromDay, toDay };
}

const stringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * The hunt request in an invocation, undefined when the invocation is not one, or a message saying
 * what is wrong with it. (The query's own checks, on days, accounts, regions and tables, run when
 * it is built; they throw with the same kind of message.)
 */
export function parseHuntRequest(event: Record<string, unknown>): HuntRequest | string | undefined {
  if (!(HUNT_REQUEST_KEY in event)) return undefined;
  const r = event[HUNT_REQUEST_KEY] as Record<string, unknown> | null;
  const key = HUNT_REQUEST_KEY;
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return `${key} must be an object, got ${show(r)}`;
  if (typeof r.workGroup !== 'string' || r.workGroup === '')
    return `${key}.workGroup must be a name, got ${show(r.workGroup)}`;
  if (!stringList(r.tables) || r.tables.length === 0)
    return `${key}.tables must be a list of table names, got ${show(r.tables)}`;
  for (const field of ['fromDay', 'toDay', 'queryExecutionId', 'nextToken'] as const) {
    if (r[field] !== undefined && r[field] !== null && typeof r[field] !== 'string') {
      return `${key}.${field} must be a string, got ${show(r[field])}`;
    }
  }
  for (const field of ['accounts', 'regions'] as const) {
    if (r[field] !== undefined && r[field] !== null && !stringList(r[field])) {
      return `${key}.${field} must be a list of strings, got ${show(r[field])}`;
    }
  }
  if (
    r.rowOffset !== undefined &&
    r.rowOffset !== null &&
    (typeof r.rowOffset !== 'number' || !Number.isInteger(r.rowOffset) || r.rowOffset < 0)
  ) {
    return `${key}.rowOffset must be a whole number, got ${show(r.rowOffset)}`;
  }
  if (
    r.days !== undefined &&
    r.days !== null &&
    (typeof r.days !== 'number' || !Number.isInteger(r.days) || r.days < 1 || r.days > MAX_HUNT_DAYS)
  ) {
    return `${key}.days must be a whole number of days from 1 to ${MAX_HUNT_DAYS}, got ${show(r.days)}`;
  }
  if (r.phase !== undefined && r.phase !== null && !['start', 'wait', 'results', 'done'].includes(r.phase as string)) {
    return `${key}.phase must be 'start', 'wait', 'results' or 'done', got ${show(r.phase)}`;
  }
  // Null (JSON from a state machine) is the same as absent.
  const clean = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null && v !== undefined));
  return clean as unknown as HuntRequest;
}

/**
 * A hunt row's record in the envelope EventBridge would have delivered it in (as a sweep does), or a
 * message saying why it cannot be judged. The delivery key is the record's `eventID`, the same as
 * the live path's and the sweeps', so nothing is alerted twice.
 */
export function huntEnvelope(record: Record<string, unknown>): Record<string, unknown> | string {
  if (typeof record.eventID !== 'string' || record.eventID === '') {
    return `a hunt row without an eventID (${show(record.eventName)} at ${show(record.eventTime)}) cannot be de-duplicated`;
  }
  const source = typeof record.eventSource === 'string' ? record.eventSource : '';
  return {
    version: '0',
    id: `hunt-${record.eventID}`,
    'detail-type': CLOUDTRAIL_API_CALL_DETAIL_TYPE,
    source: `aws.${source.replace(/\.amazonaws\.com$/, '')}`,
    account: record.recipientAccountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}
