// The whole triage pipeline over the wire: every AWS client is the real SDK v3 client, pointed at a
// local server (tools/local-aws/server.ts) that keeps just enough state to behave like the service.

import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';

import { firstSeen } from '../../lambda/alert/checks';
import { DeliveryFailedError, SweepIncompleteError, createHandler } from '../../lambda/alert/handler';
import { MinInterval } from '../../lambda/alert/lookup';
import { DEFAULT_ALERT_FUNCTION_CONFIG, type AlertFunctionConfig } from '../../lib/detection';
import { startLocalAws, type LocalAws, type Service } from '../../tools/local-aws/server';
import { bundledAlertFunction } from '../support/bundle';
import { envelope, record } from '../support/fixtures';
import { captureTelemetry, type Telemetry } from '../support/telemetry';

const ACCOUNT = '111122223333';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`;
const CHAT_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-chat`;
const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/soar`;
const TABLE = 'bedrock-supply-chain-idempotency';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const ENVIRONMENT = { account: ACCOUNT, region: 'us-east-1', partition: 'aws' };

const ALL_OUTPUTS: AlertFunctionConfig = {
  ...DEFAULT_ALERT_FUNCTION_CONFIG,
  outputs: { securityHub: true, chatTopicArn: CHAT_TOPIC, soarEventBusArn: BUS },
  checkTimeoutMs: 500,
};

let aws: LocalAws;
let telemetry: Telemetry;
beforeAll(async () => {
  aws = await startLocalAws({ slowMs: 1500 });
});
afterAll(() => aws.close());
beforeEach(() => {
  aws.reset();
  aws.items.clear();
  aws.findings.clear();
  aws.buckets.clear();
  aws.history.length = 0;
  telemetry = captureTelemetry();
});
afterEach(() => jest.restoreAllMocks());

function clients(maxAttempts = 2) {
  const common = { region: 'us-east-1', endpoint: aws.endpoint, credentials: CREDENTIALS, maxAttempts };
  return {
    sns: new SNSClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    cloudTrail: new CloudTrailClient(common),
    securityHub: new SecurityHubClient(common),
    eventBridge: new EventBridgeClient(common),
    dynamoDb: new DynamoDBClient(common),
  };
}

function pipeline(config: AlertFunctionConfig = ALL_OUTPUTS, maxAttempts = 2, now?: () => number) {
  return createHandler({
    ...clients(maxAttempts),
    topicArn: TOPIC,
    config,
    idempotencyTable: TABLE,
    environment: ENVIRONMENT,
    // No waiting between LookupEvents calls in tests; the spacing itself is tested below.
    lookupLimiter: new MinInterval(0),
    now,
  });
}

const of = (service: Service, operation?: string) =>
  aws.requests.filter((r) => r.service === service && (!operation || r.operation === operation));
const publishes = (topic: string) => of('sns').filter((r) => r.params.TopicArn === topic);
const snsAlert = (i = 0) => JSON.parse(JSON.parse(String(publishes(TOPIC)[i].params.Message)).sqs);

describe('every destination, once', () => {
  test('SNS, chat, Security Hub and SOAR each receive the alert, in their own format', async () => {
    aws.buckets.set('acme-ml-artifacts-111122223333', { owner: ACCOUNT });
    const handler = pipeline();
    const result = await handler(envelope(record('pos-import-01.json')));
    expect(result).toMatchObject({
      status: 'alerted',
      eventId: '286400f3-b1ae-5e3b-af87-4f8e84209750',
      deliveries: [
        { destination: 'sns', ok: true },
        { destination: 'chat', ok: true },
        { destination: 'securityHub', ok: true },
        { destination: 'soar', ok: true },
      ],
    });
    // SNS: the JSON alert carries the provenance and enrichment context.
    expect(snsAlert()).toMatchObject({
      verdict: { kind: 'unverified' },
      context: {
        provenance: [{ bucket: 'acme-ml-artifacts-111122223333', status: 'verified', owner: ACCOUNT }],
        priorActivity: { status: 'found', bedrockCalls: 0 },
        firstSeen: { principal: 'new', sourceIp: 'new' },
      },
    });
    // Chat: an AWS Chatbot custom notification on the chat topic.
    const chat = JSON.parse(String(publishes(CHAT_TOPIC)[0].params.Message));
    expect(chat).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
    // Security Hub: one ASFF finding, signed for securityhub.
    const [imp] = of('securityhub');
    expect(imp.method).toBe('POST');
    expect(imp.url).toBe('/findings/import');
    expect(String(imp.headers.authorization)).toContain('/us-east-1/securityhub/aws4_request');
    expect(imp.params.Findings).toEqual([
      expect.objectContaining({
        Types: ['TTPs/Persistence/T1525'],
        Id: 'bedrock-supply-chain/111122223333/us-east-1/286400f3-b1ae-5e3b-af87-4f8e84209750',
        ProductArn: 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default',
        Severity: { Label: 'MEDIUM', Original: '47' },
      }),
    ]);
    // SOAR: one event on the user's bus.
    const [put] = of('events', 'PutEvents');
    expect(put.params.Entries).toEqual([
      expect.objectContaining({
        Source: 'bedrock-model-supply-chain',
        DetailType: 'Bedrock Model Supply Chain Alert',
        EventBusName: BUS,
      }),
    ]);
    expect(JSON.parse((put.params.Entries as { Detail: string }[])[0].Detail)).toMatchObject({
      event: { id: '286400f3-b1ae-5e3b-af87-4f8e84209750' },
    });
    expect(telemetry.counts()).toMatchObject({ AlertsPublished: 1, Delivered: 4, Provenance_verified: 1 });
  });

  test('a redelivery, a retry or a sweep of the same event sends nothing again, and the finding is updated in place', async () => {
    const handler = pipeline();
    await handler(envelope(record('pos-deploy-01.json')));
    const sent = aws.requests.filter((r) => r.service !== 'dynamodb' && r.service !== 'cloudtrail').length;
    expect(sent).toBe(4);
    aws.requests.length = 0;
    await handler(envelope(record('pos-deploy-01.json'), { id: 'another-eventbridge-id' }));
    expect(aws.requests.filter((r) => r.service !== 'dynamodb' && r.service !== 'cloudtrail')).toEqual([]);
    // The idempotency records are in DynamoDB, one per destination, with a TTL.
    const records = [...aws.items.entries()].filter(([k]) => !k.startsWith('seen#'));
    expect(records).toHaveLength(4);
    for (const [, item] of records) {
      expect(item.status).toEqual({ S: 'COMPLETED' });
      expect(Number(item.expiration.N)).toBeGreaterThan(Date.now() / 1000 + 99 * 86400);
    }
    expect([...aws.findings.values()].map((f) => f.imports)).toEqual([1]);
  });
});

describe('a destination that fails', () => {
  test('does not stop the others; the retry re-sends only to it; the error names it and why', async () => {
    const handler = pipeline(ALL_OUTPUTS, 2);
    aws.failNext('securityhub', 2, 'error');
    const run = handler(envelope(record('pos-mkt-create-01.json')));
    await expect(run).rejects.toThrow(DeliveryFailedError);
    await expect(run).rejects.toThrow(
      /^event [0-9a-f-]+ \(CreateMarketplaceModelEndpoint\): securityHub failed: ServiceUnavailable \(HTTP 503\): injected fault; delivered to sns, chat, soar$/,
    );
    expect(publishes(TOPIC)).toHaveLength(1);
    expect(of('events', 'PutEvents')).toHaveLength(1);
    aws.requests.length = 0;
    // Lambda's retry: only Security Hub is called again.
    await expect(handler(envelope(record('pos-mkt-create-01.json')))).resolves.toMatchObject({ status: 'alerted' });
    expect(of('securityhub')).toHaveLength(1);
    expect(of('sns')).toHaveLength(0);
    expect(of('events', 'PutEvents')).toHaveLength(0);
  });

  test('Security Hub refusing the finding with HTTP 200 is a failure, not a success', async () => {
    const handler = pipeline();
    aws.rejectFindings(1);
    await expect(handler(envelope(record('pos-mkt-register-01.json')))).rejects.toThrow(
      /securityHub failed: DestinationRejectedError: Security Hub rejected the finding: InvalidInput: injected rejection/,
    );
  });

  test('an unreachable idempotency store does not hold the alert back; the problem is logged and counted', async () => {
    const handler = pipeline({ ...DEFAULT_ALERT_FUNCTION_CONFIG, provenanceCheck: false, enrichment: null }, 1);
    aws.failShare('dynamodb', 1, ['error']);
    await expect(handler(envelope(record('pos-import-01.json')))).resolves.toMatchObject({ status: 'alerted' });
    expect(publishes(TOPIC)).toHaveLength(1);
    expect(telemetry.logs).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'idempotency store problem', destination: 'sns' }),
    );
    expect(telemetry.counts()).toMatchObject({ IdempotencyStoreErrors: 1 });
  });
});

describe('provenance check (S3 GetBucketLocation with ExpectedBucketOwner)', () => {
  const onlyProvenance: AlertFunctionConfig = {
    ...DEFAULT_ALERT_FUNCTION_CONFIG,
    enrichment: null,
    checkTimeoutMs: 500,
  };

  test("a bucket the event's account owns is verified with one request, which names the expected owner", async () => {
    aws.buckets.set('acme-ml-artifacts-111122223333', { owner: ACCOUNT });
    await pipeline(onlyProvenance)(envelope(record('pos-import-01.json')));
    const probes = of('s3');
    expect(probes).toHaveLength(1);
    expect(probes[0].method).toBe('GET');
    expect(probes[0].url).toBe('/acme-ml-artifacts-111122223333/?location=');
    expect(probes[0].headers['x-amz-expected-bucket-owner']).toBe(ACCOUNT);
    expect(snsAlert().context.provenance[0]).toMatchObject({ status: 'verified', owner: ACCOUNT });
  });

  test('a readable bucket no approved account owns makes the import CRITICAL, even with approved principal and location', async () => {
    aws.buckets.set('acme-ml-artifacts-111122223333', { owner: '999999999999' });
    const config: AlertFunctionConfig = {
      ...onlyProvenance,
      approvals: {
        principalArns: ['arn:aws:iam::*:user/ml-engineer'],
        s3Locations: ['s3://acme-ml-artifacts-111122223333/'],
        sourceAccounts: ['444455556666'],
      },
    };
    await pipeline(config)(envelope(record('pos-import-01.json')));
    expect(of('s3').map((r) => r.headers['x-amz-expected-bucket-owner'])).toEqual([ACCOUNT, '444455556666', undefined]);
    expect(publishes(TOPIC)[0].params.Subject).toBe(
      '[CRITICAL] Bedrock CreateModelImportJob in 111122223333/us-east-1',
    );
    expect(snsAlert().verdict.reasons.at(-1)).toBe(
      'provenance s3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/: not-owned, the bucket exists but none of 111122223333, 444455556666 owns it',
    );
  });

  test('when more accounts are approved than are probed, "none owns it" is not conclusive: unverifiable', async () => {
    aws.buckets.set('acme-ml-artifacts-111122223333', { owner: '999999999999' });
    const sourceAccounts = Array.from({ length: 12 }, (_, i) => String(200000000000 + i));
    await pipeline({ ...onlyProvenance, approvals: { sourceAccounts } })(envelope(record('pos-import-01.json')));
    expect(of('s3')).toHaveLength(11);
    expect(snsAlert().context.provenance[0]).toMatchObject({
      status: 'unverifiable',
      reason: 'none of the first 10 candidate accounts owns it, and the other approved accounts were not probed',
    });
    expect(snsAlert().verdict.kind).not.toBe('untrusted-source');
  });

  test.each([
    ['an unreadable bucket', { owner: '999999999999', readable: false }, 'the detector may not read the bucket'],
    ['a missing bucket', undefined, 'no such bucket'],
  ])('%s is unverifiable, and the alert still goes out', async (_what, bucket, reason) => {
    if (bucket) aws.buckets.set('acme-ml-artifacts-111122223333', bucket);
    await expect(pipeline(onlyProvenance)(envelope(record('pos-import-01.json')))).resolves.toMatchObject({
      status: 'alerted',
    });
    expect(snsAlert().context.provenance[0]).toMatchObject({
      status: 'unverifiable',
      reason: expect.stringContaining(reason),
    });
  });

  test('a check that times out is unverifiable ("timed out") and never holds the alert back', async () => {
    aws.buckets.set('acme-ml-artifacts-111122223333', { owner: ACCOUNT });
    aws.failNext('s3', 5, 'slow');
    const started = Date.now();
    await expect(pipeline(onlyProvenance, 1)(envelope(record('pos-import-01.json')))).resolves.toMatchObject({
      status: 'alerted',
    });
    expect(Date.now() - started).toBeLessThan(1400);
    expect(snsAlert().context.provenance[0]).toMatchObject({ status: 'unverifiable', reason: 'timed out' });
    expect(telemetry.counts()).toMatchObject({ Provenance_unverifiable: 1 });
  });
});

describe('enrichment (LookupEvents, first seen)', () => {
  const onlyEnrichment: AlertFunctionConfig = { ...DEFAULT_ALERT_FUNCTION_CONFIG, provenanceCheck: false };

  function priorCall(eventName: string, minutesBefore: number, i: number) {
    const r = record('pos-import-01.json');
    const t = Date.parse(String(r.eventTime)) - minutesBefore * 60_000;
    aws.history.push({
      EventId: `prior-${i}`,
      EventName: eventName,
      EventTime: t / 1000,
      Username: 'ml-engineer',
      EventSource: 'bedrock.amazonaws.com',
      CloudTrailEvent: JSON.stringify({ ...r, eventID: `prior-${i}`, eventName, eventTime: new Date(t).toISOString() }),
    });
  }

  test("the principal's enumeration before the import is in the alert; the lookup is one user, one window, bounded", async () => {
    priorCall('ListFoundationModels', 3, 1);
    priorCall('ListImportedModels', 7, 2);
    priorCall('ListCustomModels', 200, 3); // outside the window: not returned
    await pipeline(onlyEnrichment)(envelope(record('pos-import-01.json')));
    const [lookup] = of('cloudtrail', 'LookupEvents');
    expect(lookup.params).toEqual({
      LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'ml-engineer' }],
      StartTime: Date.parse('2026-03-11T08:14:27Z') / 1000,
      EndTime: Date.parse('2026-03-11T09:14:27Z') / 1000,
      MaxResults: 50,
    });
    expect(snsAlert().context.priorActivity).toEqual({
      status: 'found',
      windowMinutes: 60,
      scanned: 2,
      truncated: false,
      bedrockCalls: 2,
      byName: [
        { name: 'ListFoundationModels', count: 1 },
        { name: 'ListImportedModels', count: 1 },
      ],
      enumeration: ['ListFoundationModels', 'ListImportedModels'],
    });
    expect(JSON.parse(String(publishes(TOPIC)[0].params.Message)).default).toContain(
      'Enumeration before the call: ListFoundationModels, ListImportedModels',
    );
  });

  test('at most maxPages pages are read, and the alert says the history was cut', async () => {
    for (let i = 0; i < 130; i++) priorCall('ListFoundationModels', 1 + (i % 50), i);
    await pipeline({ ...onlyEnrichment, enrichment: { windowMinutes: 60, maxPages: 2, firstSeen: false } })(
      envelope(record('pos-import-01.json')),
    );
    expect(of('cloudtrail', 'LookupEvents')).toHaveLength(2);
    expect(snsAlert().context.priorActivity).toMatchObject({ scanned: 100, truncated: true, bedrockCalls: 100 });
  });

  test('a failing lookup leaves the context "unavailable" with the reason; the alert still goes out', async () => {
    aws.failShare('cloudtrail', 1, ['throttle']);
    await expect(pipeline(onlyEnrichment)(envelope(record('pos-import-01.json')))).resolves.toMatchObject({
      status: 'alerted',
    });
    expect(snsAlert().context.priorActivity).toEqual({
      status: 'unavailable',
      reason: 'LookupEvents failed: ThrottlingException (HTTP 429): injected fault',
    });
    expect(telemetry.counts()).toMatchObject({ EnrichmentUnavailable: 1 });
  });

  test('an event from another account (forwarded) is not looked up here, and the alert says why', async () => {
    const r = record('pos-import-01.json');
    r.recipientAccountId = '444455556666';
    await pipeline(onlyEnrichment)(envelope(r));
    expect(of('cloudtrail')).toHaveLength(0);
    expect(snsAlert().context.priorActivity).toEqual({
      status: 'unavailable',
      reason: 'the call was made in 444455556666/us-east-1; LookupEvents here sees only 111122223333/us-east-1',
    });
  });

  test('the second call by the same principal and IP is no longer new; a retry of the first still is', async () => {
    const handler = pipeline(onlyEnrichment);
    await handler(envelope(record('pos-import-01.json')));
    expect(snsAlert().context.firstSeen).toEqual({ principal: 'new', sourceIp: 'new', memoryDays: 100 });
    const { dynamoDb } = clients();
    await expect(firstSeen(dynamoDb, TABLE, record('pos-import-01.json'), 100, 500, Date.now())).resolves.toEqual({
      principal: 'new',
      sourceIp: 'new',
      memoryDays: 100,
    });
    aws.reset();
    const second = record('pos-import-01.json');
    second.eventID = 'b2e6c1d0-0000-4000-8000-000000000002';
    await handler(envelope(second));
    expect(snsAlert().context.firstSeen).toEqual({ principal: 'seen', sourceIp: 'seen', memoryDays: 100 });
    expect(of('dynamodb', 'PutItem').filter((r) => String(JSON.stringify(r.params)).includes('seen#'))).toHaveLength(2);
  });
});

describe('sweeps (backfill and reconciliation)', () => {
  function history(file: string, eventID: string, overrides: Record<string, unknown> = {}) {
    const r: Record<string, unknown> = { ...record(file), eventID, ...overrides };
    aws.history.push({
      EventId: eventID,
      EventName: String(r.eventName),
      EventTime: Date.parse(String(r.eventTime)) / 1000,
      Username: 'ml-engineer',
      CloudTrailEvent: JSON.stringify(r),
    });
    return r;
  }
  const sweepConfig: AlertFunctionConfig = {
    ...DEFAULT_ALERT_FUNCTION_CONFIG,
    provenanceCheck: false,
    enrichment: null,
  };
  const backfill = { bedrockSupplyChainSweep: { kind: 'backfill', lookbackMinutes: 129600 } };

  test('alerts on what EventBridge never delivered, once; what it did deliver is not repeated; failed calls are ignored', async () => {
    const now = Date.parse('2026-03-13T00:00:00Z');
    const handler = pipeline(sweepConfig, 2, () => now);
    const delivered = history('pos-import-01.json', 'aaaaaaaa-0000-4000-8000-000000000001');
    history('pos-deploy-01.json', 'aaaaaaaa-0000-4000-8000-000000000002');
    history('pos-mkt-register-01.json', 'aaaaaaaa-0000-4000-8000-000000000003');
    history('neg-import-accessdenied-01.json', 'aaaaaaaa-0000-4000-8000-000000000004');
    await handler(envelope(delivered));
    aws.requests.length = 0;

    await expect(handler(backfill)).resolves.toEqual({
      status: 'swept',
      kind: 'backfill',
      found: 4,
      alerted: 3,
      quiet: 0,
      regions: 0,
      ignored: 1,
    });
    // One query per watched call, over the whole window.
    const lookups = of('cloudtrail', 'LookupEvents');
    expect(lookups.map((l) => (l.params.LookupAttributes as { AttributeValue: string }[])[0].AttributeValue)).toEqual([
      'CreateModelImportJob',
      'CreateCustomModelDeployment',
      'CreateMarketplaceModelEndpoint',
      'RegisterMarketplaceModelEndpoint',
      'UpdateCustomModelDeployment',
      'CreateCustomModel',
      'CreateModelCopyJob',
    ]);
    expect(lookups[0].params).toMatchObject({ StartTime: (now - 90 * 86400_000) / 1000, EndTime: now / 1000 });
    // The already delivered import is not published again; the two others are, once each.
    // Oldest first: the marketplace registration (5 February) before the deployment (20 February).
    expect(publishes(TOPIC).map((p) => p.params.Subject)).toEqual([
      '[MEDIUM] Bedrock RegisterMarketplaceModelEndpoint in 111122223333/us-east-1',
      '[MEDIUM] Bedrock CreateCustomModelDeployment in 111122223333/us-east-1',
    ]);
    aws.requests.length = 0;
    await handler({ bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 129600 } });
    expect(publishes(TOPIC)).toHaveLength(0);
  });

  test('with the idempotency store down, a sweep sends nothing (it would repeat alerts) and reports each event', async () => {
    history('pos-deploy-01.json', 'aaaaaaaa-0000-4000-8000-000000000009');
    aws.failShare('dynamodb', 1, ['error']);
    const handler = pipeline(sweepConfig, 1, () => Date.parse('2026-03-13T00:00:00Z'));
    const run = handler(backfill);
    await expect(run).rejects.toThrow(
      /^backfill sweep incomplete \(1 found, 0 alerted\): sweep-aaaaaaaa-0000-4000-8000-000000000009: /,
    );
    expect(publishes(TOPIC)).toHaveLength(0);
  });

  test('a sweep that runs short of time has handled the oldest events, and says how many are left and from when', async () => {
    history('pos-deploy-01.json', 'aaaaaaaa-0000-4000-8000-000000000021');
    history('pos-mkt-register-01.json', 'aaaaaaaa-0000-4000-8000-000000000022');
    const handler = pipeline(sweepConfig, 2, () => Date.parse('2026-03-13T00:00:00Z'));
    // Plenty of time for reading the seven names' history and the first event, then 1 s left.
    let calls = 0;
    const context = {
      invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bedrock-supply-chain-alert`,
      getRemainingTimeInMillis: () => (++calls <= 8 ? 600_000 : 1_000),
    } as never;
    await expect(handler(backfill, context)).rejects.toThrow(
      'backfill sweep incomplete (2 found, 1 alerted): stopped before the function timeout with 1 events left, from 2026-02-20T11:22:33Z',
    );
    expect(publishes(TOPIC).map((p) => p.params.Subject)).toEqual([
      '[MEDIUM] Bedrock RegisterMarketplaceModelEndpoint in 111122223333/us-east-1',
    ]);
  });

  test('a sweep that cannot read CloudTrail fails visibly, naming what it missed', async () => {
    aws.failShare('cloudtrail', 1, ['error']);
    const run = pipeline(sweepConfig)(backfill);
    await expect(run).rejects.toThrow(SweepIncompleteError);
    await expect(run).rejects.toThrow(
      /^backfill sweep incomplete \(0 found, 0 alerted\): LookupEvents CreateModelImportJob: ServiceUnavailable \(HTTP 503\): injected fault; /,
    );
    expect(telemetry.counts()).toMatchObject({ SweepFailures: 1 });
  });

  test('a malformed sweep request is thrown (retried, then dead-lettered) with the reason', async () => {
    await expect(pipeline(sweepConfig)({ bedrockSupplyChainSweep: { kind: 'everything' } })).rejects.toThrow(
      `bedrockSupplyChainSweep.kind must be 'backfill', 'reconcile' or 'health', got "everything"`,
    );
  });
});

