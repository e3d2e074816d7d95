/**
 * The detector's KMS key and every statement of its key policy, in one place. The key encrypts the
 * trail's log files, the alert topics, the dead-letter queue, the idempotency table and the log
 * groups; each AWS service that writes to one of them on the detector's behalf needs a statement,
 * and each statement is scoped to this account or this detector's resources.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

import type { DetectorNames } from '../detection';

/** What the detector uses its key for, beyond what every detector does (dead letters, logs). */
export interface DetectorKeyUses {
  /** The ARN of the trail the detector creates: CloudTrail encrypts its log files. */
  readonly createdTrailArn?: string;
  /** SNS puts e-mail it cannot deliver from the detector's own topic in the dead-letter queue. */
  readonly topicDeadLetters: boolean;
  /** CloudWatch publishes the detector's alarms to the encrypted topic. */
  readonly alarms: boolean;
}

/**
 * Every statement the detector's key policy needs for `uses`, in a fixed order. A key passed in
 * (`encryptionKey`) must already carry them: the detector cannot change another key's policy.
 */
export function detectorKeyStatements(
  scope: Construct,
  names: DetectorNames,
  uses: DetectorKeyUses,
): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const statements: iam.PolicyStatement[] = [];
  if (uses.createdTrailArn) {
    // Only this trail may use the key (aws:SourceArn), for the log files of this account's trails.
    const onlyThisTrail = { 'aws:SourceArn': uses.createdTrailArn };
    statements.push(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailEncryptLogs',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: onlyThisTrail,
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': stack.formatArn({
              service: 'cloudtrail',
              region: '*',
              resource: 'trail',
              resourceName: '*',
            }),
          },
        },
      }),
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailDescribeKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: onlyThisTrail },
      }),
    );
  }
  // EventBridge writes undeliverable events to the dead-letter queue itself.
  statements.push(
    new iam.PolicyStatement({
      sid: 'AllowEventBridgeDeadLetters',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*' }) },
      },
    }),
  );
  if (uses.topicDeadLetters) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'AllowSnsDeadLetters',
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        // The ARN from the topic's name: a reference would make the key and the topic depend on each other.
        conditions: { ArnEquals: { 'aws:SourceArn': stack.formatArn({ service: 'sns', resource: names.topic }) } },
      }),
    );
  }
  statements.push(logGroupKeyStatement(stack, 'AllowCloudWatchLogs', '*'));
  if (uses.alarms) {
    // CloudWatch publishes alarm notifications to the KMS-encrypted topic.
    statements.push(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
  }
  return statements;
}

/**
 * Creates the detector's key, with its alias (the guardrails protect the key by it) and every
 * statement of its policy.
 */
export function createDetectorKey(scope: Construct, names: DetectorNames, uses: DetectorKeyUses): kms.Key {
  const key = new kms.Key(scope, 'Key', {
    description: `Encrypts the Bedrock model supply-chain detector's trail, alerts, dead letters and logs (${scope.node.path})`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // The guardrails protect the key by this alias (kms:ResourceAliases).
  new kms.Alias(scope, 'KeyAlias', { aliasName: names.keyAlias, targetKey: key });
  // Grants only for AWS services acting on AWS resources (Control Tower CT.KMS.PR.3): no one can
  // hand out lasting use of the key outside its policy.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
  for (const statement of detectorKeyStatements(scope, names, uses)) key.addToResourcePolicy(statement);
  return key;
}

/** Lets CloudWatch Logs use a key for the log groups named like `logGroupName` (`*` for any) in this region. */
export function logGroupKeyStatement(stack: Stack, sid: string, logGroupName: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  });
}
