import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';

import {
  ALERT_CONFIG_ENV,
  ALERT_TOPIC_ENV,
  DETECTION_PROFILES,
  DEFAULT_RISK_SCORE,
  DEFAULT_SEVERITY,
  DetectionConfigError,
  DEFAULT_NAME_PREFIX,
  DETECTOR_MODES,
  buildEventPattern,
  checkApprovals,
  checkVerdictSeverities,
  type Approvals,
  type DetectorMode,
  type VerdictSeverities,
  EVENT_PATTERN_MAX_CHARS,
  buildTamperPatterns,
  patternSize,
  type TamperEventPattern,
  checkEventName,
  checkNamePrefix,
  detectorNames,
  type DetectorNames,
  checkRiskScore,
  checkSeverity,
  resolveWatchedCalls,
  type AlertFunctionConfig,
  type AlertSeverity,
  type DetectionEventPattern,
  type DetectionProfile,
  type WatchedCall,
  DEFAULT_BACKFILL_DAYS,
  DEFAULT_CHECK_TIMEOUT_MS,
  DEFAULT_ENRICHMENT,
  DEFAULT_IDEMPOTENCY_DAYS,
  IDEMPOTENCY_TABLE_ENV,
  METRIC_NAMESPACE,
  SERVICE_NAME,
  LOOKUP_EVENTS_HORIZON_DAYS,
  checkEnrichment,
  sweepRequestPayload,
} from './detection';
import { DetectorMonitoring } from './detector-monitoring';
import { DetectorTrail } from './detector-trail';
import { alertFunctionCode } from './private/alert-function-code';
import { acknowledgeComplianceFindings } from './private/compliance';
import { cdkEventPattern } from './private/event-pattern';
import {
  assertValid,
  checkBoolean,
  checkEmail,
  checkInteger,
  checkManagementEvents,
  checkRetentionDays,
  checkTrailName,
  isToken,
  show,
} from './private/validation';

/** Props of {@link BedrockModelSupplyChainDetector}. All are optional. */
export interface BedrockModelSupplyChainDetectorProps {
  /**
   * Which calls to watch: `default` is the four calls of the reference rule
   * (CreateModelImportJob, CreateCustomModelDeployment, CreateMarketplaceModelEndpoint,
   * RegisterMarketplaceModelEndpoint); `extended` adds CreateCustomModel, CreateModelCopyJob and
   * UpdateMarketplaceModelEndpoint.
   * @default 'default'
   */
  readonly profile?: DetectionProfile;

  /**
   * Further `bedrock.amazonaws.com` event names to watch (exact, case-sensitive).
   * @default - none
   */
  readonly additionalEventNames?: string[];

  /**
   * Where the CloudTrail events come from.
   * @default DetectorTrail.create() - a new multi-region, KMS-encrypted trail
   */
  readonly trail?: DetectorTrail;

  /**
   * The event bus the rule listens on. CloudTrail events arrive on the default bus; give another
   * bus when events are forwarded to it.
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;

  /**
   * The topic alerts are published to. When given, `alertEmails` subscribe to it and the function
   * is granted publish; its encryption is yours to manage.
   * @default - a new SNS topic encrypted with `encryptionKey`
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * E-mail addresses subscribed to the alert topic (each confirms by mail).
   * @default - no subscriptions
   */
  readonly alertEmails?: string[];

  /**
   * The KMS key for the trail, topic, dead-letter queue and log group. A key imported from
   * elsewhere must already allow cloudtrail.amazonaws.com, events.amazonaws.com and
   * logs.<region>.amazonaws.com to use it; the detector cannot change its policy.
   * @default - a new customer-managed key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Severity of every alert.
   * @default 'MEDIUM' (the reference rule's)
   */
  readonly severity?: AlertSeverity;

  /**
   * Risk score of every alert, 0-100.
   * @default 47 (the reference rule's)
   */
  readonly riskScore?: number;

  /**
   * The alerting function's processor architecture.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * How long the alerting function's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Concurrent executions reserved for the alerting function, so that other functions that use up
   * the account's concurrency cannot hold its alerts back; `false` reserves none. Lambda keeps 10 of
   * the account's quota unreserved, so in an account whose quota is still 10 (some new accounts)
   * the deployment fails until the quota is raised or this is `false`.
   * @default 5
   */
  readonly reservedConcurrentExecutions?: number | false;

  /**
   * How many times EventBridge retries delivering an event to the function (0-185) before it puts
   * the event in the dead-letter queue.
   * @default 185
   */
  readonly ruleRetryAttempts?: number;

  /**
   * How long EventBridge keeps retrying delivery (1 minute to 24 hours).
   * @default Duration.hours(24)
   */
  readonly ruleMaxEventAge?: Duration;

