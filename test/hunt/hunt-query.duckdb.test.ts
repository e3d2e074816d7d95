/**
 * The hunt's SQL and `classify()` agree: the DuckDB rendering of the generated query, run over a
 * table with Athena's CloudTrail schema (see cloudtrail-table.ts) holding every fixture record and
 * generated mutations of them, selects exactly the records the classifier matches, for the default
 * and extended profiles, every source profile, all of them together, and calls with hostile names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import fc from 'fast-check';

import {
  DEFAULT_WATCHED_CALLS,
  EXTENDED_WATCHED_CALLS,
  SOURCE_PROFILES,
  SOURCE_PROFILE_CALLS,
  WatchedCallClassifier,
  buildHuntQuery,
  eventAccountOf,
  humanBehind,
  huntRowToRecord,
  principalArnOf,
  sessionOf,
  resolveWatchedCalls,
  type WatchedCall,
} from '../../lib/detection';

import { cloudTrailTable, rowsOf, toRow, type Partition } from './cloudtrail-table';

const ROOT = path.join(__dirname, '..', '..');
const DIRS = [
  path.join(ROOT, 'test', 'fixtures', 'cloudtrail'),
  path.join(ROOT, 'test', 'fixtures', 'tamper'),
  path.join(ROOT, 'test', 'fixtures', 'cloudtrail-samples'),
];

interface Entry {
  readonly id: string;
  readonly record: Record<string, unknown>;
  readonly partition: Partition;
}

const FROM = '2026/03/01';
const TO = '2026/03/31';

/** Every fixture record, each under an eventID of its own (copies across the directories share theirs). */
function fixtures(): Entry[] {
  return DIRS.filter((d) => fs.existsSync(d)).flatMap((dir) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== 'manifest.json')
      .map((f) => {
        const record = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;
        const id = `${path.basename(dir)}/${f}`;
        return { id, record: { ...record, eventID: id }, partition: partitionOf(record, '2026/03/11') };
      }),
  );
}

function partitionOf(record: Record<string, unknown>, day: string): Partition {
  return {
    account: typeof record.recipientAccountId === 'string' ? record.recipientAccountId : '111122223333',
    region: typeof record.awsRegion === 'string' ? record.awsRegion : 'us-east-1',
    day,
  };
}

/**
 * Whether the table can hold the record as CloudTrail writes it: the matched fields are strings
 * (or absent) and the request is an object (or absent). A number or array as `eventName`, an
 * object or null as `errorCode`, are EventBridge corner cases CloudTrail never writes; in the
 * table they become JSON text or NULL, and the runner re-classifies every row in code anyway.
 */
function representable(record: Record<string, unknown>): boolean {
  const stringOrAbsent = (v: unknown): boolean => v === undefined || typeof v === 'string';
  const rp = record.requestParameters;
  return (
    stringOrAbsent(record.eventSource) &&
    stringOrAbsent(record.eventName) &&
    stringOrAbsent(record.errorCode) &&
    (rp === undefined || rp === null || (typeof rp === 'object' && !Array.isArray(rp)))
  );
}

const ALL_CALLS = [...DEFAULT_WATCHED_CALLS, ...EXTENDED_WATCHED_CALLS, ...SOURCE_PROFILE_CALLS];
const ARN = 'arn:aws:bedrock:us-east-1:111122223333:custom-model/abc';
/** Values of a request condition's field, in every shape the leaf semantics tell apart. */
const FIELD_VALUES: unknown[] = [
  undefined,
  null,
  ARN,
  'arn:aws:bedrock:us-east-1:111122223333:custom_model/abc',
  'arn:aws:bedrock:us-east-1:111122223333:Custom-Model/abc',
  ':custom-model/',
  'x:custom-model/\ny',
  'model-b',
  'model_1',
  'modelxy',
  'a*%b',
  'a*b',
  "it's",
  '',
  42,
  true,
  {},
  { nested: ARN },
  [],
  [null],
  [{}],
  ['arn:aws:ec2:us-east-1:111122223333:subnet/s-1'],
  ['arn:aws:ec2:us-east-1:111122223333:subnet/s-1', ARN],
  [1, 'a:custom-model/b'],
  [{ arn: ARN }],
];

