import {
  DEFAULT_VERDICT_SEVERITIES,
  MAX_OWNER_CANDIDATES,
  applyProvenance,
  decideVerdict,
  provenanceChecks,
  resolveWatchedCalls,
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