  /**
   * How many times Lambda retries an event whose handling failed (0-2) before it sends it, with the
   * error, to the dead-letter queue.
   * @default 2
   */
  readonly functionRetryAttempts?: number;

  /**
   * How long Lambda keeps an asynchronous event for retries (1 minute to 6 hours).
   * @default Duration.hours(6)
   */
  readonly functionMaxEventAge?: Duration;

  /**
   * How long the dead-letter queue keeps a failed event (1 minute to 14 days).
   * @default Duration.days(14)
   */
  readonly deadLetterRetention?: Duration;

  /**
   * Prefix of every resource name of the detector (trail, bucket, rules, function, role, queue,
   * topic, log group, key alias). The guardrails and the tamper alert find the detector by these
   * names, so use the same prefix there. Two detectors in one account and region need two prefixes.
   * @default 'bedrock-supply-chain'
   */
  readonly namePrefix?: string;

  /**
   * Alert on calls that stop, blind or remove the detector (its trail, rules, function, role,
   * queue, topic, log group and trail bucket), through the same function and format. IAM and
   * Organizations events reach EventBridge only in us-east-1, so that part deploys only there.
   * @default true
   */
  readonly tamperAlerts?: boolean;

  /**
   * Ids (`p-…`) of the guardrail SCPs whose detachment or change is alerted. Organizations calls
   * are logged only in the management account and delivered only in us-east-1.
   * @default - none
   */
  readonly guardrailPolicyIds?: string[];

  /**
   * What counts as the approved pipeline, for each alert's verdict: approved principal ARN
   * patterns, S3 locations, source accounts and marketplace models. What is not given cannot be
   * verified, and such calls get the `unverified` verdict (`severity`/`riskScore`).
   * @default - nothing approved: every call is `unverified` or worse
   */
  readonly approvals?: Approvals;

  /**
   * Severity and risk score of the other verdicts.
   * @default approved INFORMATIONAL/21, unapproved-principal HIGH/73, untrusted-source CRITICAL/99
   */
  readonly verdictSeverities?: Partial<Omit<VerdictSeverities, 'unverified'>>;

  /**
   * `alert`: notify. `observe`: log and count every alert, notify no one (to tune the approvals).
   * @default 'alert'
   */
  readonly mode?: DetectorMode;

  /**
   * Notify calls whose verdict is `approved` too; they are always logged and counted.
   * @default false
   */
  readonly notifyApproved?: boolean;

  /**
   * Check, for each S3 model source, which account owns the bucket (S3 GetBucketLocation with
   * ExpectedBucketOwner): a bucket that neither the event's account nor an approved source account
   * owns makes the verdict `untrusted-source`. A check that cannot tell never delays the alert.
   * @default true
   */
  readonly provenanceCheck?: boolean;

  /**
   * Add to each alert the principal's Bedrock calls shortly before (CloudTrail LookupEvents, within
   * its 2 requests per second) and whether the principal and source IP are new to the detector.
   * `false` turns it off.
   * @default { windowMinutes: 60, maxPages: 2, firstSeen: true }
   */
  readonly enrichment?: EnrichmentProps | false;

  /**
   * Slack channels (AWS Chatbot) that get each alert as a custom notification, through
   * {@link BedrockModelSupplyChainDetector.chatTopic}.
   * @default - none
   */
  readonly slackChannels?: chatbot.SlackChannelConfiguration[];

  /**
   * Microsoft Teams channels (AWS Chatbot, L1) that get each alert as a custom notification; the
   * chat topic is added to their `snsTopicArns`.
   * @default - none
   */
  readonly teamsChannels?: chatbot.CfnMicrosoftTeamsChannelConfiguration[];

  /**
   * Create the chat topic (AWS Chatbot custom notifications) even without channels, to connect
   * channels defined elsewhere.
   * @default - only when channels are given
   */
  readonly chatNotifications?: boolean;

  /**
   * Import each alert into AWS Security Hub as an ASFF finding (type `TTPs/Persistence/T1525`);
   * a repeat of the same event updates the finding. Security Hub must be enabled in the region.
   * @default false
   */
  readonly securityHub?: boolean;

  /**
   * An EventBridge bus (your SOAR's) that receives each alert as an event with source
   * `bedrock-model-supply-chain` and the alert document as detail.
   * @default - none
   */
  readonly soarEventBus?: events.IEventBus;

  /**
   * On first deploy, sweep this many days back (LookupEvents keeps 90) for watched calls made before
   * the detector existed, and alert on them (0 to 90; 0 turns it off).
   * @default 90
   */
  readonly backfillDays?: number;

