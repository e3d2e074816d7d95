/**
 * Tampering with the detector, as data: the API calls that would stop, blind or remove it, per
 * service, with the IAM action the guardrails deny, the CloudTrail event the tamper alert matches and
 * the request field that names the detector's resource; and the escape calls. Pure; the SCP, the IAM
 * policy, the tamper rules (`tamper.ts`) and the tests all derive from this file.
 */
import type { DetectorNames } from './names';

/** One call that can disable or blind the detector. */
export interface TamperCall {
  /** The IAM action, e.g. `lambda:DeleteFunction`. */
  readonly action: string;
  /**
   * The CloudTrail event name, or an EventBridge wildcard where CloudTrail appends the API version
   * (Lambda: `DeleteFunction20150331`; the wildcard `DeleteFunction20*` keeps
   * `DeleteFunctionConcurrency20171031` out).
   */
  readonly eventName: string | { readonly wildcard: string };
  /** The `requestParameters` field that names the resource; '' for a call alerted whatever it names. */
  readonly field: string;
  /** Alert only when `field` is one of these values (an escape call that matters for one service only). */
  readonly values?: readonly string[];
  /**
   * A data-plane call (DynamoDB item writes): no management event records it, so it is denied but
   * cannot be alerted, and the detector's own role makes it.
   */
  readonly dataPlane?: boolean;
}

/** A service whose calls on the detector's resources are denied and alerted. */
export interface TamperService {
  readonly service: string;
  /**
   * `detector`: calls on the detector's own resources (denied by the guardrails too).
   * `escape`: calls that take an account or a region out of the detector's and the guardrails'
   * reach (alerted only; the prevention side is the guardrails').
   */
  readonly kind?: 'detector' | 'escape';
  readonly eventSource: string;
  /**
   * `regional`: CloudTrail delivers the events to EventBridge in the region of the resource.
   * `us-east-1`: a global service whose events EventBridge receives only in us-east-1.
   */
  readonly delivery: 'regional' | 'us-east-1';
  readonly calls: readonly TamperCall[];
  /**
   * Resource ARN patterns the guardrail denies these actions on (`*` for condition-based statements).
   * `trails` are the names of the trails the detector relies on besides its own.
   */
  readonly resources: (names: DetectorNames, partition: string, trails: readonly string[]) => string[];
  /**
   * EventBridge wildcards for the request field, per field, or undefined where no name identifies the
   * resource. `trails` are the names of the trails the detector relies on besides its own.
   */
  readonly fieldWildcard?: (
    names: DetectorNames,
    trails: readonly string[],
  ) => Readonly<Record<string, readonly string[]>>;
}

const call = (action: string, field: string, eventName?: TamperCall['eventName']): TamperCall => ({
  action,
  field,
  eventName: eventName ?? action.split(':')[1],
});
const lambdaCall = (action: string): TamperCall =>
  call(action, 'functionName', { wildcard: `${action.split(':')[1]}20*` });

