/**
 * The organisation hunt's SQL, generated from the same description as the EventBridge rules (the
 * pattern branches of `patternBranches`), so the query selects exactly what `classify()` selects:
 * the event source, the event name, no error code, and every request condition of a branch. Pure.
 *
 * One description, two renderings: `athena` (Trino, Athena engine version 3) and `duckdb` (the
 * offline proof in test/hunt runs it over a table with Athena's CloudTrail schema). They differ
 * only in the JSON functions; everything else (identifiers in double quotes, string literals with
 * doubled quotes, `LIKE ... ESCAPE`, `IN`, `IS NULL`) is the SQL both accept.
 *
 * The table is Athena's CloudTrail table (columns as in AWS's documented `CREATE EXTERNAL TABLE
 * cloudtrail_logs_pp`, https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html)
 * with three projected partition columns (see {@link HUNT_PARTITION_COLUMNS}). `requestparameters`
 * is a string column holding the request's JSON; a request condition is evaluated on it with the
 * leaf semantics of `leaves.ts` for the shapes CloudTrail writes: a scalar is one leaf, an array
 * contributes its scalar elements, an object or an empty array none. (Arrays nested in arrays and
 * keys with dots are EventBridge corner cases CloudTrail never writes; the runner re-classifies
 * every row in code before it judges it, so the SQL only has to never miss a record.)
 */
import { type WatchedCall } from './catalogue';
import { RESOURCES_TYPE, TLS_DETAILS_TYPE, USER_IDENTITY_TYPE, type HuntType } from './hunt-schema';
import { patternBranches } from './pattern';

/** The SQL dialect a hunt query is rendered in. */
export type HuntDialect = 'athena' | 'duckdb';

/** The partition columns of the hunt's tables, projected from the trail's S3 keys. */
export const HUNT_PARTITION_COLUMNS = {
  /** The 12-digit account id (an `enum` projection of the listed accounts). */
  account: 'account',
  /** The region (an `enum` projection of the watched regions). */
  region: 'region',
  /** The log file's day, `yyyy/MM/dd` (a `date` projection). */
  day: 'day',
} as const;

/**
 * The record fields the query reads, by column, in the order the query returns them. Struct and
 * array columns are returned as JSON text (see `renderColumn`); the rest are strings.
 */
export const HUNT_COLUMNS: readonly {
  readonly column: string;
  readonly field: string;
  /** `text`: a string column holding JSON; `nested`: a struct or array column (see `type`). */
  readonly json?: 'nested' | 'text';
  /** The nested column's type (hunt-schema.ts). */
  readonly type?: HuntType;
}[] = [
  { column: 'eventversion', field: 'eventVersion' },
  { column: 'useridentity', field: 'userIdentity', json: 'nested', type: USER_IDENTITY_TYPE },
  { column: 'eventtime', field: 'eventTime' },
  { column: 'eventsource', field: 'eventSource' },
  { column: 'eventname', field: 'eventName' },
  { column: 'awsregion', field: 'awsRegion' },
  { column: 'sourceipaddress', field: 'sourceIPAddress' },
  { column: 'useragent', field: 'userAgent' },
  { column: 'errorcode', field: 'errorCode' },
  { column: 'errormessage', field: 'errorMessage' },
  { column: 'requestparameters', field: 'requestParameters', json: 'text' },
  { column: 'responseelements', field: 'responseElements', json: 'text' },
  { column: 'additionaleventdata', field: 'additionalEventData', json: 'text' },
  { column: 'requestid', field: 'requestID' },
  { column: 'eventid', field: 'eventID' },
  { column: 'readonly', field: 'readOnly' },
  { column: 'resources', field: 'resources', json: 'nested', type: RESOURCES_TYPE },
  { column: 'eventtype', field: 'eventType' },
  { column: 'apiversion', field: 'apiVersion' },
  { column: 'recipientaccountid', field: 'recipientAccountId' },
  { column: 'sharedeventid', field: 'sharedEventID' },
  { column: 'vpcendpointid', field: 'vpcEndpointId' },
  { column: 'tlsdetails', field: 'tlsDetails', json: 'nested', type: TLS_DETAILS_TYPE },
  // Not in the documented table; the hunt's tables add them (the alert reads them).
  { column: 'eventcategory', field: 'eventCategory' },
  { column: 'sessioncredentialfromconsole', field: 'sessionCredentialFromConsole' },
  { column: 'callwithbearertoken', field: 'callWithBearerToken' },
];

