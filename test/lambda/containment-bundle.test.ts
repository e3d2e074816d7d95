// The bundled function, black-box, with contain mode on: its configuration and endpoints from the
// environment as Lambda gives them, and the AWS requests it makes for each verdict (none for
// `approved`, none in dry run).
import { DEFAULT_CONTAINMENT } from '../../lib/detection';
import { startLocalAws, type LocalAws } from '../../tools/local-aws/server';
import { bundledAlertFunction } from '../support/bundle';
import { envelope, record } from '../support/fixtures';
import { ACCOUNT, TABLE, TOPIC, putBedrock } from '../support/response-harness';

const DEPLOYMENT = `arn:aws:bedrock:us-east-1:${ACCOUNT}:custom-model-deployment/m1n2b3v4c5x6`;
const CONTEXT = {
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bedrock-supply-chain-alert`,
  getRemainingTimeInMillis: () => 60_000,
} as never;

let aws: LocalAws;
let bundle: { file: string; remove: () => void };
beforeAll(async () => {
  aws = await startLocalAws();
  bundle = bundledAlertFunction();
});
afterAll(async () => {
  bundle.remove();
  await aws.close();
});

/** A deployment whose source model is in an account outside the approvals: untrusted-source. */
function untrustedDeployment(eventId: string) {
  const r = record('pos-deploy-01.json');
  r.eventID = eventId;
  (r.requestParameters as Record<string, unknown>).modelArn =
    'arn:aws:bedrock:us-east-1:999999999999:custom-model/imported/zz1';
  return r;
}

/** Loads the bundle fresh with this configuration, runs the invocations, and returns the requests. */
async function run(config: Record<string, unknown>, invocations: unknown[]) {
  aws.reset();
  aws.items.clear();
  aws.response.bedrock.clear();
  putBedrock(aws, DEPLOYMENT, { status: 'Creating' }, { 'bedrock-supply-chain:approved': 'true' });
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ALERT_TOPIC_ARN: TOPIC,
    IDEMPOTENCY_TABLE: TABLE,
    DEAD_LETTER_QUEUE_URL: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/bedrock-supply-chain-dead-letters`,
    DETECTOR_CONFIG: JSON.stringify({ provenanceCheck: false, enrichment: null, ...config }),
  });
  try {
    jest.resetModules();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(bundle.file) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
    for (const invocation of invocations) await handler(invocation, CONTEXT);
  } finally {
    process.env = saved;
  }
  return aws.requests
    .filter((r) => r.service === 'bedrock' || r.service === 'iam')
    .map((r) => `${r.service} ${r.operation}`);
}

const containment = (over: Record<string, unknown> = {}) => ({
  ...DEFAULT_CONTAINMENT,
  automatic: ['untrusted-source', 'unapproved-principal'],
  ...over,
});
const APPROVALS = { principalArns: [`arn:aws:iam::${ACCOUNT}:role/ml-deployer-*`] };

describe('the bundled function in contain mode', () => {
  test('untrusted-source, automatic: quarantine by tag, then delete the deployment', async () => {
    const requests = await run({ mode: 'contain', approvals: APPROVALS, containment: containment() }, [
      envelope(untrustedDeployment('dddd0000-0000-4000-8000-00000000000d')),
    ]);
    expect(requests).toEqual([
      'bedrock POST /listTagsForResource',
      'bedrock POST /untagResource',
      'bedrock POST /tagResource',
      `bedrock DELETE /model-customization/custom-model-deployments/${DEPLOYMENT}`,
    ]);
  });

  test('unapproved-principal (no actions for it by default): no request', async () => {
    const requests = await run(
      {
        mode: 'contain',
        approvals: { principalArns: [`arn:aws:iam::${ACCOUNT}:role/other`] },
        containment: containment(),
      },
      [envelope(record('pos-deploy-01.json'))],
    );
    expect(requests).toEqual([]);
  });

  test('approved: no request, even notified and asked for by hand', async () => {
    const requests = await run(
      { mode: 'contain', approvals: APPROVALS, notifyApproved: true, containment: containment() },
      [
        envelope(record('pos-deploy-01.json')),
        { bedrockSupplyChainContain: { eventId: '26d587b6-2b19-5caf-84f5-d0b919c61484' } },
      ],
    );
    expect(requests).toEqual([]);
  });

  test('dry run: no request', async () => {
    const requests = await run({ mode: 'contain', approvals: APPROVALS, containment: containment({ dryRun: true }) }, [
      envelope(untrustedDeployment('eeee0000-0000-4000-8000-00000000000e')),
    ]);
    expect(requests).toEqual([]);
  });

  test('ask first (the default): nothing until asked, then the same requests', async () => {
    const eventId = 'ffff0000-0000-4000-8000-00000000000f';
    const asked = await run({ mode: 'contain', approvals: APPROVALS, containment: DEFAULT_CONTAINMENT }, [
      envelope(untrustedDeployment(eventId)),
      { bedrockSupplyChainContain: { eventId } },
    ]);
    expect(asked).toEqual([
      'bedrock POST /listTagsForResource',
      'bedrock POST /untagResource',
      'bedrock POST /tagResource',
      `bedrock DELETE /model-customization/custom-model-deployments/${DEPLOYMENT}`,
    ]);
  });

  test('alert mode: no request', async () => {
    const requests = await run({ approvals: APPROVALS }, [
      envelope(untrustedDeployment('abab0000-0000-4000-8000-0000000000ab')),
    ]);
    expect(requests).toEqual([]);
  });
});
