/**
 * The alerting function: its configuration (from the props, checked against Lambda's environment
 * size), its log group, its role and every permission it gets, its code, and the acknowledgments of
 * what it is granted on purpose. Its constructs are the detector's children, under the ids they have
 * always had (construct ids are a public contract).
 */
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

import {
  ALERT_CONFIG_ENV,
  ALERT_TOPIC_ENV,
  DEAD_LETTER_QUEUE_ENV,
  DEFAULT_CHECK_TIMEOUT_MS,
  DEFAULT_IDEMPOTENCY_DAYS,
  IDEMPOTENCY_TABLE_ENV,
  METRIC_NAMESPACE,
  SERVICE_NAME,
  utf8Bytes,
  type AlertFunctionConfig,
  type DetectorNames,
} from '../detection';
import { assertValid } from '../private/validation';

import { containmentSettings } from './containment-props';
import { alertFunctionCode } from './function-code';
import { DETECTOR_DEFAULTS, WATCH_DEFAULTS, type SupplyChainDetectorProps } from './props';
import type { ReliedOnTrailIdentity } from './trail';
import { verdictSeverityMap } from './validate-props';

/** Lambda allows 4 KB of environment variables in all; the approvals travel in DETECTOR_CONFIG. */
export const ALERT_CONFIG_MAX_BYTES = 3584;

/** What the function is told, from the props: written at synth into its environment. */
export function alertFunctionConfig(
  props: SupplyChainDetectorProps,
  names: DetectorNames,
  outputs: {
    readonly chatTopic?: sns.ITopic;
    readonly soarEventBus?: events.IEventBus;
    readonly trail: ReliedOnTrailIdentity;
  },
): AlertFunctionConfig {
  const reconciles = props.reconciliation ?? DETECTOR_DEFAULTS.reconciliation;
  const sweepsRegions = reconciles && (props.sweepUnwatchedRegions ?? DETECTOR_DEFAULTS.sweepUnwatchedRegions);
  const trail = outputs.trail;
  const config: AlertFunctionConfig = {
    profile: props.profile ?? WATCH_DEFAULTS.profile,
    namePrefix: names.prefix,
    guardrailPolicyIds: props.guardrailPolicyIds ?? [],
    additionalEventNames: props.additionalEventNames ?? [],
    sourceProfiles: props.sourceProfiles ?? [],
    additionalEvents: props.additionalEvents ?? [],
    // A created trail is known by its name (its ARN would bring the stack's tokens into the
    // configuration); an existing or organisation trail by what was declared.
    trail:
      trail.name !== undefined || trail.arn !== undefined
        ? {
            kind: trail.kind,
            ...(trail.name ? { name: trail.name } : {}),
            ...(trail.arn && trail.kind !== 'create' ? { arn: trail.arn } : {}),
          }
        : null,
    // The function adds its own region at run time (an environment-agnostic stack does not know it).
    watchedRegions: sweepsRegions ? (props.watchedRegions ?? []) : null,
    signals: {
      probing: props.probingAlerts ?? WATCH_DEFAULTS.probingAlerts,
      probeThreshold: props.probingThreshold ?? DETECTOR_DEFAULTS.probingThreshold,
      createThenDelete: props.createThenDeleteAlerts ?? WATCH_DEFAULTS.createThenDeleteAlerts,
    },
    severity: props.severity ?? DETECTOR_DEFAULTS.severity,
    riskScore: props.riskScore ?? DETECTOR_DEFAULTS.riskScore,
    approvals: props.approvals ?? {},
    verdictSeverities: verdictSeverityMap(props.verdictSeverities),
    mode: props.mode ?? DETECTOR_DEFAULTS.mode,
    notifyApproved: props.notifyApproved ?? DETECTOR_DEFAULTS.notifyApproved,
    provenanceCheck: props.provenanceCheck ?? DETECTOR_DEFAULTS.provenanceCheck,
    enrichment:
      (props.enrichment ?? DETECTOR_DEFAULTS.enrichment) === false
        ? null
        : {
            windowMinutes: (props.enrichmentWindow ?? DETECTOR_DEFAULTS.enrichmentWindow).toMinutes(),
            maxPages: props.enrichmentMaxPages ?? DETECTOR_DEFAULTS.enrichmentMaxPages,
            firstSeen: props.firstSeen ?? DETECTOR_DEFAULTS.firstSeen,
          },
    checkTimeoutMs: DEFAULT_CHECK_TIMEOUT_MS,
    outputs: {
      securityHub: props.securityHub ?? DETECTOR_DEFAULTS.securityHub,
      ...(outputs.chatTopic ? { chatTopicArn: outputs.chatTopic.topicArn } : {}),
      ...(outputs.soarEventBus ? { soarEventBusArn: outputs.soarEventBus.eventBusArn } : {}),
    },
    idempotencyDays: DEFAULT_IDEMPOTENCY_DAYS,
    followUp:
      (props.lifecycleFollowUp ?? DETECTOR_DEFAULTS.lifecycleFollowUp)
        ? props.followUpMinutes
          ? { minutes: props.followUpMinutes }
          : {}
        : null,
    containment:
      props.mode === 'contain'
        ? containmentSettings(props.containment, props.securityHub ?? DETECTOR_DEFAULTS.securityHub)
        : null,
  };
  const size = utf8Bytes(JSON.stringify(config));
  if (size > ALERT_CONFIG_MAX_BYTES) {
    assertValid(
      `'approvals' (in SupplyChainGuard, 'approvedPrincipalArns' too), 'additionalEventNames', 'additionalEvents' and 'watchedRegions' make the function's configuration ${size} bytes, more than the 3,584 that fit in Lambda's 4 KB of environment variables: use fewer or broader patterns`,
    );
  }
  return config;
}

