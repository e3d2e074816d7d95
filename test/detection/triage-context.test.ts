import {
  DEFAULT_VERDICT_SEVERITIES,
  MAX_OWNER_CANDIDATES,
  applyProvenance,
  contextLines,
  decideVerdict,
  firstSeenKeys,
  lookupUsernameOf,
  parseSweepRequest,
  provenanceChecks,
  resolveWatchedCalls,
  summarizePriorActivity,
  sweepEnvelope,
  WatchedCallClassifier,
  type LookedUpEvent,
  type ProvenanceResult,
  type WatchedCall,
} from '../../lib/detection';
import { record } from '../support/fixtures';

const calls = resolveWatchedCalls({ profile: 'extended' });
const call = (name: string): WatchedCall => calls.find((c) => c.eventName === name)!;
const IMPORT = call('CreateModelImportJob');

describe('provenance: what to check', () => {
  test("the import's S3 source, with the event's account first and then the approved accounts, each once", () => {
    const checks = provenanceChecks(record('pos-import-01.json'), IMPORT, {
      sourceAccounts: ['444455556666', '111122223333'],
    });
    expect(checks).toEqual([
      {
        uri: 's3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/',
        bucket: 'acme-ml-artifacts-111122223333',
        candidateAccounts: ['111122223333', '444455556666'],
      },
    ]);
  });

  test('calls without an S3 source, malformed URIs and non-bucket names are not sent to S3', () => {
    expect(provenanceChecks(record('pos-mkt-create-01.json'), call('CreateMarketplaceModelEndpoint'), {})).toEqual([]);
    const r = record('pos-import-01.json');
    const source = (r.requestParameters as { modelDataSource: { s3DataSource: { s3Uri: unknown } } }).modelDataSource
      .s3DataSource;
    for (const bad of ['https://evil.example/x', 's3://UPPER_case/x', 's3://a/', 42, 's3://../etc']) {
      source.s3Uri = bad;
      expect([bad, provenanceChecks(r, IMPORT, {})]).toEqual([bad, []]);
    }
  });

  test(`at most ${MAX_OWNER_CANDIDATES} owner probes per bucket`, () => {
    const many = Array.from({ length: 20 }, (_, i) => String(100000000000 + i));
    const [check] = provenanceChecks(record('pos-import-01.json'), IMPORT, { sourceAccounts: many });
    expect(check.candidateAccounts).toHaveLength(MAX_OWNER_CANDIDATES);
    expect(check.candidateAccounts[0]).toBe('111122223333');
  });
});

describe('provenance: what the answers do to the verdict', () => {
  const approved = decideVerdict(record('pos-import-01.json'), IMPORT, {
    principalArns: ['arn:aws:iam::*:user/ml-engineer'],
    s3Locations: ['s3://acme-ml-artifacts-111122223333/'],
  });
  const result = (status: ProvenanceResult['status'], reason = 'why'): ProvenanceResult => ({
    uri: 's3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/',
    bucket: 'acme-ml-artifacts-111122223333',
    status,
    reason,
  });

  test('the starting point is approved', () => expect(approved.kind).toBe('approved'));

  test.each([
    ['verified', 'approved', 'INFORMATIONAL'],
    ['unverifiable', 'approved', 'INFORMATIONAL'],
    ['not-owned', 'untrusted-source', 'CRITICAL'],
  ] as const)('%s: an approved call is then %s (%s), with the reason', (status, kind, severity) => {
    const v = applyProvenance(approved, [result(status, 'the reason')], DEFAULT_VERDICT_SEVERITIES);
    expect(v).toMatchObject({ kind, severity });
    expect(v.reasons.at(-1)).toBe(
      `provenance s3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/: ${status}, the reason`,
    );
  });

  test('it never lowers a verdict: an unapproved principal stays unapproved when the bucket is verified', () => {
    const unapproved = decideVerdict(record('pos-import-01.json'), IMPORT, {
      principalArns: ['arn:aws:iam::*:role/pipeline'],
      s3Locations: ['s3://acme-ml-artifacts-111122223333/'],
    });
    expect(applyProvenance(unapproved, [result('verified')], DEFAULT_VERDICT_SEVERITIES).kind).toBe(
      'unapproved-principal',
    );
  });

  test('no results: the verdict is returned as it was', () => {
    expect(applyProvenance(approved, [], DEFAULT_VERDICT_SEVERITIES)).toBe(approved);
  });
});

