import * as fs from 'node:fs';
import * as path from 'node:path';

import { Stack, Validations, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  HIPAASecurityChecks,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
  type NagPack,
  type NagPackProps,
} from 'cdk-nag';
import type { IConstruct } from 'constructs';

import { everyOptionOffStack, everyOptionStack } from '../../bin/every-option';
import { DetectorTrail, SupplyChainDetector } from '../../lib';
import { COMPLIANCE_ACKNOWLEDGMENTS } from '../../lib/detector/compliance';
import { HUNT_COMPLIANCE_ACKNOWLEDGMENTS } from '../../lib/organization/hunt-compliance';
import { suppressInTemplate } from '../../lib/private/compliance-packs';
import { CDK_JSON_CONTEXT } from '../support/app';
import { controlTowerValidator } from '../support/control-tower';
import { violations, type Violation } from '../support/validation';

const isScannerId = (id: string) => suppressInTemplate(id) !== undefined;

// One synthesis serves the whole file (cfn-guard takes seconds to load its rules). The app
// is the example app itself (bin/app.ts, with its AwsSolutions pack and, by context, the SCP), with:
// - `EveryOption`: the umbrella with the options the example leaves out;
// - `OptedOut`: a detector with the opt-outs whose findings are then acknowledged;
// - `Canary`: plain resources that every pack must flag, which proves that every pack ran.
const PACKS: (new (scope: IConstruct, props?: NagPackProps) => NagPack)[] = [
  NIST80053R5Checks,
  HIPAASecurityChecks,
  PCIDSS321Checks,
  ServerlessChecks,
];
const PLUGINS = [
  'AwsSolutions',
  'NIST.800.53.R5',
  'HIPAA.Security',
  'PCI.DSS.321',
  'Serverless',
  'cdk-validator-cfnguard',
] as const;

let app: App;
let packs: NagPack[];
let report: ReturnType<typeof violations>;
const template = (stack: string) =>
  Template.fromJSON(JSON.parse(fs.readFileSync(path.join(report.directory, `${stack}.template.json`), 'utf8')));
const inCanary = (v: Violation) => v.violatingConstructs.every((c) => c.constructPath.startsWith('Canary/'));

beforeAll(() => {
  // What `npx cdk synth -c scpTargetIds=…` hands the app (bundling is skipped: it changes no finding).
  process.env.CDK_CONTEXT_JSON = JSON.stringify({
    ...CDK_JSON_CONTEXT,
    'aws:cdk:bundling-stacks': [],
    scpTargetIds: 'ou-ab12-abcdefgh',
  });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once its context is set
    ({ app } = require('../../bin/app') as { app: App });
  } finally {
    delete process.env.CDK_CONTEXT_JSON;
  }

  // The umbrella with every option, and with every feature off (bin/every-option.ts, which CI also scans with cfn-lint and checkov).
  everyOptionStack(app);
  everyOptionOffStack(app);

  const optedOut = new Stack(app, 'OptedOut', { env: { account: '210987654321', region: 'eu-west-1' } });
  new SupplyChainDetector(optedOut, 'Detector', {
    namePrefix: 'opted-out',
    reserveConcurrency: false,
    trail: DetectorTrail.create({ cloudWatchLogs: false }),
  });

  const canary = new Stack(app, 'Canary');
  new s3.Bucket(canary, 'PlainBucket');
  new sqs.Queue(canary, 'PlainQueue');

  packs = PACKS.map((Pack) => new Pack(app));
  Validations.of(app).addPlugins(...packs, controlTowerValidator(app).validator);
  report = violations(app);
});

