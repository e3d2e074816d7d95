// One step of the organisation hunt (the hunt's state machine calls the alert function in a loop):
// start the query in the hunt's workgroup, check on it, or read a run of its result pages and put
// every row, rebuilt into its CloudTrail record, through the same path as a live event and a sweep
// (`handleEvent`, delivery keyed by the record's eventID), so a hunt never alerts twice for one event
// and never re-alerts what the live path already sent. The step returns the progress, which the state
// machine hands back on the next step; a failed or cancelled query fails the execution by name.
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { Context } from 'aws-lambda';

import {
  EMPTY_HUNT_TALLY,
  HUNT_REQUEST_KEY,
  buildHuntQuery,
  huntEnvelope,
  huntRange,
  huntRowToRecord,
  type HuntRequest,
  type WatchedCall,
} from '../../lib/detection';

import type { DeliveryTargets } from './deliver';
import { describeError } from './errors';
import type { PipelineDependencies } from './pipeline';
import { processSwept } from './sweep';

/** What a step returns: the next step's input (the state machine loops on `phase`). */
export interface HuntStepResult {
  readonly status: 'hunt';
  readonly [HUNT_REQUEST_KEY]: HuntRequest;
}

/** The hunt's query failed in Athena (the execution fails with this name and the reason). */
export class HuntQueryFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HuntQueryFailedError';
  }
}

/** Someone cancelled the hunt's query. */
export class HuntQueryCancelledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HuntQueryCancelledError';
  }
}

/** Athena kept throttling the step before it made progress; the state machine retries it with backoff. */
export class HuntThrottledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HuntThrottledError';
  }
}

/** Some rows could not be judged or delivered; the message names the first few. */
export class HuntIncompleteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HuntIncompleteError';
  }
}

/** A step reads result pages until this close to the function's timeout. */
const HUNT_TIME_MARGIN_MS = 60_000;
/** And at most this many pages (1,000 rows each) per step, so a step's progress is saved often. */
export const HUNT_PAGES_PER_STEP = 10;
const PAGE_SIZE = 1000;
const MAX_PROBLEMS_KEPT = 10;

function isThrottling(e: unknown): boolean {
  const name = (e as { name?: string })?.name;
  return name === 'TooManyRequestsException' || name === 'ThrottlingException';
}

/** Runs one step of a hunt. */
export async function runHuntStep(
  request: HuntRequest,
  watched: readonly WatchedCall[],
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  athena: AthenaClient | undefined,
  lambdaContext?: Context,
): Promise<HuntStepResult> {
  if (!athena) throw new HuntQueryFailedError('no Athena client: cannot hunt');
  const sdk = loadAthena();
  const next = (changes: Partial<HuntRequest>): HuntStepResult => ({
    status: 'hunt',
    [HUNT_REQUEST_KEY]: { ...request, ...changes },
  });
  const guard = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (e) {
      if (isThrottling(e)) throw new HuntThrottledError(`${what}: ${describeError(e)}`);
      throw e;
    }
  };

  if (!request.queryExecutionId) {
    const range = huntRange(request, deps.now());
    const query = buildHuntQuery({ calls: watched, ...request, ...range, dialect: 'athena' });
    const started = await guard('StartQueryExecution', () =>
      athena.send(new sdk.StartQueryExecutionCommand({ QueryString: query, WorkGroup: request.workGroup })),
    );
    if (!started.QueryExecutionId) throw new HuntQueryFailedError('StartQueryExecution returned no QueryExecutionId');
    deps.logger.info('hunt started', { queryExecutionId: started.QueryExecutionId, ...range, tables: request.tables });
    return next({ ...range, phase: 'wait', queryExecutionId: started.QueryExecutionId, tally: EMPTY_HUNT_TALLY });
  }
  const id = request.queryExecutionId;

  if (request.phase !== 'results') {
    const answer = await guard('GetQueryExecution', () =>
      athena.send(new sdk.GetQueryExecutionCommand({ QueryExecutionId: id })),
    );
    const status = answer.QueryExecution?.Status;
    const state = status?.State;
    const reason = status?.StateChangeReason ?? status?.AthenaError?.ErrorMessage ?? 'no reason given';
    if (state === 'FAILED') throw new HuntQueryFailedError(`hunt query ${id} failed: ${reason}`);
    if (state === 'CANCELLED') throw new HuntQueryCancelledError(`hunt query ${id} was cancelled: ${reason}`);
    if (state !== 'SUCCEEDED') return next({ phase: 'wait' });
    const scanned = answer.QueryExecution?.Statistics?.DataScannedInBytes;
    deps.logger.info('hunt query succeeded', { queryExecutionId: id, dataScannedInBytes: scanned });
  }
  return readResults(request, id, deps, athena, sdk, lambdaContext, targets);
}

