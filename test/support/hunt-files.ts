/**
 * CloudTrail log files for the `hunt` tests: the repository's record fixtures and the shared
 * reference samples, written as CloudTrail writes them (gzipped `{"Records":[...]}`) or in the other
 * forms `hunt` reads, plus malformed files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

import { FIXTURE_DIR, MANIFEST } from './fixtures';

/** The reference CloudTrail samples (copied from the team's shared reference, so a clean clone has them). */
export const SAMPLES_DIR = path.join(__dirname, '..', 'fixtures', 'cloudtrail-samples');

/** One record fixture: where from, the record, and whether the default and extended profiles watch it. */
export interface RecordFixture {
  readonly name: string;
  readonly record: Record<string, unknown>;
  readonly default: boolean;
  readonly extended: boolean;
}

/** The repository's fixtures (manifest says what each profile decides) and the shared samples (default profile). */
export function recordFixtures(): RecordFixture[] {
  const own = MANIFEST.map((f) => ({
    name: `fixtures/${f.file}`,
    record: JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, f.file), 'utf8')) as Record<string, unknown>,
    default: f.default,
    extended: f.extended,
  }));
  const samples = fs.existsSync(SAMPLES_DIR)
    ? (
        JSON.parse(fs.readFileSync(path.join(SAMPLES_DIR, 'manifest.json'), 'utf8')).files as {
          file: string;
          expected: boolean;
        }[]
      ).map((f) => {
        // The samples' `expected` is the reference rule's (four calls); the repository's manifest
        // says what this library's profiles decide for the same record (CreateCustomModel is default).
        const ours = MANIFEST.find((m) => m.file === f.file);
        return {
          name: `samples/${f.file}`,
          record: JSON.parse(fs.readFileSync(path.join(SAMPLES_DIR, f.file), 'utf8')) as Record<string, unknown>,
          default: ours?.default ?? f.expected,
          extended: ours?.extended ?? f.expected,
        };
      })
    : [];
  return [...own, ...samples];
}

/** A log file as CloudTrail writes it: one line of compact JSON, gzipped. */
export function cloudTrailGz(records: readonly unknown[]): Buffer {
  return zlib.gzipSync(JSON.stringify({ Records: records }));
}

export function jsonLines(records: readonly unknown[]): Buffer {
  return Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Writes files (relative name → bytes) under `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, Buffer | string>>): void {
  for (const [name, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), bytes);
  }
}