export const TAMPER_SERVICES: readonly TamperService[] = [
  {
    service: 'cloudtrail',
    eventSource: 'cloudtrail.amazonaws.com',
    delivery: 'regional',
    calls: [
      call('cloudtrail:StopLogging', 'name'),
      call('cloudtrail:DeleteTrail', 'name'),
      call('cloudtrail:UpdateTrail', 'name'),
      call('cloudtrail:PutEventSelectors', 'trailName'),
    ],
    resources: (n, p, trails) => [...new Set([n.trail, ...trails])].map((t) => `arn:${p}:cloudtrail:*:*:trail/${t}`),
    // The detector's own trail and the trail it relies on (an existing or organisation trail), by
    // name or ARN: both end with the name.
    fieldWildcard: (n, trails) => {
      const ends = [...new Set([n.trail, ...trails])].map((t) => `*${t}`);
      return { name: ends, trailName: ends };
    },
  },
  {
    service: 'events',
    eventSource: 'events.amazonaws.com',
    delivery: 'regional',
    calls: [
      call('events:DeleteRule', 'name'),
      call('events:DisableRule', 'name'),
      call('events:PutRule', 'name'),
      call('events:RemoveTargets', 'rule'),
      call('events:PutTargets', 'rule'),
      // The organisation's central bus and its policy (who may forward to it).
      call('events:DeleteEventBus', 'name'),
      call('events:UpdateEventBus', 'name'),
      call('events:PutPermission', 'eventBusName'),
      call('events:RemovePermission', 'eventBusName'),
    ],
    resources: (n, p) => [
      `arn:${p}:events:*:*:rule/${n.prefix}-*`,
      `arn:${p}:events:*:*:rule/*/${n.prefix}-*`,
      `arn:${p}:events:*:*:event-bus/${n.organizationBus}`,
    ],
    fieldWildcard: (n) => ({
      name: [`${n.prefix}-*`],
      rule: [`${n.prefix}-*`],
      eventBusName: [`*${n.organizationBus}`],
    }),
  },
  {
    service: 'lambda',
    eventSource: 'lambda.amazonaws.com',
    delivery: 'regional',
    calls: [
      lambdaCall('lambda:DeleteFunction'),
      lambdaCall('lambda:UpdateFunctionCode'),
      lambdaCall('lambda:UpdateFunctionConfiguration'),
      lambdaCall('lambda:PutFunctionConcurrency'),
      lambdaCall('lambda:PutFunctionEventInvokeConfig'),
      lambdaCall('lambda:UpdateFunctionEventInvokeConfig'),
      lambdaCall('lambda:DeleteFunctionEventInvokeConfig'),
      lambdaCall('lambda:RemovePermission'),
      // A resource policy that lets an account outside the organisation (no SCP binds it) invoke it.
      lambdaCall('lambda:AddPermission'),
    ],
    // The function, its versions and aliases.
    resources: (n, p) => [`arn:${p}:lambda:*:*:function:${n.function}*`],
    fieldWildcard: (n) => ({ functionName: [`*${n.function}*`] }),
  },
  {
    service: 'sqs',
    eventSource: 'sqs.amazonaws.com',
    delivery: 'regional',
    calls: [
      call('sqs:DeleteQueue', 'queueUrl'),
      call('sqs:SetQueueAttributes', 'queueUrl'),
      call('sqs:PurgeQueue', 'queueUrl'),
      call('sqs:RemovePermission', 'queueUrl'),
      // A grant to an account outside the organisation, which no SCP binds.
      call('sqs:AddPermission', 'queueUrl'),
    ],
    resources: (n, p) => [`arn:${p}:sqs:*:*:${n.queue}`],
    fieldWildcard: (n) => ({ queueUrl: [`*/${n.queue}`] }),
  },
  {
    service: 'sns',
    eventSource: 'sns.amazonaws.com',
    delivery: 'regional',
    calls: [
      call('sns:DeleteTopic', 'topicArn'),
      call('sns:SetTopicAttributes', 'topicArn'),
      call('sns:RemovePermission', 'topicArn'),
      // A grant (of any SNS action, DeleteTopic included) to an account outside the organisation.
      call('sns:AddPermission', 'topicArn'),
      call('sns:Unsubscribe', 'subscriptionArn'),
      // A filter policy that never matches drops every alert, silently.
      call('sns:SetSubscriptionAttributes', 'subscriptionArn'),
      // A data protection policy can deny or mask what is published.
      call('sns:PutDataProtectionPolicy', 'resourceArn'),
    ],
    // IAM authorises every SNS action here, the subscription calls included, against the topic.
    // (With `*`, the subscriptions' ARNs too, should IAM ever authorise a call against one.)
    resources: (n, p) => [`arn:${p}:sns:*:*:${n.topic}*`, `arn:${p}:sns:*:*:${n.chatTopic}*`],
    fieldWildcard: (n) => ({
      topicArn: [`*:${n.topic}`, `*:${n.chatTopic}`],
      subscriptionArn: [`*:${n.topic}:*`, `*:${n.chatTopic}:*`],
      resourceArn: [`*:${n.topic}`, `*:${n.chatTopic}`],
    }),
  },
  {
    service: 'logs',
    eventSource: 'logs.amazonaws.com',
    delivery: 'regional',
    calls: [
      call('logs:DeleteLogGroup', 'logGroupName'),
      call('logs:DeleteLogStream', 'logGroupName'),
      call('logs:PutRetentionPolicy', 'logGroupName'),
      call('logs:DisassociateKmsKey', 'logGroupName'),
      // DisassociateKmsKey also takes the log group's ARN instead of its name.
      call('logs:DisassociateKmsKey', 'resourceIdentifier'),
    ],
    // The function's log group, and the created trail's (CloudTrail's copy of the events).
    resources: (n, p) => [n.logGroup, n.trailLogGroup].map((g) => `arn:${p}:logs:*:*:log-group:${g}*`),
    fieldWildcard: (n) => ({
      logGroupName: [n.logGroup, n.trailLogGroup],
      resourceIdentifier: [`*:log-group:${n.logGroup}*`, `*:log-group:${n.trailLogGroup}*`],
    }),
  },
  {
    service: 's3',
    eventSource: 's3.amazonaws.com',
    delivery: 'regional',
    calls: [
      call('s3:DeleteBucket', 'bucketName'),
      call('s3:PutBucketPolicy', 'bucketName'),
      call('s3:DeleteBucketPolicy', 'bucketName'),
      call('s3:PutLifecycleConfiguration', 'bucketName', 'PutBucketLifecycle'),
      // Deleting the trail's log files (a data event, not in a management trail: denied, not alerted).
      { ...call('s3:DeleteObject', 'bucketName'), dataPlane: true },
      // The bucket is versioned: deleting a version removes the file for good.
      { ...call('s3:DeleteObjectVersion', 'bucketName'), dataPlane: true },
    ],
    resources: (n, p) => [`arn:${p}:s3:::${n.bucketPrefix}-*`],
    fieldWildcard: (n) => ({ bucketName: [`${n.bucketPrefix}-*`] }),
  },
  {
    service: 'iam',
    eventSource: 'iam.amazonaws.com',
    delivery: 'us-east-1',
    calls: [
      // A role named like the detector's own would share its exemptions (the memory table's writes).
      call('iam:CreateRole', 'roleName'),
      call('iam:DeleteRole', 'roleName'),
      call('iam:DeleteRolePolicy', 'roleName'),
      call('iam:PutRolePolicy', 'roleName'),
      call('iam:AttachRolePolicy', 'roleName'),
      call('iam:DetachRolePolicy', 'roleName'),
      call('iam:UpdateAssumeRolePolicy', 'roleName'),
      call('iam:PutRolePermissionsBoundary', 'roleName'),
      // Code run as the detector's role would share its exemptions. (CloudTrail records no PassRole
      // event: denied, not alerted.)
      { ...call('iam:PassRole', 'roleName'), dataPlane: true },
    ],
    resources: (n, p) => [`arn:${p}:iam::*:role/${n.rolePrefix}-*`],
    fieldWildcard: (n) => ({ roleName: [`${n.rolePrefix}-*`] }),
  },
  {
    // The memory of what was alerted: an item written ahead of an event would suppress its alert.
    service: 'dynamodb',
    eventSource: 'dynamodb.amazonaws.com',
    delivery: 'regional',
    calls: [
      call('dynamodb:DeleteTable', 'tableName'),
      call('dynamodb:UpdateTable', 'tableName'),
      call('dynamodb:UpdateTimeToLive', 'tableName'),
      // A grant to an account outside the organisation, which no SCP binds.
      call('dynamodb:PutResourcePolicy', 'resourceArn'),
      call('dynamodb:DeleteResourcePolicy', 'resourceArn'),
      // Item writes, PartiQL's included (IAM authorises those separately).
      ...[
        'PutItem',
        'UpdateItem',
        'DeleteItem',
        'BatchWriteItem',
        'PartiQLInsert',
        'PartiQLUpdate',
        'PartiQLDelete',
      ].map((a) => ({
        ...call(`dynamodb:${a}`, 'tableName'),
        dataPlane: true,
      })),
    ],
    resources: (n, p) => [`arn:${p}:dynamodb:*:*:table/${n.idempotencyTable}`],
    fieldWildcard: (n) => ({ tableName: [`*${n.idempotencyTable}`], resourceArn: [`*:table/${n.idempotencyTable}`] }),
  },
  {
    // The alarms that watch the detector itself.
    service: 'cloudwatch',
    eventSource: 'monitoring.amazonaws.com',
    delivery: 'regional',
    calls: [
      call('cloudwatch:DeleteAlarms', 'alarmNames'),
      call('cloudwatch:DisableAlarmActions', 'alarmNames'),
      call('cloudwatch:PutMetricAlarm', 'alarmName'),
    ],
    resources: (n, p) => [`arn:${p}:cloudwatch:*:*:alarm:${n.prefix}-*`],
    fieldWildcard: (n) => ({ alarmNames: [`${n.prefix}-*`], alarmName: [`${n.prefix}-*`] }),
  },
  {
    // Key ids carry no name: the guardrail matches the key by its alias, the alert cannot.
    service: 'kms',
    eventSource: 'kms.amazonaws.com',
    delivery: 'regional',
    calls: [
      call('kms:ScheduleKeyDeletion', 'keyId'),
      call('kms:DisableKey', 'keyId'),
      call('kms:PutKeyPolicy', 'keyId'),
      call('kms:DisableKeyRotation', 'keyId'),
    ],
    resources: () => ['*'],
  },
  {
    // Policy ids carry no name: the guardrail matches the SCPs by their tag; the alert by id.
    service: 'organizations',
    eventSource: 'organizations.amazonaws.com',
    delivery: 'us-east-1',
    calls: [
      call('organizations:DetachPolicy', 'policyId'),
      call('organizations:UpdatePolicy', 'policyId'),
      call('organizations:DeletePolicy', 'policyId'),
    ],
    resources: () => ['*'],
  },
];

