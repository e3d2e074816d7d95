/**
 * The pure core of `hunt`: one log file's bytes in, its findings and problems out. Decompresses
 * (gzip, by its magic bytes), reads the document (CloudTrail's `{"Records":[...]}`, any JSON object
 * with `Records`, or JSON lines), and puts every record through the detector's own classifier and
 * verdict (lib/detection). The pre-filter lets a file in CloudTrail's form that cannot hold a watched
 * call go unparsed (see prefilter.ts); `fullParse` turns that off.
 */
import * as zlib from 'node:zlib';

import {
  WatchedCallClassifier,
  decideVerdict,
  getPath,
  hasStringLeaf,
  isObject,
  outsideModelEndpoints,
  principalArnOf,
  resolveWatchedCalls,
  stringOf,
  type AlertSeverity,
  type Approvals,
  type VerdictKind,
  type WatchedCall,
  type WatchedCallOptions,
} from '../../lib/detection';

import { PreFilter, arraySpans } from './prefilter';

/** One watched call found in the logs, with its verdict. */
export interface Finding {
  readonly eventTime: string;
  readonly eventID: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly verdict: VerdictKind;
  readonly severity: AlertSeverity;
  readonly riskScore: number;
  readonly reasons: readonly string[];
  /** The principal as IAM sees it (a role session's role). */
  readonly actor: string | null;
  /** The model source value(s) the record names. */
  readonly source: readonly string[];
  readonly awsRegion: string | null;
  readonly recipientAccountId: string | null;
  /** The watched call's profile (`default`, `extended`, a source profile). */
  readonly profile: string;
  /** The log file it is in. */
  readonly file: string;
}

/** A record that could not be read (not an object, or a JSON line that is not JSON). */
export interface BadRecord {
  /** `Records[3]`, or `line 7` for JSON lines. */
  readonly where: string;
  readonly reason: string;
}

export interface FileResult {
  readonly file: string;
  /** Bytes read (compressed, when the file is). */
  readonly bytes: number;
  /** Bytes after decompression (0 when the file could not be decompressed). */
  readonly logBytes: number;
  /** Whether the document was parsed (false: the pre-filter proved it holds no watched call). */
  readonly parsed: boolean;
  /** Records parsed and classified. */
  readonly records: number;
  readonly findings: readonly Finding[];
  /** Why the file was skipped as a whole; absent when it was read. */
  readonly bad?: string;
  readonly badRecords: readonly BadRecord[];
}

export interface ScanOptions {
  readonly watched?: WatchedCallOptions;
  readonly approvals?: Approvals;
  /** Parse every file (no pre-filter): exact record counts, and every malformed file found. */
  readonly fullParse?: boolean;
}

/** The model source kinds shown as a finding's `source` (roles say how a source is read, not where it is). */
const ROLE_KINDS = new Set(['roleArn', 'executionRoleArn']);

const GZIP_MAGIC = [0x1f, 0x8b];
const RECORDS_HEAD = Buffer.from('{"Records":[');

export class Scanner {
  readonly calls: readonly WatchedCall[];
  readonly prefilter: PreFilter;
  private readonly classifier: WatchedCallClassifier;
  private readonly approvals: Approvals;
  private readonly fullParse: boolean;
  private readonly names: ReadonlySet<string>;

  constructor(options: ScanOptions = {}) {
    this.calls = resolveWatchedCalls(options.watched);
    this.classifier = new WatchedCallClassifier(this.calls);
    this.names = new Set(this.calls.map((c) => c.eventName));
    this.prefilter = new PreFilter([...this.names]);
    this.approvals = options.approvals ?? {};
    this.fullParse = options.fullParse ?? false;
  }

