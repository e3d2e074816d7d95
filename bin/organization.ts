#!/usr/bin/env node
// The organisation topology: every account and every watched region forwards to one detector in the
// security account's home region. Checked by cdk-nag's AwsSolutions pack.
//
//   npx cdk synth --app "npx tsx bin/organization.ts"
//   npx cdk synth --app "npx tsx bin/organization.ts" -c organizationId=o-… -c managementAccountId=… \
//     -c securityAccountId=… -c organizationalUnitIds=ou-…,ou-… -c watchedRegions=us-east-1,eu-west-1 \
//     -c organizationTrailArn=arn:aws:cloudtrail:… [-c homeRegion=us-east-1] [-c guardrailPolicyIds=p-…]
//     [-c trailBucketName=… -c trailKeyArn=arn:aws:kms:… -c huntAccountIds=…,…]
//
// Stacks (deploy each with credentials of its account):
// - BedrockSupplyChain-Security (security account, home region): the central bus (organisation
//   only), the detector and alert function, the organisation hunt (Athena over the organisation
//   trail's bucket), and the outputs.
// - BedrockSupplyChain-Management (management account, home region): the guardrail SCP, the StackSet
//   that puts a forwarder in every member account and watched region, and the management account's
//   own forwarder (StackSets never deploy to the management account).
// - BedrockSupplyChain-Management-<region>: the management account's forwarder in each other region.
import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';

import {
  AccountForwarders,
  DetectorTrail,
  SupplyChainScp,
  OrganizationDetector,
  OrganizationForwarders,
  OrganizationHunt,
  WatchedRegions,
} from '../lib';

// CDK's built-in CloudFormation schema validation is left to the tests (see bin/app.ts).
export const app = new App({ builtinCloudFormationValidation: false });
const text = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};
const list = (key: string): string[] | undefined =>
  text(key)
    ?.split(',')
    .map((v) => v.trim());

// Placeholders: replace them with your organisation's, or pass them with -c.
const organizationId = text('organizationId') ?? 'o-a1b2c3d4e5';
const managementAccountId = text('managementAccountId') ?? '111111111111';
const securityAccountId = text('securityAccountId') ?? '222222222222';
const organizationalUnitIds = list('organizationalUnitIds') ?? ['ou-ab12-11111111', 'ou-ab12-22222222'];
const regions = WatchedRegions.plan({
  regions: list('watchedRegions') ?? ['us-east-1', 'us-west-2', 'eu-west-1'],
  homeRegion: text('homeRegion'),
});
// The organisation trail already logs every account (Control Tower's is in the management account).
const organizationTrailArn =
  text('organizationTrailArn') ??
  `arn:aws:cloudtrail:${regions.homeRegion}:${managementAccountId}:trail/aws-controltower-BaselineCloudTrail`;
const organizationTrailName = organizationTrailArn.replace(/^.*:trail\//, '');
const trail = DetectorTrail.organizationTrail(organizationTrailArn);
const approvedPrincipalArns = list('approvedPrincipalArns') ?? [
  'arn:aws:iam::*:role/mlops-pipeline-*',
  'arn:aws:iam::*:role/bedrock-break-glass',
];

// --- Security account: the central bus, the detector, the outputs --------------------------------
const security = new Stack(app, 'BedrockSupplyChain-Security', {
  description: 'Bedrock model supply chain: the organisation detector (central bus, alert function, topic)',
  env: { account: securityAccountId, region: regions.homeRegion },
});
const hub = new OrganizationDetector(security, 'Detector', {
  organizationId,
  regions: [...regions.regions],
  homeRegion: regions.homeRegion,
  trail,
  approvals: { principalArns: approvedPrincipalArns },
  // The SCP's ids, once the management stack is deployed: alerts on its detachment or change.
  guardrailPolicyIds: list('guardrailPolicyIds'),
  // alertEmails: ['secops@example.com'],
});
new CfnOutput(security, 'CentralEventBusArn', { value: hub.eventBus.eventBusArn });
new CfnOutput(security, 'AlertTopicArn', { value: hub.detector.alertTopic.topicArn });
new CfnOutput(security, 'DeadLetterQueueUrl', { value: hub.detector.deadLetterQueue.queueUrl });

// The organisation hunt: "did this already happen to us?" over every account's history in the
// organisation trail's bucket (Control Tower's log archive bucket by default). The bucket (and its
// key, if the trail uses one) must let the security account's alert function role read AWSLogs/.
const logArchiveAccountId = text('logArchiveAccountId') ?? '444444444444';
const trailBucketName = text('trailBucketName') ?? `aws-controltower-logs-${logArchiveAccountId}-${regions.homeRegion}`;
const trailKeyArn = text('trailKeyArn');
const hunt = new OrganizationHunt(security, 'Hunt', {
  detector: hub.detector,
  trailBucket: s3.Bucket.fromBucketName(security, 'OrganizationTrailBucket', trailBucketName),
  trailKey: trailKeyArn ? kms.Key.fromKeyArn(security, 'OrganizationTrailKey', trailKeyArn) : undefined,
  organizationId,
  accounts: list('huntAccountIds') ?? [managementAccountId, securityAccountId, logArchiveAccountId, '555555555555'],
  regions: [...regions.regions],
});
new CfnOutput(security, 'HuntStateMachineArn', { value: hunt.stateMachine.stateMachineArn });

// --- Management account: the SCP, the members' StackSet, its own forwarders ------------------------
const management = new Stack(app, 'BedrockSupplyChain-Management', {
  description: 'Bedrock model supply chain: guardrail SCP and the forwarders of every member account',
  env: { account: managementAccountId, region: regions.homeRegion },
});
// The guardrails bind the member OUs and the security account itself: the detector's tamper protection
// holds only where an SCP target covers it (synth warns when it is not).
const scp = new SupplyChainScp(management, 'Scp', {
  targetIds: [...organizationalUnitIds, securityAccountId],
  approvedPrincipalArns,
  // The organisation trail the detector relies on, protected by name like the detector's own.
  protectedTrailNames: [organizationTrailName],
});
new CfnOutput(management, 'GuardrailPolicyIds', { value: scp.policies.map((p) => p.attrId).join(',') });
new OrganizationForwarders(management, 'MemberForwarders', {
  centralAccountId: securityAccountId,
  homeRegion: regions.homeRegion,
  regions: [...regions.regions],
  organizationalUnitIds,
  trail,
});
// The management account's own forwarders (StackSets never deploy to it): in the management stack
// for the home region, in `BedrockSupplyChain-Management-<region>` for the others. SCPs do not bind
// the management account, so its changes to the detector are forwarded too; in us-east-1 this also
// forwards changes to the guardrail SCP (Organizations events arrive only there).
new AccountForwarders(app, 'ManagementForwarders', {
  regions: [...regions.regions],
  homeRegion: regions.homeRegion,
  centralAccountId: securityAccountId,
  account: managementAccountId,
  homeRegionStack: management,
  stackNamePrefix: 'BedrockSupplyChain-Management',
  guardrailPolicyIds: scp.policies.map((p) => p.attrId),
  trail,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
