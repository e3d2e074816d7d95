import * as fs from 'node:fs';
import * as path from 'node:path';

import { SNSClient } from '@aws-sdk/client-sns';

import { createHandler, UnprocessableEventError } from '../../lambda/alert/handler';
import { DEFAULT_ALERT_FUNCTION_CONFIG, type AlertFunctionConfig } from '../../lib/detection';
import { bundledAlertFunction } from '../support/bundle';
import { MANIFEST, envelope, record } from '../support/fixtures';
import { startLocalSns, type LocalSns } from '../support/sns-server';
import { captureTelemetry, type Telemetry } from '../support/telemetry';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:alerts';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

let server: LocalSns;
let telemetry: Telemetry;
beforeAll(async () => {
  server = await startLocalSns();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  telemetry = captureTelemetry();
});
afterEach(() => jest.restoreAllMocks());

/** The handler with SNS only (no checks, no other destinations): the issue-2 path. */
function handlerWith(config: AlertFunctionConfig = SNS_ONLY, maxAttempts = 3) {
  const sns = new SNSClient({ region: 'us-east-1', endpoint: server.endpoint, credentials: CREDENTIALS, maxAttempts });
  const handler = createHandler({ sns, topicArn: TOPIC, config });
  return { handler, logs: telemetry.logs, counts: () => telemetry.counts() };
}
const SNS_ONLY: AlertFunctionConfig = { ...DEFAULT_ALERT_FUNCTION_CONFIG, provenanceCheck: false, enrichment: null };