describe('verdicts follow from the props and the record, whatever the checks answer', () => {
  const approvals = {
    principalArns: ['arn:aws:iam::*:user/ml-engineer', 'arn:aws:iam::*:role/mlops-*'],
    s3Locations: ['s3://acme-ml-artifacts-111122223333/llama3-8b-ft/'],
    modelSourceIdentifiers: ['arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/*'],
  };
  const config: AlertFunctionConfig = { ...ALL_OUTPUTS, approvals };

  test.each([
    [
      'an approved principal importing from an approved, verified location',
      'pos-import-01.json',
      true,
      'quiet',
      undefined,
    ],
    ['the same with the bucket unreadable to the detector', 'pos-import-01.json', false, 'quiet', undefined],
    ['an unapproved principal', 'pos-deploy-01.json', true, 'alerted', '[HIGH]'],
  ])('%s: %s', async (_what, file, readable, status, severity) => {
    aws.buckets.set('acme-ml-artifacts-111122223333', { owner: ACCOUNT, readable });
    const r = record(file);
    if (file === 'pos-deploy-01.json')
      (r.userIdentity as Record<string, unknown>).arn = `arn:aws:iam::${ACCOUNT}:user/intern`;
    const result = await pipeline(config)(envelope(r));
    expect(result.status).toBe(status);
    if (severity) expect(String(publishes(TOPIC)[0].params.Subject)).toMatch(new RegExp(`^\\${severity}`));
    else expect(publishes(TOPIC)).toHaveLength(0);
  });

  test('observe mode delivers to no destination, with every output configured', async () => {
    await expect(
      pipeline({ ...config, mode: 'observe' })(envelope(record('pos-mkt-create-01.json'))),
    ).resolves.toMatchObject({
      status: 'quiet',
    });
    expect(aws.requests.filter((r) => ['sns', 'securityhub', 'events'].includes(r.service))).toEqual([]);
  });
});