  /**
   * How often to sweep CloudTrail for watched calls EventBridge never delivered (its delivery is
   * best effort); each sweep reads back twice the interval (5 minutes to 12 hours). Events already
   * alerted are not repeated. `false` turns it off.
   * @default Duration.hours(1)
   */
  readonly reconciliation?: Duration | false;

  /**
   * CloudWatch alarms, sent to the alert topic, for each way the detector can stop alerting
   * (function errors and throttles, dead letters, failed rule invocations, failed sweeps and
   * deliveries), and a dashboard. See the README for what each alarm means and what to do.
   * @default true
   */
  readonly monitoring?: boolean;
}

/** Enrichment settings of {@link BedrockModelSupplyChainDetectorProps.enrichment}. */
export interface EnrichmentProps {
  /**
   * How far back to look for the principal's other Bedrock calls, in minutes (1 to 1440).
   * @default 60
   */
  readonly windowMinutes?: number;
  /**
   * At most this many LookupEvents pages (50 events each) per alert (1 to 10).
   * @default 2
   */
  readonly maxPages?: number;
  /**
   * Say whether the principal and the source IP are new to the detector (remembered 100 days).
   * @default true
   */
  readonly firstSeen?: boolean;
}

/**
 * Detects, within about a minute, a successful Amazon Bedrock call that brings a model into the
 * account from outside the approved pipeline (custom model import, custom model deployment,
 * marketplace endpoint creation or registration: MITRE ATT&CK T1525), and sends an alert that
 * carries what a responder needs.
 *
 * CloudTrail trail → EventBridge rule (pattern from `lib/detection`) → alerting Lambda → SNS topic;
 * failed deliveries and failed handling are retried and then kept in a KMS-encrypted dead-letter
 * queue.
 */
export class BedrockModelSupplyChainDetector extends Construct {
  /** The calls this detector watches. */
  readonly watchedCalls: readonly WatchedCall[];
  /** The EventBridge pattern of {@link rule}, exactly as `lib/detection` builds it. */
  readonly eventPattern: DetectionEventPattern;
  /** The trail this detector created, if it created one. */
  readonly trail?: cloudtrail.Trail;
  /** The bucket of the created trail. */
  readonly trailBucket?: s3.Bucket;
  /** How the detector gets its trail. */
  readonly trailSource: DetectorTrail;
  /** The ARN of the trail that feeds the detector, when known. */
  readonly trailArn?: string;
  /** The KMS key that encrypts the detector's resources. */
  readonly encryptionKey: kms.IKey;
  /** The rule that matches the watched calls. */
  readonly rule: events.Rule;
  /** The alerting function. */
  readonly alertFunction: nodejs.NodejsFunction;
  /** The alerting function's log group. */
  readonly logGroup: logs.LogGroup;
  /** The topic alerts are published to. */
  readonly alertTopic: sns.ITopic;
  /** Where events end up that could not be delivered or handled, with the reason. */
  readonly deadLetterQueue: sqs.Queue;
  /** The physical names of the detector's resources. */
  readonly names: DetectorNames;
  /** The rules that match changes to the detector's regional resources (patterns split to fit EventBridge's size quota). */
  readonly tamperRules: events.Rule[] = [];
  /** The rules that match IAM and Organizations changes (deployed only where they can fire: us-east-1). */
  readonly globalTamperRules: events.Rule[] = [];
  /** Where each CloudTrail event's deliveries (and first-seen principals and IPs) are remembered. */
  readonly idempotencyTable: dynamodb.Table;
  /** The topic AWS Chatbot channels subscribe to (custom notifications), when chat is on. */
  readonly chatTopic?: sns.Topic;
  /** The schedule of the reconciliation sweep, when on. */
  readonly reconciliationRule?: events.Rule;
  /** The detector's alarms and dashboard, when on. */
  readonly monitoring?: DetectorMonitoring;

