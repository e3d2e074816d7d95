/* eslint-disable @typescript-eslint/no-explicit-any -- the alerts are read as the JSON they are */
// The paths issue 12 added to the function, over the wire (real SDK clients against the local
// server): the other event sources and their relevance checks, blinding and escape, the sweep of the
// regions no rule watches, and the optional signals.

import { BedrockClient } from '@aws-sdk/client-bedrock';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';

import { createHandler } from '../../lambda/alert/handler';
import { MinInterval } from '../../lambda/alert/lookup';
import { DEFAULT_ALERT_FUNCTION_CONFIG, SOURCE_PROFILES, type AlertFunctionConfig } from '../../lib/detection';
import { startLocalAws, type LocalAws, type Service } from '../../tools/local-aws/server';
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

  test('a deleted trail is blind; a status that cannot be read is unknown, never healthy or blind', async () => {
    const handler = handlerWith();
    await expect(handler(health)).resolves.toMatchObject({ health: 'blind', problems: ['the trail no longer exists'] });
    aws.trails.push({ ...healthy, statusDenied: true });
    aws.items.clear();
    await expect(handler(health)).resolves.toMatchObject({
      health: 'unknown',
      problems: [expect.stringMatching(/^GetTrailStatus failed: AccessDenied/)],
    });
    expect(telemetry.counts()).toMatchObject({ TrailHealth_unknown: 1 });
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
