import { CfnResource } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as events from 'aws-cdk-lib/aws-events';

import {
  SupplyChainDetector,
  SupplyChainGuard,
  DetectorTrail,
  OrganizationDetector,
  OrganizationEventBus,
  OrganizationForwarders,
  RegionalForwarder,
  DetectionProfile,
  GuardrailPolicyUsage,
} from '../../lib';
import { testStack } from '../support/app';
import { violations } from '../support/validation';

// CDK's built-in CloudFormation schema validation is off in the example app (it costs ~3 s per
// synth), so it runs here, over the same constructs.
describe("CDK's built-in CloudFormation validation", () => {
  test.each([
    ['defaults', {}],
    [
      'extended, organisation trail, e-mail',
      {
        profile: DetectionProfile.EXTENDED,
        trail: DetectorTrail.organizationTrail('aws-controltower-BaselineCloudTrail'),
        alertEmails: ['a@example.com'],
      },
    ],
  ])('%s: no findings, warnings included', (_name, props) => {
    const { app, stack } = testStack({ cfnValidation: true });
    new SupplyChainDetector(stack, 'Detector', props);
    expect(violations(app).violations).toEqual([]);
  });

  test('the landing-zone constructs (central bus, StackSet, forwarders): no findings, warnings included', () => {
    const { app, stack } = testStack({ cfnValidation: true });
    const trail = DetectorTrail.organizationTrail('aws-controltower-BaselineCloudTrail');
    new OrganizationDetector(stack, 'Org', { organizationId: 'o-a1b2c3d4e5', trail, tamperAlerts: false });
    new OrganizationForwarders(stack, 'Members', {
      centralAccountId: '222222222222',
      regions: ['us-east-1', 'eu-west-1'],
      organizationalUnitIds: ['ou-ab12-abcdefgh'],
      trail,
    });
    new RegionalForwarder(stack, 'Forwarder', {
      targetEventBus: OrganizationEventBus.fromCentralAccount(stack, 'Bus', {
        account: '222222222222',
        region: 'us-east-1',
      }),
      forwardTamperEvents: true,
      trail,
    });
    expect(violations(app).violations).toEqual([]);
  });

  // The key policy names the topic for SNS dead letters while the topic names the key: a reference
  // there would be a circular dependency, which only this validation sees before a deployment.
  test('the umbrella with e-mail subscriptions, an SCP and a boundary: no findings, warnings included', () => {
    const { app, stack } = testStack({ cfnValidation: true });
    new SupplyChainGuard(stack, 'Guard', {
      approvedPrincipalArns: ['arn:aws:iam::*:role/mlops-pipeline-*'],
      scpTargetIds: ['ou-ab12-abcdefgh'],
      iamGuardrailUsage: GuardrailPolicyUsage.PERMISSIONS_BOUNDARY,
      alertEmails: ['secops@example.com'],
    });
    expect(violations(app).violations).toEqual([]);
  });

  test('every triage output on (chat, Security Hub, SOAR bus), monitoring and sweeps: no findings, warnings included', () => {
    const { app, stack } = testStack({ cfnValidation: true });
    new SupplyChainDetector(stack, 'Detector', {
      securityHub: true,
      soarEventBus: new events.EventBus(stack, 'Soar'),
      slackChannels: [
        new chatbot.SlackChannelConfiguration(stack, 'Slack', {
          slackChannelConfigurationName: 'secops',
          slackWorkspaceId: 'T0123456',
          slackChannelId: 'C0123456',
        }),
      ],
      alertEmails: ['secops@example.com'],
    });
    expect(violations(app).violations).toEqual([]);
  });

  test('the check can fail: a resource with an unknown property is reported', () => {
    const { app, stack } = testStack({ cfnValidation: true });
    new SupplyChainDetector(stack, 'Detector');
    new CfnResource(stack, 'Bad', { type: 'AWS::SQS::Queue', properties: { NotAProperty: 1 } });
    const report = violations(app);
    expect(report.plugins).toContain('CloudFormation Validate');
    expect(report.violations.map((v) => v.ruleName)).toEqual(['F3002']);
  });
});