/**
 * Calls that take an account or a region out of the detector's and the guardrails' reach: an account
 * moved out of the guarded OU or out of the organisation, SCPs turned off, the organisation trail's
 * service access disabled, a delegated administrator deregistered, a region enabled where no rule
 * watches. Organizations and Account Management are global services: EventBridge gets their events in
 * us-east-1 only, in the account that made the call (the management account for most; the member
 * account for LeaveOrganization and for its own EnableRegion). Alerted whatever they name, except
 * DisableAWSServiceAccess, which matters for CloudTrail's organisation trail only.
 */
export const ESCAPE_SERVICES: readonly TamperService[] = [
  {
    service: 'organizations',
    kind: 'escape',
    eventSource: 'organizations.amazonaws.com',
    delivery: 'us-east-1',
    calls: [
      call('organizations:MoveAccount', ''),
      call('organizations:LeaveOrganization', ''),
      call('organizations:RemoveAccountFromOrganization', ''),
      call('organizations:DisablePolicyType', ''),
      { ...call('organizations:DisableAWSServiceAccess', 'servicePrincipal'), values: ['cloudtrail.amazonaws.com'] },
      call('organizations:DeregisterDelegatedAdministrator', ''),
    ],
    resources: () => ['*'],
    fieldWildcard: () => ({}),
  },
  {
    // Verified: eventSource account.amazonaws.com, EventBridge source aws.account (EventBridge events
    // reference, events-ref-account; Sigma's aws_cloudtrail_region_enabled rule).
    service: 'account',
    kind: 'escape',
    eventSource: 'account.amazonaws.com',
    delivery: 'us-east-1',
    calls: [call('account:EnableRegion', '')],
    resources: () => ['*'],
    fieldWildcard: () => ({}),
  },
];

/** Every service whose calls the tamper alert watches: the detector's own, and the escape calls. */
export const WATCHED_TAMPER_SERVICES: readonly TamperService[] = [...TAMPER_SERVICES, ...ESCAPE_SERVICES];
