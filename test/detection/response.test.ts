// The pure side of the lifecycle follow-up and contain mode: what a watched call started, what a Get*
// answer means, when to look next, the containment plan per verdict and call (with its safety
// rules), and the update of an alert.
import fc from 'fast-check';

import {
  DEFAULT_CONTAINMENT,
  DEFAULT_FOLLOW_UP_MINUTES,
  FOLLOWED_CALLS,
  VERDICT_KINDS,
  buildAlertDocument,
  checkFollowUpMinutes,
  customActionEventIds,
  followTargetOf,
  lifecycleUpdate,
  nextCheckSeconds,
  planContainment,
  readLifecycle,
  resolveWatchedCalls,
  updatedAlert,
  watchedCallSubject,
  type ContainmentSettings,
  type FollowTarget,
} from '../../lib/detection';
import { record } from '../support/fixtures';

const A = '111122223333';

describe('what a watched call started', () => {
  test.each([
    ['pos-import-01.json', 'model-import-job', `arn:aws:bedrock:us-east-1:${A}:model-import-job/k3x9q2m7p1a4`],
    ['pos-copy-cross-region-01.json', 'model-copy-job', `arn:aws:bedrock:us-east-1:${A}:model-copy-job/cc1vv2bb3nn4`],
    [
      'pos-deploy-01.json',
      'custom-model-deployment',
      `arn:aws:bedrock:us-east-1:${A}:custom-model-deployment/m1n2b3v4c5x6`,
    ],
    [
      'pos-update-deployment-01.json',
      'custom-model-deployment',
      `arn:aws:bedrock:us-east-1:${A}:custom-model-deployment/m1n2b3v4c5x6`,
    ],
    [
      'pos-mkt-create-01.json',
      'marketplace-endpoint',
      `arn:aws:sagemaker:us-east-1:${A}:endpoint/deepseek-r1-distill-7b`,
    ],
    [
      'pos-mkt-register-01.json',
      'marketplace-endpoint',
      `arn:aws:sagemaker:us-east-1:${A}:endpoint/gemma-2-9b-selfbuilt`,
    ],
    [
      'pos-create-custom-model-s3-01.json',
      'custom-model',
      `arn:aws:bedrock:us-east-1:${A}:custom-model/amazon.nova-lite-v1:0:300k/abcd1234efgh`,
    ],
    [
      'ext-create-pt-01.json',
      'provisioned-throughput',
      `arn:aws:bedrock:us-east-1:${A}:provisioned-model/pt1pt2pt3pt4`,
    ],
    // UpdateProvisionedModelThroughput answers nothing: the request names the throughput.
    [
      'ext-update-pt-swap-01.json',
      'provisioned-throughput',
      `arn:aws:bedrock:us-east-1:${A}:provisioned-model/pt1pt2pt3pt4`,
    ],
    [
      'ext-customization-job-01.json',
      'model-customization-job',
      `arn:aws:bedrock:us-east-1:${A}:model-customization-job/amazon.nova-lite-v1:0:300k/ft1ft2ft3`,
    ],
  ])('%s: %s %s', (file, kind, id) => {
    const r = record(file);
    expect(followTargetOf(String(r.eventName), r)).toEqual({ kind, id });
  });

  test('a watched call that starts nothing is not followed; one whose response is missing names nothing', () => {
    expect(followTargetOf('PutResourcePolicy', record('ext-put-resource-policy-01.json'))).toBeUndefined();
    const r = record('pos-import-01.json');
    delete r.responseElements;
    expect(followTargetOf('CreateModelImportJob', r)).toBeUndefined();
  });

  test('every followed call is a watched call of some profile', () => {
    const watched = new Set(resolveWatchedCalls({ profile: 'extended' }).map((c) => c.eventName));
    expect(Object.keys(FOLLOWED_CALLS).filter((n) => !watched.has(n))).toEqual([]);
  });
});

