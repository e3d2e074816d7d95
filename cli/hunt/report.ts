/**
 * What `hunt` prints: findings in a deterministic order (as a table or JSON lines) on standard
 * output, problems and the summary on standard error, and the exit status. Pure.
 */
import { safeText, type VerdictKind } from '../../lib/detection';

import type { FileResult, Finding } from './scan';

/** The exit statuses, as documented in the usage text. */
export const EXIT = {
  /** Every file was read and nothing was found. */
  clean: 0,
  /** At least one watched call was found (whatever else happened). */
  findings: 1,
  /** A usage error, or no input could be read at all (nothing was scanned). */
  unusable: 2,
  /** Nothing was found, but some files or records could not be read: the hunt is incomplete. */
  incomplete: 3,
} as const;

/** Orders findings by time, then event id, then file: the order never depends on the workers. */
export function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.eventTime, b.eventTime) || cmp(a.eventID, b.eventID) || cmp(a.file, b.file);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One JSON object a line. JSON.stringify escapes every control character, so a value cannot forge a line. */
export function formatJsonLines(findings: readonly Finding[]): string {
  return findings.map((f) => `${JSON.stringify(f)}\n`).join('');
}

const COLUMNS: readonly [title: string, value: (f: Finding) => string, max: number][] = [
  ['TIME', (f) => f.eventTime, 20],
  ['VERDICT', (f) => f.verdict, 20],
  ['EVENT', (f) => f.eventName, 32],
  ['ACCOUNT', (f) => f.recipientAccountId ?? '-', 12],
  ['REGION', (f) => f.awsRegion ?? '-', 14],
  ['ACTOR', (f) => f.actor ?? '-', 60],
  ['SOURCE', (f) => (f.source.length > 0 ? f.source.join(', ') : '-'), 80],
  ['EVENT ID', (f) => f.eventID || '-', 36],
  ['WHY', (f) => f.reasons[0] ?? '', 120],
];

/** A plain-text table, every cell made safe for a terminal (no control characters, no escapes) and capped. */
export function formatTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  const rows = findings.map((f) => COLUMNS.map(([, value, max]) => cell(value(f), max)));
  const widths = COLUMNS.map(([title], i) => Math.max(title.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS.map(([title]) => title)), ...rows.map(line)].join('\n') + '\n';
}

function cell(value: string, max: number): string {
  const safe = safeText(value, 100_000);
  return safe.length <= max ? safe : `${safe.slice(0, max - 1)}…`;
}

/** One line for standard error: a file or record that could not be read. Names are made safe too. */
export function problemLines(result: FileResult): string[] {
  const lines: string[] = [];
  const name = safeText(result.file, 2048);
  if (result.bad !== undefined) lines.push(`hunt: skipped ${name}: ${safeText(result.bad, 500)}`);
  for (const r of result.badRecords.slice(0, 5))
    lines.push(`hunt: ${name}: ${r.where} skipped: ${safeText(r.reason, 500)}`);
  if (result.badRecords.length > 5) lines.push(`hunt: ${name}: ${result.badRecords.length - 5} more records skipped`);
  return lines;
}

/** What the whole hunt saw. */
export interface Totals {
  files: number;
  bytes: number;
  logBytes: number;
  parsedFiles: number;
  records: number;
  badFiles: number;
  badRecords: number;
  /** Inputs (paths, prefixes) that could not be listed or opened at all. */
  badInputs: number;
  findings: number;
  byVerdict: Partial<Record<VerdictKind, number>>;
}

export function emptyTotals(): Totals {
  return {
    files: 0,
    bytes: 0,
    logBytes: 0,
    parsedFiles: 0,
    records: 0,
    badFiles: 0,
    badRecords: 0,
    badInputs: 0,
    findings: 0,
    byVerdict: {},
  };
}

export function addResult(t: Totals, r: FileResult): void {
  t.files++;
  t.bytes += r.bytes;
  t.logBytes += r.logBytes;
  if (r.parsed && r.bad === undefined) t.parsedFiles++;
  t.records += r.records;
  if (r.bad !== undefined) t.badFiles++;
  t.badRecords += r.badRecords.length;
  t.findings += r.findings.length;
  for (const f of r.findings) t.byVerdict[f.verdict] = (t.byVerdict[f.verdict] ?? 0) + 1;
}

/**
 * The exit status: findings win; then nothing readable at all is unusable; then anything unread
 * makes the hunt incomplete; otherwise clean.
 */
export function exitStatus(t: Totals): number {
  if (t.findings > 0) return EXIT.findings;
  if (t.files - t.badFiles === 0) return EXIT.unusable;
  if (t.badFiles > 0 || t.badRecords > 0 || t.badInputs > 0) return EXIT.incomplete;
  return EXIT.clean;
}

const n = (x: number) => x.toLocaleString('en-US');
export const mb = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;

/** The summary for standard error. */
export function formatSummary(t: Totals, seconds: number, workers: number): string {
  const rate = seconds > 0 ? ` (${(t.bytes / 1e6 / seconds).toFixed(0)} MB/s)` : '';
  const verdicts = Object.entries(t.byVerdict)
    .sort(([a], [b]) => cmp(a, b))
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');
  const skipped = t.files - t.badFiles - t.parsedFiles;
  return [
    `hunt: ${n(t.files)} files, ${mb(t.bytes)} read, ${mb(t.logBytes)} of logs, in ${seconds.toFixed(1)} s${rate} with ${workers} worker${workers === 1 ? '' : 's'}`,
    `  parsed: ${n(t.parsedFiles)} files, ${n(t.records)} records` +
      (skipped > 0
        ? `; ${n(skipped)} files held no watched event name and were not parsed (--full-parse parses them)`
        : ''),
    `  findings: ${n(t.findings)}${verdicts ? ` (${verdicts})` : ''}`,
    `  bad files: ${n(t.badFiles)}, bad records: ${n(t.badRecords)}${t.badInputs > 0 ? `, unreadable inputs: ${n(t.badInputs)}` : ''}`,
  ].join('\n');
}
