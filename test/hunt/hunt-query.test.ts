/**
 * The hunt query's renderings: partition pruning always on, every value quoted, prop errors that
 * name the prop. The DuckDB rendering is proven against classify() in hunt-query.duckdb.test.ts;
 * the Athena (Trino) rendering uses the same description and differs only in the JSON functions,
 * which are pinned here (no Trino runs offline).
 */
import {
  RESOURCES_TYPE,
  USER_IDENTITY_TYPE,
  buildHuntQuery,
  hiveType,
  resolveWatchedCalls,
  restoreValue,
  sqlIdentifier,
  sqlString,
  wildcardToLike,
  type HuntType,
} from '../../lib/detection';

const ALL = resolveWatchedCalls({ profile: 'extended', sourceProfiles: ['ram-model-sharing'] });
const base = {
  calls: ALL,
  tables: ['hunt.org_trail', 'hunt.account_trail'],
  fromDay: '2026/09/01',
  toDay: '2026/11/29',
};

test('Athena: one SELECT per table, UNION ALL, partition pruning on each', () => {
  const sql = buildHuntQuery(base);
  const parts = sql.split('\nUNION ALL\n');
  expect(parts).toHaveLength(2);
  expect(parts[0]).toContain(
    'FROM "hunt"."org_trail" WHERE ("day" BETWEEN \'2026/09/01\' AND \'2026/11/29\' AND "errorcode" IS NULL AND (',
  );
  expect(parts[1]).toContain('FROM "hunt"."account_trail" WHERE ("day" BETWEEN');
  expect(sql).toContain('json_format(CAST("useridentity" AS JSON)) AS "useridentity"');
  const map = `TRY_CAST(TRY(json_parse("requestparameters")) AS MAP(VARCHAR, JSON))`;
  expect(sql).toContain(`any_match(TRY_CAST(element_at(${map}, 'resourceArns') AS ARRAY(JSON)), e -> `);
  expect(sql).toContain(`contains(map_keys(${map}), 'desiredModelId')`);
  expect(sql).toContain(`LIKE '%:custom-model/%' ESCAPE '\\'`);
  // No DuckDB-only function leaks into the Athena rendering, and the other way round.
  for (const f of ['json_type', 'list_filter', 'json_valid', 'to_json', '->>']) expect(sql).not.toContain(f);
  const duck = buildHuntQuery({ ...base, dialect: 'duckdb' });
  for (const f of ['is_json_scalar', 'any_match', 'TRY_CAST', 'json_format']) expect(duck).not.toContain(f);
  // Balanced parentheses.
  for (const q of [sql, duck])
    expect([...q].filter((c) => c === '(').length).toBe([...q].filter((c) => c === ')').length);
});

test('accounts and regions narrow the partitions', () => {
  const sql = buildHuntQuery({ ...base, accounts: ['111122223333', '444455556666'], regions: ['eu-west-1'] });
  expect(sql).toContain(`"account" IN ('111122223333', '444455556666') AND "region" = 'eu-west-1'`);
});

test('values and identifiers are quoted; LIKE wildcards are escaped', () => {
  expect(sqlString("it's")).toBe("'it''s'");
  expect(sqlIdentifier('a"b')).toBe('"a""b"');
  expect(() => sqlString('a\u0000b')).toThrow(/cannot quote/);
  expect(wildcardToLike('*:custom_model/50%\\*')).toBe('%:custom\\_model/50\\%*');
  const sql = buildHuntQuery({ ...base, calls: [{ ...ALL[0], eventName: "Create'); DROP TABLE x; --" }] });
  expect(sql).toContain(`"eventname" = 'Create''); DROP TABLE x; --'`);
});

test.each([
  [{ fromDay: '2026-09-01' }, /'fromDay' must be a day as yyyy\/MM\/dd, got "2026-09-01"/],
  [{ toDay: '2026/13/01' }, /'toDay' must be a day/],
  [{ fromDay: '2026/12/01' }, /'fromDay' \(2026\/12\/01\) must not be after 'toDay'/],
  [{ accounts: ['1234'] }, /'accounts' must hold 12-digit account ids, got "1234"/],
  [{ accounts: [] }, /'accounts' must not be empty/],
  [{ regions: ["eu-west-1' OR 1=1"] }, /'regions' must hold region names/],
  [{ tables: ['Hunt.Trail'] }, /'tables' must hold Glue names/],
  [{ tables: [] }, /'tables' must name at least one table/],
  [{ calls: [] }, /at least one watched call/],
])('rejects %j', (change, message) => {
  expect(() => buildHuntQuery({ ...base, ...change })).toThrow(message);
});

test('a pattern rule the query cannot express is refused, not dropped', () => {
  const call = { ...ALL[0], requestFilter: { size: [{ numeric: ['>', 1] }] } };
  expect(() => buildHuntQuery({ ...base, calls: [call] })).toThrow(/cannot express the pattern rule/);
});

test('a nested column reads back from an object (DuckDB) or a positional array (Trino) alike', () => {
  const identity = {
    type: 'AssumedRole',
    principalId: 'AROA:alice@example.com',
    arn: 'arn:aws:sts::111122223333:assumed-role/ml/alice@example.com',
    sessionContext: {
      attributes: { mfaAuthenticated: 'true', creationDate: '2026-03-11T09:00:00Z' },
      sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/ml', userName: 'ml' },
      webIdFederationData: { federatedProvider: 'cognito', attributes: { 'cognito:sub': 'x' } },
    },
  };
  const lower = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k === 'cognito:sub' ? k : k.toLowerCase(), lower(x)]))
      : v;
  const positional = (v: unknown, t: HuntType): unknown =>
    t === 'string' || 'map' in t || v === undefined
      ? (v ?? null)
      : 'array' in t
        ? (v as unknown[]).map((x) => positional(x, t.array))
        : t.struct.map(([g, , ft]) => positional((v as Record<string, unknown>)[g], ft));
  expect(restoreValue(lower(identity), USER_IDENTITY_TYPE)).toEqual(identity);
  expect(restoreValue(positional(lower(identity), USER_IDENTITY_TYPE), USER_IDENTITY_TYPE)).toEqual(identity);
  expect(restoreValue([['arn:x', '1', 'AWS::S3::Bucket']], RESOURCES_TYPE)).toEqual([
    { ARN: 'arn:x', accountId: '1', type: 'AWS::S3::Bucket' },
  ]);
  expect(hiveType(RESOURCES_TYPE)).toBe('array<struct<arn:string,accountid:string,type:string>>');
});
