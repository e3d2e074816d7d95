import { Annotations, Validations, type App } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

import { SupplyChainDetector, DetectorTrail, type SupplyChainDetectorProps } from '../../lib';
import { testStack } from '../support/app';
import { violations as validate } from '../support/validation';

function violations(app: App) {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return validate(app).violations;
}

const variants: [string, (stack: import('aws-cdk-lib').Stack) => SupplyChainDetectorProps][] = [
  ['defaults', () => ({})],
  ['extended profile with e-mail subscriptions', () => ({ profile: 'extended', alertEmails: ['secops@example.com'] })],
  ['an organisation trail', () => ({ trail: DetectorTrail.organizationTrail('aws-controltower-BaselineCloudTrail') })],
  [
    'an access-logs bucket and an existing topic',
    (stack) => ({
      trail: DetectorTrail.create({
        accessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'access-logs-123456789012'),
      }),
      alertTopic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:123456789012:secops'),
    }),
  ],
];

// The umbrella construct (with an SCP, and with every option) is checked by compliance.test.ts, which
// runs this pack and the others over the example app and an every-option stack in one synthesis.

describe('cdk-nag AwsSolutions', () => {
  test.each(variants)('%s: zero unacknowledged findings, warnings included', (_name, props) => {
    const { app, stack } = testStack();
    new SupplyChainDetector(stack, 'Detector', props(stack));
    // CDK's own advice for an imported access-logs bucket: its owner grants log delivery (see the prop's docs).
    Annotations.of(stack).acknowledgeWarning(
      'cdk-bedrock-model-supply-chain:topicNotProtected',
      'The test stands for a team that protects its own topic.',
    );
    Annotations.of(stack).acknowledgeWarning(
      '@aws-cdk/aws-s3:accessLogsPolicyNotAdded',
      'The test bucket stands for one whose policy already admits logging.s3.amazonaws.com.',
    );
    expect(violations(app)).toEqual([]);
  });

  test('the check can fail: an unacknowledged resource next to the detector is reported', () => {
    const { app, stack } = testStack();
    new SupplyChainDetector(stack, 'Detector');
    new sqs.Queue(stack, 'PlainQueue');
    const rules = violations(app).map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });

  test('every acknowledgment carries a reason', () => {
    const { stack } = testStack();
    new SupplyChainDetector(stack, 'Detector');
    // Each entry is recorded as { "Annotation::<rule id>": "<reason>" }.
    const acks: [string, string][] = [];
    const visit = (c: IConstruct) => {
      for (const entry of c.node.metadata) {
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
          acks.push(...Object.entries(entry.data as Record<string, string>));
        }
      }
      c.node.children.forEach(visit);
    };
    visit(stack);
    // The other packs' acknowledgments are checked in compliance.test.ts.
    const awsSolutions = acks.filter(([id]) => id.startsWith('Annotation::AwsSolutions-'));
    expect(awsSolutions.map(([id]) => id).sort()).toEqual([
      // The alert function's role and the backfill's AwsCustomResource provider.
      'Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      // The alert function's role (the topic's key) and the follow-up state machine's (the queue's key).
      'Annotation::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Annotation::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Annotation::AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'Annotation::AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      // cloudtrail:LookupEvents, cloudtrail:DescribeTrails (health check) and ec2:DescribeRegions
      // (sweep of the unwatched regions), in one acknowledgment; the state machine's X-Ray and log
      // delivery in the other; s3:GetBucketLocation (provenance).
      'Annotation::AwsSolutions-IAM5[Resource::*]',
      'Annotation::AwsSolutions-IAM5[Resource::*]',
      // The state machine invokes the function (its versions and aliases).
      'Annotation::AwsSolutions-IAM5[Resource::<DetectorAlertFunctionB799394B.Arn>:*]',
      // The follow-up's read-only Get* calls, each on its one resource type in this account.
      'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*:<AWS::AccountId>:custom-model-deployment/*]',
      'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*:<AWS::AccountId>:custom-model/*]',
      'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*:<AWS::AccountId>:marketplace/model-endpoint/all-access]',
      'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*:<AWS::AccountId>:model-copy-job/*]',
      'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*:<AWS::AccountId>:model-customization-job/*]',
      'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*:<AWS::AccountId>:model-import-job/*]',
      'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*:<AWS::AccountId>:provisioned-model/*]',
      'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::*]',
      // The SageMaker reads Bedrock makes with the function's credentials for a marketplace endpoint.
      'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:*:<AWS::AccountId>:endpoint-config/*]',
      'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:*:<AWS::AccountId>:endpoint/*]',
      'Annotation::AwsSolutions-S1',
      'Annotation::AwsSolutions-SQS3',
    ]);
    for (const [id, reason] of awsSolutions) expect([id, reason.length > 40]).toEqual([id, true]);
    // The one acknowledgment of Resource::* names each action it covers.
    const star = awsSolutions
      .filter(([id]) => id === 'Annotation::AwsSolutions-IAM5[Resource::*]')
      .map(([, reason]) => reason)
      .join(' ');
    for (const action of ['cloudtrail:LookupEvents', 'cloudtrail:DescribeTrails', 'ec2:DescribeRegions']) {
      expect(star).toContain(action);
    }
  });
});