  /** Scans one file's bytes; `file` names it in the findings and problems. Never throws for bad input. */
  scan(file: string, bytes: Uint8Array): FileResult {
    const base = { file, bytes: bytes.length, logBytes: 0, parsed: false, records: 0, findings: [], badRecords: [] };
    let text: Buffer;
    try {
      text = decompress(bytes);
    } catch (e) {
      return { ...base, bad: `not a readable gzip file (${(e as Error).message})` };
    }
    const logBytes = text.length;
    // A UTF-8 byte order mark is not JSON; tolerate it.
    if (text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf) text = text.subarray(3);
    if (!this.fullParse && isCloudTrailShape(text)) {
      if (!this.prefilter.mayMatch(text)) return { ...base, logBytes };
      const read = this.readNamedRecords(file, text);
      if (read) return { ...base, logBytes, parsed: true, ...read };
    }
    const doc = readDocument(file, text);
    if ('bad' in doc) return { ...base, logBytes, parsed: true, bad: doc.bad };
    const findings: Finding[] = [];
    const badRecords: BadRecord[] = [...doc.badRecords];
    let records = 0;
    doc.records.forEach((record, i) => {
      records++;
      if (!isObject(record)) {
        badRecords.push({ where: doc.where(i), reason: `not a record object but ${typeName(record)}` });
        return;
      }
      const finding = this.judge(file, record);
      if (finding) findings.push(finding);
    });
    return { ...base, logBytes, parsed: true, records, findings, badRecords };
  }

  /**
   * A file in CloudTrail's form that holds a watched name: only the records that hold one are parsed
   * (a record the classifier matches holds its name verbatim, see prefilter.ts), the others counted,
   * and elements that are not objects named. Undefined when this cannot be decided without parsing
   * the whole file (a \u escape that could spell a name, brackets that do not close, a span that is
   * not JSON): then the caller parses it all, and says what is wrong with it.
   */
  private readNamedRecords(
    file: string,
    text: Buffer,
  ): Pick<FileResult, 'records' | 'findings' | 'badRecords'> | undefined {
    const positions = this.prefilter.namePositions(text);
    const array = positions && arraySpans(text, RECORDS_HEAD.length - 1);
    if (!positions || !array || !onlyClosingBrace(text, array.end)) return undefined;
    const { spans } = array;
    const findings: Finding[] = [];
    const badRecords: BadRecord[] = [];
    let p = 0;
    try {
      for (let k = 0; k < spans.length; k += 2) {
        const [start, end] = [spans[k], spans[k + 1]];
        while (p < positions.length && positions[p] < start) p++;
        if (text[start] !== 0x7b) {
          const value: unknown = JSON.parse(text.toString('utf8', start, end));
          badRecords.push({ where: `Records[${k / 2}]`, reason: `not a record object but ${typeName(value)}` });
        } else if (p < positions.length && positions[p] < end) {
          const finding = this.judge(file, JSON.parse(text.toString('utf8', start, end)) as Record<string, unknown>);
          if (finding) findings.push(finding);
        }
      }
    } catch {
      return undefined;
    }
    return { records: spans.length / 2, findings, badRecords };
  }

  /** The finding for one record, or undefined when it is not a successful watched call. */
  judge(file: string, record: Record<string, unknown>): Finding | undefined {
    // The classifier's own first check (no watched name at eventName: no match), without building
    // the reason it would give for a record that is not a watched call.
    if (hasStringLeaf(record, ['eventName'], this.names) === undefined) return undefined;
    const result = this.classifier.classify(record);
    if (!result.matched) return undefined;
    const call = result.call;
    let outside: string[] = [];
    const extra: string[] = [];
    if (call.relevance === 'outside-model-configuration') {
      // As the alert function decides: an agent wired to Bedrock models only is not a finding.
      outside = outsideModelEndpoints(record);
      if (outside.length === 0) return undefined;
    } else if (call.relevance === 'registered-marketplace-endpoint') {
      extra.push('relevance: whether the endpoint is registered with Bedrock is not checked offline');
    }
    const verdict = decideVerdict(record, call, this.approvals, undefined, outside);
    return {
      eventTime: stringOf(record.eventTime) ?? '',
      eventID: stringOf(record.eventID) ?? '',
      eventName: call.eventName,
      eventSource: call.eventSource,
      verdict: verdict.kind,
      severity: verdict.severity,
      riskScore: verdict.riskScore,
      reasons: [...verdict.reasons, ...extra],
      actor: principalArnOf(record) ?? null,
      source: [...sourceValues(record, call), ...outside],
      awsRegion: stringOf(record.awsRegion) ?? null,
      recipientAccountId: stringOf(record.recipientAccountId) ?? null,
      profile: call.profile,
      file,
    };
  }
}