describe('alerting handler, with the real SNS client against a local endpoint', () => {
  test('publishes one alert for a watched call, and the wire request carries topic, subject, structure and attributes', async () => {
    const { handler, logs } = handlerWith();
    const result = await handler(envelope(record('pos-import-01.json')));
    expect(result).toEqual({
      status: 'alerted',
      eventId: '286400f3-b1ae-5e3b-af87-4f8e84209750',
      messageId: expect.any(String),
      deliveries: [{ destination: 'sns', ok: true, id: expect.any(String) }],
    });
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req.method).toBe('POST');
    expect(String(req.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sns\/aws4_request/,
    );
    const p = req.params;
    expect(p.Action ?? 'Publish').toBe('Publish');
    expect(p.TopicArn).toBe(TOPIC);
    expect(p.Subject).toBe('[MEDIUM] Bedrock CreateModelImportJob in 111122223333/us-east-1');
    expect(p.MessageStructure).toBe('json');
    const message = JSON.parse(String(p.Message));
    expect(message.default).toContain('s3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/');
    expect(JSON.parse(message.sqs)).toMatchObject({
      event: { name: 'CreateModelImportJob' },
      actor: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
    });
    expect(messageAttributes(p)).toEqual({
      category: 'model-supply-chain',
      verdict: 'unverified',
      severity: 'MEDIUM',
      eventName: 'CreateModelImportJob',
      account: '111122223333',
    });
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'alerted',
        service: 'bedrock-supply-chain',
        eventId: '286400f3-b1ae-5e3b-af87-4f8e84209750',
        deliveries: [{ destination: 'sns', ok: true, id: expect.any(String) }],
      }),
    ]);
    expect(telemetry.counts()).toEqual({ AlertsPublished: 1, Delivered: 1 });
  });

  test.each(MANIFEST.map((f) => [f.file, f.default]))(
    '%s: alerted iff the default profile matches it (%s)',
    async (file, expected) => {
      const { handler } = handlerWith();
      const result = await handler(envelope(record(file)));
      expect(result.status).toBe(expected ? 'alerted' : 'ignored');
      expect(server.requests).toHaveLength(expected ? 1 : 0);
    },
  );

  test('the extended profile and severity reach the alert', async () => {
    const { handler } = handlerWith({
      ...SNS_ONLY,
      profile: 'extended',
      severity: 'HIGH',
      riskScore: 73,
    });
    await handler(envelope(record('ext-create-model-copy-job-01.json')));
    const message = JSON.parse(String(server.requests[0].params.Message));
    // The copied model comes from another account: an untrusted source, whatever the default severity.
    expect(JSON.parse(message.lambda)).toMatchObject({
      verdict: { kind: 'untrusted-source' },
      severity: 'CRITICAL',
      riskScore: 99,
      event: { name: 'CreateModelCopyJob', profile: 'default' },
    });
  });

  test('a change to the detector is alerted as tampering, in the same format', async () => {
    const { handler } = handlerWith({ ...SNS_ONLY, guardrailPolicyIds: ['p-abcd1234'] });
    const tamper = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'tamper', 'lambda-concurrency-zero.json'), 'utf8'),
    );
    await expect(handler(envelope(tamper))).resolves.toMatchObject({ status: 'alerted' });
    const p = server.requests[0].params;
    expect(p.Subject).toBe('[HIGH] Bedrock detector tampered: PutFunctionConcurrency in 111122223333/us-east-1');
    expect(messageAttributes(p)).toMatchObject({ category: 'detector-tampering', severity: 'HIGH' });
    const message = JSON.parse(String(p.Message));
    expect(message.default).toContain(
      'DETECTOR RESOURCE CHANGED\n  functionName:          arn:aws:lambda:us-east-1:111122223333:function:bedrock-supply-chain-alert',
    );
    expect(JSON.parse(message.sqs)).toMatchObject({
      category: 'detector-tampering',
      mitre: { tactic: { id: 'TA0005' }, technique: { id: 'T1562' } },
      event: { name: 'PutFunctionConcurrency', source: 'lambda.amazonaws.com', profile: 'tamper' },
      target: [{ field: 'requestParameters.functionName' }],
    });
  });

  test('a change to something else is ignored', async () => {
    const { handler } = handlerWith();
    const other = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'tamper', 'lambda-other-function.json'), 'utf8'),
    );
    await expect(handler(envelope(other))).resolves.toMatchObject({ status: 'ignored', code: 'wrong-source' });
    expect(server.requests).toHaveLength(0);
  });

  test('an approved call is logged and counted but not published, unless notifyApproved', async () => {
    const approvals = {
      principalArns: ['arn:aws:iam::*:user/ml-engineer'],
      s3Locations: ['s3://acme-ml-artifacts-111122223333/'],
    };
    const quiet = handlerWith({ ...SNS_ONLY, approvals });
    await expect(quiet.handler(envelope(record('pos-import-01.json')))).resolves.toEqual({
      status: 'quiet',
      eventId: '286400f3-b1ae-5e3b-af87-4f8e84209750',
      reason: 'approved: the principal and every model source are approved',
    });
    expect(server.requests).toHaveLength(0);
    expect(quiet.logs).toEqual([expect.objectContaining({ verdict: 'approved', severity: 'INFORMATIONAL' })]);
    expect(quiet.counts()).toEqual({ AlertsNotNotified: 1 });

    const loud = handlerWith({ ...SNS_ONLY, approvals, notifyApproved: true });
    await loud.handler(envelope(record('pos-import-01.json')));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].params.Subject).toBe(
      '[INFORMATIONAL] Bedrock CreateModelImportJob in 111122223333/us-east-1',
    );
  });

  test('an import from outside the approved locations is published as critical, with the reasons', async () => {
    const { handler } = handlerWith({
      ...SNS_ONLY,
      approvals: { principalArns: ['arn:aws:iam::*:user/ml-engineer'], s3Locations: ['s3://acme-approved-models/'] },
    });
    await handler(envelope(record('pos-import-01.json')));
    const message = JSON.parse(String(server.requests[0].params.Message));
    expect(server.requests[0].params.Subject).toBe('[CRITICAL] Bedrock CreateModelImportJob in 111122223333/us-east-1');
    expect(message.default).toContain(
      // The deciding reason first.
      'VERDICT: untrusted-source\n  - source modelDataSource.s3DataSource.s3Uri: s3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/ is outside the approved S3 locations\n  - principal: arn:aws:iam::111122223333:user/ml-engineer is approved',
    );
    expect(JSON.parse(message.sqs).verdict.kind).toBe('untrusted-source');
  });

  test('observe mode logs and counts every alert, tampering included, and publishes none', async () => {
    const { handler, logs } = handlerWith({ ...SNS_ONLY, mode: 'observe' });
    await expect(handler(envelope(record('pos-mkt-create-01.json')))).resolves.toMatchObject({ status: 'quiet' });
    const tamper = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'tamper', 'sqs-purge-dead-letters.json'), 'utf8'),
    );
    await expect(handler(envelope(tamper))).resolves.toMatchObject({ status: 'quiet' });
    expect(server.requests).toHaveLength(0);
    expect(logs.map((l) => [l.category, l.message])).toEqual([
      ['model-supply-chain', 'not notified: observe mode: logged and counted, not notified'],
      ['detector-tampering', 'not notified: observe mode: logged and counted, not notified'],
    ]);
  });

  test('non-ASCII text travels intact over the wire', async () => {
    const { handler } = handlerWith();
    await handler(envelope(record('pos-import-unicode-01.json')));
    expect(JSON.parse(String(server.requests[0].params.Message)).default).toContain('モデル/日本語-v1/');
  });

  test("a record at CloudTrail's field cap is alerted with a message within the SNS limit", async () => {
    const { handler } = handlerWith();
    const detail = record('pos-deploy-01.json');
    const request = detail.requestParameters as Record<string, unknown>;
    request.description = 'ü'.repeat(100_000);
    request.modelArn = `arn:aws:bedrock:us-east-1:111122223333:custom-model/imported/${'x'.repeat(100_000)}`;
    detail.userAgent = '🧪'.repeat(50_000);
    await expect(handler(envelope(detail))).resolves.toMatchObject({ status: 'alerted' });
    const message = String(server.requests[0].params.Message);
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThan(256 * 1024);
    const alert = JSON.parse(JSON.parse(message).sqs);
    expect(alert.modelSource[0].value).toMatch(/\[truncated: \d+ more characters\]$/);
  });

  test('an unwatched event is logged with its reason and counted, not published', async () => {
    const { handler, logs } = handlerWith();
    const result = await handler(envelope(record('neg-import-accessdenied-01.json')));
    expect(result).toEqual({
      status: 'ignored',
      code: 'failed-call',
      reason: 'the call failed (errorCode "AccessDenied")',
    });
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'ignored: the call failed (errorCode "AccessDenied"), and not a change to the detector',
        code: 'failed-call',
      }),
    ]);
    expect(telemetry.metrics).toEqual([
      expect.objectContaining({
        EventsIgnored: 1,
        _aws: expect.objectContaining({
          CloudWatchMetrics: [expect.objectContaining({ Namespace: 'BedrockModelSupplyChain' })],
        }),
      }),
    ]);
    expect(server.requests).toHaveLength(0);
  });

  test.each([
    ['a string', 'hello', 'expected an EventBridge event object, got a string'],
    ['null', null, 'expected an EventBridge event object, got null'],
    ['an array', [], 'expected an EventBridge event object, got an array'],
  ])('throws for %s, so Lambda retries and dead-letters it', async (_what, event, message) => {
    const { handler } = handlerWith();
    await expect(handler(event)).rejects.toThrow(new UnprocessableEventError(message));
  });

  test('throws when a matching event has no record object to read', async () => {
    const { handler } = handlerWith();
    const event = {
      source: 'aws.bedrock',
      'detail-type': 'AWS API Call via CloudTrail',
      'detail.eventSource': 'bedrock.amazonaws.com',
      'detail.eventName': 'CreateModelImportJob',
    };
    await expect(handler(event)).rejects.toThrow(
      'event matched CreateModelImportJob but its detail is missing, not a CloudTrail record object',
    );
  });

  test('a failing SNS endpoint makes the handler throw after the SDK retries, so nothing is dropped', async () => {
    const { handler } = handlerWith(SNS_ONLY, 2);
    server.failNext(2, 500);
    await expect(handler(envelope(record('pos-deploy-01.json')))).rejects.toThrow(
      /^event 26d587b6-2b19-5caf-84f5-d0b919c61484 \(CreateCustomModelDeployment\): sns failed: InternalErrorException \(HTTP 500\): injected$/,
    );
    expect(server.requests).toHaveLength(2);
    // A transient failure the SDK's retry absorbs still alerts once.
    server.requests.length = 0;
    server.failNext(1, 500);
    await expect(handler(envelope(record('pos-deploy-01.json')))).resolves.toMatchObject({ status: 'alerted' });
    expect(server.requests).toHaveLength(2);
  });
});