describe('LookupEvents rate limit', () => {
  test('calls are spaced at least 500 ms apart (2 per second)', async () => {
    let clock = 0;
    const waits: number[] = [];
    const limiter = new MinInterval(
      500,
      () => clock,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    );
    for (let i = 0; i < 4; i++) await limiter.wait();
    expect(waits).toEqual([500, 500, 500]);
    clock += 2000;
    await limiter.wait();
    expect(waits).toHaveLength(3);
  });
});

describe('the bundled function, configured only through its environment', () => {
  test('one endpoint (AWS_ENDPOINT_URL) serves every client: idempotent delivery to every output', async () => {
    const bundle = bundledAlertFunction();
    const outfile = bundle.file;
    aws.buckets.set('acme-ml-artifacts-111122223333', { owner: '999999999999' });
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_LAMBDA_FUNCTION_NAME: 'bedrock-supply-chain-alert',
      ALERT_TOPIC_ARN: TOPIC,
      IDEMPOTENCY_TABLE: TABLE,
      DETECTOR_CONFIG: JSON.stringify({ ...ALL_OUTPUTS, approvals: { sourceAccounts: ['444455556666'] } }),
    });
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { handler } = require(outfile) as { handler: (e: unknown, c: unknown) => Promise<{ status: string }> };
      const context = {
        invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bedrock-supply-chain-alert`,
        getRemainingTimeInMillis: () => 600_000,
        functionName: 'bedrock-supply-chain-alert',
        awsRequestId: 'req-1',
      };
      await expect(handler(envelope(record('pos-import-01.json')), context)).resolves.toMatchObject({
        status: 'alerted',
      });
      await expect(handler(envelope(record('pos-import-01.json')), context)).resolves.toMatchObject({
        status: 'alerted',
      });
      expect(publishes(TOPIC)).toHaveLength(1);
      expect(publishes(TOPIC)[0].params.Subject).toBe(
        '[CRITICAL] Bedrock CreateModelImportJob in 111122223333/us-east-1',
      );
      expect(publishes(CHAT_TOPIC)).toHaveLength(1);
      expect(of('securityhub')).toHaveLength(1);
      expect(of('events', 'PutEvents')).toHaveLength(1);
      expect(of('s3').length).toBeGreaterThan(0);
      expect(of('cloudtrail', 'LookupEvents').length).toBeGreaterThan(0);
      // Structured JSON logs and EMF metrics from Powertools.
      expect(telemetry.logs).toContainEqual(
        expect.objectContaining({ level: 'INFO', message: 'alerted', service: 'bedrock-supply-chain' }),
      );
      expect(telemetry.counts()).toMatchObject({ AlertsPublished: 2 });
    } finally {
      process.env = saved;
      bundle.remove();
    }
  });
});
