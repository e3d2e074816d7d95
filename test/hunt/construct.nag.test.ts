// The organisation hunt under every compliance pack (cdk-nag's AwsSolutions, NIST 800-53 R5, HIPAA
// Security, PCI DSS 3.2.1, Serverless) and the Control Tower proactive controls: zero findings that
// are not acknowledged with a reason, with the trail bucket's key given and without.
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';

import { DetectorTrail, OrganizationDetector, OrganizationHunt } from '../../lib';
import { CDK_JSON_CONTEXT } from '../support/app';
import { controlTowerValidator } from '../support/control-tower';
import { violations, type Violation } from '../support/validation';

const inCanary = (v: Violation) => v.violatingConstructs.every((c) => c.constructPath.startsWith('Canary/'));

test('the hunt has zero unacknowledged findings under every pack, and every pack ran', () => {
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  } as never);
  const stack = new Stack(app, 'Hunt', { env: { account: '222222222222', region: 'us-east-1' } });
  const hub = new OrganizationDetector(stack, 'Detector', {
    organizationId: 'o-a1b2c3d4e5',
    regions: ['us-east-1'],
    trail: DetectorTrail.organizationTrail(
      'arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail',
    ),
  });
  const key = kms.Key.fromKeyArn(
    stack,
    'TrailKey',
    'arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  );
  new OrganizationHunt(stack, 'Hunt', {
    detector: hub.detector,
    trailBucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', 'aws-controltower-logs-333333333333-us-east-1'),
    trailKey: key,
    organizationId: 'o-a1b2c3d4e5',
    accounts: ['111111111111', '222222222222'],
    regions: ['us-east-1', 'eu-west-1'],
  });
  const canary = new Stack(app, 'Canary');
  new s3.Bucket(canary, 'PlainBucket');
  new sqs.Queue(canary, 'PlainQueue');
  const packs = [AwsSolutionsChecks, NIST80053R5Checks, HIPAASecurityChecks, PCIDSS321Checks, ServerlessChecks].map(
    (Pack) => new Pack(app),
  );
  Validations.of(app).addPlugins(...packs, controlTowerValidator(app).validator);
  const r = violations(app);
  expect(new Set(r.violations.filter(inCanary).map((v) => v.plugin)).size).toBe(6);
  expect(
    r.violations
      .filter((v) => !inCanary(v))
      .map((v) => `${v.plugin} ${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(',')}`),
  ).toEqual([]);
}, 120_000);