/** Mutations of fixture records: names, sources, error codes and request fields. */
function generated(bases: readonly Entry[]): Entry[] {
  const names = [...new Set(ALL_CALLS.map((c) => c.eventName))];
  const sources = [...new Set(ALL_CALLS.map((c) => c.eventSource))];
  const absent = fc.constant(undefined);
  const arb = fc.record({
    base: fc.constantFrom(...bases),
    // Mostly a watched call's own source and name, so the request conditions and error codes decide.
    call: fc.option(fc.constantFrom(...ALL_CALLS), { freq: 4, nil: undefined }),
    eventName: fc.oneof(
      { weight: 6, arbitrary: absent },
      fc.constantFrom(...names),
      fc.constantFrom(...names).map((n) => n.toLowerCase()),
      fc.constantFrom(...names).map((n) => `${n}s`),
      fc.constantFrom("Create'Quote", 'ListImportedModels', 'CreateModelImportJob'),
    ),
    eventSource: fc.oneof(
      { weight: 6, arbitrary: absent },
      fc.constantFrom(...sources),
      fc.constantFrom('Bedrock.amazonaws.com', 'bedrock.amazonaws.com ', 'ec2.amazonaws.com'),
    ),
    errorCode: fc.constantFrom(undefined, undefined, undefined, 'AccessDenied', '', 'ThrottlingException', 'keep'),
    request: fc.constantFrom('keep', 'null', 'empty', 'fields', 'fields', 'fields'),
    desiredModelId: fc.constantFrom(...FIELD_VALUES),
    resourceArns: fc.constantFrom(...FIELD_VALUES),
    inRange: fc.boolean(),
  });
  return fc.sample(arb, { numRuns: 4000, seed: 15 }).map((g, i) => {
    const record: Record<string, unknown> = { ...g.base.record, eventID: `gen-${i}` };
    if (g.call) Object.assign(record, { eventSource: g.call.eventSource, eventName: g.call.eventName });
    if (g.eventName !== undefined) record.eventName = g.eventName;
    if (g.eventSource !== undefined) record.eventSource = g.eventSource;
    if (g.errorCode !== 'keep') {
      if (g.errorCode === undefined) delete record.errorCode;
      else record.errorCode = g.errorCode;
    }
    if (g.request === 'null') record.requestParameters = null;
    else if (g.request === 'empty') record.requestParameters = {};
    else if (g.request === 'fields') {
      const rp: Record<string, unknown> = { ...(record.requestParameters as object | undefined) };
      if (g.desiredModelId !== undefined) rp.desiredModelId = g.desiredModelId;
      if (g.resourceArns !== undefined) rp.resourceArns = g.resourceArns;
      record.requestParameters = rp;
    }
    return { id: `gen-${i}`, record, partition: partitionOf(record, g.inRange ? '2026/03/20' : '2026/04/01') };
  });
}

/** Every watched call (and the hostile ones) with every shape of every request condition's field: a success in range. */
function crossProduct(base: Entry): Entry[] {
  const out: Entry[] = [];
  for (const call of [...ALL_CALLS, ...HOSTILE]) {
    for (const field of ['desiredModelId', 'resourceArns']) {
      FIELD_VALUES.forEach((value, v) => {
        const id = `cross-${call.eventName}-${field}-${v}`;
        const record: Record<string, unknown> = {
          ...base.record,
          eventID: id,
          eventSource: call.eventSource,
          eventName: call.eventName,
          requestParameters: value === undefined ? {} : { [field]: value },
        };
        delete record.errorCode;
        out.push({ id, record, partition: partitionOf(record, '2026/03/21') });
      });
    }
  }
  return out;
}

/** Calls whose names and request conditions need quoting and LIKE escapes. */
const HOSTILE: WatchedCall[] = [
  { ...DEFAULT_WATCHED_CALLS[0], eventName: "Create'Quote" },
  {
    ...DEFAULT_WATCHED_CALLS[0],
    eventName: 'UpdateProvisionedModelThroughput',
    requestFilter: { desiredModelId: [{ prefix: 'model_' }, 'model-b', { wildcard: '*\\*%*' }] },
  },
  {
    ...DEFAULT_WATCHED_CALLS[0],
    eventName: 'CreateModelImportJob',
    requestFilter: { desiredModelId: [{ exists: false }] },
  },
];

const CONFIGS: [string, readonly WatchedCall[]][] = [
  ['default', resolveWatchedCalls({ profile: 'default' })],
  ['extended', resolveWatchedCalls({ profile: 'extended' })],
  ...SOURCE_PROFILES.map((p): [string, WatchedCall[]] => [
    `source profile ${p}`,
    resolveWatchedCalls({ sourceProfiles: [p] }),
  ]),
  [
    'extended and every source profile',
    resolveWatchedCalls({ profile: 'extended', sourceProfiles: [...SOURCE_PROFILES] }),
  ],
  ['hostile names and conditions', HOSTILE],
];

const FIXTURES = fixtures();
const NOT_REPRESENTABLE = FIXTURES.filter((e) => !representable(e.record)).map((e) => e.id);
const REPRESENTABLE = FIXTURES.filter((e) => representable(e.record));
const CORPUS = [
  ...REPRESENTABLE,
  ...generated(REPRESENTABLE),
  ...crossProduct(REPRESENTABLE.find((e) => e.id === 'cloudtrail/pos-import-01.json')!),
];
const byId = new Map(CORPUS.map((e) => [e.id, e]));

