#!/usr/bin/env node
// The quick-start example: the detector with its defaults, environment-agnostic, checked by
// cdk-nag's AwsSolutions pack. `npx cdk synth` runs this file.
import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

import { BedrockModelSupplyChainDetector } from '../lib';

// CDK's built-in CloudFormation schema validation costs about 3 s of every synth of this app; the
// test suite runs it over the same constructs and fails on any finding (test/nag), so the example
// app leaves it to the tests.
const app = new App({ builtinCloudFormationValidation: false });
const stack = new Stack(app, 'BedrockModelSupplyChain', {
  description: 'Detects untrusted Amazon Bedrock model imports and marketplace endpoints (MITRE T1525)',
});

const detector = new BedrockModelSupplyChainDetector(stack, 'Detector', {
  // alertEmails: ['secops@example.com'],
});

new CfnOutput(stack, 'AlertTopicArn', { value: detector.alertTopic.topicArn });
new CfnOutput(stack, 'DeadLetterQueueUrl', { value: detector.deadLetterQueue.queueUrl });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