describe('compliance packs over the example app and the umbrella construct', () => {
  test('every pack ran: each flags the canary stack', () => {
    const flagged = new Set(report.violations.filter(inCanary).map((v) => v.plugin));
    expect([...PLUGINS].filter((p) => !flagged.has(p))).toEqual([]);
  });

  test('zero unacknowledged findings outside the canary, warnings included', () => {
    expect(report.violations.filter((v) => !inCanary(v))).toEqual([]);
  });

  test('every acknowledgment is still needed: each suppresses a finding the packs make', () => {
    // cfn-guard's suppressed findings are in the report; cdk-nag drops its own, so the packs run
    // again here with acknowledgments ignored (in-process and quick: no synthesis).
    const raw = new Set(report.suppressed.map((v) => `${v.plugin}::${v.ruleName}`));
    for (const pack of packs) {
      (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
      for (const v of pack.validateScope(app).violations) raw.add(v.ruleName);
    }
    // The template scanners' suppressions (cfn-lint, checkov) are checked the same way by CI, which
    // runs those tools with and without them (.ci/template-scan).
    const unused = COMPLIANCE_ACKNOWLEDGMENTS.flatMap((a) => a.ids).filter(
      (id) => id.startsWith('AwsSolutions-') || (!isScannerId(id) && !raw.has(id)),
    );
    expect(unused).toEqual([]);
  });

  test('every acknowledgment has its reason, and the README lists each with the same reason', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
    // The detector's and the organisation hunt's.
    for (const ack of [...COMPLIANCE_ACKNOWLEDGMENTS, ...HUNT_COMPLIANCE_ACKNOWLEDGMENTS]) {
      expect([ack.ids, ack.reason.length > 80]).toEqual([ack.ids, true]);
      const row = readme.split(' | ').find((cell) => cell.includes(ack.reason.replace(/\s+/g, ' ')));
      expect([ack.ids, row !== undefined]).toEqual([ack.ids, true]);
      for (const id of ack.ids) expect([id, readme.includes(id.replace(/^[a-z-]+::/, ''))]).toEqual([id, true]);
    }
  });
});

describe('the fixes behind the zero findings', () => {
  test('the trail also delivers to a KMS-encrypted CloudWatch Logs group kept for a year', () => {
    const t = template('BedrockModelSupplyChain');
    t.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: '/aws/cloudtrail/bedrock-supply-chain-trail',
        RetentionInDays: 365,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardDetectorKey'), 'Arn'] },
      },
      DeletionPolicy: 'Delete',
    });
    t.hasResourceProperties('AWS::CloudTrail::Trail', {
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardDetectorTrailLogs'), 'Arn'] },
      CloudWatchLogsRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardDetectorTrailLogsRole'), 'Arn'] },
    });
  });

  test('the function has reserved concurrency', () => {
    template('BedrockModelSupplyChain').hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 5,
    });
  });

  test('the key lets no one but AWS services create grants (CT.KMS.PR.3)', () => {
    const [key] = Object.values(template('BedrockModelSupplyChain').findResources('AWS::KMS::Key'));
    expect(key.Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'DenyGrantsExceptForAwsServices',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  });

  test('mail SNS cannot deliver goes to the dead-letter queue, which SNS may encrypt into', () => {
    const t = template('EveryOption');
    t.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      {
        Protocol: 'email',
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardDetectorDeadLetterQueue'), 'Arn'] },
        },
      },
      2,
    );
    const [key] = Object.values(t.findResources('AWS::KMS::Key'));
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Sid: 'AllowSnsDeadLetters',
        Principal: { Service: 'sns.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:every-option-alerts' } },
      }),
    );
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'sns.amazonaws.com' } })]),
      },
    });
  });

  test('the opt-outs: no reserved concurrency, no CloudWatch Logs delivery', () => {
    const t = template('OptedOut');
    const fn = Object.values(t.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.FunctionName === 'opted-out-alert',
    )!;
    expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    const [trail] = Object.values(t.findResources('AWS::CloudTrail::Trail'));
    expect(trail.Properties.CloudWatchLogsLogGroupArn).toBeUndefined();
    // The function's own, the follow-up state machine's and the backfill provider's; no trail log group.
    const groups = Object.values(t.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties.LogGroupName);
    expect(groups.filter((g) => typeof g === 'string')).toEqual([
      '/aws/lambda/opted-out-alert',
      '/aws/vendedlogs/states/opted-out-follow-up',
    ]);
    expect(groups).toHaveLength(3);
  });
});
