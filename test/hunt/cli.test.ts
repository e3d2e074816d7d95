// The real command, end to end: `tsx cli/hunt/main.ts` in a child process with worker threads, over a
// held-out directory of CloudTrail log files (generated logs with planted watched calls, the fixture
// records, every form hunt reads, malformed files mixed in) and over S3 through the real SDK client
// against a local endpoint. It must report exactly the watched calls the files hold.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

import { listInput, openS3, readRef, type FileRef } from '../../cli/hunt/inputs';
import { runHunt } from '../../cli/hunt/run';
import { generateCorpus } from '../../tools/hunt/corpus';
import { cloudTrailGz, jsonLines, recordFixtures, writeFiles } from '../support/hunt-files';
import { startLocalS3 } from '../support/s3-objects-server';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const MAIN = path.join(ROOT, 'cli', 'hunt', 'main.ts');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command (its TypeScript source through tsx, or a bundle) in a child process. */
async function hunt(args: string[], env: Record<string, string> = {}, script: string[] = [TSX, MAIN]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout: string; stderr: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const ids = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { eventID: string })
    .map((f) => f.eventID);

const FIXTURES = recordFixtures();
const positives = FIXTURES.filter((f) => f.default).map((f) => f.record);
const negatives = FIXTURES.filter((f) => !f.default).map((f) => f.record);
// One fixture positive with an eventID of its own per form, so each form's finding is told apart.
const tagged = (tag: string) => ({ ...positives[0], eventID: `form-${tag}` });

let dir: string;
let expected: string[];
let files: Record<string, Buffer | string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunt-cli-'));
  const corpus = await generateCorpus(path.join(dir, 'generated'), {
    targetBytes: 400_000,
    minRecords: 200,
    maxRecords: 800,
    plantedShare: 0.5,
  });
  const fixtureFile = cloudTrailGz([...negatives, ...positives]);
  files = {
    'fixtures/111122223333_CloudTrail_us-east-1_20260311T0915Z_fixtures.json.gz': fixtureFile,
    'forms/plain.json': JSON.stringify({ Records: [negatives[0], tagged('plain')] }, null, 2),
    'forms/lines.jsonl': jsonLines([negatives[1], tagged('jsonl'), negatives[2]]),
    'forms/lines.jsonl.gz': zlib.gzipSync(jsonLines([tagged('jsonl-gz')])),
    'bad/truncated.json.gz': fixtureFile.subarray(0, fixtureFile.length - 20),
    'bad/not-json.json': '<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>',
    'bad/no-records.json.gz': zlib.gzipSync('{"awsAccountId":"111122223333","digestStartTime":"2026-03-11T09:00:00Z"}'),
    'bad/records-not-array.json': '{"Records":"CreateModelImportJob"}',
    'bad/odd-records.json': JSON.stringify({ Records: [42, tagged('beside-a-number')] }),
    'CloudTrail-Digest/us-east-1/digest.json.gz': zlib.gzipSync('{"digest":true}'),
    'notes.txt': 'not a log file',
  };
  writeFiles(dir, files);
  expected = [
    ...corpus.planted,
    ...positives.map((r) => r.eventID as string),
    'form-plain',
    'form-jsonl',
    'form-jsonl-gz',
    'form-beside-a-number',
  ].sort();
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('reports exactly the watched calls the directory holds, names every bad file, exits 1', async () => {
  const run = await hunt(['hunt', dir, '--format', 'jsonl', '--workers', '2']);
  expect(run.code).toBe(1);
  expect(ids(run.stdout).sort()).toEqual(expected);
  // Deterministic: the same order as sorting by time, then id, then file.
  const found = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { eventTime: string });
  for (let i = 1; i < found.length; i++) expect(found[i - 1].eventTime <= found[i].eventTime).toBe(true);
  for (const [file, reason] of [
    ['bad/truncated.json.gz', 'not a readable gzip file (unexpected end of file)'],
    ['bad/not-json.json', 'not JSON'],
    ['bad/no-records.json.gz', 'a JSON object without Records'],
    ['bad/records-not-array.json', 'Records is a string, not an array'],
  ]) {
    expect(run.stderr).toContain(`hunt: skipped ${path.join(dir, file)}: ${reason}`);
  }
  expect(run.stderr).toContain(
    `hunt: ${path.join(dir, 'bad/odd-records.json')}: Records[0] skipped: not a record object but a number`,
  );
  expect(run.stderr).not.toMatch(/Digest|notes\.txt/);
  expect(run.stderr).toMatch(/bad files: 4, bad records: 1/);
  expect(run.stderr).toMatch(new RegExp(`findings: ${expected.length} `));
  // No progress bar when standard error is not a terminal.
  expect(run.stderr).not.toContain('\r');

  // The same findings with every file parsed (no pre-filter), as a table: its EVENT ID column.
  // A file named again beside its directory is read once.
  const again = path.join(dir, 'forms', 'plain.json');
  const table = await hunt(['hunt', dir, again, '--full-parse', '--workers', '1', '--no-progress']);
  expect(table.code).toBe(1);
  const [header, ...rows] = table.stdout.trimEnd().split('\n');
  expect(header).toMatch(/^TIME\s+VERDICT\s+EVENT\s+ACCOUNT\s+REGION\s+ACTOR\s+SOURCE\s+EVENT ID\s+WHY$/);
  const column = header.indexOf('EVENT ID');
  expect(rows.map((r) => r.slice(column).split(/\s+/)[0]).sort()).toEqual(expected);
}, 60_000);

