// The lifecycle follow-up on the wire (real SDK clients against the local endpoint): the plan and
// the state machine execution after an alert, each check's Get* call, the update of the same alert
// on every destination (the Security Hub finding updated in place), escalation, and the faults: a
// Get* that throttles, a job that is gone, the idempotency store down.
import { executionName } from '../../lambda/alert/follow-up';
import { FOLLOW_UP_REQUEST_KEY } from '../../lib/detection';
import { startLocalAws, type LocalAws } from '../../tools/local-aws/server';
import { envelope, record } from '../support/fixtures';
import { ACCOUNT, QUEUE_URL, putBedrock, responseHandler, wire } from '../support/response-harness';
import { captureTelemetry, type Telemetry } from '../support/telemetry';

const JOB = `arn:aws:bedrock:us-east-1:${ACCOUNT}:model-import-job/k3x9q2m7p1a4`;
const MODEL = `arn:aws:bedrock:us-east-1:${ACCOUNT}:imported-model/im9im8im7im6`;
const IMPORT_ID = '286400f3-b1ae-5e3b-af87-4f8e84209750';
const CALL_TIME = Date.parse('2026-03-11T09:14:27Z');
const minutesAfter = (m: number) => () => CALL_TIME + m * 60_000;

let aws: LocalAws;
let telemetry: Telemetry;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());
beforeEach(() => {
  aws.reset();
  aws.items.clear();
  aws.findings.clear();
  aws.response.bedrock.clear();
  aws.response.executions.clear();
  aws.response.queueMessages.length = 0;
  telemetry = captureTelemetry();
});
afterEach(() => jest.restoreAllMocks());

const followUp = (eventId = IMPORT_ID) => ({ [FOLLOW_UP_REQUEST_KEY]: { eventId } });