/** The values of the call's model source fields in the record, as text. */
function sourceValues(record: Record<string, unknown>, call: WatchedCall): string[] {
  const out: string[] = [];
  for (const field of call.modelSourceFields) {
    if (ROLE_KINDS.has(field.kind)) continue;
    const raw = getPath(record.requestParameters, field.path);
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (v === undefined || v === null || v === '') continue;
      out.push(typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
  return out;
}

function decompress(bytes: Uint8Array): Buffer {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === GZIP_MAGIC[0] && buf[1] === GZIP_MAGIC[1]) return zlib.gunzipSync(buf);
  return buf;
}

/** CloudTrail's own form: `{"Records":[` first and `]}` last (then at most whitespace). */
export function isCloudTrailShape(text: Buffer): boolean {
  if (
    text.length < RECORDS_HEAD.length + 2 ||
    text.compare(RECORDS_HEAD, 0, RECORDS_HEAD.length, 0, RECORDS_HEAD.length) !== 0
  )
    return false;
  let end = text.length;
  while (
    end > 0 &&
    (text[end - 1] === 0x0a || text[end - 1] === 0x0d || text[end - 1] === 0x20 || text[end - 1] === 0x09)
  )
    end--;
  return text[end - 1] === 0x7d && text[end - 2] === 0x5d;
}

/** Whether only white space and one `}` follow `at`. */
function onlyClosingBrace(text: Buffer, at: number): boolean {
  let i = at;
  const space = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
  while (i < text.length && space(text[i])) i++;
  if (text[i] !== 0x7d) return false;
  for (i++; i < text.length; i++) if (!space(text[i])) return false;
  return true;
}

type Document =
  | { readonly records: readonly unknown[]; readonly badRecords: readonly BadRecord[]; where(i: number): string }
  | { readonly bad: string };

const JSON_LINES_NAME = /\.(jsonl|ndjson)(\.gz)?$/i;

/**
 * The records of a document: a JSON object's `Records` array; or JSON lines (one record a line),
 * when the whole is not one JSON value but its first line is, or the file is named `.jsonl` or
 * `.ndjson`.
 */
export function readDocument(file: string, text: Buffer): Document {
  const whole = text.toString('utf8');
  let doc: unknown;
  let error: Error | undefined;
  try {
    doc = JSON.parse(whole);
  } catch (e) {
    error = e as Error;
  }
  if (error === undefined) {
    if (isObject(doc) && Object.prototype.hasOwnProperty.call(doc, 'Records')) {
      if (!Array.isArray(doc.Records)) return { bad: `Records is ${typeName(doc.Records)}, not an array` };
      return { records: doc.Records, badRecords: [], where: (i) => `Records[${i}]` };
    }
    if (JSON_LINES_NAME.test(file) && isObject(doc)) return { records: [doc], badRecords: [], where: () => 'line 1' };
    if (isObject(doc)) return { bad: 'a JSON object without Records (not a CloudTrail log file)' };
    return { bad: `JSON, but ${typeName(doc)}, not an object with Records` };
  }
  return readJsonLines(file, whole, error);
}

function readJsonLines(file: string, whole: string, error: Error): Document {
  const lines = whole.split('\n');
  const records: unknown[] = [];
  const lineOf: number[] = [];
  const badRecords: BadRecord[] = [];
  let first = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      records.push(JSON.parse(line));
      lineOf.push(i + 1);
    } catch (e) {
      // Not JSON lines either, unless the name says so: the whole file is not JSON.
      if (first && !JSON_LINES_NAME.test(file)) return { bad: `not JSON (${error.message})` };
      badRecords.push({ where: `line ${i + 1}`, reason: `not JSON (${(e as Error).message})` });
    }
    first = false;
  }
  if (records.length === 0 && badRecords.length === 0) return { bad: `not JSON (${error.message})` };
  return { records, badRecords, where: (i) => `line ${lineOf[i]}` };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
