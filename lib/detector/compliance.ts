import { CfnResource, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

import {
  cfnGuardFindingId as guard,
  cfnLintRuleId as cfnLint,
  checkovCheckId as checkov,
  nagFindingIds as nag,
  suppressInTemplate,
} from '../private/compliance-packs';

/**
 * The compliance-pack findings on the detector that it does not fix, acknowledged where they arise
 * with the reason a reviewer needs. The packs: cdk-nag 3's NIST 800-53 R5, HIPAA Security, PCI DSS
 * 3.2.1 and Serverless, and the AWS Control Tower proactive controls that
 * `@cdklabs/cdk-validator-cfnguard` runs (AwsSolutions is acknowledged in the constructs themselves),
 * and the template scanners platform pipelines run, cfn-lint and checkov (suppressed in the
 * resource's template metadata, where those tools read it). README.md lists the same table; a test
 * keeps the two in step.
 */
export interface ComplianceAcknowledgment {
  /** Where it applies, for the README. */
  readonly resource:
    | 'function'
    | 'function role'
    | 'trail logs role'
    | 'follow-up role'
    | 'follow-up state machine'
    | 'trail'
    | 'trail bucket'
    | 'dead-letter queue'
    | 'idempotency table'
    | 'backfill provider'
    | 'backfill provider log group'
    | 'backfill policy';
  /** The rule ids, as the packs report them (cfn-guard ids carry the plugin's namespace). */
  readonly ids: readonly string[];
  readonly reason: string;
  /** Only when the detector is configured this way. */
  readonly when?:
    'no access-logs bucket' | 'cloudWatchLogs: true' | 'cloudWatchLogs: false' | 'reserveConcurrency: false';
}

export const COMPLIANCE_ACKNOWLEDGMENTS: readonly ComplianceAcknowledgment[] = [
  {
    resource: 'function',
    ids: [...nag('LambdaInsideVPC'), guard('lambda_inside_vpc_check'), checkov('CKV_AWS_117')],
    reason:
      'The function reaches only AWS APIs (SNS, DynamoDB, S3, CloudTrail, Security Hub, EventBridge, Bedrock, EC2, Step Functions, SQS, IAM, Athena; over TLS, signed with its role); it has no resource in a VPC to reach. A VPC would need an interface endpoint for each, or a NAT gateway, in every account and region, at a monthly cost, for no change in what the function can reach.',
  },
  {
    resource: 'function',
    ids: [...nag('LambdaDLQ', ['NIST.800.53.R5', 'HIPAA.Security', 'Serverless']), checkov('CKV_AWS_116')],
    reason:
      "Failed events are not lost: the function's on-failure destination (EventInvokeConfig DestinationConfig.OnFailure) sends each one, with the error and the request context, to the detector's KMS-encrypted dead-letter queue. The rule looks only for the older DeadLetterConfig, which carries less.",
  },
  {
    resource: 'function',
    ids: ['Serverless-LambdaTracing'],
    reason:
      'Each delivery and check is in the structured log line of its event (destination, outcome, error) and in the CloudWatch metrics the alarms read. X-Ray would add a write permission on Resource * and no diagnostic a responder needs.',
  },
  {
    resource: 'function',
    ids: [...nag('LambdaConcurrency', ['NIST.800.53.R5', 'HIPAA.Security']), checkov('CKV_AWS_115')],
    when: 'reserveConcurrency: false',
    reason:
      'Reserved concurrency was turned off (reserveConcurrency: false), for accounts whose concurrency quota leaves nothing to reserve. Throttled events are not lost: EventBridge and Lambda retry them (ruleMaxEventAge, functionMaxEventAge), then the dead-letter queue keeps them.',
  },
  {
    resource: 'function',
    ids: [checkov('CKV_AWS_173')],
    reason:
      "The environment holds the detector's configuration (name prefix, watched calls, approval patterns, settings), no secret, and Lambda encrypts it at rest with its own key. The detector key there would make every deployment of the function need kms:CreateGrant on a key you may bring yourself, for no secret to protect.",
  },
  {
    resource: 'function',
    ids: [cfnLint('W3005')],
    reason:
      "aws-cdk-lib's Function declares DependsOn on its role and the role's default policy, so that the policy exists before the first invocation; the reference to the role already orders one of them, which cfn-lint reports as redundant. It changes nothing in the deployment.",
  },
  {
    resource: 'function role',
    ids: nag('IAMNoInlinePolicy'),
    reason:
      "The inline policy holds CDK's least-privilege grants for this one role (publish to the alert topic, send to the dead-letter queue, use the detector key for both, read and write the detector table) and the read-only checks its options turn on (bucket locations, CloudTrail event history and trail status, enabled regions, registered Bedrock endpoints). An inline policy lives and dies with its role and cannot be attached to another principal.",
  },
  {
    resource: 'follow-up role',
    ids: nag('IAMNoInlinePolicy'),
    reason:
      'The inline policy, written by the CDK StateMachine construct for the lifecycle follow-up, lets Step Functions invoke the alert function, send a failed follow-up to the dead-letter queue (with the detector key), write its logs and X-Ray traces. An inline policy lives and dies with its role and cannot be attached to another principal.',
  },
  {
    resource: 'follow-up state machine',
    ids: [cfnLint('W3005')],
    reason:
      "aws-cdk-lib's StateMachine declares DependsOn on its role and the role's default policy, so that the policy exists before the first execution; the reference to the role already orders one of them, which cfn-lint reports as redundant. It changes nothing in the deployment.",
  },
  {
    resource: 'trail logs role',
    ids: nag('IAMNoInlinePolicy'),
    reason:
      'The inline policy, written by the CDK Trail construct, lets CloudTrail create log streams and put events in the trail log group only. An inline policy lives and dies with its role and cannot be attached to another principal.',
  },
  {
    resource: 'trail',
    ids: [...nag('CloudTrailCloudWatchLogsEnabled'), guard('cloud_trail_cloud_watch_logs_enabled_check')],
    when: 'cloudWatchLogs: false',
    reason:
      'Delivery to CloudWatch Logs was turned off (cloudWatchLogs: false), to avoid its per-GB ingestion charge; the log files are in the trail bucket, and the detector reads the events from EventBridge, not from the logs.',
  },
  {
    resource: 'trail bucket',
    ids: [...nag('S3BucketLoggingEnabled'), guard('s3_bucket_logging_enabled_check'), checkov('CKV_AWS_18')],
    when: 'no access-logs bucket',
    reason:
      'Only CloudTrail writes to the bucket, and every log file is covered by the signed digests of log file validation. Give NewTrailOptions.accessLogsBucket (a landing zone usually has one) to turn server access logging on.',
  },
  {
    resource: 'trail',
    ids: [cfnLint('W3005')],
    when: 'cloudWatchLogs: true',
    reason:
      "aws-cdk-lib's Trail declares DependsOn on its CloudWatch Logs role and that role's policy, so that CloudTrail can deliver from the first event; the trail's reference to the role already orders one of them, which cfn-lint reports as redundant. It changes nothing in the deployment.",
  },
  {
    resource: 'trail bucket',
    ids: nag('S3BucketReplicationEnabled'),
    reason:
      "Replication needs a second bucket in another region or account, which is the landing zone's log archive, not something one detector stack can create. Log file validation detects any change to the files, and the bucket is retained when the stack is deleted.",
  },
  {
    resource: 'trail bucket',
    ids: [...nag('S3DefaultEncryptionKMS'), guard('s3_bucket_default_encryption_kms_check')],
    reason:
      "CloudTrail encrypts every log file it delivers with the detector's KMS key (the trail's KMSKeyId), whatever the bucket default. The SSE-S3 default covers only what CloudTrail does not encrypt with that key: the digest files, which hold hashes and signatures, no event data.",
  },
  {
    resource: 'trail bucket',
    ids: [guard('s3_event_notifications_enabled_check')],
    reason:
      'Nothing consumes events of this bucket: the detector gets CloudTrail events from EventBridge as they happen, not from the log files.',
  },
  {
    resource: 'trail bucket',
    ids: [guard('s3_bucket_object_lock_enabled_check')],
    reason:
      "Log file validation makes any change to a log file detectable, and the guardrails deny changing the bucket policy. Object Lock would make the files undeletable for a retention period: a retention decision for the organisation's log archive, not for one detector.",
  },
  {
    resource: 'dead-letter queue',
    ids: ['Serverless-SQSRedrivePolicy', guard('sqs_dlq_check')],
    reason:
      'This queue is itself the dead-letter queue of the rule targets and of the function; a failed read leaves the message in it until it expires after deadLetterRetention.',
  },
  {
    resource: 'idempotency table',
    ids: nag('DynamoDBInBackupPlan', ['NIST.800.53.R5', 'HIPAA.Security']),
    reason:
      'The table holds delivery receipts, first-seen marks and the follow-up and containment plans, which expire after 100 days, and has point-in-time recovery on. Losing it costs a repeated alert, and the follow-ups and containment requests of the alerts already sent (they then fail visibly); an AWS Backup plan is the organisation backup policy, not one stack.',
  },
  {
    resource: 'backfill provider',
    ids: [
      ...nag('LambdaInsideVPC'),
      guard('lambda_inside_vpc_check'),
      ...nag('LambdaDLQ', ['NIST.800.53.R5', 'HIPAA.Security', 'Serverless']),
      ...nag('LambdaConcurrency', ['NIST.800.53.R5', 'HIPAA.Security']),
      'Serverless-LambdaTracing',
      'Serverless-LambdaDefaultMemorySize',
      checkov('CKV_AWS_115'),
      checkov('CKV_AWS_116'),
      checkov('CKV_AWS_117'),
      cfnLint('W3005'),
    ],
    reason:
      "aws-cdk-lib's AwsCustomResource provider function, run by CloudFormation once when the stack is created to invoke the backfill asynchronously. It calls only the Lambda API, and CloudFormation reports its failure on the stack, so a VPC, a dead-letter queue, reserved concurrency, tracing or memory tuning would change nothing (and the DependsOn on its role that cfn-lint reports as redundant is aws-cdk-lib's).",
  },
  {
    resource: 'backfill provider log group',
    ids: [...nag('CloudWatchLogGroupEncrypted'), guard('cloudwatch_log_group_encrypted_check'), checkov('CKV_AWS_158')],
    reason:
      "The log group of aws-cdk-lib's AwsCustomResource provider, which logs only the Lambda Invoke request that starts the backfill (function name and sweep window): no event data. CloudWatch Logs encrypts it at rest with its own keys.",
  },
  {
    resource: 'backfill policy',
    ids: nag('IAMNoInlinePolicy'),
    reason:
      "The inline policy aws-cdk-lib's AwsCustomResource writes for its provider: lambda:InvokeFunction on the alert function only. It lives and dies with the provider's role.",
  },
];

/** The constructs the acknowledgments attach to, and how the detector is configured. */
export interface ComplianceScope {
  readonly function: IConstruct;
  readonly functionRole?: IConstruct;
  /** The lifecycle follow-up state machine and its role, when the follow-up is on. */
  readonly followUpStateMachine?: IConstruct;
  readonly followUpRole?: IConstruct;
  readonly deadLetterQueue: IConstruct;
  readonly trail?: IConstruct;
  readonly trailBucket?: IConstruct;
  readonly idempotencyTable?: IConstruct;
  /** The backfill's AwsCustomResource, and its provider function (at the stack's root). */
  readonly backfill?: IConstruct;
  readonly backfillProvider?: IConstruct;
  readonly accessLogsBucket: boolean;
  readonly cloudWatchLogs: boolean;
  readonly reservedConcurrency: boolean;
}

/** Acknowledges {@link COMPLIANCE_ACKNOWLEDGMENTS} on the detector's constructs. */
export function acknowledgeComplianceFindings(scope: ComplianceScope): void {
  const applies: Record<NonNullable<ComplianceAcknowledgment['when']>, boolean> = {
    'no access-logs bucket': !scope.accessLogsBucket,
    'cloudWatchLogs: true': scope.cloudWatchLogs,
    'cloudWatchLogs: false': !scope.cloudWatchLogs,
    'reserveConcurrency: false': !scope.reservedConcurrency,
  };
  const logsRole = scope.trail?.node.tryFindChild('LogsRole');
  const targets: Record<ComplianceAcknowledgment['resource'], IConstruct | undefined> = {
    function: scope.function,
    'function role': scope.functionRole,
    'trail logs role': logsRole,
    'follow-up role': scope.followUpRole,
    'follow-up state machine': scope.followUpStateMachine,
    trail: scope.trail,
    'trail bucket': scope.trailBucket,
    'dead-letter queue': scope.deadLetterQueue,
    'idempotency table': scope.idempotencyTable,
    'backfill provider': scope.backfillProvider,
    'backfill provider log group': scope.backfillProvider?.node.tryFindChild('LogGroup'),
    'backfill policy': scope.backfill?.node.tryFindChild('CustomResourcePolicy'),
  };
  for (const ack of COMPLIANCE_ACKNOWLEDGMENTS) {
    const target = targets[ack.resource];
    if (target === undefined || (ack.when !== undefined && !applies[ack.when])) continue;
    const [scanners, packs] = partition(ack.ids, (id) => suppressInTemplate(id) !== undefined);
    if (packs.length > 0) Validations.of(target).acknowledge(...packs.map((id) => ({ id, reason: ack.reason })));
    if (scanners.length > 0) {
      const resource = target instanceof CfnResource ? target : target.node.defaultChild;
      if (!(resource instanceof CfnResource)) throw new Error(`no CloudFormation resource at ${target.node.path}`);
      for (const id of scanners) suppressInTemplate(id)!(resource, ack.reason);
    }
  }
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((i) => !test(i))];
}