describe('what a Get* answer means', () => {
  const t = (kind: FollowTarget['kind'], id = `arn:aws:bedrock:us-east-1:${A}:x/1`): FollowTarget => ({ kind, id });
  test.each([
    [t('model-import-job'), { status: 'InProgress' }, 'pending', null],
    [t('model-import-job'), { status: 'Completed', importedModelArn: 'arn:m' }, 'live', 'arn:m'],
    [t('model-import-job'), { status: 'Failed', failureMessage: 'bad weights' }, 'failed', null],
    [t('model-copy-job'), { status: 'Completed', targetModelArn: 'arn:c' }, 'live', 'arn:c'],
    [t('model-customization-job'), { status: 'Stopped' }, 'failed', null],
    [t('custom-model'), { modelArn: 'arn:cm', modelStatus: 'Creating' }, 'pending', 'arn:cm'],
    // A custom model made before modelStatus existed: its ARN means it is there.
    [t('custom-model'), { modelArn: 'arn:cm' }, 'live', 'arn:cm'],
    [t('custom-model-deployment'), { status: 'ACTIVE' }, 'live', `arn:aws:bedrock:us-east-1:${A}:x/1`],
    [
      t('marketplace-endpoint'),
      { marketplaceModelEndpoint: { endpointArn: 'arn:e', endpointStatus: 'InService' } },
      'live',
      'arn:e',
    ],
    [
      t('marketplace-endpoint'),
      { marketplaceModelEndpoint: { endpointArn: 'arn:e', status: 'INCOMPATIBLE_ENDPOINT', statusMessage: 'no' } },
      'failed',
      'arn:e',
    ],
    [t('provisioned-throughput'), { status: 'Updating' }, 'pending', null],
    // A deployment being updated stays Active: its update's status decides.
    [t('custom-model-deployment'), { status: 'Active', updateDetails: { updateStatus: 'Updating' } }, 'pending', null],
    [
      t('custom-model-deployment'),
      { status: 'Active', updateDetails: { updateStatus: 'UpdateFailed' } },
      'failed',
      null,
    ],
    [
      t('custom-model-deployment'),
      { status: 'Active', updateDetails: { updateStatus: 'UpdateCompleted' } },
      'live',
      `arn:aws:bedrock:us-east-1:${A}:x/1`,
    ],
    [t('provisioned-throughput'), { status: 'InService', provisionedModelArn: 'arn:p' }, 'live', 'arn:p'],
    // An answer with no status the kind knows is never live.
    [t('model-import-job'), { status: 'Exploded' }, 'pending', null],
    [t('model-import-job'), null, 'pending', null],
  ])('%o %o → %s', (target, body, state, resource) => {
    const reading = readLifecycle(target, body);
    expect([reading.state, reading.resourceArn]).toEqual([state, resource]);
    if (state === 'failed') expect(reading.reason).toBeTruthy();
  });

  test('a job never counts as its own model', () => {
    expect(readLifecycle(t('model-import-job'), { status: 'Completed' }).resourceArn).toBeNull();
  });
});

describe('when to look next', () => {
  const call = Date.parse('2026-03-11T09:00:00Z');
  test('5 and 15 minutes, then hourly to 24 hours; none past the last', () => {
    expect(DEFAULT_FOLLOW_UP_MINUTES.slice(0, 4)).toEqual([5, 15, 60, 120]);
    expect(DEFAULT_FOLLOW_UP_MINUTES.at(-1)).toBe(24 * 60);
    expect(nextCheckSeconds(call, call, DEFAULT_FOLLOW_UP_MINUTES)).toBe(300);
    expect(nextCheckSeconds(call, call + 5 * 60_000, DEFAULT_FOLLOW_UP_MINUTES)).toBe(600);
    expect(nextCheckSeconds(call, call + 23.5 * 3_600_000, DEFAULT_FOLLOW_UP_MINUTES)).toBe(1800);
    expect(nextCheckSeconds(call, call + 24 * 3_600_000, DEFAULT_FOLLOW_UP_MINUTES)).toBeNull();
  });
  test('the schedule is checked', () => {
    expect(checkFollowUpMinutes([])).toMatch(/must list 1 to 100 check times/);
    expect(checkFollowUpMinutes([5, 5])).toMatch(/increasing order/);
    expect(checkFollowUpMinutes([5, 20000])).toMatch(/from 1 to 10080/);
    expect(checkFollowUpMinutes([5, 15])).toBeUndefined();
  });
});

