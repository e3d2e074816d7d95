#!/usr/bin/env node
// The quick-start example: detection and prevention together with their defaults,
// environment-agnostic, checked by cdk-nag's AwsSolutions pack. `npx cdk synth` runs this file.
//
//   npx cdk synth                                             # detector + IAM guardrail policy
//   npx cdk synth -c scpTargetIds=ou-ab12-abcdefgh            # ... + the SCP (management account)
//   npx cdk synth -c approvedPrincipalArns=arn:aws:iam::*:role/my-pipeline-*,arn:aws:iam::*:role/break-glass
//   npx cdk synth -c watchedRegions=us-east-1,eu-west-1,ap-southeast-2  # ... in us-east-1, a forwarder in each other region
import { Annotations, App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

import { AccountForwarders, DetectionProfile, DetectorTrail, SupplyChainGuard, WatchedRegions } from '../lib';

// CDK's built-in CloudFormation schema validation costs about 3 s of every synth of this app; the
// test suite runs it over the same constructs and fails on any finding (test/nag), so the example
// app leaves it to the tests.
// Exported for the compliance test, which adds the other packs and synthesizes it in-process.
export const app = new App({ builtinCloudFormationValidation: false });
const list = (key: string): string[] | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value.trim() !== '' ? value.split(',').map((v) => v.trim()) : undefined;
};

// Every region of one account: the detector in the home region (-c homeRegion, default us-east-1),
// a forwarder in each other watched region. Without -c watchedRegions, one environment-agnostic stack.
const watchedRegions = list('watchedRegions');
const regions = watchedRegions
  ? WatchedRegions.plan({ regions: watchedRegions, homeRegion: app.node.tryGetContext('homeRegion') })
  : undefined;

const stack = new Stack(app, 'BedrockModelSupplyChain', {
  description: 'Detects and prevents untrusted Amazon Bedrock model imports and marketplace endpoints (MITRE T1525)',
  env: regions ? { region: regions.homeRegion } : undefined,
});

const guard = new SupplyChainGuard(stack, 'Guard', {
  // The reference rule's four calls and the three with the same impact (see README, Catalogue);
  // DetectionProfile.EXTENDED and the source profiles watch more.
  profile: DetectionProfile.DEFAULT,
  // Who may bring models in: replace with your MLOps pipeline roles and a break-glass role.
  approvedPrincipalArns: list('approvedPrincipalArns') ?? [
    'arn:aws:iam::*:role/mlops-pipeline-*',
    'arn:aws:iam::*:role/bedrock-break-glass',
  ],
  scpTargetIds: list('scpTargetIds'),
  // The regions whose calls reach the detector by a rule; the hourly sweep reads every other enabled
  // region's event history (without -c watchedRegions: every region but this one).
  watchedRegions: regions ? [...regions.regions] : undefined,
  // alertEmails: ['secops@example.com'],
});

if (!guard.scp) {
  // Without -c scpTargetIds the guardrails are an IAM policy for you to attach to the principals it
  // must bind (its ARN is an output below): synth would warn that it binds nobody yet.
  Annotations.of(guard).acknowledgeWarning(
    SupplyChainGuard.PREVENTION_NOT_ENFORCED,
    'The quick start deploys the IAM guardrail policy for you to attach; give -c scpTargetIds in the management account for the SCP.',
  );
}

new CfnOutput(stack, 'AlertTopicArn', { value: guard.detector.alertTopic.topicArn });
new CfnOutput(stack, 'DeadLetterQueueUrl', { value: guard.detector.deadLetterQueue.queueUrl });
if (guard.guardrailPolicy)
  new CfnOutput(stack, 'GuardrailPolicyArn', { value: guard.guardrailPolicy.managedPolicy.managedPolicyArn });

if (regions) {
  // A forwarder in each other watched region, each in its stack `BedrockModelSupplyChain-<region>`.
  new AccountForwarders(app, 'Forwarders', {
    regions: [...regions.regions],
    homeRegion: regions.homeRegion,
    stackNamePrefix: 'BedrockModelSupplyChain',
    // The home detector's trail is multi-region: it logs the other regions' calls too.
    trail: DetectorTrail.fromTrail(guard.detector.trail!),
  });
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
