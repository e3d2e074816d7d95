/* eslint-disable @typescript-eslint/no-explicit-any -- the alerts are read as the JSON they are */
// The paths issue 12 added to the function, over the wire (real SDK clients against the local
// server): the other event sources and their relevance checks, blinding and escape, the sweep of the
// regions no rule watches, and the optional signals.

import * as fs from 'node:fs';
import * as path from 'node:path';

import { BedrockClient } from '@aws-sdk/client-bedrock';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';

import { createHandler } from '../../lambda/alert/handler';
import { MinInterval } from '../../lambda/alert/lookup';
import {
  DEFAULT_ALERT_FUNCTION_CONFIG,
  SOURCE_PROFILES,
  resolveWatchedCalls,
  type AlertFunctionConfig,
} from '../../lib/detection';
import { startLocalAws, type LocalAws, type Service } from '../../tools/local-aws/server';
import { bundledAlertFunction } from '../support/bundle';
import { envelope, record, tamperRecord } from '../support/fixtures';
import { captureTelemetry, type Telemetry } from '../support/telemetry';

const ACCOUNT = '111122223333';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`;
const TABLE = 'bedrock-supply-chain-idempotency';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const ENVIRONMENT = { account: ACCOUNT, region: 'us-east-1', partition: 'aws' };
const ORG_TRAIL = 'aws-controltower-BaselineCloudTrail';

const BASE: AlertFunctionConfig = {
  ...DEFAULT_ALERT_FUNCTION_CONFIG,
  profile: 'extended',
  sourceProfiles: [...SOURCE_PROFILES],
  provenanceCheck: false,
  enrichment: null,
  checkTimeoutMs: 500,
  trail: { kind: 'organization', name: ORG_TRAIL },
};

let aws: LocalAws;
let telemetry: Telemetry;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());
beforeEach(() => {
  aws.reset();
  aws.items.clear();
  aws.history.length = 0;
  aws.trails.length = 0;
  aws.marketplaceEndpoints.length = 0;
  aws.subscriptions.clear();
  aws.enabledRegions.splice(0, aws.enabledRegions.length, 'us-east-1', 'us-west-2', 'eu-west-1');
  telemetry = captureTelemetry();
});
afterEach(() => jest.restoreAllMocks());

function handlerWith(config: Partial<AlertFunctionConfig> = {}, now?: () => number) {
  const common = { region: 'us-east-1', endpoint: aws.endpoint, credentials: CREDENTIALS, maxAttempts: 1 };
  return createHandler({
    sns: new SNSClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    cloudTrail: new CloudTrailClient(common),
    dynamoDb: new DynamoDBClient(common),
    bedrock: new BedrockClient(common),
    ec2: new EC2Client(common),
    cloudTrailIn: (region) => new CloudTrailClient({ ...common, region }),
    topicArn: TOPIC,
    config: { ...BASE, ...config },
    idempotencyTable: TABLE,
    environment: ENVIRONMENT,
    lookupLimiter: new MinInterval(0),
    now,
  });
}

const of = (service: Service, operation?: string) =>
  aws.requests.filter((r) => r.service === service && (!operation || r.operation === operation));
const alerts = () =>
  of('sns', 'Publish').map((r) => JSON.parse(JSON.parse(String(r.params.Message)).sqs) as Record<string, any>);

describe('other event sources', () => {
  test('a RAM share of a custom model is alerted with what was shared and with whom; a subnet share is not matched', async () => {
    const handler = handlerWith();
    await expect(handler(envelope(record('src-ram-share-custom-model-01.json')))).resolves.toMatchObject({
      status: 'alerted',
    });
    await expect(handler(envelope(record('neg-ram-share-subnet-01.json')))).resolves.toMatchObject({
      status: 'ignored',
    });
    const [alert] = alerts();
    expect(alert).toMatchObject({
      event: { name: 'CreateResourceShare', source: 'ram.amazonaws.com', profile: 'ram-model-sharing' },
      target: expect.arrayContaining([expect.objectContaining({ label: 'Shared with', value: '["444455556666"]' })]),
    });
  });

  test('a SageMaker endpoint update is alerted only when Bedrock has the endpoint registered', async () => {
    const handler = handlerWith();
    // Not registered: logged and counted, not alerted.
    await expect(handler(envelope(record('src-sagemaker-update-endpoint-01.json')))).resolves.toMatchObject({
      status: 'ignored',
      code: 'not-relevant',
      reason: 'the SageMaker endpoint self-built-llm is not registered with Bedrock',
    });
    expect(of('bedrock', 'ListMarketplaceModelEndpoints')).toHaveLength(1);
    // Registered: alerted, saying so.
    aws.marketplaceEndpoints.push(`arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/self-built-llm`);
    const second = record('src-sagemaker-update-endpoint-01.json');
    second.eventID = 'b2e6c1d0-0000-4000-8000-000000000101';
    await expect(handler(envelope(second))).resolves.toMatchObject({ status: 'alerted' });
    expect(alerts()[0].notes).toContain(
      `The SageMaker endpoint is registered with Bedrock as arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/self-built-llm.`,
    );
  });

  test('a registration check that fails does not drop the event: it is alerted, saying the check could not tell', async () => {
    aws.failNext('bedrock', 5, 'error');
    await expect(handlerWith()(envelope(record('src-sagemaker-update-endpoint-01.json')))).resolves.toMatchObject({
      status: 'alerted',
    });
    expect(alerts()[0].notes.join(' ')).toMatch(/could not be checked: ListMarketplaceModelEndpoints failed/);
    expect(telemetry.counts()).toMatchObject({ EndpointRegistration_unknown: 1 });
  });

  test('an AgentCore harness wired outside Bedrock is an untrusted source; one on a Bedrock model stays quiet', async () => {
    const handler = handlerWith();
    await expect(handler(envelope(record('src-agentcore-harness-openai-01.json')))).resolves.toMatchObject({
      status: 'alerted',
    });
    await expect(handler(envelope(record('neg-agentcore-harness-bedrock-01.json')))).resolves.toMatchObject({
      status: 'ignored',
      code: 'not-relevant',
    });
    const [alert] = alerts();
    expect(alert).toMatchObject({
      verdict: { kind: 'untrusted-source' },
      modelSource: expect.arrayContaining([
        expect.objectContaining({ kind: 'outsideEndpoint', value: 'https://llm-proxy.attacker.example/v1' }),
      ]),
    });
  });

  test('a bedrock-mantle customised model names its bearer token', async () => {
    await handlerWith()(envelope(record('src-mantle-customized-01.json')));
    expect(alerts()[0]).toMatchObject({
      event: { source: 'bedrock-mantle.amazonaws.com' },
      session: { bearerToken: true, console: false },
    });
  });
});

describe('what the alert says', () => {
  test('the person behind an Identity Center session, the VPC endpoint and the console session', async () => {
    await handlerWith({ profile: 'default', sourceProfiles: [] })(envelope(record('pos-import-vpce-console-01.json')));
    expect(alerts()[0]).toMatchObject({
      actor: { human: 'jane.doe@example.com (IAM Identity Center, permission set MLPlatformAdmin)' },
      session: { vpcEndpointId: 'vpce-0a1b2c3d4e5f67890', console: true, bearerToken: false },
    });
  });

  test('a copy from another region of the account is never approved on the principal alone, and says where from', async () => {
    const approvals = { principalArns: ['arn:aws:iam::*:role/ml-deployer-instance-role'] };
    await handlerWith({ approvals, profile: 'default', sourceProfiles: [] })(
      envelope(record('pos-copy-cross-region-01.json')),
    );
    expect(alerts()[0].verdict).toEqual({
      kind: 'unverified',
      reasons: [
        'source sourceModelArn: copied from account 111122223333, region ap-southeast-3: another region of this account, where its import was not judged by this detector',
        'principal: arn:aws:iam::111122223333:role/ml-deployer-instance-role is approved',
      ],
    });
  });

  test('a marketplace registration with a null model source is never approved, and the response fits the verdict', async () => {
    const approvals = {
      principalArns: ['arn:aws:iam::*:role/ml-deployer-instance-role'],
      modelSourceIdentifiers: ['arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/*'],
    };
    await handlerWith({ approvals, notifyApproved: true })(envelope(record('pos-mkt-register-null-source-01.json')));
    const [alert] = alerts();
    expect(alert.verdict).toMatchObject({ kind: 'unverified' });
    expect((alert.verdict as { reasons: string[] }).reasons[0]).toBe(
      'source modelSourceIdentifier: missing or null in the record, so this call is never approved',
    );
  });
});

describe('escape and blinding', () => {
  test.each([
    ['org-move-account.json', 'organizations:MoveAccount'],
    ['org-leave-organization.json', 'organizations:LeaveOrganization'],
    ['org-disable-service-access-cloudtrail.json', 'organizations:DisableAWSServiceAccess'],
    ['account-enable-region.json', 'account:EnableRegion'],
    ['cloudtrail-stop-logging-org-trail.json', 'cloudtrail:StopLogging'],
  ])('%s is alerted (%s)', async (file, action) => {
    await expect(handlerWith()(envelope(tamperRecord(file)))).resolves.toMatchObject({ status: 'alerted' });
    expect(alerts()[0]).toMatchObject({ category: 'detector-tampering', title: expect.stringContaining(action) });
  });

  test('a service access disabled for another service stays quiet', async () => {
    await expect(handlerWith()(envelope(tamperRecord('org-disable-service-access-other.json')))).resolves.toMatchObject(
      {
        status: 'ignored',
      },
    );
  });
});

describe('the trail health check', () => {
  const healthy = {
    TrailARN: `arn:aws:cloudtrail:us-east-1:999988887777:trail/${ORG_TRAIL}`,
    Name: ORG_TRAIL,
    IsMultiRegionTrail: true,
    IsOrganizationTrail: true,
    IsLogging: true,
    selectors: { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] },
  };
  const health = { bedrockSupplyChainSweep: { kind: 'health', lookbackMinutes: 60 } };

  test('healthy: nothing alerted; blind: alerted once, with what is wrong; recovered: alerted once', async () => {
    aws.trails.push({ ...healthy });
    let now = Date.parse('2026-03-01T10:00:00Z');
    const handler = handlerWith({}, () => now);
    await expect(handler(health)).resolves.toMatchObject({ health: 'healthy', alerted: null });
    expect(alerts()).toHaveLength(0);

    aws.trails[0] = { ...healthy, IsLogging: false, selectors: { EventSelectors: [{ ReadWriteType: 'ReadOnly' }] } };
    now += 3_600_000;
    await expect(handler(health)).resolves.toMatchObject({ health: 'blind', alerted: 'blind' });
    now += 3_600_000;
    await expect(handler(health)).resolves.toMatchObject({ health: 'blind', alerted: null });
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toMatchObject({
      category: 'detector-tampering',
      severity: 'HIGH',
      title: `Bedrock supply-chain detector blind: the trail ${ORG_TRAIL} stopped recording what it needs`,
    });
    expect(alerts()[0].summary).toContain('logging is stopped (StopLogging)');
    expect(alerts()[0].summary).toContain('record no write management events');

    aws.trails[0] = { ...healthy };
    now += 3_600_000;
    await expect(handler(health)).resolves.toMatchObject({ health: 'healthy', alerted: 'recovered' });
    expect(alerts()).toHaveLength(2);
    expect(alerts()[1]).toMatchObject({ severity: 'INFORMATIONAL', title: expect.stringContaining('recovered') });
  });

  test('a deleted trail known by its ARN is blind; a status that cannot be read is unknown, never healthy or blind', async () => {
    const handler = handlerWith({ trail: { kind: 'organization', name: ORG_TRAIL, arn: healthy.TrailARN } });
    await expect(handler(health)).resolves.toMatchObject({ health: 'blind', problems: ['the trail no longer exists'] });
    aws.trails.push({ ...healthy, statusDenied: true });
    aws.items.clear();
    await expect(handler(health)).resolves.toMatchObject({
      health: 'unknown',
      problems: [expect.stringMatching(/^GetTrailStatus failed: AccessDenied/)],
    });
    expect(telemetry.counts()).toMatchObject({ TrailHealth_unknown: 1 });
  });

  test('an organisation trail known by name only that this account cannot see is unknown, not blind', async () => {
    const handler = handlerWith();
    aws.trails.push({ ...healthy, TrailARN: 'arn:aws:cloudtrail:us-east-1:999988887777:trail/other', Name: 'other' });
    await expect(handler(health)).resolves.toMatchObject({
      health: 'unknown',
      problems: [expect.stringContaining(`the organisation trail ${ORG_TRAIL} is not among the 1 trails`)],
    });
    expect(alerts()).toHaveLength(0);
    // A trail the detector created, known by name, that is gone is blind.
    const own = handlerWith({ trail: { kind: 'create', name: 'bedrock-supply-chain-trail' } });
    await expect(own(health)).resolves.toMatchObject({ health: 'blind', alerted: 'blind' });
  });

  test('the trail is listed with its shadow trails and read by the ARN listed', async () => {
    aws.trails.push({ ...healthy });
    await expect(handlerWith()(health)).resolves.toMatchObject({ health: 'healthy' });
    const described = of('cloudtrail', 'DescribeTrails');
    expect(described).toHaveLength(1);
    expect(described[0].params).toEqual({ includeShadowTrails: true });
    expect(of('cloudtrail', 'GetTrailStatus')[0].params).toEqual({ Name: healthy.TrailARN });
    expect(of('cloudtrail', 'GetEventSelectors')[0].params).toEqual({ TrailName: healthy.TrailARN });
  });

  test('advanced selectors: management events read-only is blind; all management events is healthy', async () => {
    const handler = handlerWith();
    aws.trails.push({
      ...healthy,
      selectors: {
        AdvancedEventSelectors: [
          {
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Management'] },
              { Field: 'readOnly', Equals: ['true'] },
            ],
          },
        ],
      },
    });
    await expect(handler(health)).resolves.toMatchObject({ health: 'blind' });
    aws.trails[0] = {
      ...healthy,
      selectors: { AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] },
    };
    aws.items.clear();
    await expect(handler(health)).resolves.toMatchObject({ health: 'healthy' });
  });
});

describe('the reconciliation sweep of the regions no rule watches', () => {
  test('reads every enabled region but the watched ones, by event source, and alerts what it finds there', async () => {
    const hidden = record('pos-import-01.json');
    hidden.awsRegion = 'eu-west-1';
    hidden.eventID = 'b2e6c1d0-0000-4000-8000-000000000201';
    const when = Date.parse('2026-03-01T09:50:00Z');
    hidden.eventTime = new Date(when).toISOString();
    aws.history.push({
      EventId: String(hidden.eventID),
      EventName: 'CreateModelImportJob',
      EventSource: 'bedrock.amazonaws.com',
      EventTime: when / 1000,
      CloudTrailEvent: JSON.stringify(hidden),
      region: 'eu-west-1',
    });
    const handler = handlerWith({ profile: 'default', sourceProfiles: [], watchedRegions: ['us-west-2'] }, () =>
      Date.parse('2026-03-01T10:00:00Z'),
    );
    await expect(
      handler({ bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 120 } }),
    ).resolves.toMatchObject({
      status: 'swept',
      regions: 1,
      alerted: 1,
    });
    // Only eu-west-1 was read by event source (us-east-1 is the function's own, us-west-2 is watched).
    const elsewhere = of('cloudtrail', 'LookupEvents').filter((r) => r.region !== 'us-east-1');
    expect(
      elsewhere.map((r) => [r.region, (r.params.LookupAttributes as { AttributeValue: string }[])[0].AttributeValue]),
    ).toEqual([['eu-west-1', 'bedrock.amazonaws.com']]);
    expect(alerts()[0]).toMatchObject({ event: { region: 'eu-west-1', name: 'CreateModelImportJob' } });
  });

  test('without watchedRegions in the configuration (null), no other region is read', async () => {
    const handler = handlerWith({ profile: 'default', sourceProfiles: [], watchedRegions: null });
    await handler({ bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 60 } });
    expect(of('ec2')).toHaveLength(0);
    expect(of('cloudtrail', 'LookupEvents').every((r) => r.region === 'us-east-1')).toBe(true);
  });

  test('calls of a watched event source that no rule watches are not counted as found', async () => {
    const when = Date.parse('2026-03-01T09:50:00Z');
    for (const [i, name] of ['GetCustomModel', 'ListFoundationModels', 'InvokeModel'].entries()) {
      aws.history.push({
        EventId: `b2e6c1d0-0000-4000-8000-00000000021${i}`,
        EventName: name,
        EventSource: 'bedrock.amazonaws.com',
        EventTime: when / 1000,
        CloudTrailEvent: '{"not": "read"}',
        region: 'eu-west-1',
      });
    }
    const handler = handlerWith({ profile: 'default', sourceProfiles: [], watchedRegions: ['us-west-2'] }, () =>
      Date.parse('2026-03-01T10:00:00Z'),
    );
    await expect(
      handler({ bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 120 } }),
    ).resolves.toMatchObject({ status: 'swept', regions: 1, found: 0, alerted: 0, ignored: 0 });
  });

  test('a region that cannot be listed or read makes the sweep incomplete, naming it', async () => {
    const handler = handlerWith({ profile: 'default', sourceProfiles: [], watchedRegions: ['us-west-2'] }, () =>
      Date.parse('2026-03-01T10:00:00Z'),
    );
    const sweep = { bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 60 } };
    aws.failNext('ec2', 1);
    await expect(handler(sweep)).rejects.toThrow(/reconcile sweep incomplete .*DescribeRegions: /);
    aws.reset();
    // The function's own region reads one series per watched call first; the next read is eu-west-1's.
    const ownReads = resolveWatchedCalls({ profile: 'default' }).length;
    await handler(sweep);
    expect(of('cloudtrail', 'LookupEvents')).toHaveLength(ownReads + 1);
    // A region whose history cannot be read (here: nothing listens where its client points).
    const common = { region: 'us-east-1', endpoint: aws.endpoint, credentials: CREDENTIALS, maxAttempts: 1 };
    const unreadable = createHandler({
      sns: new SNSClient(common),
      cloudTrail: new CloudTrailClient(common),
      dynamoDb: new DynamoDBClient(common),
      ec2: new EC2Client(common),
      cloudTrailIn: (region) => new CloudTrailClient({ ...common, region, endpoint: 'http://127.0.0.1:9' }),
      topicArn: TOPIC,
      config: { ...BASE, profile: 'default', sourceProfiles: [], watchedRegions: ['us-west-2'] },
      idempotencyTable: TABLE,
      environment: ENVIRONMENT,
      lookupLimiter: new MinInterval(0),
    });
    await expect(unreadable(sweep)).rejects.toThrow(/LookupEvents eu-west-1 bedrock.amazonaws.com: /);
    expect(telemetry.counts()).toMatchObject({ SweepFailures: 2 });
  });

  test('without an EC2 client (the module missing at run time), the sweep says the regions were not swept', async () => {
    const common = { region: 'us-east-1', endpoint: aws.endpoint, credentials: CREDENTIALS, maxAttempts: 1 };
    const handler = createHandler({
      sns: new SNSClient(common),
      cloudTrail: new CloudTrailClient(common),
      dynamoDb: new DynamoDBClient(common),
      topicArn: TOPIC,
      config: { ...BASE, profile: 'default', sourceProfiles: [], watchedRegions: ['us-west-2'] },
      idempotencyTable: TABLE,
      environment: ENVIRONMENT,
      lookupLimiter: new MinInterval(0),
    });
    await expect(handler({ bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 60 } })).rejects.toThrow(
      /no EC2 or regional CloudTrail client: the regions no rule watches were not swept/,
    );
  });
});

describe('optional signals', () => {
  test('probing: the third failed watched call by one principal within the hour is alerted, once', async () => {
    const handler = handlerWith({ signals: { probing: true, probeThreshold: 3, createThenDelete: false } });
    for (let i = 0; i < 5; i++) {
      const failed = record('neg-import-accessdenied-01.json');
      failed.eventID = `b2e6c1d0-0000-4000-8000-00000000030${i}`;
      await handler(envelope(failed));
    }
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toMatchObject({ category: 'failed-attempts', severity: 'LOW' });
    expect(telemetry.counts()).toMatchObject({ FailedAttempts: 5 });
  });

  test('probing: a redelivered failure is not counted twice; the threshold alert that failed to send is sent on retry', async () => {
    const handler = handlerWith({ signals: { probing: true, probeThreshold: 3, createThenDelete: false } });
    const failure = (i: number) => {
      const failed = record('neg-import-accessdenied-01.json');
      failed.eventID = `b2e6c1d0-0000-4000-8000-00000000031${i}`;
      return envelope(failed);
    };
    // The first failure, delivered three times, is one failure.
    for (let n = 0; n < 3; n++) {
      await expect(handler(failure(0))).resolves.toMatchObject({ reason: 'failed attempt 1 of 3 within the hour' });
    }
    await handler(failure(1));
    // The third reaches the threshold, but the alert cannot be published: the event fails (Lambda retries).
    aws.failNext('sns', 1);
    await expect(handler(failure(2))).rejects.toThrow(/sns/);
    aws.reset(); // forget the failed request
    // The retry finds the event in its place, the third, and alerts; later failures stay quiet.
    await expect(handler(failure(2))).resolves.toMatchObject({ status: 'alerted' });
    await expect(handler(failure(3))).resolves.toMatchObject({
      status: 'quiet',
      reason: 'failed attempt beyond the threshold of 3 within the hour (already alerted)',
    });
    await expect(handler(failure(2))).resolves.toMatchObject({ status: 'alerted' });
    expect(alerts()).toHaveLength(1);
    const stored = [...aws.items.values()].find((i) => String(i.id.S).startsWith('probe#'));
    expect(stored?.events).toEqual({
      L: [0, 1, 2].map((i) => ({ S: `b2e6c1d0-0000-4000-8000-00000000031${i}` })),
    });
  });

  test('create-then-delete: a delete by the creator within a day is alerted; by someone else it is not', async () => {
    const handler = handlerWith({
      profile: 'default',
      sourceProfiles: [],
      signals: { probing: false, probeThreshold: 3, createThenDelete: true },
    });
    const created = record('pos-import-vpce-console-01.json');
    created.eventTime = '2026-03-01T10:00:00Z';
    await handler(envelope(created));
    const deleted = record('sig-delete-imported-model-01.json');
    deleted.userIdentity = created.userIdentity;
    deleted.eventTime = '2026-03-01T12:00:00Z';
    (deleted.requestParameters as Record<string, unknown>).modelIdentifier = 'console-import';
    await expect(handler(envelope(deleted))).resolves.toMatchObject({ status: 'alerted' });
    const alert = alerts()[1];
    expect(alert).toMatchObject({ category: 'create-then-delete', severity: 'LOW' });
    expect(alert.notes.join(' ')).toContain('created this same resource');

    const other = record('sig-delete-imported-model-01.json');
    other.eventID = 'b2e6c1d0-0000-4000-8000-000000000401';
    await expect(handler(envelope(other))).resolves.toMatchObject({ status: 'ignored', code: 'not-relevant' });
  });
});

describe('the bundled function where the runtime lacks an optional SDK client', () => {
  test('without @aws-sdk/client-ec2 it still loads, alerts, and reports the regions it could not sweep', async () => {
    // The bundle in a folder whose node_modules has every package of this checkout but client-ec2.
    const bundle = bundledAlertFunction();
    const dir = path.dirname(bundle.file);
    const real = path.join(__dirname, '..', '..', 'node_modules');
    fs.unlinkSync(path.join(dir, 'node_modules'));
    fs.mkdirSync(path.join(dir, 'node_modules', '@aws-sdk'), { recursive: true });
    for (const entry of fs.readdirSync(real)) {
      if (entry !== '@aws-sdk') fs.symlinkSync(path.join(real, entry), path.join(dir, 'node_modules', entry));
    }
    for (const entry of fs.readdirSync(path.join(real, '@aws-sdk'))) {
      if (entry === 'client-ec2') continue;
      fs.symlinkSync(path.join(real, '@aws-sdk', entry), path.join(dir, 'node_modules', '@aws-sdk', entry));
    }
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      ALERT_TOPIC_ARN: TOPIC,
      DETECTOR_CONFIG: JSON.stringify({ provenanceCheck: false, enrichment: null, watchedRegions: ['us-west-2'] }),
    });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { handler } = require(bundle.file) as { handler: (e: unknown) => Promise<{ status: string }> };
      await expect(handler(envelope(record('pos-import-01.json')))).resolves.toMatchObject({ status: 'alerted' });
      await expect(handler({ bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 5 } })).rejects.toThrow(
        /no EC2 or regional CloudTrail client: the regions no rule watches were not swept/,
      );
      expect(errors.mock.calls.map((c) => String(c[0]))).toContainEqual(
        expect.stringContaining('@aws-sdk/client-ec2 could not be loaded'),
      );
      expect(of('ec2')).toHaveLength(0);
    } finally {
      process.env = saved;
      bundle.remove();
    }
  });
});

describe("the alert topic's subscriptions (what no SCP can stop)", () => {
  const health = { bedrockSupplyChainSweep: { kind: 'health', lookbackMinutes: 60 } };
  const sub = (n: number, protocol = 'email') => ({
    SubscriptionArn: `${TOPIC}:0b6941c3-f04d-4d3e-a66d-00000000000${n}`,
    Protocol: protocol,
    Endpoint: `secops-${n}@example.com`,
  });

  test('a confirmed subscription that disappears is alerted once; pending ones are not counted; pages are followed', async () => {
    aws.subscriptions.set(TOPIC, [sub(1), sub(2), { ...sub(3), SubscriptionArn: 'PendingConfirmation' }]);
    let now = Date.parse('2026-03-01T10:00:00Z');
    const handler = handlerWith({}, () => now);
    // First check: remembered as two confirmed subscriptions, nothing alerted.
    await expect(handler(health)).resolves.toMatchObject({
      subscriptions: { status: 'checked', confirmed: 2, removed: [] },
    });
    expect(of('sns', 'ListSubscriptionsByTopic').map((r) => r.params.NextToken ?? null)).toEqual([null, '2']);
    expect(alerts()).toHaveLength(0);

    // Someone clicks the unsubscribe link of one e-mail.
    aws.subscriptions.set(TOPIC, [sub(2), { ...sub(3), SubscriptionArn: 'PendingConfirmation' }]);
    now += 3_600_000;
    await expect(handler(health)).resolves.toMatchObject({
      subscriptions: { status: 'checked', confirmed: 1, removed: [sub(1).SubscriptionArn] },
    });
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toMatchObject({
      category: 'detector-tampering',
      severity: 'HIGH',
      title: `Bedrock supply-chain alerts lost a subscriber: ${TOPIC}`,
    });
    expect(alerts()[0].summary).toContain(`email ${sub(1).SubscriptionArn}`);
    expect(JSON.stringify(alerts()[0])).toContain('AuthenticateOnUnsubscribe');
    expect(telemetry.counts()).toMatchObject({ SubscriptionsRemoved: 1 });

    // The next hour: nothing new is gone, nothing alerted.
    now += 3_600_000;
    await expect(handler(health)).resolves.toMatchObject({
      subscriptions: { status: 'checked', confirmed: 1, removed: [] },
    });
    expect(alerts()).toHaveLength(1);
  });

  test('an unreadable subscription list is unknown (counted, memory kept); what is gone is found at the next readable check', async () => {
    aws.subscriptions.set(TOPIC, [sub(1)]);
    const handler = handlerWith();
    await handler(health);
    aws.subscriptions.set(TOPIC, []);
    aws.failNext('sns', 1, 'throttle'); // the listing
    await expect(handler(health)).resolves.toMatchObject({ subscriptions: { status: 'unknown' } });
    expect(telemetry.counts()).toMatchObject({ SubscriptionHealth_unknown: 1 });
    aws.reset();
    await expect(handler(health)).resolves.toMatchObject({
      subscriptions: { status: 'checked', confirmed: 0, removed: [sub(1).SubscriptionArn] },
    });
    expect(alerts()).toHaveLength(1);
  });
});
