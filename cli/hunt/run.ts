/**
 * Runs a hunt: lists the inputs, hands the files to worker threads (each reads, decompresses and
 * scans its files), prints problems as they come and a progress bar on a terminal, then the findings
 * in a fixed order and the summary. The worker side is `serveWorker`.
 */
import * as path from 'node:path';
import { Worker, type MessagePort } from 'node:worker_threads';

import type { HuntOptions } from './args';
import {
  describeError,
  listInput,
  nameOf,
  openS3,
  readRef,
  type FileRef,
  type S3Access,
  type S3Settings,
} from './inputs';
import {
  addResult,
  compareFindings,
  emptyTotals,
  exitStatus,
  formatJsonLines,
  formatSummary,
  formatTable,
  mb,
  problemLines,
  type Totals,
} from './report';
import { Scanner, type FileResult, type Finding, type ScanOptions } from './scan';

/** What a worker is started with. */
export interface WorkerSetup {
  readonly scan: ScanOptions;
  readonly s3: S3Settings;
}

interface Job {
  readonly id: number;
  readonly ref: FileRef;
}

/** The worker side: scan each file it is sent, answer with the result. */
export function serveWorker(port: MessagePort, setup: WorkerSetup): void {
  const scanner = new Scanner(setup.scan);
  const s3 = lazyS3(setup.s3);
  port.on('message', (job: Job) => {
    void scanRef(scanner, job.ref, s3).then((result) => port.postMessage({ id: job.id, result }));
  });
}

/** Reads and scans one file; a file that cannot be read is a bad file, never an exception. */
export async function scanRef(scanner: Scanner, ref: FileRef, s3: () => Promise<S3Access>): Promise<FileResult> {
  const name = nameOf(ref);
  let bytes: Uint8Array;
  try {
    bytes = await readRef(ref, s3);
  } catch (e) {
    return { ...unread(name), bad: `cannot read: ${describeError(e)}` };
  }
  try {
    return scanner.scan(name, bytes);
  } catch (e) {
    // A defect, or a file too large to hold as one string: named and skipped like any bad file.
    return { ...unread(name), bytes: bytes.length, bad: `could not be scanned: ${describeError(e)}` };
  }
}

function unread(file: string): FileResult {
  return { file, bytes: 0, logBytes: 0, parsed: false, records: 0, findings: [], badRecords: [] };
}

function lazyS3(settings: S3Settings): () => Promise<S3Access> {
  let s3: Promise<S3Access> | undefined;
  return () => (s3 ??= openS3(settings));
}

/** Where the hunt writes. */
export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** The script a worker runs: this bundle itself, or under tsx the TypeScript entry through tsx's loader. */
function startWorker(setup: WorkerSetup): Worker {
  const workerData = { huntWorker: setup };
  if (!__filename.endsWith('.ts')) return new Worker(__filename, { workerData });
  const entry = path.join(__dirname, 'main.ts');
  const script = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`;
  return new Worker(script, { eval: true, workerData });
}

/** Runs the hunt and returns the exit status. */
export async function runHunt(options: HuntOptions, io: Io): Promise<number> {
  const started = process.hrtime.bigint();
  const totals = emptyTotals();
  const warn = (line: string) => io.stderr.write(`${line}\n`);
  const s3 = lazyS3(options);

  const files: FileRef[] = [];
  const seen = new Set<string>();
  for (const input of options.inputs) {
    const listing = await listInput(input, s3);
    if ('error' in listing) {
      totals.badInputs++;
      warn(`hunt: ${listing.error}`);
    } else {
      if (listing.files.length === 0)
        warn(`hunt: ${input} holds no log files (.json, .jsonl, .ndjson, optionally .gz)`);
      // A file named twice (a directory and a file in it, overlapping prefixes) is read once.
      for (const f of listing.files) {
        if (seen.has(nameOf(f))) continue;
        seen.add(nameOf(f));
        files.push(f);
      }
    }
  }

  const findings: Finding[] = [];
  const workers = Math.max(1, Math.min(options.workers, files.length));
  const progress = options.progress && io.stderr.isTTY === true ? new Progress(io.stderr, files, totals) : undefined;
  const report = (result: FileResult) => {
    addResult(totals, result);
    findings.push(...result.findings);
    const lines = problemLines(result);
    if (lines.length > 0) {
      progress?.clear();
      for (const line of lines) warn(line);
    }
    progress?.draw();
  };

  if (files.length > 0) {
    const setup: WorkerSetup = {
      scan: { watched: options.watched, approvals: options.approvals, fullParse: options.fullParse },
      s3: { endpointUrl: options.endpointUrl, region: options.region },
    };
    await dispatch(files, workers, setup, report);
  }
  progress?.done();

  findings.sort(compareFindings);
  const out = options.format === 'jsonl' ? formatJsonLines(findings) : formatTable(findings);
  if (out) await new Promise<void>((resolve) => io.stdout.write(out, () => resolve()));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  warn(formatSummary(totals, seconds, workers));
  return exitStatus(totals);
}

/** Hands the files out, at most two in flight per worker (one reading while one is scanned). */
async function dispatch(
  files: readonly FileRef[],
  count: number,
  setup: WorkerSetup,
  report: (r: FileResult) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: count }, () => startWorker(setup));
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker) => {
        if (next < files.length) {
          const job: Job = { id: next, ref: files[next++] };
          w.postMessage(job);
        }
      };
      for (const w of pool) {
        w.on('message', (m: { id: number; result: FileResult }) => {
          report(m.result);
          if (++done === files.length) resolve();
          else feed(w);
        });
        w.on('error', (e) => reject(new Error(`a worker failed: ${describeError(e)}`)));
        feed(w);
        feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/** A one-line progress bar on a terminal's standard error. */
class Progress {
  private last = 0;
  private readonly totalBytes: number;
  private readonly started = Date.now();

  constructor(
    private readonly out: Io['stderr'],
    private readonly files: readonly FileRef[],
    private readonly totals: Totals,
  ) {
    this.totalBytes = files.reduce((s, f) => s + f.size, 0);
  }

  draw(force = false): void {
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const t = this.totals;
    const share = this.totalBytes > 0 ? t.bytes / this.totalBytes : t.files / Math.max(1, this.files.length);
    const width = 24;
    const filled = Math.min(width, Math.round(share * width));
    const rate = t.bytes / 1e6 / Math.max(0.001, (now - this.started) / 1000);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0)}% ${t.files}/${this.files.length} files, ${mb(t.bytes)}, ${rate.toFixed(0)} MB/s, ${t.findings} findings`;
    this.out.write(`\r\x1b[K${line.slice(0, Math.max(20, (this.out.columns || 100) - 1))}`);
  }

  clear(): void {
    this.out.write('\r\x1b[K');
  }

  done(): void {
    this.draw(true);
    this.out.write('\n');
  }
}
