/* eslint-disable @typescript-eslint/no-explicit-any -- the alerts are read as the JSON they are */
// Contain mode on the wire (real SDK clients against the local endpoint): which AWS requests the
// function makes for each verdict (none for approved, none in dry run), asked first through the
// Security Hub custom action or automatically, reported as an update of the alert and a note on its
// finding; and the faults: a delete that fails, a model already gone, a tag removed by hand, the
// idempotency store down, the hourly limit.
import {
  CONTAIN_REQUEST_KEY,
  DEFAULT_CONTAINMENT,
  FOLLOW_UP_REQUEST_KEY,
  type AlertFunctionConfig,
  type ContainmentSettings,
} from '../../lib/detection';
import { startLocalAws, type LocalAws } from '../../tools/local-aws/server';
import { envelope, record } from '../support/fixtures';
import { ACCOUNT, putBedrock, responseHandler, wire } from '../support/response-harness';
import { captureTelemetry } from '../support/telemetry';

const DEPLOYMENT = `arn:aws:bedrock:us-east-1:${ACCOUNT}:custom-model-deployment/m1n2b3v4c5x6`;
const DEPLOY_ID = '26d587b6-2b19-5caf-84f5-d0b919c61484';
const IMPORT_ID = '286400f3-b1ae-5e3b-af87-4f8e84209750';
const JOB = `arn:aws:bedrock:us-east-1:${ACCOUNT}:model-import-job/k3x9q2m7p1a4`;
const MODEL = `arn:aws:bedrock:us-east-1:${ACCOUNT}:imported-model/im9im8im7im6`;
const ENDPOINT = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/deepseek-r1-distill-7b`;
const ACTION_ARN = `arn:aws:securityhub:us-east-1:${ACCOUNT}:action/custom/ContainX`;
const APPROVAL = 'bedrock-supply-chain:approved';
const QUARANTINE = 'bedrock-supply-chain:quarantined';
const now = () => Date.parse('2026-02-20T11:25:00Z');

/** Every principal is outside the approvals; the import's bucket too (untrusted-source). */
const APPROVALS = {
  principalArns: [`arn:aws:iam::${ACCOUNT}:role/mlops-*`],
  s3Locations: ['s3://acme-approved-models/'],
};

function contain(settings: Partial<ContainmentSettings> = {}, config: Partial<AlertFunctionConfig> = {}) {
  return {
    mode: 'contain' as const,
    approvals: APPROVALS,
    containment: {
      ...DEFAULT_CONTAINMENT,
      actions: {
        'untrusted-source': DEFAULT_CONTAINMENT.actions['untrusted-source']!,
        'unapproved-principal': ['quarantine-model', 'delete-deployment', 'delete-endpoint'] as const,
      },
      ...settings,
    } as ContainmentSettings,
    ...config,
  };
}

/** The Security Hub custom action event for the detector's finding of `eventId`. */
function customAction(eventId: string, prefix = 'bedrock-supply-chain') {
  return {
    version: '0',
    id: 'c0ffee00-0000-4000-8000-000000000001',
    'detail-type': 'Security Hub Findings - Custom Action',
    source: 'aws.securityhub',
    account: ACCOUNT,
    time: '2026-02-20T11:30:00Z',
    region: 'us-east-1',
    resources: [ACTION_ARN],
    detail: {
      actionName: 'Contain this model',
      actionDescription: 'Contain the model',
      findings: [
        {
          SchemaVersion: '2018-10-08',
          Id: `${prefix}/${ACCOUNT}/us-east-1/${eventId}`,
          ProductArn: `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`,
          ProductFields: { 'bedrock-supply-chain/eventId': eventId },
        },
      ],
    },
  };
}

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());
beforeEach(() => {
  aws.reset();
  aws.items.clear();
  aws.findings.clear();
  aws.principals.clear();
  for (const m of [aws.response.bedrock, aws.response.executions, aws.response.attachedPolicies, aws.response.notes])
    m.clear();
  aws.response.queueMessages.length = 0;
  captureTelemetry();
  putBedrock(aws, DEPLOYMENT, { status: 'Creating', customModelDeploymentArn: DEPLOYMENT }, { [APPROVAL]: 'true' });
});
afterEach(() => jest.restoreAllMocks());

describe('ask first (the default)', () => {
  test('the alert says how to contain, and nothing is changed until asked', async () => {
    const w = wire(aws);
    await responseHandler(aws, contain(), now)(envelope(record('pos-deploy-01.json')));
    expect(w.changes()).toEqual([]);
    const [alert] = w.alerts();
    expect(alert.notes).toEqual([
      expect.stringMatching(
        /^Contain mode, ask first \(quarantine-model, delete-deployment, delete-endpoint\): in Security Hub, choose the custom action "Contain this model" on this finding, or run aws lambda invoke --function-name bedrock-supply-chain-alert .*"bedrockSupplyChainContain":\{"eventId":"26d587b6-2b19-5caf-84f5-d0b919c61484"\}/,
      ),
    ]);
  });

  test('the custom action contains: quarantine by tag, delete the deployment; reported as an update and a note on the finding', async () => {
    const w = wire(aws);
    const handler = responseHandler(aws, contain(), now);
    await handler(envelope(record('pos-deploy-01.json')));
    aws.reset();
    await expect(handler(customAction(DEPLOY_ID))).resolves.toMatchObject({
      status: 'contain-requests',
      results: [{ status: 'contained', eventId: DEPLOY_ID }],
      ignored: [],
    });
    expect(w.changes()).toEqual([
      'bedrock POST /untagResource',
      'bedrock POST /tagResource',
      `bedrock DELETE /model-customization/custom-model-deployments/${DEPLOYMENT}`,
    ]);
    expect(w.of('bedrock', 'POST /untagResource')[0].params).toEqual({ resourceARN: DEPLOYMENT, tagKeys: [APPROVAL] });
    expect(w.of('bedrock', 'POST /tagResource')[0].params).toEqual({
      resourceARN: DEPLOYMENT,
      tags: [{ key: QUARANTINE, value: DEPLOY_ID }],
    });
    const [update] = w.alerts();
    expect(update.update).toMatchObject({
      kind: 'contained',
      actions: [
        `quarantine-model (UntagResource+TagResource) on ${DEPLOYMENT}: done: removed ${APPROVAL}; tagged ${QUARANTINE}=${DEPLOY_ID}`,
        `delete-deployment (DeleteCustomModelDeployment) on ${DEPLOYMENT}: done`,
      ],
    });
    const findingId = `bedrock-supply-chain/${ACCOUNT}/us-east-1/${DEPLOY_ID}`;
    expect(aws.response.notes.get(findingId)).toEqual([expect.stringMatching(/^Contained \(asked\): 2 action\(s\)/)]);
    // The same custom action event again (EventBridge's retry): every step finds its work done (the
    // tags say quarantined, the delete finds the deployment gone); nothing is reported twice.
    aws.reset();
    await handler(customAction(DEPLOY_ID));
    expect(w.changes()).toEqual([`bedrock DELETE /model-customization/custom-model-deployments/${DEPLOYMENT}`]);
    expect(w.of('sns')).toHaveLength(0);
    expect(aws.response.notes.get(findingId)).toHaveLength(1);
    // A new ask (another custom action event) is reported anew.
    aws.reset();
    await handler({ ...customAction(DEPLOY_ID), id: 'c0ffee00-0000-4000-8000-000000000002' });
    expect(w.alerts()).toHaveLength(1);
    expect(aws.response.notes.get(findingId)).toHaveLength(2);
  });

  test('containment by hand (aws lambda invoke) does the same', async () => {
    const w = wire(aws);
    const handler = responseHandler(aws, contain(), now);
    await handler(envelope(record('pos-deploy-01.json')));
    aws.reset();
    await expect(handler({ [CONTAIN_REQUEST_KEY]: { eventId: DEPLOY_ID } })).resolves.toMatchObject({
      status: 'contained',
    });
    expect(w.changes()).toHaveLength(3);
  });

  test("another product's finding, or another detector's, is not acted on", async () => {
    const w = wire(aws);
    const handler = responseHandler(aws, contain(), now);
    await handler(envelope(record('pos-deploy-01.json')));
    aws.reset();
    await expect(handler(customAction(DEPLOY_ID, 'someone-else'))).resolves.toMatchObject({
      results: [],
      ignored: [expect.stringMatching(/not a finding of this detector$/)],
    });
    expect(w.changes()).toEqual([]);
  });

  test('an event the detector never alerted (no recorded plan) is refused: a forged request cannot direct it', async () => {
    const w = wire(aws);
    await expect(
      responseHandler(aws, contain(), now)(customAction('0000aaaa-0000-4000-8000-000000000000')),
    ).resolves.toMatchObject({
      results: [{ status: 'refused' }],
    });
    expect(w.changes()).toEqual([]);
  });
});

describe('the requests per verdict, automatically', () => {
  const automatic = () => contain({ automatic: ['untrusted-source', 'unapproved-principal'] });

  test('untrusted-source import: nothing to act on until the job made its model; then the model is quarantined', async () => {
    const w = wire(aws);
    putBedrock(aws, JOB, { jobArn: JOB, status: 'InProgress' });
    putBedrock(aws, MODEL, { modelArn: MODEL }, { [APPROVAL]: 'true', team: 'ml' });
    const at = () => Date.parse('2026-03-11T09:15:27Z');
    await responseHandler(aws, automatic(), at)(envelope(record('pos-import-01.json')));
    expect(w.changes()).toEqual([]);
    expect(w.alerts()[0].notes[0]).toMatch(/^Contain mode: this alert is contained automatically/);
    aws.reset();
    aws.response.bedrock.get(JOB)!.get = { jobArn: JOB, status: 'Completed', importedModelArn: MODEL };
    await responseHandler(aws, automatic(), () => Date.parse('2026-03-11T09:30:00Z'))({
      [FOLLOW_UP_REQUEST_KEY]: { eventId: IMPORT_ID },
    });
    expect(w.changes()).toEqual(['bedrock POST /untagResource', 'bedrock POST /tagResource']);
    expect([...aws.response.bedrock.get(MODEL)!.tags]).toEqual([
      ['team', 'ml'],
      [QUARANTINE, IMPORT_ID],
    ]);
    expect(w.alerts().map((a) => a.update.kind)).toEqual(['live', 'contained']);
  });

  test('unapproved-principal marketplace endpoint: deleted (created by the call)', async () => {
    const w = wire(aws);
    putBedrock(aws, ENDPOINT, { marketplaceModelEndpoint: { endpointArn: ENDPOINT, endpointStatus: 'Creating' } });
    const e = record('pos-mkt-create-01.json');
    await responseHandler(aws, automatic(), now)(envelope(e));
    expect(w.changes()).toEqual([`bedrock DELETE /marketplace-model/endpoints/${ENDPOINT}`]);
  });

  test('unverified (no actions configured for it): no request; approved: no request at all, even with notifyApproved', async () => {
    const w = wire(aws);
    await responseHandler(
      aws,
      contain({ automatic: ['untrusted-source'] }, { approvals: {} }),
      now,
    )(envelope(record('pos-deploy-01.json')));
    expect(w.changes()).toEqual([]);
    expect(w.alerts()[0].notes).toEqual([]);
    const approved = {
      approvals: { principalArns: [`arn:aws:iam::${ACCOUNT}:role/ml-deployer-instance-role`] },
      notifyApproved: true,
    };
    const handler = responseHandler(
      aws,
      contain({ automatic: ['untrusted-source', 'unapproved-principal'] }, approved),
      now,
    );
    const e = record('pos-deploy-01.json');
    e.eventID = 'aaaa0000-0000-4000-8000-00000000000a';
    await handler(envelope(e));
    await handler({ [CONTAIN_REQUEST_KEY]: { eventId: 'aaaa0000-0000-4000-8000-00000000000a' } });
    expect(w.changes()).toEqual([]);
  });

  test('a call the backfill finds weeks later is not contained automatically: its note says to ask', async () => {
    const w = wire(aws);
    const r = record('pos-deploy-01.json');
    aws.history.push({
      EventId: DEPLOY_ID,
      EventName: 'CreateCustomModelDeployment',
      EventTime: Date.parse(String(r.eventTime)) / 1000,
      EventSource: 'bedrock.amazonaws.com',
      CloudTrailEvent: JSON.stringify(r),
    });
    const later = () => Date.parse('2026-04-01T00:00:00Z');
    await responseHandler(
      aws,
      automatic(),
      later,
    )({ bedrockSupplyChainSweep: { kind: 'backfill', lookbackMinutes: 90 * 24 * 60 } });
    expect(w.alerts()).toHaveLength(1);
    expect(w.changes()).toEqual([]);
    expect(w.alerts()[0].notes[0]).toMatch(/^Contain mode, ask first/);
    aws.history.length = 0;
  });

  test('dry run: the update says what would be done; no Bedrock or IAM request at all', async () => {
    const w = wire(aws);
    await responseHandler(
      aws,
      contain({ automatic: ['unapproved-principal'], dryRun: true }),
      now,
    )(envelope(record('pos-deploy-01.json')));
    expect(aws.requests.filter((r) => r.service === 'bedrock' || r.service === 'iam')).toEqual([]);
    expect(w.alerts()[1].update).toMatchObject({
      kind: 'containment-dry-run',
      actions: [
        `would quarantine-model (UntagResource+TagResource) on ${DEPLOYMENT}`,
        `would delete-deployment (DeleteCustomModelDeployment) on ${DEPLOYMENT}`,
      ],
    });
  });

  test('never-touch: a listed deployment is left alone, and the update says why', async () => {
    const w = wire(aws);
    await responseHandler(
      aws,
      contain({
        automatic: ['unapproved-principal'],
        neverTouch: [`arn:aws:bedrock:*:${ACCOUNT}:custom-model-deployment/m1n2*`],
      }),
      now,
    )(envelope(record('pos-deploy-01.json')));
    expect(w.changes()).toEqual([]);
    expect(w.alerts()[1].update.actions[0]).toMatch(/never-touch list/);
  });

  test('the hourly limit: past it, containment is held back and the alert says to contain by hand', async () => {
    const w = wire(aws);
    const handler = responseHandler(aws, contain({ automatic: ['unapproved-principal'], maxPerHour: 1 }), now);
    await handler(envelope(record('pos-deploy-01.json')));
    const second = record('pos-deploy-01.json');
    second.eventID = 'bbbb0000-0000-4000-8000-00000000000b';
    await handler(envelope(second));
    expect(w.changes().filter((c) => c.includes('DELETE'))).toHaveLength(1);
    expect(w.alerts().map((a) => a.update?.kind ?? null)).toEqual([null, 'contained', null, 'containment-held']);
  });

  test("principal quarantine: the detector's deny-everything policy attached to the role; never a detector role, nor an Identity Center role", async () => {
    const w = wire(aws);
    const quarantine = contain({
      automatic: ['unapproved-principal'],
      actions: { 'unapproved-principal': ['quarantine-principal'] },
    });
    await responseHandler(aws, quarantine, now)(envelope(record('pos-deploy-01.json')));
    expect(w.changes()).toEqual(['iam AttachRolePolicy ml-deployer-instance-role']);
    expect(aws.response.attachedPolicies.get('role/ml-deployer-instance-role')).toEqual([
      `arn:aws:iam::${ACCOUNT}:policy/bedrock-supply-chain-quarantine-us-east-1`,
    ]);
    for (const [i, issuer] of [
      `arn:aws:iam::${ACCOUNT}:role/Bedrock-Supply-Chain-alert-us-east-1`,
      `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`,
    ].entries()) {
      aws.reset();
      const r = record('pos-deploy-01.json');
      r.eventID = `cccc0000-0000-4000-8000-00000000000${i}`;
      (r.userIdentity as any).sessionContext.sessionIssuer.arn = issuer;
      await responseHandler(aws, quarantine, now)(envelope(r));
      expect(w.changes()).toEqual([]);
    }
  });

  test('never-touch matches IAM ARNs without case, and the session ARN a responder copies from CloudTrail', async () => {
    const w = wire(aws);
    for (const pattern of [
      `arn:aws:iam::${ACCOUNT}:role/ML-DEPLOYER-*`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/ml-deployer-instance-role/*`,
    ]) {
      aws.reset();
      aws.items.clear();
      const quarantine = contain({
        automatic: ['unapproved-principal'],
        actions: { 'unapproved-principal': ['quarantine-principal'] },
        neverTouch: [pattern],
      });
      await responseHandler(aws, quarantine, now)(envelope(record('pos-deploy-01.json')));
      expect(w.changes()).toEqual([]);
    }
  });
});

