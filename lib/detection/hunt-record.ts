/**
 * A row of the hunt query back into the CloudTrail record it was read from, so the hunt judges and
 * delivers it on the same path as a live event or a sweep. Pure.
 *
 * Athena's CloudTrail table lowercases every field name (Glue does), and returns structs as the
 * query renders them (JSON text, see `buildHuntQuery`); hunt-schema.ts maps them back to
 * CloudTrail's names, by name or by position. `requestParameters`, `responseElements` and `additionalEventData` are JSON text in the
 * table and parsed back; text that is not JSON is kept as a string.
 */
import { HUNT_COLUMNS, HUNT_PARTITION_COLUMNS } from './hunt-query';
import { restoreValue } from './hunt-schema';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Where a hunt row was read from: the partition it is in. */
export interface HuntRowOrigin {
  readonly account?: string;
  readonly region?: string;
  readonly day?: string;
}

/**
 * The CloudTrail record of a hunt row (column name → value as text; SQL NULL as undefined or null),
 * and the partition it came from.
 */
export function huntRowToRecord(row: Readonly<Record<string, string | null | undefined>>): {
  readonly record: Record<string, unknown>;
  readonly origin: HuntRowOrigin;
} {
  const record: Record<string, unknown> = {};
  for (const { column, field, json, type } of HUNT_COLUMNS) {
    const text = row[column];
    if (text === null || text === undefined) continue;
    if (json === undefined) record[field] = text;
    else {
      const value = json === 'nested' && type ? restoreValue(parseJson(text), type) : parseJson(text);
      if (value !== null && value !== undefined) record[field] = value;
    }
  }
  const origin: HuntRowOrigin = {
    account: row[HUNT_PARTITION_COLUMNS.account] ?? undefined,
    region: row[HUNT_PARTITION_COLUMNS.region] ?? undefined,
    day: row[HUNT_PARTITION_COLUMNS.day] ?? undefined,
  };
  return { record, origin };
}