  constructor(scope: Construct, id: string, props: BedrockModelSupplyChainDetectorProps = {}) {
    super(scope, id);
    validateProps(props);
    const stack = Stack.of(this);

    try {
      this.watchedCalls = resolveWatchedCalls({
        profile: props.profile,
        additionalEventNames: props.additionalEventNames,
      });
    } catch (e) {
      if (e instanceof DetectionConfigError) assertValid(e.message);
      throw e;
    }
    this.eventPattern = buildEventPattern(this.watchedCalls);
    if (patternSize(this.eventPattern) > EVENT_PATTERN_MAX_CHARS) {
      assertValid(
        `'additionalEventNames' make the rule's pattern ${patternSize(this.eventPattern)} characters long, more than the ${EVENT_PATTERN_MAX_CHARS} EventBridge allows by default: watch fewer names`,
      );
    }
    this.names = detectorNames(props.namePrefix ?? DEFAULT_NAME_PREFIX);
    const names = this.names;

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the Bedrock model supply-chain detector's trail, alerts, dead letters and logs (${this.node.path})`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    if (!props.encryptionKey) {
      // The guardrails protect the key by this alias (kms:ResourceAliases).
      new kms.Alias(this, 'KeyAlias', { aliasName: names.keyAlias, targetKey: this.encryptionKey });
      // Grants only for AWS services acting on AWS resources (Control Tower CT.KMS.PR.3): no one can
      // hand out lasting use of the key outside its policy.
      this.encryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DenyGrantsExceptForAwsServices',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['kms:CreateGrant'],
          resources: ['*'],
          conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        }),
      );
    } else {
      Annotations.of(this).addWarningV2(
        'cdk-bedrock-model-supply-chain:keyNotProtected',
        `The guardrails protect the detector's key by its alias '${names.keyAlias}': give the key you passed that alias, or it is not protected from deletion.`,
      );
    }
    if (props.alertTopic) {
      Annotations.of(this).addWarningV2(
        'cdk-bedrock-model-supply-chain:topicNotProtected',
        `The guardrails and the tamper alert protect the alert topic by its name '${names.topic}': a topic you pass under another name is not protected.`,
      );
    }

    // --- Trail -------------------------------------------------------------------------------
    this.trailSource = props.trail ?? DetectorTrail.create();
    if (this.trailSource.kind === 'create') {
      const created = this.createTrail(this.trailSource);
      this.trail = created.trail;
      this.trailBucket = created.bucket;
      this.trailArn = created.trailArn;
    } else {
      this.trail = this.trailSource.trail;
      this.trailArn = this.trailSource.trail?.trailArn ?? this.trailSource.trailArn;
    }

    // --- Dead letters ----------------------------------------------------------------------------
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: names.queue,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
      enforceSSL: true,
    });
    // EventBridge writes undeliverable events to the queue itself, so it needs the key.
    this.encryptionKey.addToResourcePolicy(
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
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the rule target and of the alerting function.',
    });

    // --- Alert topic -------------------------------------------------------------------------
    this.alertTopic =
      props.alertTopic ??
      new sns.Topic(this, 'AlertTopic', {
        topicName: names.topic,
        displayName: 'Bedrock model supply-chain alerts',
        masterKey: this.encryptionKey,
        enforceSSL: true,
      });
    // Mail SNS cannot deliver goes to the dead-letter queue too; an SNS dead-letter queue must be in
    // the topic's account and region, which only the detector's own topic is known to share.
    const ownTopic = props.alertTopic === undefined;
    for (const email of props.alertEmails ?? []) {
      this.alertTopic.addSubscription(
        new subscriptions.EmailSubscription(email, ownTopic ? { deadLetterQueue: this.deadLetterQueue } : {}),
      );
    }
    if (ownTopic && props.alertEmails?.length) {
      this.encryptionKey.addToResourcePolicy(
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

    // --- Chat -----------------------------------------------------------------------------------
    if (props.slackChannels?.length || props.teamsChannels?.length || props.chatNotifications) {
      this.chatTopic = new sns.Topic(this, 'ChatTopic', {
        topicName: names.chatTopic,
        displayName: 'Bedrock model supply-chain alerts (chat)',
        masterKey: this.encryptionKey,
        enforceSSL: true,
      });
      for (const channel of props.slackChannels ?? []) channel.addNotificationTopic(this.chatTopic);
      for (const channel of props.teamsChannels ?? []) {
        channel.snsTopicArns = [...(channel.snsTopicArns ?? []), this.chatTopic.topicArn];
      }
    }

    // --- Idempotency -------------------------------------------------------------------------------
    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      tableName: names.idempotencyTable,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration',
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Losing it costs at most a repeated alert; keeping it would block re-creating the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // --- Alerting function ---------------------------------------------------------------------
    this.logGroup = new logs.LogGroup(this, 'AlertFunctionLogs', {
      logGroupName: names.logGroup,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    const config: AlertFunctionConfig = {
      profile: props.profile ?? 'default',
      namePrefix: names.prefix,
      guardrailPolicyIds: props.guardrailPolicyIds ?? [],
      additionalEventNames: props.additionalEventNames ?? [],
      severity: props.severity ?? DEFAULT_SEVERITY,
      riskScore: props.riskScore ?? DEFAULT_RISK_SCORE,
      approvals: props.approvals ?? {},
      verdictSeverities: props.verdictSeverities ?? {},
      mode: props.mode ?? 'alert',
      notifyApproved: props.notifyApproved ?? false,
      provenanceCheck: props.provenanceCheck ?? true,
      enrichment:
        props.enrichment === false
          ? null
          : {
              windowMinutes: props.enrichment?.windowMinutes ?? DEFAULT_ENRICHMENT.windowMinutes,
              maxPages: props.enrichment?.maxPages ?? DEFAULT_ENRICHMENT.maxPages,
              firstSeen: props.enrichment?.firstSeen ?? true,
            },
      checkTimeoutMs: DEFAULT_CHECK_TIMEOUT_MS,
      outputs: {
        securityHub: props.securityHub ?? false,
        ...(this.chatTopic ? { chatTopicArn: this.chatTopic.topicArn } : {}),
        ...(props.soarEventBus ? { soarEventBusArn: props.soarEventBus.eventBusArn } : {}),
      },
      idempotencyDays: DEFAULT_IDEMPOTENCY_DAYS,
    };
    // Lambda allows 4 KB of environment variables in all; the approvals travel in DETECTOR_CONFIG.
    const configSize = JSON.stringify(config).length;
    if (configSize > 3584) {
      assertValid(
        `'approvals' and 'additionalEventNames' make the function's configuration ${configSize} characters, more than the 3,584 that fit in Lambda's 4 KB of environment variables: use fewer or broader patterns`,
      );
    }
    // IAM role names are global to the account: the region keeps one detector per region apart.
    const role = new iam.Role(this, 'AlertFunctionRole', {
      roleName: `${names.rolePrefix}-${stack.region}`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    this.alertFunction = new nodejs.NodejsFunction(this, 'AlertFunction', {
      ...alertFunctionCode(),
      functionName: names.function,
      role,
      description: 'Alerts on Bedrock model imports, deployments and marketplace endpoints (MITRE T1525)',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize: 256,
      // Sweeps read CloudTrail at 2 requests per second; an alert's own checks are capped at 2 s each.
      timeout: Duration.minutes(10),
      reservedConcurrentExecutions:
        props.reservedConcurrentExecutions === false ? undefined : (props.reservedConcurrentExecutions ?? 5),
      logGroup: this.logGroup,
      environment: {
        [ALERT_TOPIC_ENV]: this.alertTopic.topicArn,
        [ALERT_CONFIG_ENV]: stack.toJsonString(config),
        [IDEMPOTENCY_TABLE_ENV]: this.idempotencyTable.tableName,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      },
      retryAttempts: props.functionRetryAttempts ?? 2,
      maxEventAge: props.functionMaxEventAge ?? Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
    this.alertTopic.grantPublish(this.alertFunction);
    this.grantFunctionActions(role, props, config);
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

    // --- Rules ---------------------------------------------------------------------------------
    const target = () =>
      new targets.LambdaFunction(this.alertFunction, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: props.ruleRetryAttempts ?? 185,
        maxEventAge: props.ruleMaxEventAge ?? Duration.hours(24),
      });
    this.rule = new events.Rule(this, 'Rule', {
      ruleName: names.rule,
      description:
        `Successful Bedrock calls that bring in an outside model: ${this.watchedCalls.map((c) => c.eventName).join(', ')}`.slice(
          0,
          512,
        ),
      eventBus: props.eventBus,
      eventPattern: cdkEventPattern(this.eventPattern),
      targets: [target()],
    });

    if (props.tamperAlerts !== false) {
      // One rule per pattern: ids `<id>`, `<id>2`, …; names `<name>`, `<name>-2`, ….
      const tamperRules = (patterns: TamperEventPattern[], id: string, name: string, description: string) =>
        patterns.map(
          (pattern, i) =>
            new events.Rule(this, i === 0 ? id : `${id}${i + 1}`, {
              ruleName: i === 0 ? name : `${name}-${i + 1}`,
              description,
              eventBus: props.eventBus,
              eventPattern: cdkEventPattern(pattern),
              targets: [target()],
            }),
        );
      this.tamperRules.push(
        ...tamperRules(
          buildTamperPatterns(names, 'regional'),
          'TamperRule',
          names.tamperRule,
          'Calls that stop, blind or remove the Bedrock model supply-chain detector',
        ),
      );
      // IAM and Organizations are global services: EventBridge gets their events in us-east-1 only.
      // In an environment-agnostic stack the rule is created everywhere and simply never fires
      // outside us-east-1 (no condition: the queue policy and the function permission refer to it).
      const globalPatterns = buildTamperPatterns(names, 'us-east-1', props.guardrailPolicyIds ?? []);
      const elsewhere = !Token.isUnresolved(stack.region) && stack.region !== 'us-east-1';
      if (globalPatterns.length > 0 && elsewhere) {
        Annotations.of(this).addInfo(
          `IAM and Organizations changes to the detector are alerted only by a detector in us-east-1, where EventBridge receives those events; this one is in ${stack.region}.`,
        );
      } else {
        this.globalTamperRules.push(
          ...tamperRules(
            globalPatterns,
            'GlobalTamperRule',
            names.globalTamperRule,
            'IAM and Organizations calls that change the detector role or the guardrail SCPs (us-east-1 only)',
          ),
        );
      }
    }
    // --- Sweeps ----------------------------------------------------------------------------------
    // Both go through the function's own pipeline and idempotency, so nothing is alerted twice.
    if (props.reconciliation !== false) {
      const every = props.reconciliation ?? Duration.hours(1);
      this.reconciliationRule = new events.Rule(this, 'ReconciliationSchedule', {
        ruleName: names.reconcileRule,
        description: 'Sweeps CloudTrail for watched Bedrock calls EventBridge did not deliver',
        schedule: events.Schedule.rate(every),
        targets: [
          new targets.LambdaFunction(this.alertFunction, {
            event: events.RuleTargetInput.fromObject(
              sweepRequestPayload({ kind: 'reconcile', lookbackMinutes: Math.min(2 * every.toMinutes(), 24 * 60) }),
            ),
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 2,
            maxEventAge: Duration.hours(1),
          }),
        ],
      });
    }
    const backfillDays = props.backfillDays ?? DEFAULT_BACKFILL_DAYS;
    let backfill: cr.AwsCustomResource | undefined;
    let backfillProvider: IConstruct | undefined;
    if (backfillDays > 0) {
      // Invoked once, asynchronously, when the stack is created: the deploy does not wait for the sweep.
      backfill = new cr.AwsCustomResource(this, 'Backfill', {
        resourceType: 'Custom::BedrockSupplyChainBackfill',
        onCreate: {
          service: 'Lambda',
          action: 'invoke',
          parameters: {
            FunctionName: this.alertFunction.functionName,
            InvocationType: 'Event',
            Payload: JSON.stringify(sweepRequestPayload({ kind: 'backfill', lookbackMinutes: backfillDays * 24 * 60 })),
          },
          physicalResourceId: cr.PhysicalResourceId.of(`${names.prefix}-backfill`),
        },
        policy: cr.AwsCustomResourcePolicy.fromStatements([
          new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.alertFunction.functionArn] }),
        ]),
        installLatestAwsSdk: false,
      });
      // The function must be able to write its logs and read CloudTrail before it is first invoked.
      backfill.node.addDependency(this.alertFunction);
      // AwsCustomResource's shared provider function lives at the stack's root.
      backfillProvider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
      if (backfillProvider) {
        Validations.of(backfillProvider).acknowledge({
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            "aws-cdk-lib's AwsCustomResource provider (invokes the backfill once, at stack creation): the AWS managed basic execution policy only lets it write its own logs.",
        });
      }
    }

    // --- Self-monitoring ------------------------------------------------------------------------
    if (props.monitoring !== false) {
      this.monitoring = new DetectorMonitoring(this, 'Monitoring', {
        namePrefix: names.prefix,
        alertFunction: this.alertFunction,
        deadLetterQueue: this.deadLetterQueue,
        rules: [
          this.rule,
          ...this.tamperRules,
          ...this.globalTamperRules,
          ...(this.reconciliationRule ? [this.reconciliationRule] : []),
        ],
        alarmTopic: this.alertTopic,
      });
      // CloudWatch publishes alarm notifications to the KMS-encrypted topic, so it needs the key.
      this.encryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchAlarms',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
      );
    }

    const created = this.trailSource.kind === 'create' ? this.trailSource.options : undefined;
    acknowledgeComplianceFindings({
      function: this.alertFunction,
      functionRole: role,
      deadLetterQueue: this.deadLetterQueue,
      trail: created && this.trail,
      trailBucket: this.trailBucket,
      idempotencyTable: this.idempotencyTable,
      backfill,
      backfillProvider,
      accessLogsBucket: created?.accessLogsBucket !== undefined,
      cloudWatchLogs: created?.cloudWatchLogs !== false,
      reservedConcurrency: props.reservedConcurrentExecutions !== false,
    });
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
  private grantFunctionActions(
    role: iam.Role,
    props: BedrockModelSupplyChainDetectorProps,
    config: AlertFunctionConfig,
  ) {
    const stack = Stack.of(this);
    const fn = this.alertFunction;
    this.idempotencyTable.grant(
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
        resources: [this.encryptionKey.keyArn],
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
    if (config.enrichment || props.reconciliation !== false || (props.backfillDays ?? DEFAULT_BACKFILL_DAYS) > 0) {
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
    this.chatTopic?.grantPublish(fn);
    if (props.securityHub) {
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
    props.soarEventBus?.grantPutEventsTo(fn);
    if (acknowledgements.length) Validations.of(role).acknowledge(...acknowledgements);
  }

  private createTrail(source: DetectorTrail): { trail: cloudtrail.Trail; bucket: s3.Bucket; trailArn: string } {
    const stack = Stack.of(this);
    const options = source.options;
    const trailName = options.trailName ?? this.names.trail;
    if (trailName !== this.names.trail) {
      Annotations.of(this).addWarningV2(
        'cdk-bedrock-model-supply-chain:trailNotProtected',
        `The guardrails and the tamper alert protect the trail by its name '${this.names.trail}': the trail '${trailName}' is not protected.`,
      );
    }
    const trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName });

    const bucket = new s3.Bucket(this, 'TrailBucket', {
      // Bucket names are global: the account and region make this one unique.
      bucketName: `${this.names.bucketPrefix}-${stack.account}-${stack.region}`,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: options.bucketRemovalPolicy ?? RemovalPolicy.RETAIN,
      serverAccessLogsBucket: options.accessLogsBucket,
      lifecycleRules: [
        {
          id: 'ExpireLogFiles',
          expiration: options.logRetention ?? Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    if (!options.accessLogsBucket) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'The bucket only receives CloudTrail log files, which carry their own integrity digests (log file validation); pass NewTrailOptions.accessLogsBucket to turn on server access logging.',
      });
    }
    // Only this trail may write here (aws:SourceArn), which closes the confused-deputy path that an
    // unconditioned cloudtrail.amazonaws.com grant leaves open.
    const onlyThisTrail = { 'aws:SourceArn': trailArn };
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailAclCheck',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: onlyThisTrail },
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSCloudTrailWrite',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
        conditions: { StringEquals: { ...onlyThisTrail, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
    this.encryptionKey.addToResourcePolicy(
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
    );
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailDescribeKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: onlyThisTrail },
      }),
    );

    // The L2 Trail adds its own, unconditioned statements to the policy of the bucket it is given.
    // Handing it a reference to the bucket (which has no policy of its own to add to) keeps the
    // policy above the only one; the dependency makes the policy exist before the trail starts.
    const bucketRef = s3.Bucket.fromBucketAttributes(this, 'TrailBucketRef', {
      bucketArn: bucket.bucketArn,
      bucketName: bucket.bucketName,
    });
    // A copy in CloudWatch Logs for triage queries; the bucket stays the record, so the copy goes with the stack.
    const cloudWatchLogGroup =
      options.cloudWatchLogs === false
        ? undefined
        : new logs.LogGroup(this, 'TrailLogs', {
            logGroupName: `/aws/cloudtrail/${trailName}`,
            retention: options.cloudWatchLogsRetention ?? logs.RetentionDays.ONE_YEAR,
            encryptionKey: this.encryptionKey,
            removalPolicy: RemovalPolicy.DESTROY,
          });
    const trail = new cloudtrail.Trail(this, 'Trail', {
      trailName,
      bucket: bucketRef,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: options.managementEvents ?? cloudtrail.ReadWriteType.ALL,
      encryptionKey: this.encryptionKey,
      sendToCloudWatchLogs: cloudWatchLogGroup !== undefined,
      cloudWatchLogGroup,
    });
    trail.node.addDependency(bucket.policy!);
    return { trail, bucket, trailArn };
  }
}

/** The construct id aws-cdk-lib gives AwsCustomResource's singleton provider function. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

function validateProps(props: BedrockModelSupplyChainDetectorProps): void {
  if (props.enrichment !== undefined && props.enrichment !== false) {
    for (const problem of checkEnrichment(
      { windowMinutes: 60, maxPages: 2, firstSeen: true, ...props.enrichment },
      'enrichment',
    )) {
      assertValid(problem);
    }
  }
  if (props.backfillDays !== undefined && !isToken(props.backfillDays)) {
    assertValid(checkInteger(props.backfillDays, 'backfillDays', 0, LOOKUP_EVENTS_HORIZON_DAYS));
  }
  if (props.reconciliation !== undefined && props.reconciliation !== false) {
    checkDuration(props.reconciliation, 'reconciliation', 5 * 60, 12 * 3600);
    if (!props.reconciliation.isUnresolved() && props.reconciliation.toSeconds() % 60 !== 0) {
      assertValid(`'reconciliation' must be a whole number of minutes, got ${props.reconciliation.toHumanString()}`);
    }
  }
  if (props.approvals !== undefined)
    for (const problem of checkApprovals(props.approvals, 'approvals', isToken)) assertValid(problem);
  if (props.verdictSeverities !== undefined) {
    for (const problem of checkVerdictSeverities(props.verdictSeverities)) assertValid(problem);
  }
  if (props.mode !== undefined && !DETECTOR_MODES.includes(props.mode)) {
    assertValid(`'mode' must be one of ${DETECTOR_MODES.map((m) => `'${m}'`).join(', ')}, got ${show(props.mode)}`);
  }
  if (props.namePrefix !== undefined && !isToken(props.namePrefix)) assertValid(checkNamePrefix(props.namePrefix));
  for (const id of props.guardrailPolicyIds ?? []) {
    if (!isToken(id) && !/^p-[0-9a-z]{8,128}$/.test(id)) {
      assertValid(`'guardrailPolicyIds' entries must be SCP ids like 'p-abcd1234', got ${show(id)}`);
    }
  }
  if (props.profile !== undefined && !DETECTION_PROFILES.includes(props.profile)) {
    assertValid(
      `'profile' must be one of ${DETECTION_PROFILES.map((p) => `'${p}'`).join(', ')}, got ${show(props.profile)}`,
    );
  }
  for (const name of props.additionalEventNames ?? []) {
    if (isToken(name)) {
      assertValid(
        `'additionalEventNames' must be known at synth (the rule's pattern is built from them), got the unresolved token ${show(name)}`,
      );
    }
    assertValid(checkEventName(name));
  }
  if (props.severity !== undefined) assertValid(checkSeverity(props.severity));
  if (props.riskScore !== undefined && !isToken(props.riskScore)) assertValid(checkRiskScore(props.riskScore));
  for (const email of props.alertEmails ?? []) assertValid(checkEmail(email, 'alertEmails'));
  if (props.reservedConcurrentExecutions !== undefined && props.reservedConcurrentExecutions !== false) {
    const value = props.reservedConcurrentExecutions;
    if (!isToken(value) && !(Number.isInteger(value) && value >= 1 && value <= 1000)) {
      assertValid(
        `'reservedConcurrentExecutions' must be a whole number from 1 to 1000, or false to reserve none, got ${show(value)}`,
      );
    }
  }
  assertValid(checkBoolean(props.tamperAlerts, 'tamperAlerts'));
  assertValid(checkBoolean(props.notifyApproved, 'notifyApproved'));
  for (const prop of ['provenanceCheck', 'securityHub', 'chatNotifications', 'monitoring'] as const) {
    assertValid(checkBoolean(props[prop], prop));
  }
  assertValid(checkRetentionDays(props.logRetention, 'logRetention'));
  if (props.trail?.kind === 'create') {
    const options = props.trail.options;
    assertValid(checkManagementEvents(options.managementEvents, 'trail.managementEvents'));
    assertValid(checkBoolean(options.cloudWatchLogs, 'trail.cloudWatchLogs'));
    assertValid(checkRetentionDays(options.cloudWatchLogsRetention, 'trail.cloudWatchLogsRetention'));
  }
  if (props.ruleRetryAttempts !== undefined)
    assertValid(checkInteger(props.ruleRetryAttempts, 'ruleRetryAttempts', 0, 185));
  if (props.functionRetryAttempts !== undefined) {
    assertValid(checkInteger(props.functionRetryAttempts, 'functionRetryAttempts', 0, 2));
  }
  checkDuration(props.ruleMaxEventAge, 'ruleMaxEventAge', 60, 24 * 3600);
  checkDuration(props.functionMaxEventAge, 'functionMaxEventAge', 60, 6 * 3600);
  checkDuration(props.deadLetterRetention, 'deadLetterRetention', 60, 14 * 24 * 3600);
  const trail = props.trail;
  if (trail?.kind === 'create') {
    if (trail.options.trailName !== undefined) assertValid(checkTrailName(trail.options.trailName, 'trail.trailName'));
    const retention = trail.options.logRetention;
    if (
      retention !== undefined &&
      !retention.isUnresolved() &&
      (retention.toDays({ integral: false }) < 1 || !Number.isInteger(retention.toDays({ integral: false })))
    ) {
      assertValid(`'trail.logRetention' must be a whole number of days, at least 1, got ${retention.toHumanString()}`);
    }
  }
}

function checkDuration(value: Duration | undefined, prop: string, minSeconds: number, maxSeconds: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds();
  if (seconds < minSeconds || seconds > maxSeconds) {
    assertValid(
      `'${prop}' must be from ${Duration.seconds(minSeconds).toHumanString()} to ${Duration.seconds(maxSeconds).toHumanString()}, got ${value.toHumanString()}`,
    );
  }
}