/** What a hunt query covers. */
export interface HuntQueryOptions {
  /** The watched calls (from `resolveWatchedCalls`). */
  readonly calls: readonly WatchedCall[];
  /** The tables to read, as `database.table` or `table`; several are read with `UNION ALL`. */
  readonly tables: readonly string[];
  /** The first day, `yyyy/MM/dd` (inclusive). */
  readonly fromDay: string;
  /** The last day, `yyyy/MM/dd` (inclusive). */
  readonly toDay: string;
  /** Only these accounts (12 digits each). @default - every projected account */
  readonly accounts?: readonly string[];
  /** Only these regions. @default - every projected region */
  readonly regions?: readonly string[];
  /** @default 'athena' */
  readonly dialect?: HuntDialect;
}

/** One condition of the description the renderings share. */
export type HuntCondition =
  | { readonly kind: 'in'; readonly column: string; readonly values: readonly string[] }
  | { readonly kind: 'null'; readonly column: string }
  | { readonly kind: 'between'; readonly column: string; readonly low: string; readonly high: string }
  | { readonly kind: 'leaf'; readonly column: string; readonly key: string; readonly rule: HuntLeafRule }
  | { readonly kind: 'and' | 'or'; readonly of: readonly HuntCondition[] };

/** A test on the leaves at a request field: EventBridge's value rules the catalogue uses. */
export type HuntLeafRule =
  | { readonly op: 'exists'; readonly exists: boolean }
  | { readonly op: 'equals'; readonly value: string }
  | { readonly op: 'like'; readonly pattern: string };

