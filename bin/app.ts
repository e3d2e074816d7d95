#!/usr/bin/env node
// The quick-start example: detection and prevention together with their defaults,
// environment-agnostic, checked by cdk-nag's AwsSolutions pack. `npx cdk synth` runs this file.
//
//   npx cdk synth                                             # detector + IAM guardrail policy
//   npx cdk synth -c scpTargetIds=ou-ab12-abcdefgh            # ... + the SCP (management account)
//   npx cdk synth -c approvedPrincipalArns=arn:aws:iam::*:role/my-pipeline-*,arn:aws:iam::*:role/break-glass
import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

import { BedrockModelSupplyChainGuard } from '../lib';

// CDK's built-in CloudFormation schema validation costs about 3 s of every synth of this app; the
// test suite runs it over the same constructs and fails on any finding (test/nag), so the example
// app leaves it to the tests.
// Exported for the compliance test, which adds the other packs and synthesizes it in-process.
export const app = new App({ builtinCloudFormationValidation: false });
const list = (key: string): string[] | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value.trim() !== '' ? value.split(',').map((v) => v.trim()) : undefined;
};

const stack = new Stack(app, 'BedrockModelSupplyChain', {
  description: 'Detects and prevents untrusted Amazon Bedrock model imports and marketplace endpoints (MITRE T1525)',
});

const guard = new BedrockModelSupplyChainGuard(stack, 'Guard', {
  // Who may bring models in: replace with your MLOps pipeline roles and a break-glass role.
  approvedPrincipalArns: list('approvedPrincipalArns') ?? [
    'arn:aws:iam::*:role/mlops-pipeline-*',
    'arn:aws:iam::*:role/bedrock-break-glass',
  ],
  scpTargetIds: list('scpTargetIds'),
  // alertEmails: ['secops@example.com'],
});

new CfnOutput(stack, 'AlertTopicArn', { value: guard.detector.alertTopic.topicArn });
new CfnOutput(stack, 'DeadLetterQueueUrl', { value: guard.detector.deadLetterQueue.queueUrl });
if (guard.guardrailPolicy)
  new CfnOutput(stack, 'GuardrailPolicyArn', { value: guard.guardrailPolicy.managedPolicy.managedPolicyArn });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