/** What the function is connected to. */
export interface AlertFunctionParts {
  readonly names: DetectorNames;
  readonly config: AlertFunctionConfig;
  readonly encryptionKey: kms.IKey;
  readonly alertTopic: sns.ITopic;
  readonly chatTopic?: sns.ITopic;
  readonly soarEventBus?: events.IEventBus;
  readonly deadLetterQueue: sqs.IQueue;
  readonly idempotencyTable: dynamodb.Table;
  /** Enrichment or a sweep reads CloudTrail event history. */
  readonly readsCloudTrail: boolean;
  /** The trail the health check reads. */
  readonly trail: ReliedOnTrailIdentity;
  /** The hourly health check of that trail runs. */
  readonly healthCheck: boolean;
}

/** The function, its role and its log group. */
export interface AlertFunction {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  /** The role's name as given (global to the account, so it carries the region). */
  readonly roleName: string;
  readonly logGroup: logs.LogGroup;
}

/** Creates the function with its log group and role, in `scope` (the detector). */
export function createAlertFunction(
  scope: Construct,
  props: SupplyChainDetectorProps,
  parts: AlertFunctionParts,
): AlertFunction {
  const stack = Stack.of(scope);
  const { names, config } = parts;
  const logGroup = new logs.LogGroup(scope, 'AlertFunctionLogs', {
    logGroupName: names.logGroup,
    retention: props.logRetention ?? DETECTOR_DEFAULTS.logRetention,
    encryptionKey: parts.encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // IAM role names are global to the account: the region keeps one detector per region apart.
  const roleName = `${names.rolePrefix}-${stack.region}`;
  const role = new iam.Role(scope, 'AlertFunctionRole', {
    roleName,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
  });
  const reserved =
    (props.reserveConcurrency ?? DETECTOR_DEFAULTS.reserveConcurrency)
      ? (props.reservedConcurrentExecutions ?? DETECTOR_DEFAULTS.reservedConcurrentExecutions)
      : undefined;
  const fn = new nodejs.NodejsFunction(scope, 'AlertFunction', {
    ...alertFunctionCode(),
    functionName: names.function,
    role,
    description: 'Alerts on Bedrock model imports, deployments and marketplace endpoints (MITRE T1525)',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: props.architecture ?? DETECTOR_DEFAULTS.architecture,
    memorySize: 256,
    // Sweeps read CloudTrail at 2 requests per second; an alert's own checks are capped at 2 s each.
    timeout: Duration.minutes(10),
    reservedConcurrentExecutions: reserved,
    logGroup,
    environment: {
      [ALERT_TOPIC_ENV]: parts.alertTopic.topicArn,
      [ALERT_CONFIG_ENV]: stack.toJsonString(config),
      [IDEMPOTENCY_TABLE_ENV]: parts.idempotencyTable.tableName,
      ...(config.followUp || config.containment ? { [DEAD_LETTER_QUEUE_ENV]: parts.deadLetterQueue.queueUrl } : {}),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    },
    retryAttempts: props.functionRetryAttempts ?? DETECTOR_DEFAULTS.functionRetryAttempts,
    maxEventAge: props.functionMaxEventAge ?? DETECTOR_DEFAULTS.functionMaxEventAge,
    onFailure: new destinations.SqsDestination(parts.deadLetterQueue),
  });
  parts.alertTopic.grantPublish(fn);
  grantFunctionActions(fn, role, parts);
  Validations.of(role).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The AWS managed basic execution policy only lets the function write its own CloudWatch logs.',
    },
    {
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Granted by topic.grantPublish on the detector key alone (the resource is that key); SNS needs it to encrypt each message.',
    },
    {
      id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      reason:
        'Granted by queue.grantSendMessages on the detector key alone (the resource is that key) for the on-failure destination.',
    },
  );
  return { function: fn, role, roleName, logGroup };
}

