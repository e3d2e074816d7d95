/* eslint-disable @typescript-eslint/no-explicit-any -- the alerts are read as the JSON they are */
// The organisation hunt's runner on the wire: the alert function's hunt steps with the real Athena
// client against the local Athena (tools/local-aws/athena.ts), and SNS and DynamoDB against the local
// AWS server, looped the way the hunt's state machine loops them. Rows go through the live path's
// verdict and delivery, keyed by eventID: a hunt never alerts twice, nor re-alerts a live alert.
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';

import { createHandler } from '../../lambda/alert/handler';
import { HUNT_PAGES_PER_STEP } from '../../lambda/alert/hunt';
import { MinInterval } from '../../lambda/alert/lookup';
import { DEFAULT_ALERT_FUNCTION_CONFIG, HUNT_REQUEST_KEY, type AlertFunctionConfig } from '../../lib/detection';
import { startLocalAthena, type LocalAthena } from '../../tools/local-aws/athena';
import { startLocalAws, type LocalAws } from '../../tools/local-aws/server';
import { envelope, record } from '../support/fixtures';
import { captureTelemetry } from '../support/telemetry';

import { HUNT_RESULT_COLUMNS, athenaRow as trinoRow } from './athena-row';

const ACCOUNT = '111122223333';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`;
const TABLE = 'bedrock-supply-chain-idempotency';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NOW = Date.parse('2026-11-29T12:00:00Z');
const CONFIG: AlertFunctionConfig = {
  ...DEFAULT_ALERT_FUNCTION_CONFIG,
  provenanceCheck: false,
  enrichment: null,
  checkTimeoutMs: 500,
};
const HUNT = { workGroup: 'bedrock-supply-chain-hunt', tables: ['bedrock_supply_chain_hunt.organization_trail'] };

let aws: LocalAws;
let athena: LocalAthena;
beforeAll(async () => {
  [aws, athena] = await Promise.all([startLocalAws(), startLocalAthena()]);
});
afterAll(async () => {
  await Promise.all([aws.close(), athena.close()]);
});
beforeEach(() => {
  aws.reset();
  aws.items.clear();
  athena.reset();
  captureTelemetry();
});
afterEach(() => jest.restoreAllMocks());

function handler() {
  const common = { region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 };
  return createHandler({
    sns: new SNSClient({ ...common, endpoint: aws.endpoint }),
    dynamoDb: new DynamoDBClient({ ...common, endpoint: aws.endpoint }),
    athena: new AthenaClient({ ...common, endpoint: athena.endpoint }),
    topicArn: TOPIC,
    config: CONFIG,
    idempotencyTable: TABLE,
    environment: { account: ACCOUNT, region: 'us-east-1', partition: 'aws' },
    lookupLimiter: new MinInterval(0),
    now: () => NOW,
  });
}

const COLUMNS = HUNT_RESULT_COLUMNS;
/** A record as Athena (Trino) returns it: structs as positional JSON arrays. */
const athenaRow = (r: Record<string, unknown>, account = ACCOUNT) =>
  trinoRow(r, { account, region: 'us-east-1', day: '2026/11/01' });

/** A positive fixture under a fresh eventID. */
function positive(i: number, file = 'pos-import-01.json'): Record<string, unknown> {
  return { ...record(file), eventID: `6d5f0a3e-0000-4000-8000-${String(i).padStart(12, '0')}` };
}

/** Runs steps the way the state machine does (Wait states skipped) until done or thrown. */
async function runHunt(input: Record<string, unknown> = {}, h = handler()) {
  let payload: Record<string, unknown> = { [HUNT_REQUEST_KEY]: { ...HUNT, ...input } };
  const phases: string[] = [];
  for (let step = 0; step < 100; step++) {
    const out = (await h(payload)) as any;
    phases.push(out[HUNT_REQUEST_KEY].phase);
    if (out[HUNT_REQUEST_KEY].phase === 'done') return { out: out[HUNT_REQUEST_KEY], phases };
    payload = { [HUNT_REQUEST_KEY]: out[HUNT_REQUEST_KEY] };
  }
  throw new Error('the hunt did not finish in 100 steps');
}

const published = () => aws.requests.filter((r) => r.service === 'sns' && r.operation === 'Publish');
const ops = (op: string) => athena.requests.filter((r) => r.operation === op);

test('a hunt pages through many results over several steps and alerts each watched call once', async () => {
  const rows = Array.from({ length: 2 * HUNT_PAGES_PER_STEP + 5 }, (_, i) =>
    athenaRow(positive(i), `1111222233${String(i % 10).padStart(2, '0')}`),
  );
  athena.scripts.push({ states: ['QUEUED', 'RUNNING', 'SUCCEEDED'], columns: COLUMNS, rows, pageSize: 2 });
  const { out, phases } = await runHunt({ days: 30 });

  expect(phases).toEqual(['wait', 'wait', 'wait', 'results', 'done']);
  expect(out.tally).toMatchObject({ rows: rows.length, alerted: rows.length, problems: 0, pages: 13 });
  expect(published()).toHaveLength(rows.length);
  // The query: in the workgroup, over the range, with the partition columns first.
  const [start] = ops('StartQueryExecution');
  expect(start.params.WorkGroup).toBe(HUNT.workGroup);
  expect(start.params.QueryString).toContain(
    `FROM "bedrock_supply_chain_hunt"."organization_trail" WHERE ("day" BETWEEN '2026/10/30' AND '2026/11/29' AND "errorcode" IS NULL`,
  );
  // Paging: the first page without a token, then each token Athena gave, once.
  const tokens = ops('GetQueryResults').map((r) => r.params.NextToken);
  expect(tokens[0]).toBeUndefined();
  expect(tokens.slice(1)).toEqual(Array.from({ length: 12 }, (_, i) => `page-${2 * (i + 1)}`));
  expect(ops('GetQueryResults').every((r) => r.params.MaxResults === 1000)).toBe(true);
  // The alert names the member account the row came from.
  const alert = JSON.parse(JSON.parse(String(published()[1].params.Message)).sqs);
  expect(alert.event).toMatchObject({ name: 'CreateModelImportJob', id: positive(1).eventID });
  // The identity came back from Trino's positional struct JSON with CloudTrail's names.
  expect(alert.actor).toMatchObject({
    arn: 'arn:aws:iam::111122223333:user/ml-engineer',
    identityType: 'IAMUser',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  });
});

test('a row the live path already delivered is not sent again, and a second hunt sends nothing', async () => {
  const h = handler();
  const live = positive(1);
  await expect(h(envelope(live))).resolves.toMatchObject({ status: 'alerted' });
  expect(published()).toHaveLength(1);

  const rows = [athenaRow(live), athenaRow(positive(2)), athenaRow(record('neg-invokemodel-01.json'))];
  athena.defaultScript = { columns: COLUMNS, rows };
  const first = await runHunt({}, h);
  // The live event is judged again (alerted) but not re-sent; a row that is no watched call is ignored in code.
  expect(first.out.tally).toMatchObject({ rows: 3, alerted: 2, ignored: 1, problems: 0 });
  expect(published()).toHaveLength(2);
  expect(JSON.parse(JSON.parse(String(published()[1].params.Message)).sqs).event.id).toBe(positive(2).eventID);

  await runHunt({}, h);
  expect(published()).toHaveLength(2);
});

test("a failed query fails the step by name with Athena's reason", async () => {
  athena.scripts.push({
    states: ['RUNNING', 'FAILED'],
    reason: 'Query exhausted resources: bytes scanned limit exceeded',
  });
  await expect(runHunt()).rejects.toMatchObject({
    name: 'HuntQueryFailedError',
    message: expect.stringContaining('Query exhausted resources: bytes scanned limit exceeded'),
  });
  expect(ops('GetQueryResults')).toHaveLength(0);
  expect(published()).toHaveLength(0);
});

test('a cancelled query fails the step by name', async () => {
  athena.scripts.push({ states: ['QUEUED', 'CANCELLED'], reason: 'Query was cancelled by user' });
  await expect(runHunt()).rejects.toMatchObject({
    name: 'HuntQueryCancelledError',
    message: expect.stringContaining('was cancelled: Query was cancelled by user'),
  });
});

test('an empty result (only the header row) finishes with nothing found', async () => {
  athena.defaultScript = { columns: COLUMNS, rows: [] };
  const { out } = await runHunt({
    fromDay: '2026/01/01',
    toDay: '2026/01/31',
    accounts: [ACCOUNT],
    regions: ['eu-west-1'],
  });
  expect(out.tally).toMatchObject({ rows: 0, alerted: 0, pages: 1, problems: 0 });
  expect(ops('StartQueryExecution')[0].params.QueryString).toContain(
    `"day" BETWEEN '2026/01/01' AND '2026/01/31' AND "account" = '${ACCOUNT}' AND "region" = 'eu-west-1'`,
  );
  expect(published()).toHaveLength(0);
});

test('throttling: before any progress the step throws for the state machine to retry; after a page, progress is kept', async () => {
  const h = handler();
  athena.throttleNext(1, 'StartQueryExecution');
  await expect(h({ [HUNT_REQUEST_KEY]: HUNT })).rejects.toMatchObject({
    name: 'HuntThrottledError',
    message: expect.stringContaining('TooManyRequestsException'),
  });

  const rows = Array.from({ length: 5 }, (_, i) => athenaRow(positive(100 + i)));
  athena.defaultScript = { columns: COLUMNS, rows, pageSize: 2 };
  const started = ((await h({ [HUNT_REQUEST_KEY]: HUNT })) as any)[HUNT_REQUEST_KEY];
  // The first page is read, the second throttled: the step returns with the token it stopped at.
  athena.throttleNext(1, 'GetQueryResults', 1);
  const cut = ((await h({ [HUNT_REQUEST_KEY]: started })) as any)[HUNT_REQUEST_KEY];
  expect(cut).toMatchObject({ phase: 'results', nextToken: 'page-2', tally: { rows: 1, alerted: 1, pages: 1 } });
  // The next step goes on from there; nothing is read or sent twice.
  const { out } = await runHunt(cut, h);
  expect(out.tally).toMatchObject({ rows: 5, alerted: 5, pages: 3, problems: 0 });
  expect(ops('GetQueryResults').map((r) => [r.params.NextToken ?? null, r.throttled ?? false])).toEqual([
    [null, false],
    ['page-2', true],
    ['page-2', false],
    ['page-4', false],
  ]);
  expect(published()).toHaveLength(5);
  // A throttled first page, with no progress in the step, is for the state machine to retry.
  athena.throttleNext(1, 'GetQueryResults');
  await expect(h({ [HUNT_REQUEST_KEY]: { ...started, phase: 'results' } })).rejects.toMatchObject({
    name: 'HuntThrottledError',
  });
});

test('a step that runs short of time mid-page stops at a row, and the next step goes on from that row', async () => {
  const h = handler();
  const rows = Array.from({ length: 5 }, (_, i) => athenaRow(positive(200 + i)));
  athena.defaultScript = { columns: COLUMNS, rows, pageSize: 10 };
  const started = ((await h({ [HUNT_REQUEST_KEY]: HUNT })) as any)[HUNT_REQUEST_KEY];
  // Plenty of time until two alerts are sent, then less than the step's margin.
  const short = { getRemainingTimeInMillis: () => (published().length < 2 ? 600_000 : 1_000) } as unknown as Context;
  const cut = ((await h({ [HUNT_REQUEST_KEY]: started }, short)) as any)[HUNT_REQUEST_KEY];
  expect(cut).toMatchObject({ phase: 'results', rowOffset: 2, tally: { rows: 2, alerted: 2, pages: 1 } });
  expect(cut.nextToken).toBeUndefined();
  const { out } = await runHunt(cut, h);
  expect(out.tally).toMatchObject({ rows: 5, alerted: 5, pages: 1, problems: 0 });
  expect(out.rowOffset).toBeUndefined();
  expect(published()).toHaveLength(5);
  expect(new Set(published().map((p) => JSON.parse(JSON.parse(String(p.params.Message)).sqs).event.id)).size).toBe(5);
});

test('an unreadable hunt request is refused with a message naming the field', async () => {
  await expect(handler()({ [HUNT_REQUEST_KEY]: { ...HUNT, days: 0 } })).rejects.toMatchObject({
    name: 'UnprocessableEventError',
    message: `${HUNT_REQUEST_KEY}.days must be a whole number of days from 1 to 3660, got 0`,
  });
  await expect(handler()({ [HUNT_REQUEST_KEY]: { ...HUNT, accounts: ['12'] } })).rejects.toThrow(
    /'accounts' must hold 12-digit account ids/,
  );
});