test('exit statuses: 0 clean, 3 nothing found with a bad file, 2 nothing readable or a usage error', async () => {
  const clean = path.join(dir, 'clean.json.gz');
  fs.writeFileSync(clean, cloudTrailGz(negatives));
  const [ok, incomplete, unusable, usage] = await Promise.all([
    hunt(['hunt', clean, '--format', 'jsonl']),
    hunt(['hunt', clean, path.join(dir, 'bad', 'not-json.json')]),
    hunt(['hunt', path.join(dir, 'missing'), path.join(dir, 'bad', 'truncated.json.gz')]),
    hunt(['hunt', dir, '--format', 'xml']),
  ]);
  expect([ok.code, ok.stdout]).toEqual([0, '']);
  expect(ok.stderr).toMatch(/findings: 0\n/);
  expect(incomplete.code).toBe(3);
  expect(unusable.code).toBe(2);
  expect(unusable.stderr).toContain(`hunt: cannot read ${path.join(dir, 'missing')}: `);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('--format must be table or jsonl');
  expect(usage.stderr).toContain('Exit status:');
}, 60_000);

describe('S3', () => {
  test('the bundle the package ships hunts s3://bucket/prefix through the SDK client (paged listing, objects read by the workers)', async () => {
    // Built as `npm run build` builds it (the command, and the S3 client in a file beside it).
    const bundle = path.join(dir, 'bundle', 'bedrock-supply-chain.js');
    await promisify(execFile)(process.execPath, [TSX, path.join(ROOT, 'scripts', 'bundle-cli.ts'), bundle], {
      cwd: ROOT,
    });
    expect(fs.readdirSync(path.dirname(bundle)).sort()).toEqual([
      'THIRD-PARTY-LICENSES.txt',
      'bedrock-supply-chain.js',
      's3-sdk.js',
    ]);
    const objects: Record<string, Buffer> = {};
    for (const [name, bytes] of Object.entries(files)) objects[`AWSLogs/o-abc/${name}`] = Buffer.from(bytes);
    objects['other/ignored.json.gz'] = cloudTrailGz(positives);
    const s3 = await startLocalS3({ 'org-trail': objects }, { pageSize: 3 });
    try {
      const run = await hunt(
        ['hunt', 's3://org-trail/AWSLogs/o-abc/forms/', 's3://org-trail/AWSLogs/o-abc/fixtures', '--format', 'jsonl'],
        {
          AWS_ENDPOINT_URL_S3: s3.endpoint,
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_REGION: 'us-east-1',
        },
        [bundle],
      );
      expect(run.stderr).toMatch(/bad files: 0/);
      expect(run.code).toBe(1);
      expect(ids(run.stdout).sort()).toEqual(
        [...positives.map((r) => r.eventID as string), 'form-jsonl', 'form-jsonl-gz', 'form-plain'].sort(),
      );
      expect(s3.requests.filter((r) => r.includes('list-type=2')).length).toBeGreaterThanOrEqual(2);
      expect(s3.requests.some((r) => r.includes('ignored'))).toBe(false);
    } finally {
      await s3.close();
    }
  }, 60_000);

  test('a bucket that does not exist and an object that cannot be read are reported, not thrown', async () => {
    const s3 = await startLocalS3(
      { logs: { 'a/x.json.gz': cloudTrailGz(positives), 'a/y.json': Buffer.from('{}') } },
      { denied: ['a/x.json.gz'] },
    );
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    try {
      const access = () => openS3({ endpointUrl: s3.endpoint, region: 'us-east-1' });
      const missing = await listInput('s3://nope/a/', access);
      expect(missing).toEqual({
        error: expect.stringMatching(/^cannot list s3:\/\/nope\/a\/: NoSuchBucket: .*\(HTTP 404\)$/),
      });
      const listing = await listInput('s3://logs/a/', access);
      expect('files' in listing && listing.files.map((f: FileRef) => f.kind === 's3' && f.key)).toEqual([
        'a/x.json.gz',
        'a/y.json',
      ]);
      await expect(readRef({ kind: 's3', bucket: 'logs', key: 'a/x.json.gz', size: 0 }, access)).rejects.toMatchObject({
        name: 'AccessDenied',
      });
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await s3.close();
    }
  }, 30_000);
});

test('on a terminal, a progress bar on standard error; the findings on standard output alone', async () => {
  const chunks = { out: [] as string[], err: [] as string[] };
  const stream = (into: string[], tty: boolean) =>
    Object.assign(new PassThrough(), { isTTY: tty, columns: 120 }).on('data', (c: Buffer) => into.push(c.toString()));
  const code = await runHunt(
    {
      inputs: [path.join(dir, 'forms')],
      format: 'jsonl',
      watched: {},
      approvals: {},
      workers: 2,
      fullParse: false,
      progress: true,
    },
    { stdout: stream(chunks.out, false), stderr: stream(chunks.err, true) },
  );
  expect(code).toBe(1);
  expect(ids(chunks.out.join('')).sort()).toEqual(['form-jsonl', 'form-jsonl-gz', 'form-plain']);
  const err = chunks.err.join('');
  // eslint-disable-next-line no-control-regex -- the bar redraws with a carriage return and an erase-line escape
  expect(err).toMatch(/\r\u001b\[K\[#{24}\] 100% 3\/3 files, [\d.]+ MB, \d+ MB\/s, 3 findings\n/);
  expect(err).toMatch(/findings: 3 \(unverified 3\)/);
}, 30_000);
