/**
 * An offline stand-in for Athena's CloudTrail table, in DuckDB: the columns and types of AWS's
 * documented `CREATE EXTERNAL TABLE cloudtrail_logs_pp`
 * (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html,
 * and the organisation-trail variant's `account` partition,
 * https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-org-wide-trail.html), plus
 * the hunt's partition columns (account, region, day).
 *
 * Records are loaded the way the table's JSON SerDe reads them: field names case-insensitively
 * (lowercased here), a string column takes a JSON string as it is and any other value as its JSON
 * text, JSON null and a missing field are SQL NULL, struct fields not in the schema are dropped.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

import { RESOURCES_TYPE, TLS_DETAILS_TYPE, USER_IDENTITY_TYPE, duckDbType } from '../../lib/detection';

const V = 'VARCHAR';
/** The columns in the documented order, with DuckDB types for the Hive ones. */
export const CLOUDTRAIL_COLUMNS: readonly [string, string][] = [
  ['eventversion', V],
  ['useridentity', duckDbType(USER_IDENTITY_TYPE)],
  ['eventtime', V],
  ['eventsource', V],
  ['eventname', V],
  ['awsregion', V],
  ['sourceipaddress', V],
  ['useragent', V],
  ['errorcode', V],
  ['errormessage', V],
  ['requestparameters', V],
  ['responseelements', V],
  ['additionaleventdata', V],
  ['requestid', V],
  ['eventid', V],
  ['readonly', V],
  ['resources', duckDbType(RESOURCES_TYPE)],
  ['eventtype', V],
  ['apiversion', V],
  ['recipientaccountid', V],
  ['serviceeventdetails', V],
  ['sharedeventid', V],
  ['vpcendpointid', V],
  ['tlsdetails', duckDbType(TLS_DETAILS_TYPE)],
  ['eventcategory', V],
  ['sessioncredentialfromconsole', V],
  ['callwithbearertoken', V],
  ['account', V],
  ['region', V],
  ['day', V],
];

/** What a string column holds for a record's value. */
function asString(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A struct value as the SerDe reads it: keys lowercased, leaves as strings, non-objects dropped. */
function asStruct(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k.toLowerCase()] = v !== null && typeof v === 'object' && !Array.isArray(v) ? asStruct(v) : asString(v);
  }
  return out;
}

/** Where a row sits in the trail bucket. */
export interface Partition {
  readonly account: string;
  readonly region: string;
  readonly day: string;
}

/** A record as a row of the table (a JSON object DuckDB's `read_json` loads with the column types). */
export function toRow(record: Record<string, unknown>, partition: Partition): Record<string, unknown> {
  const lower = new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
  const row: Record<string, unknown> = {};
  for (const [column, type] of CLOUDTRAIL_COLUMNS) {
    const value = lower.get(column);
    if (type === V) row[column] = asString(value);
    else if (column === 'resources') {
      row[column] = Array.isArray(value) ? value.map(asStruct).filter((r) => r !== null) : null;
    } else row[column] = asStruct(value);
  }
  return { ...row, ...partition };
}

/** An in-memory database with the table `cloudtrail_logs` holding these rows. */
export async function cloudTrailTable(
  rows: readonly Record<string, unknown>[],
): Promise<{ connection: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunt-duckdb-'));
  const file = path.join(dir, 'rows.jsonl');
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const columns = CLOUDTRAIL_COLUMNS.map(([c, t]) => `'${c}': '${t}'`).join(', ');
  await connection.run(
    `CREATE TABLE cloudtrail_logs AS SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}})`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs a query; each row as column → text (NULL as null). */
export async function rowsOf(connection: DuckDBConnection, sql: string): Promise<Record<string, string | null>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader
    .getRowObjectsJS()
    .map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])),
    );
}