describe('the bundled handler', () => {
  // Bundled exactly as the package ships it, then loaded as Lambda would: configuration and the SNS
  // endpoint come from the environment.
  test('publishes through the endpoint in AWS_ENDPOINT_URL_SNS and reads DETECTOR_CONFIG', async () => {
    const bundle = bundledAlertFunction();
    const outfile = bundle.file;
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SNS: server.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      ALERT_TOPIC_ARN: TOPIC,
      DETECTOR_CONFIG: JSON.stringify({
        profile: 'default',
        additionalEventNames: [],
        severity: 'CRITICAL',
        riskScore: 99,
        // Only SNS is served here (the pipeline test serves every client); nothing may go elsewhere.
        provenanceCheck: false,
        enrichment: null,
      }),
    });
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { handler } = require(outfile) as { handler: (e: unknown) => Promise<{ status: string }> };
      await expect(handler(envelope(record('pos-mkt-register-01.json')))).resolves.toMatchObject({ status: 'alerted' });
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0].params.Subject).toBe(
        '[CRITICAL] Bedrock RegisterMarketplaceModelEndpoint in 111122223333/us-east-1',
      );
    } finally {
      process.env = saved;
      bundle.remove();
    }
  });
});

/** MessageAttributes from either wire protocol, as name → string value. */
function messageAttributes(p: Record<string, unknown>): Record<string, string> {
  if (p.MessageAttributes && typeof p.MessageAttributes === 'object') {
    return Object.fromEntries(
      Object.entries(p.MessageAttributes as Record<string, { StringValue: string }>).map(([k, v]) => [
        k,
        v.StringValue,
      ]),
    );
  }
  const out: Record<string, string> = {};
  for (let i = 1; p[`MessageAttributes.entry.${i}.Name`] !== undefined; i++) {
    out[String(p[`MessageAttributes.entry.${i}.Name`])] = String(p[`MessageAttributes.entry.${i}.Value.StringValue`]);
  }
  return out;
}
