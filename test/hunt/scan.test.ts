// The hunt's core on one file at a time: every fixture record through the detector's own classifier
// and verdict, every document form hunt reads, and every malformed file named with its reason.
import * as zlib from 'node:zlib';

import { Scanner } from '../../cli/hunt/scan';
import { cloudTrailGz, jsonLines, recordFixtures } from '../support/hunt-files';

const FIXTURES = recordFixtures();
const find = (name: string) => FIXTURES.find((f) => f.name === name)!.record;

describe.each(['default', 'extended'] as const)('the %s profile finds exactly the fixtures it watches', (profile) => {
  const scanner = new Scanner({ watched: { profile } });
  const full = new Scanner({ watched: { profile }, fullParse: true });

  test.each(FIXTURES.map((f) => [f.name, f]))('%s', (_name, fixture) => {
    const result = scanner.scan('f.json.gz', cloudTrailGz([fixture.record]));
    expect(result.bad).toBeUndefined();
    expect(result.findings.map((f) => f.eventID)).toEqual(fixture[profile] ? [fixture.record.eventID] : []);
    expect(full.scan('f.json.gz', cloudTrailGz([fixture.record])).findings).toEqual(result.findings);
  });

  test('all fixtures in one file: the pre-filtered scan and the full parse agree', () => {
    const records = FIXTURES.map((f) => f.record);
    const fast = scanner.scan('all.json.gz', cloudTrailGz(records));
    expect(fast.parsed).toBe(true);
    expect(fast.records).toBe(records.length);
    expect(fast.findings).toEqual(full.scan('all.json.gz', cloudTrailGz(records)).findings);
    expect(fast.findings).toHaveLength(FIXTURES.filter((f) => f[profile]).length);
  });
});

describe('a finding', () => {
  test('carries the event, the verdict with its reasons, the actor and the model source', () => {
    const scanner = new Scanner({
      approvals: {
        principalArns: ['arn:aws:iam::111122223333:user/ml-engineer'],
        s3Locations: ['s3://approved-models/'],
      },
    });
    const [finding] = scanner.scan('logs/a.json.gz', cloudTrailGz([find('fixtures/pos-import-01.json')])).findings;
    expect(finding).toEqual({
      eventTime: '2026-03-11T09:14:27Z',
      eventID: '286400f3-b1ae-5e3b-af87-4f8e84209750',
      eventName: 'CreateModelImportJob',
      eventSource: 'bedrock.amazonaws.com',
      verdict: 'untrusted-source',
      severity: expect.any(String),
      riskScore: expect.any(Number),
      reasons: [
        'source modelDataSource.s3DataSource.s3Uri: s3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/ is outside the approved S3 locations',
        'principal: arn:aws:iam::111122223333:user/ml-engineer is approved',
      ],
      actor: 'arn:aws:iam::111122223333:user/ml-engineer',
      source: ['s3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/'],
      awsRegion: 'us-east-1',
      recipientAccountId: '111122223333',
      profile: 'default',
      file: 'logs/a.json.gz',
    });
  });

  test('an approved call is still reported, with the verdict approved', () => {
    const scanner = new Scanner({
      approvals: {
        principalArns: ['arn:aws:iam::111122223333:user/ml-engineer'],
        s3Locations: ['s3://acme-ml-artifacts-111122223333/'],
      },
    });
    const [finding] = scanner.scan('a.json', cloudTrailGz([find('fixtures/pos-import-01.json')])).findings;
    expect(finding.verdict).toBe('approved');
  });

  test('an AgentCore harness is a finding only when it names a model outside Bedrock, as the function decides', () => {
    const scanner = new Scanner({ watched: { sourceProfiles: ['agentcore-outside-models'] } });
    const outside = scanner.scan('a.json', cloudTrailGz([find('fixtures/src-agentcore-harness-openai-01.json')]));
    expect(outside.findings).toHaveLength(1);
    expect(outside.findings[0].source.join(' ')).toMatch(/openai|https:/i);
    expect(outside.findings[0].verdict).toBe('untrusted-source');
    const inside = scanner.scan('b.json', cloudTrailGz([find('fixtures/neg-agentcore-harness-bedrock-01.json')]));
    expect(inside.findings).toEqual([]);
    expect(inside.records).toBe(1);
  });
});