/**
 * The function's permissions beyond logs and the alert topic, each only when its feature is on:
 * - dynamodb Get/Put/Update/DeleteItem on the idempotency table (Powertools idempotency, first-seen);
 * - kms Encrypt/Decrypt/GenerateDataKey on the detector key through DynamoDB only (the table's key);
 * - s3:GetBucketLocation on any bucket (provenance: it reveals only the bucket's region, and answers
 *   ExpectedBucketOwner; model sources can be in any bucket, so no narrower resource exists);
 * - cloudtrail:LookupEvents (enrichment and sweeps; it supports no resource-level permission);
 * - sns:Publish on the chat topic, securityhub:BatchImportFindings on this account's default
 *   product, events:PutEvents on the SOAR bus.
 */
function grantFunctionActions(fn: nodejs.NodejsFunction, role: iam.Role, parts: AlertFunctionParts): void {
  const stack = Stack.of(fn);
  const { config } = parts;
  parts.idempotencyTable.grant(
    fn,
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  );
  // The table is encrypted with the detector key: the function may use it only through DynamoDB.
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'UseKeyThroughDynamoDB',
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [parts.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.${stack.urlSuffix}` } },
    }),
  );
  const acknowledgements: { id: string; reason: string }[] = [];
  if (config.provenanceCheck) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ProvenanceCheck',
        actions: ['s3:GetBucketLocation'],
        resources: [`arn:${stack.partition}:s3:::*`],
      }),
    );
    acknowledgements.push({
      id: `AwsSolutions-IAM5[Resource::arn:${Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition}:s3:::*]`,
      reason:
        "s3:GetBucketLocation only, which reveals a bucket's region and answers ExpectedBucketOwner; model sources can be in any bucket, so the provenance check cannot name them in advance.",
    });
  }
  if (parts.readsCloudTrail) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadCloudTrailHistory',
        actions: ['cloudtrail:LookupEvents'],
        resources: ['*'],
      }),
    );
    acknowledgements.push({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudtrail:LookupEvents supports no resource-level permissions; it is read-only event history.',
    });
  }
  if (parts.healthCheck) {
    // Read-only trail status; a trail known by name only (an organisation trail in the management
    // account) has no ARN here, so the statement names every trail of that name.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const trailResource = parts.trail.arn ?? `arn:${stack.partition}:cloudtrail:*:*:trail/${parts.trail.name}`;
    if (parts.trail.arn === undefined) {
      acknowledgements.push({
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:cloudtrail:*:*:trail/${parts.trail.name}]`,
        reason:
          'The trail the detector relies on is known by name only (an organisation trail in the management account, whose account and home region are not given): read-only status calls on trails of that name.',
      });
    }
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'TrailHealth',
        actions: ['cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
        resources: [trailResource],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'DescribeTrails', actions: ['cloudtrail:DescribeTrails'], resources: ['*'] }),
    );
    // The same hourly check lists the alert topic's subscriptions (an unsubscribe no SCP can stop).
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'AlertSubscriptions',
        actions: ['sns:ListSubscriptionsByTopic'],
        resources: [parts.alertTopic.topicArn],
      }),
    );
    acknowledgements.push({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudtrail:DescribeTrails (read-only) lists trails by name and shows organisation trails to member accounts; it supports no narrower resource.',
    });
  }
  if (config.watchedRegions !== null) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'EnabledRegions', actions: ['ec2:DescribeRegions'], resources: ['*'] }),
    );
    acknowledgements.push({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeRegions (read-only) lists the enabled regions to sweep; it supports no resource-level permissions.',
    });
  }
  if (config.sourceProfiles.includes('sagemaker-endpoint-swaps')) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RegisteredEndpoints',
        actions: ['bedrock:ListMarketplaceModelEndpoints'],
        resources: ['*'],
      }),
    );
    acknowledgements.push({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'bedrock:ListMarketplaceModelEndpoints (read-only) tells whether an updated SageMaker endpoint is registered with Bedrock; it supports no resource-level permissions.',
    });
  }
  parts.chatTopic?.grantPublish(fn);
  if (config.outputs.securityHub) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ImportFindings',
        actions: ['securityhub:BatchImportFindings'],
        resources: [
          stack.formatArn({ service: 'securityhub', resource: 'product', resourceName: `${stack.account}/default` }),
        ],
      }),
    );
  }
  parts.soarEventBus?.grantPutEventsTo(fn);
  // One acknowledgment per finding id (a second one of the same id would replace the first's reason).
  const byId = new Map<string, string[]>();
  for (const a of acknowledgements) byId.set(a.id, [...(byId.get(a.id) ?? []), a.reason]);
  if (byId.size)
    Validations.of(role).acknowledge(...[...byId].map(([id, reasons]) => ({ id, reason: reasons.join(' ') })));
}