/** What the verdict and the alert read of a record's actor, session and account. */
function readBack(r: Record<string, unknown>) {
  return {
    principal: principalArnOf(r),
    human: humanBehind(r),
    session: sessionOf(r),
    account: eventAccountOf(r),
    eventID: r.eventID,
    eventTime: r.eventTime,
    awsRegion: r.awsRegion,
    sourceIPAddress: r.sourceIPAddress,
    userAgent: r.userAgent,
    vpcEndpointId: r.vpcEndpointId,
    requestParameters: r.requestParameters ?? undefined,
    responseElements: r.responseElements ?? undefined,
  };
}

let db: Awaited<ReturnType<typeof cloudTrailTable>>;
beforeAll(async () => {
  db = await cloudTrailTable(CORPUS.map((e) => toRow(e.record, e.partition)));
}, 60_000);
afterAll(() => db?.close());

test('the corpus: every fixture directory, and what the table cannot hold as the classifier sees it', () => {
  expect(FIXTURES.length).toBeGreaterThan(60);
  expect(FIXTURES.some((e) => e.id.startsWith('cloudtrail-samples/'))).toBe(true);
  expect(NOT_REPRESENTABLE.sort()).toEqual([
    'cloudtrail/edge-neg-event-name-number-01.json',
    'cloudtrail/edge-pos-error-code-object-01.json',
    'cloudtrail/edge-pos-event-name-array-01.json',
    'cloudtrail/neg-null-error-code-01.json',
  ]);
});

describe.each(CONFIGS)('the query selects exactly what classify() matches: %s', (_name, calls) => {
  const classifier = new WatchedCallClassifier(calls);

  test('over the whole range', async () => {
    const sql = buildHuntQuery({ calls, tables: ['cloudtrail_logs'], fromDay: FROM, toDay: TO, dialect: 'duckdb' });
    const rows = await rowsOf(db.connection, sql);
    const selected = rows.map((r) => r.eventid!).sort();
    const expected = CORPUS.filter((e) => e.partition.day >= FROM && e.partition.day <= TO)
      .filter((e) => classifier.classify(e.record).matched)
      .map((e) => e.id)
      .sort();
    expect(selected).toEqual(expected);
    if (_name !== 'hostile names and conditions') expect(expected.length).toBeGreaterThan(0);
    // Every row comes back as a record the classifier names as the same call.
    for (const row of rows) {
      const { record, origin } = huntRowToRecord(row);
      const before = classifier.classify(byId.get(row.eventid!)!.record);
      const after = classifier.classify(record);
      expect(after.matched && before.matched && after.call).toBe(before.matched && before.call);
      expect(origin.day).toBe(byId.get(row.eventid!)!.partition.day);
      // What the verdict and the alert read of the actor and the session comes back the same.
      const original = byId.get(row.eventid!)!.record;
      expect(readBack(record)).toEqual(readBack(original));
    }
  });

  test('within accounts, regions and days', async () => {
    const sql = buildHuntQuery({
      calls,
      tables: ['cloudtrail_logs'],
      fromDay: '2026/03/11',
      toDay: '2026/03/11',
      accounts: ['111122223333'],
      regions: ['us-east-1', 'eu-west-1'],
      dialect: 'duckdb',
    });
    const selected = (await rowsOf(db.connection, sql)).map((r) => r.eventid!).sort();
    const expected = CORPUS.filter(
      (e) =>
        e.partition.day === '2026/03/11' &&
        e.partition.account === '111122223333' &&
        ['us-east-1', 'eu-west-1'].includes(e.partition.region),
    )
      .filter((e) => classifier.classify(e.record).matched)
      .map((e) => e.id)
      .sort();
    expect(selected).toEqual(expected);
  });
});

test('the rebuilt record keeps the fields the verdict reads', async () => {
  const entry = CORPUS.find((e) => e.id === 'cloudtrail/pos-import-01.json')!;
  const sql = buildHuntQuery({
    calls: resolveWatchedCalls({}),
    tables: ['cloudtrail_logs'],
    fromDay: FROM,
    toDay: TO,
    dialect: 'duckdb',
  });
  const row = (await rowsOf(db.connection, sql)).find((r) => r.eventid === entry.id)!;
  const { record } = huntRowToRecord(row);
  const original = entry.record;
  for (const field of [
    'eventName',
    'eventSource',
    'eventTime',
    'awsRegion',
    'requestParameters',
    'responseElements',
    'recipientAccountId',
    'sourceIPAddress',
  ]) {
    expect(record[field]).toEqual(original[field]);
  }
  expect(record.userIdentity).toEqual(original.userIdentity);
});