const DAY = /^\d{4}\/(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const TABLE = /^([a-z0-9_]{1,255}\.)?[a-z0-9_]{1,255}$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** The WHERE clause's description: partitions first (pruning), then success, then the branches. */
export function huntCondition(options: HuntQueryOptions): HuntCondition {
  const { calls, fromDay, toDay } = options;
  if (calls.length === 0) throw new Error('a hunt query needs at least one watched call');
  for (const [name, day] of [
    ['fromDay', fromDay],
    ['toDay', toDay],
  ] as const) {
    if (!DAY.test(day)) throw new Error(`'${name}' must be a day as yyyy/MM/dd, got ${JSON.stringify(day)}`);
  }
  if (fromDay > toDay) throw new Error(`'fromDay' (${fromDay}) must not be after 'toDay' (${toDay})`);
  const all: HuntCondition[] = [{ kind: 'between', column: HUNT_PARTITION_COLUMNS.day, low: fromDay, high: toDay }];
  if (options.accounts !== undefined) {
    checkAll(options.accounts, ACCOUNT, 'accounts', '12-digit account ids');
    all.push({ kind: 'in', column: HUNT_PARTITION_COLUMNS.account, values: options.accounts });
  }
  if (options.regions !== undefined) {
    checkAll(options.regions, REGION, 'regions', 'region names like eu-west-1');
    all.push({ kind: 'in', column: HUNT_PARTITION_COLUMNS.region, values: options.regions });
  }
  all.push({ kind: 'null', column: 'errorcode' });
  all.push({ kind: 'or', of: patternBranches(calls).map(branchCondition) });
  return { kind: 'and', of: all };
}

function checkAll(values: readonly string[], re: RegExp, prop: string, what: string): void {
  if (values.length === 0) throw new Error(`'${prop}' must not be empty (omit it for every partition)`);
  for (const v of values) {
    if (typeof v !== 'string' || !re.test(v)) throw new Error(`'${prop}' must hold ${what}, got ${JSON.stringify(v)}`);
  }
}

/** One pattern branch: `eventSource`, `eventName` and the request conditions, as `classify()` reads them. */
function branchCondition(branch: { readonly detail: Readonly<Record<string, unknown>> }): HuntCondition {
  const { eventSource, eventName, requestParameters, ...rest } = branch.detail;
  if (Object.keys(rest).length > 0) {
    throw new Error(`the hunt query cannot express the pattern fields ${Object.keys(rest).join(', ')}`);
  }
  const of: HuntCondition[] = [
    { kind: 'in', column: 'eventsource', values: eventSource as string[] },
    { kind: 'in', column: 'eventname', values: eventName as string[] },
  ];
  for (const [key, rules] of Object.entries((requestParameters ?? {}) as Record<string, unknown>)) {
    if (!KEY.test(key) || !Array.isArray(rules)) {
      throw new Error(`the hunt query cannot express the request condition ${JSON.stringify({ [key]: rules })}`);
    }
    // A field's rules are alternatives (any one holds), as in EventBridge.
    of.push({
      kind: 'or',
      of: rules.map((rule) => ({ kind: 'leaf', column: 'requestparameters', key, rule: leafRule(rule) })),
    });
  }
  return { kind: 'and', of };
}

function leafRule(rule: unknown): HuntLeafRule {
  if (typeof rule === 'string') return { op: 'equals', value: rule };
  if (rule !== null && typeof rule === 'object' && Object.keys(rule).length === 1) {
    const [[op, arg]] = Object.entries(rule);
    if (op === 'exists' && typeof arg === 'boolean') return { op: 'exists', exists: arg };
    if (op === 'prefix' && typeof arg === 'string') return { op: 'like', pattern: `${likeEscape(arg)}%` };
    if (op === 'wildcard' && typeof arg === 'string') return { op: 'like', pattern: wildcardToLike(arg) };
  }
  throw new Error(`the hunt query cannot express the pattern rule ${JSON.stringify(rule)}`);
}

/** Escapes LIKE's own wildcards (`%`, `_`) and the escape character (`\`). */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** An EventBridge wildcard (`*` any run, `\*` a star) as a LIKE pattern with `\` as escape. */
export function wildcardToLike(wildcard: string): string {
  let out = '';
  for (let i = 0; i < wildcard.length; i++) {
    const ch = wildcard[i];
    if (ch === '\\' && wildcard[i + 1] === '*') {
      out += '*';
      i++;
    } else if (ch === '*') out += '%';
    else out += likeEscape(ch);
  }
  return out;
}

/** A SQL string literal: quotes doubled; NUL (which neither engine keeps in a literal) refused. */
export function sqlString(value: string): string {
  if (typeof value !== 'string' || value.includes('\u0000')) {
    throw new Error(`cannot quote ${JSON.stringify(value)} as a SQL string`);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** A SQL identifier in double quotes (quotes doubled). */
export function sqlIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\u0000')) {
    throw new Error(`cannot quote ${JSON.stringify(name)} as a SQL identifier`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** Renders one condition in a dialect. */
export function renderCondition(c: HuntCondition, dialect: HuntDialect): string {
  switch (c.kind) {
    case 'in':
      return c.values.length === 1
        ? `${sqlIdentifier(c.column)} = ${sqlString(c.values[0])}`
        : `${sqlIdentifier(c.column)} IN (${c.values.map(sqlString).join(', ')})`;
    case 'null':
      return `${sqlIdentifier(c.column)} IS NULL`;
    case 'between':
      return `${sqlIdentifier(c.column)} BETWEEN ${sqlString(c.low)} AND ${sqlString(c.high)}`;
    case 'leaf':
      return `COALESCE(${renderLeaf(c.column, c.key, c.rule, dialect)}, FALSE)`;
    case 'and':
    case 'or':
      return c.of.length === 1
        ? renderCondition(c.of[0], dialect)
        : `(${c.of.map((o) => renderCondition(o, dialect)).join(c.kind === 'and' ? ' AND ' : ' OR ')})`;
  }
}

/**
 * Whether the leaves at `key` of the JSON in `column` pass `rule`. Athena (Trino): the request cast
 * to `MAP(VARCHAR, JSON)` (NULL for text that is not a JSON object) tells a key present with a null
 * (a leaf) from a missing key; `is_json_scalar` tells leaves from objects and arrays,
 * `TRY_CAST(... AS ARRAY(JSON))` gives an array's elements (a null element as SQL NULL), and a
 * string is one whose JSON text starts with a quote (https://trino.io/docs/current/functions/json.html). DuckDB: `json_type` names the kind,
 * `json_extract(j, '$[*]')` lists an array's elements, `->> '$'` gives a string's text; its
 * `json_extract` throws on text that is not JSON, so that is checked first.
 */
function renderLeaf(column: string, key: string, rule: HuntLeafRule, dialect: HuntDialect): string {
  const col = sqlIdentifier(column);
  const path = sqlString(`$.${key}`);
  if (dialect === 'athena') {
    // The request as a map of its top-level keys: a key that is present with a JSON null is told
    // apart from a missing one (both are SQL NULL as values).
    const m = `TRY_CAST(TRY(json_parse(${col})) AS MAP(VARCHAR, JSON))`;
    const name = sqlString(key);
    const j = `element_at(${m}, ${name})`;
    // A leaf: a null (SQL NULL in the map or the array) or a scalar; a string: JSON text in quotes.
    const test = (e: string): string =>
      rule.op === 'exists'
        ? `(${e} IS NULL OR is_json_scalar(${e}))`
        : // TRY: Trino need not short-circuit AND, and an array or object does not cast to VARCHAR.
          `(substr(json_format(${e}), 1, 1) = '"' AND TRY(CAST(${e} AS VARCHAR)) ${stringTest(rule)})`;
    const scalar =
      rule.op === 'exists'
        ? `(contains(map_keys(${m}), ${name}) AND (${j} IS NULL OR is_json_scalar(${j})))`
        : `(${j} IS NOT NULL AND ${test(j)})`;
    const any = `(${scalar} OR any_match(TRY_CAST(${j} AS ARRAY(JSON)), e -> ${test('e')}))`;
    return rule.op === 'exists' && !rule.exists ? `NOT COALESCE(${any}, FALSE)` : any;
  }
  const j = `json_extract(${col}, ${path})`;
  const valid = `json_valid(${col})`;
  const test = (e: string): string =>
    rule.op === 'exists'
      ? `json_type(${e}) NOT IN ('OBJECT', 'ARRAY')`
      : `(json_type(${e}) = 'VARCHAR' AND (${e} ->> '$') ${stringTest(rule)})`;
  const any =
    `(${valid} AND (${test(j)} OR (json_type(${j}) = 'ARRAY' AND ` +
    `len(list_filter(json_extract(${j}, '$[*]'), e -> ${test('e')})) > 0)))`;
  return rule.op === 'exists' && !rule.exists ? `NOT COALESCE(${any}, FALSE)` : any;
}

function stringTest(rule: Exclude<HuntLeafRule, { op: 'exists' }>): string {
  return rule.op === 'equals' ? `= ${sqlString(rule.value)}` : `LIKE ${sqlString(rule.pattern)} ESCAPE '\\'`;
}

/**
 * How a struct or array column is returned: as JSON text, so the runner can rebuild the record
 * (Athena would otherwise print a struct as `{key=value, ...}`, which cannot be parsed back). Trino
 * casts a ROW to a JSON array of its fields by position, DuckDB to an object: `restoreValue` reads
 * either with the column's type.
 */
function renderColumn(
  column: { readonly column: string; readonly json?: 'nested' | 'text' },
  dialect: HuntDialect,
): string {
  const col = sqlIdentifier(column.column);
  if (column.json !== 'nested') return col;
  return dialect === 'athena'
    ? `json_format(CAST(${col} AS JSON)) AS ${col}`
    : `CAST(to_json(${col}) AS VARCHAR) AS ${col}`;
}

/** The hunt query: every watched call's successful records in the range, from every table. */
export function buildHuntQuery(options: HuntQueryOptions): string {
  const dialect = options.dialect ?? 'athena';
  if (options.tables.length === 0) throw new Error("'tables' must name at least one table");
  const where = renderCondition(huntCondition(options), dialect);
  const columns = [
    ...HUNT_COLUMNS.map((c) => renderColumn(c, dialect)),
    sqlIdentifier(HUNT_PARTITION_COLUMNS.account),
    sqlIdentifier(HUNT_PARTITION_COLUMNS.region),
    sqlIdentifier(HUNT_PARTITION_COLUMNS.day),
  ].join(', ');
  return options.tables
    .map((table) => {
      if (!TABLE.test(table)) {
        throw new Error(`'tables' must hold Glue names (lowercase letters, digits, _), got ${JSON.stringify(table)}`);
      }
      return `SELECT ${columns} FROM ${table.split('.').map(sqlIdentifier).join('.')} WHERE ${where}`;
    })
    .join('\nUNION ALL\n');
}
