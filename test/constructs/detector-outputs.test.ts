// Where the detector's alerts go and what its function may do for them: the idempotency table, the
// chat topic, Security Hub and the SOAR bus, and the configuration the construct writes.
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as events from 'aws-cdk-lib/aws-events';

import { parseAlertFunctionConfig } from '../../lib/detection';
import { functionStatements, synthDetector as synth } from '../support/detector';

describe('detector outputs with defaults', () => {
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

  test('no chat topic unless chat is asked for', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    expect(detector.chatTopic).toBeUndefined();
  });
});

describe('detector outputs: chat, Security Hub and a SOAR bus', () => {
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
      enrichmentWindow: Duration.minutes(15),
      enrichmentMaxPages: 1,
      firstSeen: false,
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
