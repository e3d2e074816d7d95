import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as events from 'aws-cdk-lib/aws-events';

import { BedrockModelSupplyChainDetector, type BedrockModelSupplyChainDetectorProps } from '../../lib';
import { parseAlertFunctionConfig } from '../../lib/detection';
import { testStack } from '../support/app';

function synth(
  props: BedrockModelSupplyChainDetectorProps = {},
  extra?: (stack: import('aws-cdk-lib').Stack) => Partial<BedrockModelSupplyChainDetectorProps>,
) {
  const { stack } = testStack({ env: true });
  const detector = new BedrockModelSupplyChainDetector(stack, 'Detector', { ...props, ...(extra ? extra(stack) : {}) });
  return { stack, detector, template: Template.fromStack(stack) };
}

/** Every statement of the alert function's policies. */
function functionStatements(template: Template): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('DetectorAlertFunctionRole'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('triage resources with defaults', () => {
  const { template, detector } = synth();

  test('an idempotency table: on-demand, TTL, encrypted with the detector key, point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'bedrock-supply-chain-idempotency',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorKey'), 'Arn'] },
      },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'bedrock-supply-chain-alert',
      Environment: {
        Variables: Match.objectLike({
          IDEMPOTENCY_TABLE: { Ref: Match.stringLikeRegexp('^DetectorIdempotencyTable') },
        }),
      },
    });
    expect(detector.idempotencyTable).toBeDefined();
  });

  test('the function may do exactly what it needs, each statement for one feature', () => {
    const statements = functionStatements(template);
    const actions = (s: Record<string, unknown>) => [s.Action].flat();
    expect(statements.find((s) => s.Sid === 'ProvenanceCheck')).toEqual({
      Sid: 'ProvenanceCheck',
      Effect: 'Allow',
      Action: 's3:GetBucketLocation',
      Resource: 'arn:aws:s3:::*',
    });
    expect(statements.find((s) => s.Sid === 'ReadCloudTrailHistory')).toEqual({
      Sid: 'ReadCloudTrailHistory',
      Effect: 'Allow',
      Action: 'cloudtrail:LookupEvents',
      Resource: '*',
    });
    expect(statements.find((s) => s.Sid === 'UseKeyThroughDynamoDB')).toEqual({
      Sid: 'UseKeyThroughDynamoDB',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DetectorKey/), 'Arn'] },
      Condition: {
        StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.us-east-1.', { Ref: 'AWS::URLSuffix' }]] } },
      },
    });
    const table = statements.find((s) => actions(s).includes('dynamodb:PutItem'))!;
    expect(actions(table).sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(JSON.stringify(table.Resource)).toContain('DetectorIdempotencyTable');
    // Nothing else is granted: no Security Hub, no PutEvents, no scan or query of the table.
    const all = statements.flatMap(actions);
    expect(all.filter((a) => /securityhub|events:|dynamodb:(Scan|Query|BatchWrite)/.test(String(a)))).toEqual([]);
  });

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
    expect(backfill.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^DetectorAlertFunction/)]));
  });

  test('no chat topic unless chat is asked for', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    expect(detector.chatTopic).toBeUndefined();
  });
});

