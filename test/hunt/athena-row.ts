/**
 * A record as Athena (Trino) returns it from the hunt query: every column as text; a nested column
 * as `json_format(CAST(col AS JSON))` gives it, where Trino casts a ROW to a JSON array of its fields
 * by position (a MAP to an object); NULL as null.
 */
import { HUNT_COLUMNS, HUNT_PARTITION_COLUMNS, type HuntType } from '../../lib/detection';

import { toRow, type Partition } from './cloudtrail-table';

export const HUNT_RESULT_COLUMNS: readonly string[] = [
  ...HUNT_COLUMNS.map((c) => c.column),
  ...Object.values(HUNT_PARTITION_COLUMNS),
];

/** A value of the table (as the SerDe read it) as Trino's CAST(… AS JSON) shapes it. */
function trinoJson(value: unknown, type: HuntType): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'string' || 'map' in type) return value;
  if ('array' in type) return Array.isArray(value) ? value.map((v) => trinoJson(v, type.array)) : null;
  const obj = value as Record<string, unknown>;
  return type.struct.map(([glue, , t]) => trinoJson(obj[glue], t));
}

export function athenaRow(
  record: Record<string, unknown>,
  partition: Partition = { account: '111122223333', region: 'us-east-1', day: '2026/11/01' },
): (string | null)[] {
  const row = toRow(record, partition);
  return HUNT_RESULT_COLUMNS.map((c) => {
    const v = row[c];
    if (v === null || v === undefined) return null;
    const type = HUNT_COLUMNS.find((h) => h.column === c)?.type;
    if (type) return JSON.stringify(trinoJson(v, type));
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}
