// The detector watches itself: an alarm for each way it can stop alerting, and a dashboard.
import { Match } from 'aws-cdk-lib/assertions';

import { synthDetector as synth } from '../support/detector';

describe('self-monitoring', () => {
  const { template, detector } = synth();

  test('one alarm per way the detector can stop alerting, each sent to the alert topic on alarm and on recovery', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.AlarmName).sort()).toEqual([
      'bedrock-supply-chain-dead-letters',
      'bedrock-supply-chain-delivery-failures',
      'bedrock-supply-chain-follow-up-failures',
      'bedrock-supply-chain-function-errors',
      'bedrock-supply-chain-function-throttles',
      'bedrock-supply-chain-rule-failures',
      'bedrock-supply-chain-sweep-failures',
    ]);
    for (const a of alarms) {
      expect(a.Properties).toMatchObject({
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: expect.stringMatching(/^DetectorAlertTopic/) }],
        OKActions: [{ Ref: expect.stringMatching(/^DetectorAlertTopic/) }],
      });
      expect(a.Properties.AlarmDescription.length).toBeGreaterThan(60);
    }
    expect(Object.keys(detector.monitoring!.alarms).sort()).toEqual([
      'deadLetters',
      'deliveryFailures',
      'followUpFailures',
      'functionErrors',
      'functionThrottles',
      'ruleFailures',
      'sweepFailures',
    ]);
  });

  test("the sweep alarm reads the function's own metric; the rule alarm sums every rule's failed invocations", () => {
    const byName = Object.fromEntries(
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => [
        a.Properties.AlarmName,
        a.Properties,
      ]),
    );
    expect(byName['bedrock-supply-chain-sweep-failures']).toMatchObject({
      Namespace: 'BedrockModelSupplyChain',
      MetricName: 'SweepFailures',
      Dimensions: [{ Name: 'service', Value: 'bedrock-supply-chain' }],
      Statistic: 'Sum',
    });
    const rules = byName['bedrock-supply-chain-rule-failures'].Metrics;
    // The detection rule, 2 regional tamper rules, the us-east-1 tamper rule, the reconciliation
    // schedule and the health-check schedule.
    expect(rules.filter((m: { MetricStat?: unknown }) => m.MetricStat)).toHaveLength(6);
    expect(rules.find((m: { Expression?: string }) => m.Expression).Expression).toBe('r0 + r1 + r2 + r3 + r4 + r5');
  });

  test('CloudWatch may use the key to publish to the encrypted topic; a dashboard is created', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarms',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'bedrock-supply-chain-us-east-1' });
  });

  test('monitoring: false creates neither alarms nor dashboard', () => {
    const off = synth({ monitoring: false });
    off.template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    off.template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(off.detector.monitoring).toBeUndefined();
  });
});
