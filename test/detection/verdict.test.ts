import {
  DEFAULT_VERDICT_SEVERITIES,
  WatchedCallClassifier,
  checkApprovals,
  decideVerdict,
  globMatch,
  inS3Locations,
  plannedActions,
  principalArnOf,
  resolveWatchedCalls,
  type Approvals,
} from '../../lib/detection';
import { record } from '../support/fixtures';

const classifier = new WatchedCallClassifier(resolveWatchedCalls({ profile: 'extended' }));
function verdictFor(
  file: string,
  approvals: Approvals,
  mutate: (r: Record<string, unknown>) => void = () => undefined,
) {
  const r = record(file);
  mutate(r);
  const c = classifier.classify(r);
  if (!c.matched) throw new Error(`not matched: ${c.reason}`);
  return decideVerdict(r, c.call, approvals);
}

const ALL: Approvals = {
  principalArns: [
    'arn:aws:iam::*:user/ml-engineer',
    'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_MLPlatformAdmin_*',
    'arn:aws:iam::*:role/ml-deployer-*',
  ],
  s3Locations: ['s3://acme-ml-artifacts-111122223333/llama3-8b-ft/'],
  sourceAccounts: ['444455556666'],
  modelSourceIdentifiers: [
    'arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/huggingface-llm-gemma-2-9b-instruct/*',
  ],
};

describe('verdicts', () => {
  test('approved: approved principal and every source inside the approvals', () => {
    const v = verdictFor('pos-import-01.json', ALL);
    expect(v).toEqual({
      kind: 'approved',
      ...DEFAULT_VERDICT_SEVERITIES.approved,
      reasons: [
        'principal: arn:aws:iam::111122223333:user/ml-engineer is approved',
        'source modelDataSource.s3DataSource.s3Uri: s3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/ is inside an approved location',
      ],
    });
  });

  test('untrusted source: an S3 URI outside the approved locations is critical, even for an approved principal', () => {
    const v = verdictFor('pos-import-01.json', ALL, (r) => {
      (
        r.requestParameters as { modelDataSource: { s3DataSource: { s3Uri: string } } }
      ).modelDataSource.s3DataSource.s3Uri = 's3://attacker-bucket/llama3-8b-ft/';
    });
    expect(v).toMatchObject({ kind: 'untrusted-source', severity: 'CRITICAL', riskScore: 99 });
    // The deciding reason first.
    expect(v.reasons[0]).toBe(
      'source modelDataSource.s3DataSource.s3Uri: s3://attacker-bucket/llama3-8b-ft/ is outside the approved S3 locations',
    );
  });

  test('a look-alike prefix is not inside the location', () => {
    expect(inS3Locations('s3://acme/approved-evil/m', ['s3://acme/approved/'])).toBe(false);
    expect(inS3Locations('s3://acme/approved', ['s3://acme/approved/'])).toBe(false);
    expect(inS3Locations('s3://acme/approved/m', ['s3://acme/approved'])).toBe(true);
    expect(inS3Locations('s3://acme-evil/approved/m', ['s3://acme/'])).toBe(false);
    expect(inS3Locations('s3://acme/anything', ['s3://acme/'])).toBe(true);
    expect(inS3Locations('not-a-uri', ['s3://acme/'])).toBe(false);
  });

  test('unapproved principal: high, with the role of an SSO session compared, not the session ARN', () => {
    const v = verdictFor('pos-mkt-create-01.json', {
      ...ALL,
      principalArns: ['arn:aws:iam::*:role/mlops-pipeline-*'],
      modelSourceIdentifiers: ['arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/deepseek-*'],
    });
    expect(v.kind).toBe('unapproved-principal');
    expect(v.severity).toBe('HIGH');
    expect(principalArnOf(record('pos-mkt-create-01.json'))).toMatch(
      /^arn:aws:iam::111122223333:role\/aws-reserved\/sso\.amazonaws\.com\//,
    );
  });

  test('marketplace model: approved identifier passes, another one is untrusted', () => {
    expect(verdictFor('pos-mkt-register-01.json', ALL).kind).toBe('approved');
    expect(
      verdictFor('pos-mkt-register-01.json', {
        ...ALL,
        modelSourceIdentifiers: ['arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/meta-*'],
      }).kind,
    ).toBe('untrusted-source');
  });

  test('model ARNs: this account and approved accounts are trusted, others are not', () => {
    expect(verdictFor('pos-deploy-01.json', ALL).kind).toBe('approved');
    expect(verdictFor('ext-create-model-copy-job-01.json', ALL).kind).toBe('approved');
    expect(verdictFor('ext-create-model-copy-job-01.json', { ...ALL, sourceAccounts: [] }).kind).toBe(
      'untrusted-source',
    );
  });

  test("cannot verify: nothing configured gives the reference rule's medium, with the reasons", () => {
    const v = verdictFor('pos-import-01.json', {});
    expect(v).toEqual({
      kind: 'unverified',
      severity: 'MEDIUM',
      riskScore: 47,
      reasons: [
        'principal: no approved principals are configured',
        'source modelDataSource.s3DataSource.s3Uri: s3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/: no approved S3 locations are configured',
      ],
    });
  });

  test('a record without principal or request cannot be verified', () => {
    const v = verdictFor('pos-import-no-arn-no-request-01.json', ALL);
    expect(v.kind).toBe('unverified');
    expect(v.reasons).toEqual([
      'principal: the record names no principal ARN',
      'source modelDataSource.s3DataSource.s3Uri: missing or null in the record, so this call is never approved',
      'source: the record names no model source the detector can check',
    ]);
  });

  test('an unapproved principal with an unverifiable source stays high; an untrusted source outranks it', () => {
    expect(verdictFor('pos-import-01.json', { principalArns: ['arn:aws:iam::*:role/other'] }).kind).toBe(
      'unapproved-principal',
    );
    expect(
      verdictFor('pos-import-01.json', {
        principalArns: ['arn:aws:iam::*:role/other'],
        s3Locations: ['s3://elsewhere/'],
      }).kind,
    ).toBe('untrusted-source');
  });

  test('the severity mapping is configurable', () => {
    const r = record('pos-import-01.json');
    const call = resolveWatchedCalls()[0];
    const v = decideVerdict(
      r,
      call,
      { principalArns: ['arn:aws:iam::*:role/x'] },
      { ...DEFAULT_VERDICT_SEVERITIES, 'unapproved-principal': { severity: 'CRITICAL', riskScore: 95 } },
    );
    expect(v).toMatchObject({ kind: 'unapproved-principal', severity: 'CRITICAL', riskScore: 95 });
  });

  test('a source that is present but not a string, or a request CloudTrail cut, cannot be approved', () => {
    const approvals: Approvals = {
      principalArns: ['arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*'],
      modelSourceIdentifiers: [
        'arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/huggingface-llm-gemma-2-9b-instruct/*',
      ],
    };
    expect(verdictFor('pos-mkt-register-01.json', approvals).kind).toBe('approved');
    // Each value of a list is judged (RAM shares list their resources); an unapproved one decides.
    const list = verdictFor('pos-mkt-register-01.json', approvals, (r) => {
      (r.requestParameters as Record<string, unknown>).modelSourceIdentifier = [
        'arn:aws:sagemaker:us-east-1:999999999999:hub-content/Evil/Model/x/1',
      ];
    });
    expect(list.kind).toBe('untrusted-source');
    const nonString = verdictFor('pos-mkt-register-01.json', approvals, (r) => {
      (r.requestParameters as Record<string, unknown>).modelSourceIdentifier = { arn: 'x' };
    });
    expect(nonString.kind).toBe('unverified');
    expect(nonString.reasons).toContain('source modelSourceIdentifier: not a string, so it cannot be checked');
    const cut = verdictFor('pos-mkt-register-01.json', approvals, (r) => {
      delete (r.requestParameters as Record<string, unknown>).modelSourceIdentifier;
      r.omitted = true;
    });
    expect(cut.kind).toBe('unverified');
  });

  test('glob patterns: * spans, ? is one character, the whole value must match', () => {
    expect(globMatch('a*c', 'a*bc')).toBe(true);
    expect(globMatch('*', '*x')).toBe(true);
    expect(globMatch('arn:aws:iam::*:role/mlops-*', 'arn:aws:iam::1:role/mlops-a/b')).toBe(true);
    expect(globMatch('arn:aws:iam::*:role/mlops-?', 'arn:aws:iam::1:role/mlops-ab')).toBe(false);
    expect(globMatch('a*b*c', 'aXbYc')).toBe(true);
    expect(globMatch('a*b', 'ab-')).toBe(false);
  });
});