describe('after the alert', () => {
  test('an import job alert records its plan and starts one execution named after the event, waiting for the 5-minute check', async () => {
    const w = wire(aws);
    const handler = responseHandler(aws, {}, minutesAfter(1));
    await expect(handler(envelope(record('pos-import-01.json')))).resolves.toMatchObject({ status: 'alerted' });
    const [start] = w.of('states', 'StartExecution');
    expect(start.params).toEqual({
      stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:bedrock-supply-chain-follow-up`,
      name: executionName(IMPORT_ID),
      input: JSON.stringify({ eventId: IMPORT_ID, waitSeconds: 240 }),
    });
    expect(aws.items.get(`plan#${IMPORT_ID}`)).toBeDefined();
    // A redelivery of the same event starts nothing new (same name, same input) and sends nothing twice.
    await handler(envelope(record('pos-import-01.json')));
    expect(aws.response.executions.size).toBe(1);
    expect(w.of('sns', 'Publish')).toHaveLength(1);
    expect(telemetry.counts()).toMatchObject({ FollowUpsStarted: 2 });
  });

  test('a call older than the last check is not followed; a call in another account is neither followed nor recorded', async () => {
    const w = wire(aws);
    await responseHandler(aws, {}, minutesAfter(25 * 60))(envelope(record('pos-import-01.json')));
    expect(w.of('states')).toHaveLength(0);
    expect(telemetry.counts()).toMatchObject({ FollowUpsTooOld: 1 });
    const elsewhere = record('pos-deploy-01.json');
    elsewhere.recipientAccountId = '444455556666';
    await responseHandler(aws, {}, minutesAfter(1))(envelope(elsewhere));
    expect(w.of('states')).toHaveLength(0);
    expect([...aws.items.keys()].filter((k) => k.startsWith('plan#'))).toEqual([`plan#${IMPORT_ID}`]);
  });

  test('off: no plan, no execution', async () => {
    const w = wire(aws);
    await responseHandler(aws, { followUp: null }, minutesAfter(1))(envelope(record('pos-import-01.json')));
    expect(w.of('states')).toHaveLength(0);
    expect([...aws.items.keys()].some((k) => k.startsWith('plan#'))).toBe(false);
  });

  test('an approved call (not notified) is not followed', async () => {
    const approvals = {
      principalArns: [`arn:aws:iam::${ACCOUNT}:user/ml-engineer`],
      s3Locations: ['s3://acme-ml-artifacts-111122223333/'],
    };
    await expect(
      responseHandler(aws, { approvals }, minutesAfter(1))(envelope(record('pos-import-01.json'))),
    ).resolves.toMatchObject({
      status: 'quiet',
    });
    expect(aws.requests.map((r) => r.service)).toEqual([]);
  });

  test('the idempotency store down: the alert goes out, the follow-up is reported lost (dead-letter queue, count), and the invocation succeeds', async () => {
    const w = wire(aws);
    aws.failShare('dynamodb', 1, ['error']);
    await expect(
      responseHandler(aws, {}, minutesAfter(1))(envelope(record('pos-import-01.json'))),
    ).resolves.toMatchObject({
      status: 'alerted',
    });
    expect(w.of('sns', 'Publish')).toHaveLength(1);
    expect(w.of('states')).toHaveLength(0);
    expect(aws.response.queueMessages).toHaveLength(1);
    expect(aws.response.queueMessages[0].queueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(aws.response.queueMessages[0].body)).toMatchObject({
      source: 'lifecycle-follow-up',
      eventId: IMPORT_ID,
      error: 'FollowUpNotStarted',
      cause: expect.stringMatching(/^the plan could not be recorded: ServiceUnavailable/),
    });
    expect(telemetry.counts()).toMatchObject({ FollowUpsNotStarted: 1 });
  });

  test('StartExecution failing makes the invocation fail (retried; the delivered destinations are not sent again)', async () => {
    const w = wire(aws);
    const handler = responseHandler(aws, {}, minutesAfter(1));
    aws.failNext('states', 5, 'error');
    await expect(handler(envelope(record('pos-import-01.json')))).rejects.toThrow(
      /^event 286400f3-b1ae-5e3b-af87-4f8e84209750: the follow-up could not be started: ServiceUnavailable/,
    );
    aws.reset();
    await expect(handler(envelope(record('pos-import-01.json')))).resolves.toMatchObject({ status: 'alerted' });
    expect(w.of('sns', 'Publish')).toHaveLength(0);
    expect(w.of('states', 'StartExecution')).toHaveLength(1);
  });
});

describe('each check', () => {
  async function alerted(now = minutesAfter(1)) {
    await responseHandler(aws, {}, now)(envelope(record('pos-import-01.json')));
    aws.reset();
  }

  test('still running: no update; wait until the next check (15 minutes after the call)', async () => {
    const w = wire(aws);
    await alerted();
    putBedrock(aws, JOB, { jobArn: JOB, status: 'InProgress' });
    await expect(responseHandler(aws, {}, minutesAfter(5))(followUp())).resolves.toEqual({
      status: 'follow-up',
      eventId: IMPORT_ID,
      done: false,
      waitSeconds: 600,
      state: 'pending',
    });
    expect(w.of('bedrock').map((r) => r.operation)).toEqual([`GET /model-import-jobs/${JOB}`]);
    expect(w.of('sns')).toHaveLength(0);
  });

  test('live under a verdict that is not approved: the same alert, updated and escalated, on every destination; the finding updated in place', async () => {
    const w = wire(aws);
    await alerted();
    const findingId = [...aws.findings.keys()][0];
    putBedrock(aws, JOB, { jobArn: JOB, status: 'Completed', importedModelArn: MODEL });
    await expect(responseHandler(aws, {}, minutesAfter(15))(followUp())).resolves.toMatchObject({
      done: true,
      state: 'live',
    });
    const [update] = w.alerts();
    expect(update).toMatchObject({
      title: 'UPDATE, model is live: Bedrock model supply chain: CreateModelImportJob',
      severity: 'HIGH',
      event: { id: IMPORT_ID, name: 'CreateModelImportJob' },
      update: {
        kind: 'live',
        resourceArn: MODEL,
        escalated: true,
        text: `Model is live: ${MODEL}. Escalated: it went live under the verdict unverified; applications can now use it.`,
      },
    });
    expect(w.subjects()[0]).toBe(
      '[HIGH] UPDATE, model is live: Bedrock CreateModelImportJob in 111122223333/us-east-1',
    );
    expect(aws.findings.size).toBe(1);
    expect(aws.findings.get(findingId)).toMatchObject({
      imports: 2,
      finding: { Severity: { Label: 'HIGH' }, Title: expect.stringMatching(/^UPDATE, model is live/) },
    });
    expect(w.of('events', 'PutEvents')[0].params.Entries).toEqual([
      expect.objectContaining({ DetailType: 'Bedrock Model Supply Chain Alert Update' }),
    ]);
    // The state machine's retry of a check that already ended sends nothing and reads nothing.
    aws.reset();
    await expect(responseHandler(aws, {}, minutesAfter(16))(followUp())).resolves.toMatchObject({ done: true });
    expect(aws.requests.filter((r) => r.service !== 'dynamodb')).toEqual([]);
  });

  test('failed: the update gives the service reason, not escalated', async () => {
    const w = wire(aws);
    await alerted();
    putBedrock(aws, JOB, {
      jobArn: JOB,
      status: 'Failed',
      failureMessage: 'Model artifacts are not in a supported format',
    });
    await responseHandler(aws, {}, minutesAfter(60))(followUp());
    expect(w.alerts()[0]).toMatchObject({
      severity: 'MEDIUM',
      update: {
        kind: 'failed',
        escalated: false,
        text: `Failed: The model import job ${JOB} ended with status Failed: Model artifacts are not in a supported format.`,
      },
    });
  });

  test('gone: the job no longer exists', async () => {
    const w = wire(aws);
    await alerted();
    await expect(responseHandler(aws, {}, minutesAfter(15))(followUp())).resolves.toMatchObject({ state: 'gone' });
    expect(w.alerts()[0].update).toMatchObject({ kind: 'gone' });
  });

  test('still running at the last check: said so, and done', async () => {
    const w = wire(aws);
    await alerted();
    putBedrock(aws, JOB, { jobArn: JOB, status: 'InProgress' });
    await expect(responseHandler(aws, {}, minutesAfter(24 * 60 + 1))(followUp())).resolves.toMatchObject({
      done: true,
      state: 'still-running',
    });
    expect(w.alerts()[0].update).toMatchObject({ kind: 'still-running' });
  });

  test('a Get* that throttles once is retried by the SDK; one that keeps throttling fails the check (the state machine retries, then dead-letters)', async () => {
    const w = wire(aws);
    await alerted();
    putBedrock(aws, JOB, { jobArn: JOB, status: 'InProgress' });
    aws.failNext('bedrock', 1, 'throttle');
    await expect(responseHandler(aws, {}, minutesAfter(5))(followUp())).resolves.toMatchObject({ done: false });
    expect(w.of('bedrock')).toHaveLength(2);
    aws.failNext('bedrock', 10, 'throttle');
    // A generous time bound, so the SDK's backoff on a loaded machine is not taken for a timeout.
    await expect(responseHandler(aws, { checkTimeoutMs: 5000 }, minutesAfter(15))(followUp())).rejects.toThrow(
      `GetModelImportJob ${JOB}: ThrottlingException (HTTP 429): injected fault`,
    );
    expect(w.of('sns')).toHaveLength(0);
  });

  test('the idempotency store down during a check: it fails, naming why (retried, then dead-lettered)', async () => {
    await alerted();
    aws.failShare('dynamodb', 1, ['error']);
    await expect(responseHandler(aws, {}, minutesAfter(5))(followUp())).rejects.toThrow(
      /^follow-up of 286400f3-b1ae-5e3b-af87-4f8e84209750: the plan could not be read: ServiceUnavailable/,
    );
  });

  test('a check for an event with no plan fails loudly; a malformed request is unprocessable', async () => {
    await expect(responseHandler(aws)(followUp('no-such-event'))).rejects.toThrow(
      'follow-up of no-such-event: no follow-up plan is recorded for it',
    );
    await expect(responseHandler(aws)({ [FOLLOW_UP_REQUEST_KEY]: { eventId: 'bad id with spaces' } })).rejects.toThrow(
      /bedrockSupplyChainFollowUp.eventId must be a CloudTrail event id/,
    );
  });
});
