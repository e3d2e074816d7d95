// What hunt prints and how it exits: findings in one order whatever the workers did, JSON lines
// with the documented fields, a table a hostile value cannot break, and the exit statuses.
import fc from 'fast-check';

import {
  EXIT,
  addResult,
  compareFindings,
  emptyTotals,
  exitStatus,
  formatJsonLines,
  formatSummary,
  formatTable,
  problemLines,
} from '../../cli/hunt/report';
import { Scanner, type FileResult, type Finding } from '../../cli/hunt/scan';
import { cloudTrailGz, recordFixtures } from '../support/hunt-files';

const FIXTURES = recordFixtures().filter((f) => f.default);
const scanner = new Scanner();
const findings: Finding[] = FIXTURES.flatMap(
  (f, i) => scanner.scan(`file-${i}.json.gz`, cloudTrailGz([f.record])).findings,
);

const result = (over: Partial<FileResult>): FileResult => ({
  file: 'f.json.gz',
  bytes: 10,
  logBytes: 100,
  parsed: true,
  records: 1,
  findings: [],
  badRecords: [],
  ...over,
});

describe('findings', () => {
  test('sort by time, then event id, then file, whatever order the workers answered in', () => {
    const sorted = [...findings].sort(compareFindings);
    fc.assert(
      fc.property(fc.shuffledSubarray(findings, { minLength: findings.length }), (shuffled) => {
        expect([...shuffled].sort(compareFindings)).toEqual(sorted);
      }),
    );
    for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1].eventTime <= sorted[i].eventTime).toBe(true);
  });

  test('JSON lines: one object a line with the documented fields', () => {
    const lines = formatJsonLines(findings).trimEnd().split('\n');
    expect(lines).toHaveLength(findings.length);
    for (const line of lines) {
      const f = JSON.parse(line);
      for (const key of [
        'eventID',
        'eventName',
        'verdict',
        'reasons',
        'actor',
        'source',
        'eventTime',
        'awsRegion',
        'recipientAccountId',
        'file',
        'severity',
      ])
        expect(f).toHaveProperty(key);
      expect(Array.isArray(f.reasons) && f.reasons.length > 0).toBe(true);
    }
    expect(formatJsonLines([])).toBe('');
  });

  test('a table: a header and a row each; control characters and escapes in values never reach the terminal', () => {
    const hostile: Finding = {
      ...findings[0],
      actor: 'arn:aws:iam::1:role/\u001b[2J\u001b]0;pwned\u0007x\nFAKE ROW',
      source: ['s3://b/\u202Eevil'],
    };
    const table = formatTable([findings[0], hostile]);
    const lines = table.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^TIME\s+VERDICT\s+EVENT\s+ACCOUNT\s+REGION\s+ACTOR\s+SOURCE\s+EVENT ID\s+WHY$/);
    // eslint-disable-next-line no-control-regex
    expect(table).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(lines[2]).toContain('\\u{1B}[2J');
    expect(formatTable([])).toBe('');
  });
});

describe('problems on standard error', () => {
  test('name the file and the reason, made safe; many bad records are summed up', () => {
    expect(problemLines(result({ file: 'a\u001b[31m.json', bad: 'not JSON (x)' }))).toEqual([
      'hunt: skipped a\\u{1B}[31m.json: not JSON (x)',
    ]);
    const many = problemLines(
      result({
        badRecords: Array.from({ length: 8 }, (_, i) => ({
          where: `Records[${i}]`,
          reason: 'not a record object but null',
        })),
      }),
    );
    expect(many).toHaveLength(6);
    expect(many[5]).toBe('hunt: f.json.gz: 3 more records skipped');
  });
});

describe('the exit status', () => {
  const status = (...results: FileResult[]) => {
    const t = emptyTotals();
    for (const r of results) addResult(t, r);
    return exitStatus(t);
  };
  test.each([
    ['every file read, nothing found', [result({})], EXIT.clean],
    ['a finding', [result({ findings: [findings[0]] })], EXIT.findings],
    ['a finding and a bad file', [result({ findings: [findings[0]] }), result({ bad: 'x' })], EXIT.findings],
    ['a bad file, nothing found', [result({}), result({ bad: 'x' })], EXIT.incomplete],
    ['a bad record, nothing found', [result({ badRecords: [{ where: 'Records[0]', reason: 'x' }] })], EXIT.incomplete],
    ['every file bad', [result({ bad: 'x' }), result({ bad: 'y' })], EXIT.unusable],
    ['no files at all', [], EXIT.unusable],
  ])('%s', (_what, results, expected) => {
    expect(status(...results)).toBe(expected);
  });

  test('an input that could not be listed makes an otherwise clean hunt incomplete', () => {
    const t = emptyTotals();
    addResult(t, result({}));
    t.badInputs++;
    expect(exitStatus(t)).toBe(EXIT.incomplete);
  });
});

test('the summary counts files, bytes, records, findings by verdict and bad files', () => {
  const t = emptyTotals();
  addResult(t, result({ findings: [findings[0], findings[1]], records: 1200, bytes: 2_000_000, logBytes: 20_000_000 }));
  addResult(t, result({ parsed: false, records: 0 }));
  addResult(t, result({ bad: 'not JSON', parsed: true, records: 0 }));
  const text = formatSummary(t, 2, 4);
  expect(text).toContain('hunt: 3 files, 2.0 MB read, 20.0 MB of logs, in 2.0 s (1 MB/s) with 4 workers');
  expect(text).toContain('parsed: 1 files, 1,200 records; 1 files held no watched event name and were not parsed');
  expect(text).toMatch(/findings: 2 \(unverified 2\)/);
  expect(text).toContain('bad files: 1, bad records: 0');
});
