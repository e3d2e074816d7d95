// The detector's sweeps: the scheduled reconciliation and the one-off backfill that read CloudTrail's
// history back, and what is left when sweeps and enrichment are turned off.
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';

import { functionStatements, synthDetector as synth } from '../support/detector';

describe('detector sweeps with defaults', () => {
  const { template } = synth();

  test('an hourly reconciliation sweep reads back two hours, and dead-letters like the rule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'bedrock-supply-chain-reconcile',
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        Match.objectLike({
          Input: JSON.stringify({ bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 120 } }),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorDeadLetterQueue'), 'Arn'] } },
        }),
      ],
    });
  });

  test('a 90-day backfill is invoked once, asynchronously, when the stack is created', () => {
    const [backfill] = Object.values(template.findResources('Custom::BedrockSupplyChainBackfill'));
    const create = JSON.stringify(backfill.Properties.Create);
    expect(create).toContain('\\"action\\":\\"invoke\\"');
    expect(create).toContain('\\"InvocationType\\":\\"Event\\"');
    expect(create).toContain('bedrockSupplyChainSweep');
    expect(create).toContain('\\\\\\"lookbackMinutes\\\\\\":129600');
    expect(backfill.Properties.Update).toBeUndefined();
    // After the function's on-failure destination exists (the reference to the function orders the
    // function itself, so it is not repeated in DependsOn, which cfn-lint would report as W3005).
    expect(backfill.DependsOn).toEqual([
      expect.stringMatching(/^DetectorAlertFunctionEventInvokeConfig/),
      expect.stringMatching(/^DetectorBackfillCustomResourcePolicy/),
    ]);
  });
});

describe('the hourly health check', () => {
  test("reads the trail and lists the alert topic's subscriptions (on that topic only); off, neither", () => {
    const on = functionStatements(synth().template);
    expect(on.find((s) => s.Sid === 'AlertSubscriptions')).toMatchObject({
      Action: 'sns:ListSubscriptionsByTopic',
      Resource: { Ref: expect.stringMatching(/^DetectorAlertTopic/) },
    });
    const off = functionStatements(synth({ healthCheck: false }).template);
    expect(off.find((s) => s.Sid === 'AlertSubscriptions')).toBeUndefined();
    expect(off.find((s) => s.Sid === 'TrailHealth')).toBeUndefined();
  });
});

describe('turning things off', () => {
  test('no enrichment, no sweeps: no LookupEvents permission, no schedule, no backfill', () => {
    const { template } = synth({ enrichment: false, reconciliation: false, backfill: false, healthCheck: false });
    expect(functionStatements(template).find((s) => s.Sid === 'ReadCloudTrailHistory')).toBeUndefined();
    expect(Object.keys(template.findResources('Custom::BedrockSupplyChainBackfill'))).toEqual([]);
    template.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: Match.anyValue() }, 0);
  });

  test('a 15-minute reconciliation reads back 30 minutes; a 7-day backfill reads back 7 days', () => {
    const { template } = synth({ reconciliationInterval: Duration.minutes(15), backfillPeriod: Duration.days(7) });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [
        Match.objectLike({
          Input: JSON.stringify({ bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 30 } }),
        }),
      ],
    });
    const [backfill] = Object.values(template.findResources('Custom::BedrockSupplyChainBackfill'));
    expect(JSON.stringify(backfill.Properties.Create)).toContain('\\\\\\"lookbackMinutes\\\\\\":10080');
  });
});