describe('outputs', () => {
  const { template, detector } = synth({ securityHub: true }, (stack) => ({
    soarEventBus: new events.EventBus(stack, 'Soar', { eventBusName: 'soar' }),
    slackChannels: [
      new chatbot.SlackChannelConfiguration(stack, 'Slack', {
        slackChannelConfigurationName: 'secops',
        slackWorkspaceId: 'T0123456',
        slackChannelId: 'C0123456',
      }),
    ],
    teamsChannels: [
      new chatbot.CfnMicrosoftTeamsChannelConfiguration(stack, 'Teams', {
        configurationName: 'secops-teams',
        iamRoleArn: 'arn:aws:iam::123456789012:role/chatbot',
        teamId: '00000000-0000-0000-0000-000000000000',
        teamsChannelId: '19%3Aabc%40thread.tacv2',
        teamsTenantId: '00000000-0000-0000-0000-000000000001',
      }),
    ],
  }));

  test('a KMS-encrypted chat topic that the Slack and Teams configurations subscribe to', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'bedrock-supply-chain-chat',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorKey'), 'Arn'] },
    });
    const chatRef = { Ref: Match.stringLikeRegexp('^DetectorChatTopic') };
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', { SnsTopicArns: [chatRef] });
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', { SnsTopicArns: [chatRef] });
    expect(detector.chatTopic).toBeDefined();
  });

  test('the function is told every output and may publish, import findings and put events only there', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.FunctionName === 'bedrock-supply-chain-alert',
    )!;
    const config = JSON.stringify(fn.Properties.Environment.Variables.DETECTOR_CONFIG);
    expect(config).toContain('DetectorChatTopic');
    expect(config).toMatch(/securityHub\\+":true/);
    expect(config).toMatch(/soarEventBusArn.*"Fn::GetAtt\\?":\[\\?"Soar[0-9A-F]{8}/);
    const statements = functionStatements(template);
    expect(statements).toContainEqual({
      Sid: 'ImportFindings',
      Effect: 'Allow',
      Action: 'securityhub:BatchImportFindings',
      Resource: 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default',
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Soar/), 'Arn'] },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: [
        { Ref: expect.stringMatching(/^DetectorAlertTopic/) },
        { Ref: expect.stringMatching(/^DetectorChatTopic/) },
      ],
    });
  });

  test('what the construct writes is what the function reads (tokens aside)', () => {
    const { template: plain } = synth({
      enrichment: { windowMinutes: 15, maxPages: 1, firstSeen: false },
      provenanceCheck: false,
    });
    const fn = Object.values(plain.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.FunctionName === 'bedrock-supply-chain-alert',
    )!;
    expect(parseAlertFunctionConfig(fn.Properties.Environment.Variables.DETECTOR_CONFIG)).toMatchObject({
      provenanceCheck: false,
      enrichment: { windowMinutes: 15, maxPages: 1, firstSeen: false },
      outputs: { securityHub: false },
    });
    expect(functionStatements(plain).find((s) => s.Sid === 'ProvenanceCheck')).toBeUndefined();
  });
});

describe('turning things off', () => {
  test('no enrichment, no sweeps: no LookupEvents permission, no schedule, no backfill', () => {
    const { template } = synth({ enrichment: false, reconciliation: false, backfillDays: 0 });
    expect(functionStatements(template).find((s) => s.Sid === 'ReadCloudTrailHistory')).toBeUndefined();
    expect(Object.keys(template.findResources('Custom::BedrockSupplyChainBackfill'))).toEqual([]);
    template.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: Match.anyValue() }, 0);
  });

  test('a 15-minute reconciliation reads back 30 minutes; a 7-day backfill reads back 7 days', () => {
    const { template } = synth({ reconciliation: Duration.minutes(15), backfillDays: 7 });
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

describe('bad props fail at synth, naming the prop, the value and what is allowed', () => {
  test.each([
    [{ backfillDays: 91 }, "'backfillDays' must be a whole number from 0 to 90, got 91"],
    [{ backfillDays: 1.5 }, "'backfillDays' must be a whole number from 0 to 90, got 1.5"],
    [{ reconciliation: Duration.minutes(1) }, "'reconciliation' must be from 5 minutes to 12 hours, got 1 minute"],
    [{ reconciliation: Duration.days(1) }, "'reconciliation' must be from 5 minutes to 12 hours, got 1 day"],
    [
      { reconciliation: Duration.seconds(330) },
      "'reconciliation' must be a whole number of minutes, got 5 minutes 30 seconds",
    ],
    [{ enrichment: { windowMinutes: 0 } }, "'enrichment.windowMinutes' must be a whole number from 1 to 1440, got 0"],
    [{ enrichment: { maxPages: 20 } }, "'enrichment.maxPages' must be a whole number from 1 to 10, got 20"],
  ] as [BedrockModelSupplyChainDetectorProps, string][])('%j', (props, message) => {
    const { stack } = testStack({ env: true });
    expect(() => new BedrockModelSupplyChainDetector(stack, 'Detector', props)).toThrow(message);
  });
});

describe('self-monitoring', () => {
  const { template, detector } = synth();

  test('one alarm per way the detector can stop alerting, each sent to the alert topic on alarm and on recovery', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.AlarmName).sort()).toEqual([
      'bedrock-supply-chain-dead-letters',
      'bedrock-supply-chain-delivery-failures',
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
    // The detection rule, 2 regional tamper rules, the us-east-1 tamper rule, the reconciliation schedule.
    expect(rules.filter((m: { MetricStat?: unknown }) => m.MetricStat)).toHaveLength(5);
    expect(rules.find((m: { Expression?: string }) => m.Expression).Expression).toBe('r0 + r1 + r2 + r3 + r4');
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