describe('planned actions (the seam for a later contain mode)', () => {
  const approved = verdictFor('pos-import-01.json', ALL);
  const unverified = verdictFor('pos-import-01.json', {});
  test('alert mode notifies everything but approved calls, unless asked to', () => {
    expect(plannedActions(unverified, 'alert', false)).toEqual({ notify: true });
    expect(plannedActions(approved, 'alert', false)).toEqual({
      notify: false,
      quietReason: 'approved: the principal and every model source are approved',
    });
    expect(plannedActions(approved, 'alert', true)).toEqual({ notify: true });
    expect(plannedActions(undefined, 'alert', false)).toEqual({ notify: true });
  });
  test('observe mode notifies nothing', () => {
    expect(plannedActions(unverified, 'observe', true)).toEqual({
      notify: false,
      quietReason: 'observe mode: logged and counted, not notified',
    });
    expect(plannedActions(undefined, 'observe', true).notify).toBe(false);
  });
});

describe('approvals fail with the option, the value and what is allowed', () => {
  test.each<[Approvals, RegExp]>([
    [
      { principalArns: ['arn:aws:iam::*:role/*'] },
      /^'approvals.principalArns' entries must be IAM role or user ARN patterns that name specific principals/,
    ],
    [{ principalArns: ['mlops'] }, /got "mlops"$/],
    [{ s3Locations: ['https://acme.s3.amazonaws.com/x'] }, /^'approvals.s3Locations' entries must be S3 locations/],
    [{ sourceAccounts: ['1234'] }, /^'approvals.sourceAccounts' entries must be 12-digit AWS account ids, got "1234"$/],
    [
      { modelSourceIdentifiers: ['*'] },
      /^'approvals.modelSourceIdentifiers' entries must be SageMaker hub-content ARN patterns/,
    ],
  ])('%j', (approvals, message) => {
    expect(checkApprovals(approvals)).toEqual([expect.stringMatching(message)]);
  });
  test('valid approvals give no problems', () => {
    expect(checkApprovals(ALL)).toEqual([]);
  });
});