/** Reads result pages from `request.nextToken` on, judging each row; saves progress at the end. */
async function readResults(
  request: HuntRequest,
  id: string,
  deps: PipelineDependencies,
  athena: AthenaClient,
  sdk: typeof import('@aws-sdk/client-athena'),
  lambdaContext: Context | undefined,
  targets: DeliveryTargets,
): Promise<HuntStepResult> {
  const tally = { ...EMPTY_HUNT_TALLY, ...request.tally, firstProblems: [...(request.tally?.firstProblems ?? [])] };
  let token = request.nextToken;
  // Rows of the page at `token` that an earlier step already judged (it ran out of time mid-page).
  let skip = request.rowOffset ?? 0;
  let offset: number | undefined;
  const outOfTime = () => lambdaContext !== undefined && lambdaContext.getRemainingTimeInMillis() < HUNT_TIME_MARGIN_MS;
  const problem = (text: string) => {
    tally.problems++;
    if (tally.firstProblems.length < MAX_PROBLEMS_KEPT) tally.firstProblems.push(text);
  };
  if (outOfTime()) return { status: 'hunt', [HUNT_REQUEST_KEY]: { ...request, phase: 'results' } };
  pages: for (let page = 0; page < HUNT_PAGES_PER_STEP && !outOfTime(); page++) {
    let answer;
    try {
      answer = await athena.send(
        new sdk.GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: PAGE_SIZE }),
      );
    } catch (e) {
      // Progress made in this step is kept; without any, the state machine retries with backoff.
      if (isThrottling(e) && page > 0) break;
      if (isThrottling(e)) throw new HuntThrottledError(`GetQueryResults: ${describeError(e)}`);
      throw e;
    }
    const names = (answer.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
    let rows = answer.ResultSet?.Rows ?? [];
    // Athena repeats the column names as the first row of the first page.
    if (token === undefined && rows.length > 0 && rows[0].Data?.every((d, i) => d.VarCharValue === names[i])) {
      rows = rows.slice(1);
    }
    if (skip === 0) tally.pages++;
    for (let i = skip; i < rows.length; i++) {
      if (outOfTime()) {
        // Stop before the function's timeout; the next step reads this page again from this row.
        offset = i;
        break pages;
      }
      tally.rows++;
      const row = rows[i];
      const values = Object.fromEntries(names.map((n, c) => [n, row.Data?.[c]?.VarCharValue ?? null]));
      const envelope = huntEnvelope(huntRowToRecord(values).record);
      if (typeof envelope === 'string') {
        problem(envelope);
        continue;
      }
      const failed = await processSwept(envelope, targets, deps, tally);
      if (failed) problem(failed);
    }
    skip = 0;
    token = answer.NextToken;
    if (!token) break;
  }
  deps.count('HuntRowsRead', tally.rows - (request.tally?.rows ?? 0));
  if (offset !== undefined || token) {
    const progress: HuntRequest = { ...request, phase: 'results', nextToken: token, rowOffset: offset, tally };
    if (token === undefined) delete (progress as { nextToken?: string }).nextToken;
    if (offset === undefined) delete (progress as { rowOffset?: number }).rowOffset;
    return { status: 'hunt', [HUNT_REQUEST_KEY]: progress };
  }

  const rest: HuntRequest = { ...request };
  delete (rest as { nextToken?: string }).nextToken;
  delete (rest as { rowOffset?: number }).rowOffset;
  deps.logger.info('hunt done', { queryExecutionId: id, ...tally });
  if (tally.problems > 0) {
    deps.count('HuntFailures');
    throw new HuntIncompleteError(
      `hunt ${id} incomplete (${tally.rows} rows, ${tally.alerted} alerted, ${tally.problems} not judged or delivered): ` +
        tally.firstProblems.join('; '),
    );
  }
  return { status: 'hunt', [HUNT_REQUEST_KEY]: { ...rest, phase: 'done', tally } };
}

/* eslint-disable @typescript-eslint/no-require-imports */
/** The Athena SDK, loaded on the first hunt step (external to the bundle, like every SDK client). */
export function loadAthena(): typeof import('@aws-sdk/client-athena') {
  return require('@aws-sdk/client-athena');
}