describe('faults', () => {
  const automatic = () => contain({ automatic: ['unapproved-principal'] });

  test('a delete that fails: the invocation fails naming it (retried, then dead-lettered); the retry finds the quarantine done and deletes', async () => {
    const w = wire(aws);
    aws.response.bedrock.get(DEPLOYMENT)!.deleteError = { code: 'AccessDeniedException', status: 403 };
    const handler = responseHandler(aws, automatic(), now);
    await expect(handler(envelope(record('pos-deploy-01.json')))).rejects.toThrow(
      `containment of ${DEPLOY_ID}: delete-deployment (DeleteCustomModelDeployment) on ${DEPLOYMENT}: AccessDeniedException (HTTP 403): injected delete failure`,
    );
    delete aws.response.bedrock.get(DEPLOYMENT)!.deleteError;
    aws.reset();
    await expect(handler(envelope(record('pos-deploy-01.json')))).resolves.toMatchObject({ status: 'alerted' });
    expect(w.changes()).toEqual([`bedrock DELETE /model-customization/custom-model-deployments/${DEPLOYMENT}`]);
    expect(w.alerts()[0].update.actions[0]).toMatch(/already done: not approval-tagged, already tagged quarantined$/);
  });

  test('the model already gone: every step counts it done, nothing fails', async () => {
    const w = wire(aws);
    aws.response.bedrock.get(DEPLOYMENT)!.gone = true;
    await expect(responseHandler(aws, automatic(), now)(envelope(record('pos-deploy-01.json')))).resolves.toMatchObject(
      {
        status: 'alerted',
      },
    );
    expect(w.alerts()[1].update).toMatchObject({
      kind: 'contained',
      actions: [
        expect.stringMatching(/already done: the resource no longer exists$/),
        expect.stringMatching(/already done: .* no longer exists$/),
      ],
    });
  });

  test('the approval tag removed by hand: quarantine only adds its own tag', async () => {
    const w = wire(aws);
    aws.response.bedrock.get(DEPLOYMENT)!.tags.clear();
    await responseHandler(aws, automatic(), now)(envelope(record('pos-deploy-01.json')));
    expect(w.changes().slice(0, 1)).toEqual(['bedrock POST /tagResource']);
    expect(w.alerts()[1].update.actions[0]).toMatch(/done: no approval tag to remove; tagged/);
  });

  test('the idempotency store down: containment by request fails naming why (retried, then dead-lettered); nothing is changed', async () => {
    const w = wire(aws);
    const handler = responseHandler(aws, contain(), now);
    await handler(envelope(record('pos-deploy-01.json')));
    aws.reset();
    aws.failShare('dynamodb', 1, ['error']);
    await expect(handler(customAction(DEPLOY_ID))).rejects.toThrow(/the plan could not be read: ServiceUnavailable/);
    expect(w.changes()).toEqual([]);
  });
});
