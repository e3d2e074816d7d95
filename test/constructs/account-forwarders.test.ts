// AccountForwarders: a forwarder in every watched region of one account, each region in a stack of
// its own; the loop every example app used to write.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

import { AccountForwarders, DetectorTrail } from '../../lib';
import { forwarderNames } from '../../lib/contracts';
import { testApp } from '../support/app';

const MANAGEMENT = '111111111111';
const SECURITY = '222222222222';
const TRAIL = DetectorTrail.organizationTrail(`arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org`);
const NAMES = forwarderNames();

const targetsOf = (stack: Stack) =>
  Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule')).flatMap(
    (r) => r.Properties.Targets as { Arn: unknown }[],
  );

describe('a single account: forwarders to the home region, every region but the home region', () => {
  test('one stack per other region, each forwarding the watched calls and tamper events to the home bus', () => {
    const app = testApp();
    const forwarders = new AccountForwarders(app, 'Forwarders', {
      regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      account: MANAGEMENT,
      stackNamePrefix: 'Bmsc',
      trail: TRAIL,
    });
    expect(Object.keys(forwarders.stacks)).toEqual(['eu-west-1', 'ap-southeast-2']);
    expect(forwarders.stacks['eu-west-1'].node.id).toBe('Bmsc-eu-west-1');
    expect(forwarders.stacks['eu-west-1'].node.scope).toBe(app);
    for (const region of ['eu-west-1', 'ap-southeast-2']) {
      const stack = forwarders.stacks[region];
      expect([stack.region, stack.account]).toEqual([region, MANAGEMENT]);
      expect(targetsOf(stack).map((t) => t.Arn)).toEqual(
        Array(targetsOf(stack).length).fill(`arn:aws:events:us-east-1:${MANAGEMENT}:event-bus/default`),
      );
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { Name: NAMES.rule });
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { Name: NAMES.tamperRule });
    }
  });
});

describe("the organisation's management account: forwarders to the central bus, every region", () => {
  test('the home region goes into the stack given; the SCP ids are forwarded from us-east-1 only', () => {
    const app = testApp();
    const management = new Stack(app, 'Management', { env: { account: MANAGEMENT, region: 'us-east-1' } });
    const forwarders = new AccountForwarders(app, 'ManagementForwarders', {
      regions: ['us-east-1', 'eu-west-1'],
      centralAccountId: SECURITY,
      account: MANAGEMENT,
      homeRegionStack: management,
      stackNamePrefix: 'Management',
      guardrailPolicyIds: ['p-abcd1234'],
      trail: TRAIL,
    });
    expect(forwarders.stacks['us-east-1']).toBe(management);
    expect(forwarders.stacks['eu-west-1'].node.id).toBe('Management-eu-west-1');
    const central = `arn:aws:events:us-east-1:${SECURITY}:event-bus/bedrock-supply-chain-org-bus`;
    for (const stack of Object.values(forwarders.stacks)) {
      expect(new Set(targetsOf(stack).map((t) => t.Arn))).toEqual(new Set([central]));
    }
    const policyRules = (stack: Stack) =>
      JSON.stringify(Template.fromStack(stack).findResources('AWS::Events::Rule')).includes('p-abcd1234');
    expect(policyRules(management)).toBe(true);
    expect(policyRules(forwarders.stacks['eu-west-1'])).toBe(false);
    expect(forwarders.forwarders['us-east-1'].globalTamperRules.length).toBeGreaterThan(0);
    expect(forwarders.forwarders['eu-west-1'].globalTamperRules).toEqual([]);
  });
});
