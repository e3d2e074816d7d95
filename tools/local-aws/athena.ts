import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Athena on 127.0.0.1, speaking the JSON 1.1 protocol (`x-amz-target: AmazonAthena.<op>`)
 * for the hunt runner's calls: StartQueryExecution, GetQueryExecution, GetQueryResults (paged with
 * NextToken, the column names as the first row of the first page, as Athena does) and
 * StopQueryExecution. Tests script how each query goes (the states it passes through, its rows,
 * the page size) and inject faults (throttling, a failed or cancelled query); every request is
 * recorded as it went over the wire. The hunt reads S3 only through Athena, so no S3 here.
 */

export interface AthenaWireRequest {
  readonly operation: string;
  readonly params: Record<string, unknown>;
  readonly headers: http.IncomingHttpHeaders;
  /** Whether the request was answered with a throttling error. */
  throttled?: boolean;
}

/** How one query goes. */
export interface QueryScript {
  /** The states GetQueryExecution answers, one per call, the last repeated. @default ['SUCCEEDED'] */
  readonly states?: readonly ('QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED')[];
  /** The StateChangeReason of a FAILED or CANCELLED query. */
  readonly reason?: string;
  /** Column names of the result. */
  readonly columns?: readonly string[];
  /** The result rows (values as text; null for SQL NULL). */
  readonly rows?: readonly (readonly (string | null)[])[];
  /** Rows per page (the first page's header row counts), at most MaxResults. @default 1000 */
  readonly pageSize?: number;
}

export interface StoredQuery {
  readonly id: string;
  readonly query: string;
  readonly workGroup?: string;
  readonly script: QueryScript;
  /** GetQueryExecution calls so far. */
  checks: number;
  stopped: boolean;
}

export interface LocalAthena {
  readonly endpoint: string;
  readonly requests: AthenaWireRequest[];
  readonly queries: StoredQuery[];
  /** How the next started queries go (in order); afterwards, `defaultScript`. */
  readonly scripts: QueryScript[];
  defaultScript: QueryScript;
  /**
   * Answer `count` requests of `operation` (or any) with TooManyRequestsException, after letting
   * `after` of them through.
   */
  throttleNext(count: number, operation?: string, after?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const JSON11 = { 'content-type': 'application/x-amz-json-1.1' };

export async function startLocalAthena(): Promise<LocalAthena> {
  const requests: AthenaWireRequest[] = [];
  const queries: StoredQuery[] = [];
  const scripts: QueryScript[] = [];
  let throttles: { count: number; operation?: string; after: number } = { count: 0, after: 0 };
  let counter = 0;

  const error = (res: http.ServerResponse, status: number, type: string, message: string) => {
    res.writeHead(status, { ...JSON11, 'x-amzn-errortype': type });
    res.end(JSON.stringify({ __type: type, message, Message: message }));
  };
  const ok = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, JSON11);
    res.end(JSON.stringify(body));
  };
  const find = (res: http.ServerResponse, id: unknown): StoredQuery | undefined => {
    const q = queries.find((x) => x.id === id);
    if (!q) error(res, 400, 'InvalidRequestException', `QueryExecution ${String(id)} was not found`);
    return q;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.replace(/^AmazonAthena\./, '');
      let params: Record<string, unknown>;
      try {
        params = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return error(res, 400, 'InvalidRequestException', 'the body is not JSON');
      }
      const record: AthenaWireRequest = { operation, params, headers: req.headers };
      requests.push(record);
      if (
        throttles.count > 0 &&
        (!throttles.operation || throttles.operation === operation) &&
        throttles.after-- <= 0
      ) {
        throttles.count--;
        record.throttled = true;
        return error(res, 400, 'TooManyRequestsException', 'Rate exceeded');
      }
      switch (operation) {
        case 'StartQueryExecution': {
          if (typeof params.QueryString !== 'string' || params.QueryString === '') {
            return error(res, 400, 'InvalidRequestException', 'QueryString is required');
          }
          const id = `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
          queries.push({
            id,
            query: params.QueryString,
            workGroup: params.WorkGroup as string | undefined,
            script: scripts.shift() ?? api.defaultScript,
            checks: 0,
            stopped: false,
          });
          return ok(res, { QueryExecutionId: id });
        }
        case 'GetQueryExecution': {
          const q = find(res, params.QueryExecutionId);
          if (!q) return;
          const states = q.script.states ?? ['SUCCEEDED'];
          const state = q.stopped ? 'CANCELLED' : states[Math.min(q.checks, states.length - 1)];
          q.checks++;
          return ok(res, {
            QueryExecution: {
              QueryExecutionId: q.id,
              Query: q.query,
              WorkGroup: q.workGroup,
              Status: {
                State: state,
                ...(state === 'FAILED' || state === 'CANCELLED'
                  ? { StateChangeReason: q.script.reason ?? (q.stopped ? 'Query was cancelled by user' : 'failed') }
                  : {}),
              },
              Statistics: { DataScannedInBytes: 1234 },
            },
          });
        }
        case 'StopQueryExecution': {
          const q = find(res, params.QueryExecutionId);
          if (!q) return;
          q.stopped = true;
          return ok(res, {});
        }
        case 'GetQueryResults': {
          const q = find(res, params.QueryExecutionId);
          if (!q) return;
          const columns = q.script.columns ?? [];
          const all = [columns.map((c) => c as string | null), ...(q.script.rows ?? [])];
          const max = typeof params.MaxResults === 'number' ? params.MaxResults : 1000;
          const size = Math.min(q.script.pageSize ?? 1000, max);
          const start = params.NextToken === undefined ? 0 : Number(/^page-(\d+)$/.exec(String(params.NextToken))?.[1]);
          if (!Number.isInteger(start)) return error(res, 400, 'InvalidRequestException', 'bad NextToken');
          const page = all.slice(start, start + size);
          const more = start + size < all.length;
          return ok(res, {
            ResultSet: {
              Rows: page.map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
              ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: 'varchar' })) },
            },
            UpdateCount: 0,
            ...(more ? { NextToken: `page-${start + size}` } : {}),
          });
        }
        default:
          return error(res, 400, 'UnknownOperationException', `unknown operation ${operation}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const api: LocalAthena = {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    queries,
    scripts,
    defaultScript: {},
    throttleNext(count, operation, after = 0) {
      throttles = { count, operation, after };
    },
    reset() {
      requests.length = 0;
      queries.length = 0;
      scripts.length = 0;
      throttles = { count: 0, after: 0 };
      api.defaultScript = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
