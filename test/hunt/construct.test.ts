// The organisation hunt's resources as synthesized: the tables and their projection, the enforced
// workgroup and its limit, the runner (state machine, first hunt, alarm) and the alert function's
// least-privilege grants; and the props' validation at synth.
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

import {
  DetectorTrail,
  OrganizationDetector,
  OrganizationHunt,
  TrailLogLayout,
  type OrganizationHuntProps,
} from '../../lib';
import { CLOUDTRAIL_TABLE_COLUMNS } from '../../lib/organization/hunt-table';
import { testStack } from '../support/app';

import { CLOUDTRAIL_COLUMNS } from './cloudtrail-table';

const ORG = 'o-a1b2c3d4e5';
const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail';
const KEY_ARN = 'arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function build(props: Partial<OrganizationHuntProps> = {}) {
  const { stack } = testStack({ env: true });
  const hub = new OrganizationDetector(stack, 'Detector', {
    organizationId: ORG,
    regions: ['us-east-1'],
    trail: DetectorTrail.organizationTrail(TRAIL_ARN),
  });
  const hunt = new OrganizationHunt(stack, 'Hunt', {
    detector: hub.detector,
    trailBucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', 'org-trail-logs'),
    trailKey: kms.Key.fromKeyArn(stack, 'TrailKey', KEY_ARN),
    organizationId: ORG,
    accounts: ['111111111111', '123456789012'],
    regions: ['us-east-1', 'eu-west-1'],
    ...props,
  });
  return { stack, hub, hunt, template: Template.fromStack(stack) };
}

describe('the tables', () => {
  const { template } = build();

  test('one per layout, with the documented CloudTrail columns and SerDe', () => {
    const tables = template.findResources('AWS::Glue::Table');
    expect(Object.keys(tables)).toHaveLength(2);
    for (const t of Object.values(tables)) {
      const input = t.Properties.TableInput;
      expect(input.StorageDescriptor).toMatchObject({
        InputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
        OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        SerdeInfo: { SerializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
      });
      expect(input.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual(['account', 'region', 'day']);
    }
    // The offline proof's table has the same columns, in the same order.
    expect(CLOUDTRAIL_TABLE_COLUMNS.map((c) => c.name)).toEqual(
      CLOUDTRAIL_COLUMNS.map(([c]) => c).filter((c) => !['account', 'region', 'day'].includes(c)),
    );
  });

  test('partition projection: accounts and regions enumerated, days by date, a location template per layout', () => {
    const projection = {
      'projection.enabled': 'true',
      'projection.account.type': 'enum',
      'projection.account.values': '111111111111,123456789012',
      'projection.region.type': 'enum',
      'projection.region.values': 'us-east-1,eu-west-1',
      'projection.day.type': 'date',
      'projection.day.format': 'yyyy/MM/dd',
      'projection.day.range': '2013/11/01,NOW',
      'projection.day.interval': '1',
      'projection.day.interval.unit': 'DAYS',
    };
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'bedrock_supply_chain_hunt',
      TableInput: Match.objectLike({
        Name: 'organization_trail',
        Parameters: Match.objectLike({
          ...projection,
          'storage.location.template': `s3://org-trail-logs/AWSLogs/${ORG}/\${account}/CloudTrail/\${region}/\${day}`,
        }),
        StorageDescriptor: Match.objectLike({ Location: `s3://org-trail-logs/AWSLogs/${ORG}/` }),
      }),
    });
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'account_trail',
        Parameters: Match.objectLike({
          ...projection,
          'storage.location.template': 's3://org-trail-logs/AWSLogs/${account}/CloudTrail/${region}/${day}',
        }),
      }),
    });
  });
});

test('one layout and a key prefix', () => {
  const { template } = build({ layouts: [TrailLogLayout.ORGANIZATION], s3KeyPrefix: 'org/trail' });
  const tables = Object.values(template.findResources('AWS::Glue::Table'));
  expect(tables).toHaveLength(1);
  expect(tables[0].Properties.TableInput.Parameters['storage.location.template']).toBe(
    `s3://org-trail-logs/org/trail/AWSLogs/${ORG}/\${account}/CloudTrail/\${region}/\${day}`,
  );
});

test('the workgroup enforces its encrypted result location and a bytes-scanned limit', () => {
  const { template } = build();
  template.hasResourceProperties('AWS::Athena::WorkGroup', {
    Name: 'bedrock-supply-chain-hunt',
    WorkGroupConfiguration: {
      EnforceWorkGroupConfiguration: true,
      BytesScannedCutoffPerQuery: 1024 ** 4,
      PublishCloudWatchMetricsEnabled: true,
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      ResultConfiguration: {
        OutputLocation: Match.anyValue(),
        EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() },
        ExpectedBucketOwner: '123456789012',
      },
    },
  });
  template.hasResourceProperties('AWS::S3::Bucket', {
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [
        Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
      ],
    },
    LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 7, Status: 'Enabled' })] },
    PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
  });
  // SSL only.
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    },
  });
  const custom = build({ bytesScannedCutoffPerQuery: 50 * 1024 ** 3, resultsExpiration: Duration.days(2) }).template;
  custom.hasResourceProperties('AWS::Athena::WorkGroup', {
    WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 50 * 1024 ** 3 }),
  });
});