describe('the containment plan', () => {
  const settings = (over: Partial<ContainmentSettings> = {}): ContainmentSettings => ({
    ...DEFAULT_CONTAINMENT,
    actions: {
      'untrusted-source': [
        'quarantine-model',
        'delete-deployment',
        'delete-endpoint',
        'stop-job',
        'quarantine-principal',
      ],
    },
    ...over,
  });
  const plan = (file: string, over: Record<string, unknown> = {}, s = settings()) => {
    const r = record(file);
    return planContainment(
      {
        eventName: String(r.eventName),
        verdict: 'untrusted-source',
        record: r,
        followed: followTargetOf(String(r.eventName), r),
        ...over,
      },
      s,
      'bedrock-supply-chain',
    );
  };
  const calls = (p: ReturnType<typeof plan>) => p.steps.map((s) => `${s.call} ${s.target}`);

  test('a deployment: quarantine and delete it, and the role that made it', () => {
    expect(calls(plan('pos-deploy-01.json'))).toEqual([
      `UntagResource+TagResource arn:aws:bedrock:us-east-1:${A}:custom-model-deployment/m1n2b3v4c5x6`,
      `DeleteCustomModelDeployment arn:aws:bedrock:us-east-1:${A}:custom-model-deployment/m1n2b3v4c5x6`,
      `AttachRolePolicy arn:aws:iam::${A}:role/ml-deployer-instance-role`,
    ]);
  });

  test('an import: only the principal until the job made its model; then the model too', () => {
    const before = plan('pos-import-01.json');
    expect(calls(before)).toEqual([`AttachUserPolicy arn:aws:iam::${A}:user/ml-engineer`]);
    expect(before.skipped[0]).toMatch(/has not made its model yet/);
    const after = plan('pos-import-01.json', { liveResourceArn: `arn:aws:bedrock:us-east-1:${A}:imported-model/x1` });
    expect(calls(after)[0]).toBe(`UntagResource+TagResource arn:aws:bedrock:us-east-1:${A}:imported-model/x1`);
  });

  test('a marketplace endpoint: deleted when the call created it, deregistered when it registered it', () => {
    expect(calls(plan('pos-mkt-create-01.json'))[0]).toMatch(/^DeleteMarketplaceModelEndpoint /);
    expect(calls(plan('pos-mkt-register-01.json'))[0]).toMatch(/^DeregisterMarketplaceModelEndpoint /);
  });

  test('a customization job is stopped only while it runs', () => {
    expect(calls(plan('ext-customization-job-01.json'))[0]).toMatch(/^StopModelCustomizationJob /);
    expect(calls(plan('ext-customization-job-01.json', { pending: false })).some((c) => c.startsWith('Stop'))).toBe(
      false,
    );
  });

  test('never: approved, a verdict without actions, a never-touch match, root, service-linked or the detector roles', () => {
    expect(plan('pos-deploy-01.json', { verdict: 'approved' })).toEqual({
      steps: [],
      skipped: ['approved: never contained'],
    });
    expect(plan('pos-deploy-01.json', { verdict: 'unverified' }).steps).toEqual([]);
    const never = plan('pos-deploy-01.json', {}, settings({ neverTouch: [`arn:aws:*:*:${A}:*`] }));
    expect(never.steps).toEqual([]);
    expect(never.skipped).toHaveLength(3);
    const r = record('pos-deploy-01.json');
    const issuer = (r.userIdentity as { sessionContext: { sessionIssuer: { arn: string } } }).sessionContext
      .sessionIssuer;
    for (const [arn, why] of [
      [`arn:aws:iam::${A}:role/bedrock-supply-chain-alert-us-east-1`, /detector's own roles/],
      [`arn:aws:iam::${A}:role/aws-service-role/bedrock.amazonaws.com/AWSServiceRoleForBedrock`, /service-linked/],
    ] as const) {
      issuer.arn = arn;
      const p = planContainment(
        { eventName: 'CreateCustomModelDeployment', verdict: 'untrusted-source', record: r },
        settings({ actions: { 'untrusted-source': ['quarantine-principal'] } }),
        'bedrock-supply-chain',
      );
      expect(p.steps).toEqual([]);
      expect(p.skipped[0]).toMatch(why);
    }
  });

  test('property: no step for approved, and no step on anything the never-touch list matches', () => {
    const files = [
      'pos-deploy-01.json',
      'pos-import-01.json',
      'pos-mkt-create-01.json',
      'ext-create-pt-01.json',
      'ext-customization-job-01.json',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...files),
        fc.constantFrom(...VERDICT_KINDS),
        fc.subarray([
          'quarantine-model',
          'delete-deployment',
          'delete-endpoint',
          'stop-job',
          'quarantine-principal',
        ] as const),
        fc.array(
          fc.constantFrom(
            '*',
            `arn:aws:bedrock:*:${A}:*`,
            `arn:aws:iam::${A}:*`,
            `arn:aws:sagemaker:*`,
            'arn:aws:bedrock:*:*:custom-model-deployment/*',
          ),
          { maxLength: 2 },
        ),
        (file, verdict, actions, neverTouch) => {
          const s = settings({ actions: { [verdict]: actions }, neverTouch });
          const p = plan(file, { verdict }, s);
          if (verdict === 'approved') expect(p.steps).toEqual([]);
          for (const step of p.steps) {
            expect(
              neverTouch.some((n) =>
                new RegExp(`^${n.replace(/[.?+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(step.target),
              ),
            ).toBe(false);
            expect(actions).toContain(step.action);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the update of an alert', () => {
  const r = record('pos-import-01.json');
  const call = resolveWatchedCalls().find((c) => c.eventName === 'CreateModelImportJob')!;
  const original = buildAlertDocument(r, watchedCallSubject(call), {
    verdict: { kind: 'unverified', severity: 'MEDIUM', riskScore: 47, reasons: ['principal: none configured'] },
  });
  const target: FollowTarget = { kind: 'model-import-job', id: 'arn:job' };

  test('live under a verdict that is not approved is escalated one level; an update of an update does not stack', () => {
    const live = lifecycleUpdate(
      target,
      { state: 'live', status: 'Completed', resourceArn: 'arn:m', reason: null },
      'unverified',
      'T',
      false,
    )!;
    const first = updatedAlert(original, live);
    expect([first.severity, first.riskScore, first.title]).toEqual([
      'HIGH',
      57,
      'UPDATE, model is live: Bedrock model supply chain: CreateModelImportJob',
    ]);
    const failed = lifecycleUpdate(target, { state: 'gone' }, 'unverified', 'T', false)!;
    const second = updatedAlert(first, failed);
    expect(second.title).toBe('UPDATE, gone: Bedrock model supply chain: CreateModelImportJob');
    expect(second.summary.startsWith('Gone: The model import job arn:job no longer exists')).toBe(true);
    expect(second.summary.endsWith(original.summary)).toBe(true);
    expect(second.severity).toBe('HIGH');
    expect(second.event).toEqual(original.event);
  });

  test('approved and live: not escalated; pending before the last check: no update', () => {
    const live = lifecycleUpdate(
      target,
      { state: 'live', status: 'Completed', resourceArn: 'arn:m', reason: null },
      'approved',
      'T',
      false,
    )!;
    expect(live.escalated).toBe(false);
    expect(
      lifecycleUpdate(
        target,
        { state: 'pending', status: 'InProgress', resourceArn: null, reason: null },
        null,
        'T',
        false,
      ),
    ).toBeUndefined();
  });

  test('text from the service is made safe (control characters shown, not rendered)', () => {
    const failed = lifecycleUpdate(
      target,
      { state: 'failed', status: 'Failed', resourceArn: null, reason: 'bad\u001b[31m\nline' },
      null,
      'T',
      false,
    )!;
    const text = updatedAlert(original, failed).update!.text;
    expect([...text].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
  });
});

describe('the custom action event', () => {
  test("the detector's findings by event id; others named and left", () => {
    const event = {
      source: 'aws.securityhub',
      'detail-type': 'Security Hub Findings - Custom Action',
      detail: {
        findings: [
          { Id: 'bedrock-supply-chain/1/us-east-1/e-1', ProductFields: { 'bedrock-supply-chain/eventId': 'e-1' } },
          { Id: 'bedrock-supply-chain/1/us-east-1/e-1', ProductFields: { 'bedrock-supply-chain/eventId': 'e-1' } },
          { Id: 'arn:aws:guardduty:finding/x', ProductFields: {} },
          { Id: 'bedrock-supply-chain/1/us-east-1/e-2', ProductFields: { 'bedrock-supply-chain/eventId': 'bad id' } },
          'not an object',
        ],
      },
    };
    const { eventIds, others } = customActionEventIds(event, 'bedrock-supply-chain');
    expect(eventIds).toEqual(['e-1']);
    expect(others).toEqual([
      'arn:aws:guardduty:finding/x: not a finding of this detector',
      'bedrock-supply-chain/1/us-east-1/e-2: no event id',
      '(no id): not a finding of this detector',
    ]);
  });
});