describe('enrichment', () => {
  test.each([
    [{ type: 'IAMUser', userName: 'ml-engineer', arn: 'arn:aws:iam::1:user/ml-engineer' }, 'ml-engineer'],
    [{ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Pipeline/run-42' }, 'run-42'],
    [{ type: 'Root', arn: 'arn:aws:iam::111122223333:root' }, 'root'],
    [{ type: 'AWSService', invokedBy: 'bedrock.amazonaws.com' }, undefined],
    ['not an object', undefined],
  ])('the LookupEvents user name of %j is %s', (identity, expected) => {
    expect(lookupUsernameOf({ userIdentity: identity })).toBe(expected);
  });

  const subject = {
    eventID: 'e-0',
    eventTime: '2026-03-11T10:00:00Z',
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/Pipeline/run-42',
      sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/Pipeline' } },
    },
  };
  const other = (id: string, name: string, minutesBefore: number, overrides: Record<string, unknown> = {}) => ({
    EventId: id,
    EventName: name,
    CloudTrailEvent: JSON.stringify({
      ...subject,
      eventID: id,
      eventName: name,
      eventSource: 'bedrock.amazonaws.com',
      eventTime: new Date(Date.parse(subject.eventTime) - minutesBefore * 60_000).toISOString(),
      ...overrides,
    }),
  });

  test("counts only the same role's Bedrock calls inside the window before the event, and names the enumeration", () => {
    const events: LookedUpEvent[] = [
      other('e-1', 'ListFoundationModels', 5),
      other('e-2', 'ListImportedModels', 10),
      other('e-3', 'ListFoundationModels', 20),
      other('e-4', 'GetImportedModel', 30),
      other('e-5', 'CreateModelImportJob', 40),
      other('e-0', 'CreateModelImportJob', 0), // the event itself
      other('e-6', 'ListCustomModels', 90), // outside the 60-minute window
      other('e-7', 'ListFoundationModels', 5, { eventSource: 's3.amazonaws.com' }),
      other('e-8', 'ListFoundationModels', 5, {
        userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/someone-else' },
      }),
      { EventId: 'e-9', CloudTrailEvent: '{not json' },
      { EventId: 'e-10' },
    ];
    expect(summarizePriorActivity(subject, events, { windowMinutes: 60, maxPages: 2 }, true)).toEqual({
      status: 'found',
      windowMinutes: 60,
      scanned: 11,
      truncated: true,
      bedrockCalls: 5,
      byName: [
        { name: 'ListFoundationModels', count: 2 },
        { name: 'CreateModelImportJob', count: 1 },
        { name: 'GetImportedModel', count: 1 },
        { name: 'ListImportedModels', count: 1 },
      ],
      enumeration: ['GetImportedModel', 'ListFoundationModels', 'ListImportedModels'],
    });
  });

  test('first-seen keys: the principal as aws:PrincipalArn, the source IP only when it is an address', () => {
    expect(firstSeenKeys({ ...subject, sourceIPAddress: '198.51.100.23' })).toEqual({
      principal: 'seen#principal#arn:aws:iam::111122223333:role/Pipeline',
      sourceIp: 'seen#ip#198.51.100.23',
    });
    expect(firstSeenKeys({ ...subject, sourceIPAddress: 'bedrock.amazonaws.com' }).sourceIp).toBeUndefined();
  });

  test('the context reads as lines, and hostile strings in it are escaped', () => {
    expect(
      contextLines({
        provenance: [
          { uri: 's3://b/k', bucket: 'b', status: 'verified', owner: '111122223333', reason: 'owned by 111122223333' },
        ],
        priorActivity: {
          status: 'found',
          windowMinutes: 60,
          scanned: 100,
          truncated: true,
          bedrockCalls: 2,
          byName: [{ name: 'ListImportedModels', count: 2 }],
          enumeration: ['ListImportedModels'],
        },
        firstSeen: { principal: 'new', sourceIp: 'seen' },
      }),
    ).toEqual([
      'Bucket b: verified (owner 111122223333): owned by 111122223333',
      'Bedrock calls by the same principal in the 60 minutes before: 2 (ListImportedModels x2); only the latest 100 events were read',
      'Enumeration before the call: ListImportedModels',
      'Principal: new; source IP: seen (first seen by this detector, 90-day memory)',
    ]);
    expect(
      contextLines({
        provenance: [],
        priorActivity: { status: 'unavailable', reason: 'x\nFORGED LINE' },
        firstSeen: null,
      }),
    ).toEqual(['Earlier activity: unavailable, x\\u{A}FORGED LINE']);
  });
});

describe('sweeps', () => {
  test.each([
    [{}, undefined],
    [
      { bedrockSupplyChainSweep: { kind: 'backfill', lookbackMinutes: 129600 } },
      { kind: 'backfill', lookbackMinutes: 129600 },
    ],
    [
      { bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 999999 } },
      { kind: 'reconcile', lookbackMinutes: 129600 },
    ],
    [{ bedrockSupplyChainSweep: 'now' }, 'bedrockSupplyChainSweep must be an object'],
    [
      { bedrockSupplyChainSweep: { kind: 'all', lookbackMinutes: 5 } },
      `bedrockSupplyChainSweep.kind must be 'backfill' or 'reconcile', got "all"`,
    ],
    [
      { bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 0.5 } },
      'bedrockSupplyChainSweep.lookbackMinutes must be a whole number of minutes from 1 to 129600, got 0.5',
    ],
  ])('%j → %j', (event, expected) => {
    expect(parseSweepRequest(event)).toEqual(expected);
  });

  test('a record read back from CloudTrail gets the envelope EventBridge would have given it, and classifies the same', () => {
    const r = record('pos-deploy-01.json');
    const env = sweepEnvelope({ EventId: String(r.eventID), CloudTrailEvent: JSON.stringify(r) });
    expect(env).toMatchObject({
      id: `sweep-${r.eventID}`,
      source: 'aws.bedrock',
      'detail-type': 'AWS API Call via CloudTrail',
      account: '111122223333',
      detail: r,
    });
    const classifier = new WatchedCallClassifier(resolveWatchedCalls());
    expect(classifier.classifyEvent(env)).toMatchObject({ matched: true });
  });

  test('an unreadable entry is reported, not dropped', () => {
    expect(sweepEnvelope({ EventId: 'x', CloudTrailEvent: '{' })).toBe(
      'LookupEvents entry "x" has no readable CloudTrailEvent',
    );
    expect(sweepEnvelope({ EventId: 'y', CloudTrailEvent: '[1]' })).toBe(
      'LookupEvents entry "y" has a CloudTrailEvent that is not an object',
    );
  });
});