test("the alert function's hunt grants are scoped to the workgroup, the tables, the trail's logs and the results", () => {
  const { template } = build();
  const policies = template.findResources('AWS::IAM::Policy');
  const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
  const sid = (s: string) => statements.find((x: { Sid?: string }) => x.Sid === s);
  expect(sid('HuntQueries')).toMatchObject({
    Action: [
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StartQueryExecution',
      'athena:StopQueryExecution',
    ],
    Resource: 'arn:aws:athena:us-east-1:123456789012:workgroup/bedrock-supply-chain-hunt',
  });
  expect([...sid('HuntTables').Resource].sort()).toEqual([
    'arn:aws:glue:us-east-1:123456789012:catalog',
    'arn:aws:glue:us-east-1:123456789012:database/bedrock_supply_chain_hunt',
    'arn:aws:glue:us-east-1:123456789012:table/bedrock_supply_chain_hunt/account_trail',
    'arn:aws:glue:us-east-1:123456789012:table/bedrock_supply_chain_hunt/organization_trail',
  ]);
  expect(sid('HuntTrailLogs')).toMatchObject({
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::org-trail-logs/AWSLogs/*',
  });
  expect(sid('HuntTrailListing')).toMatchObject({ Resource: 'arn:aws:s3:::org-trail-logs' });
  expect([...sid('HuntResults').Action].sort()).toEqual([
    's3:AbortMultipartUpload',
    's3:GetObject',
    's3:ListMultipartUploadParts',
    's3:PutObject',
  ]);
  // The trail key: decrypt only.
  expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: KEY_ARN }));
  // No athena, glue or s3 action anywhere on Resource *.
  const wide = statements.filter(
    (s: { Action: string | string[]; Resource: unknown }) =>
      s.Resource === '*' && [s.Action].flat().some((a) => /^(athena|glue|s3):/.test(a)),
  );
  expect(wide).toEqual([]);
});

test('the runner: a state machine that loops on the alert function, a first hunt of 90 days, an alarm on failures', () => {
  const { template, stack } = build();
  const [sm] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).filter(
    (m) => m.Properties.StateMachineName !== 'bedrock-supply-chain-follow-up',
  );
  const definition = JSON.parse(JSON.stringify(stack.resolve(sm.Properties.DefinitionString)));
  const text = JSON.stringify(definition);
  expect(text).toContain('States.JsonMerge($.input, $.settings, false)');
  expect(text).toContain('HuntThrottledError');
  expect(text).toContain('"workGroup\\":\\"bedrock-supply-chain-hunt\\"');
  template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
    StateMachineName: 'bedrock-supply-chain-hunt',
    TracingConfiguration: { Enabled: true },
    LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
  });
  const [first] = Object.values(template.findResources('Custom::BedrockSupplyChainHunt'));
  const create = JSON.stringify(stack.resolve(first.Properties.Create));
  expect(create).toContain('startExecution');
  expect(create.replace(/\\/g, '')).toContain('"input":"{"days":90}"');
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: 'bedrock-supply-chain-hunt-failed',
    Threshold: 1,
  });
  const off = build({ huntOnCreate: false }).template;
  off.resourceCountIs('Custom::BedrockSupplyChainHunt', 0);
});

test.each([
  ["organizationId: 'o-1'", { organizationId: 'o-1' }, /'organizationId' must be an AWS Organizations id/],
  ['accounts: []', { accounts: [] }, /'accounts' must list the accounts to hunt in/],
  ['accounts (bad)', { accounts: ['1234'] }, /'accounts'.*1234/],
  ['accounts (bad)', { accounts: ['111111111111', '111111111111'] }, /'accounts' lists "111111111111" more than once/],
  ['regions (bad)', { regions: ['mars-1'] }, /'regions'/],
  ['layouts: []', { layouts: [] }, /'layouts' must be one or both of 'organization', 'account', each once, got \[\]/],
  ['layouts (bad)', { layouts: ['organization', 'organization'] }, /'layouts' must be one or both/],
  [
    "s3KeyPrefix: '/logs/'",
    { s3KeyPrefix: '/logs/' },
    /'s3KeyPrefix' must be the trail's key prefix without slashes at either end.*"\/logs\/"/,
  ],
  [
    'bytesScannedCutoffPerQuery: 1000',
    { bytesScannedCutoffPerQuery: 1000 },
    /'bytesScannedCutoffPerQuery' must be a whole number of bytes, at least 10000000 \(10 MB\), got 1000/,
  ],
  ['initialHuntDays: 0', { initialHuntDays: 0 }, /'initialHuntDays' must be a whole number from 1 to 3660, got 0/],
  [
    'resultsExpiration: Duration.hours(5)',
    { resultsExpiration: Duration.hours(5) },
    /'resultsExpiration' must be a whole number of days, at least 1, got 5 hours/,
  ],
  [
    '1000 accounts in 6 regions',
    {
      accounts: Array.from({ length: 1000 }, (_, i) => String(100000000000 + i)),
      regions: ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2', 'eu-central-1', 'ca-central-1'],
    },
    /1000\) × 'regions' \(6\) × 91 days × 2 layouts is 1092000 partitions, more than the 1000000/,
  ],
])('rejects %s', (_label, change, message) => {
  expect(() => build(change as Partial<OrganizationHuntProps>)).toThrow(message);
});