describe('document forms', () => {
  const scanner = new Scanner();
  const pos = find('fixtures/pos-deploy-01.json');
  const neg = find('fixtures/neg-invokemodel-01.json');

  test.each([
    ['gzipped CloudTrail file', 'a.json.gz', cloudTrailGz([neg, pos])],
    ['plain CloudTrail file', 'a.json', Buffer.from(JSON.stringify({ Records: [neg, pos] }))],
    [
      'pretty-printed, Records not first',
      'a.json',
      Buffer.from(JSON.stringify({ x: 1, Records: [neg, pos] }, null, 2)),
    ],
    [
      'with a byte order mark',
      'a.json',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ Records: [neg, pos] }))]),
    ],
    ['JSON lines', 'a.jsonl', jsonLines([neg, pos])],
    ['gzipped JSON lines named .json', 'a.json.gz', zlib.gzipSync(jsonLines([neg, pos]))],
    ['a one-line .jsonl file', 'a.jsonl', jsonLines([pos])],
    [
      'gzip of several members (concatenated)',
      'a.json.gz',
      Buffer.concat([zlib.gzipSync('{"Records":['), zlib.gzipSync(`${JSON.stringify(neg)},${JSON.stringify(pos)}]}`)]),
    ],
  ])('%s', (_what, name, bytes) => {
    const result = scanner.scan(name, bytes);
    expect(result.bad).toBeUndefined();
    expect(result.badRecords).toEqual([]);
    expect(result.findings.map((f) => f.eventID)).toEqual([pos.eventID]);
  });

  test('a file in CloudTrail form with no watched event name is not parsed, and says so', () => {
    const result = scanner.scan('a.json.gz', cloudTrailGz([neg, neg]));
    expect(result).toMatchObject({ parsed: false, records: 0, findings: [], badRecords: [] });
    expect(result.logBytes).toBe(JSON.stringify({ Records: [neg, neg] }).length);
    expect(new Scanner({ fullParse: true }).scan('a.json.gz', cloudTrailGz([neg, neg]))).toMatchObject({
      parsed: true,
      records: 2,
    });
  });
});

describe('malformed files are named with the reason, never thrown', () => {
  const scanner = new Scanner();
  const whole = cloudTrailGz([find('fixtures/pos-deploy-01.json')]);

  test.each([
    ['truncated gzip', whole.subarray(0, whole.length - 9), /^not a readable gzip file \(unexpected end of file\)$/],
    ['gzip of garbage', Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5]), /^not a readable gzip file/],
    ['not JSON', Buffer.from('<html>Access Denied</html>'), /^not JSON/],
    ['empty', Buffer.alloc(0), /^not JSON/],
    [
      'no Records (a digest file)',
      Buffer.from('{"awsAccountId":"111122223333","digestStartTime":"x"}'),
      /without Records/,
    ],
    [
      'Records not an array',
      Buffer.from('{"Records":{"eventName":"CreateModelImportJob"}}'),
      /^Records is an object, not an array$/,
    ],
    ['Records null', Buffer.from('{"Records":null}'), /^Records is null, not an array$/],
    ['a JSON array', Buffer.from('[1,2]'), /an array, not an object with Records/],
    ['CloudTrail head, cut off', Buffer.from('{"Records":[{"eventName":"CreateModelImportJob"'), /^not JSON/],
  ])('%s', (_what, bytes, reason) => {
    const result = scanner.scan('bad.json.gz', bytes);
    expect(result.bad).toMatch(reason);
    expect(result.findings).toEqual([]);
  });

  test('records that are not objects are counted and named; the others are still read', () => {
    const pos = find('fixtures/pos-deploy-01.json');
    const result = scanner.scan(
      'a.json',
      Buffer.from(JSON.stringify({ Records: [1, null, 'CreateModelImportJob', [pos], pos] })),
    );
    expect(result.bad).toBeUndefined();
    expect(result.records).toBe(5);
    expect(result.badRecords).toEqual([
      { where: 'Records[0]', reason: 'not a record object but a number' },
      { where: 'Records[1]', reason: 'not a record object but null' },
      { where: 'Records[2]', reason: 'not a record object but a string' },
      { where: 'Records[3]', reason: 'not a record object but an array' },
    ]);
    expect(result.findings.map((f) => f.eventID)).toEqual([pos.eventID]);
  });

  test('a JSON lines file with a broken line: the line is named, the rest read', () => {
    const pos = find('fixtures/pos-deploy-01.json');
    const text = `${JSON.stringify(pos)}\n{"eventName": "Create\n\n${JSON.stringify({ ...pos, eventID: 'second' })}\n`;
    const result = scanner.scan('a.jsonl', Buffer.from(text));
    expect(result.badRecords).toEqual([{ where: 'line 2', reason: expect.stringMatching(/^not JSON/) }]);
    expect(result.findings.map((f) => f.eventID)).toEqual([pos.eventID, 'second']);
  });
});
