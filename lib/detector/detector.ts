import { RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

import { ALERT_SCHEMA, SOAR_EVENT_SOURCE, checkNamePrefix, detectorNames, type DetectorNames } from '../detection';
import { claimGlobalName } from '../private/global-names';
import { markDetector } from '../private/markers';
import { createWatchRules } from '../private/rules';
import { assertValid } from '../private/validation';
import { watchSet } from '../private/watched-calls';

import { alertFunctionConfig, createAlertFunction } from './alert-function';
import { acknowledgeComplianceFindings } from './compliance';
import { createDestinations } from './destinations';
import { createDetectorKey, detectorKeyStatements, type DetectorKeyUses } from './key';
import { DetectorMonitoring } from './monitoring';
import { DETECTOR_DEFAULTS, WATCH_DEFAULTS, type SupplyChainDetectorProps } from './props';
import { createResponse } from './response';
import { createSweeps } from './sweeps';
import { DetectorTrail, DetectorTrailKind, createTrail, createdTrailIdentity, reliedOnTrail } from './trail';
import { validateDetectorProps } from './validate-props';
import { warnAboutUnprotected, warnTrailNotWatched } from './warnings';

/**
 * Detects, within about a minute, a successful Amazon Bedrock call that brings a model into the
 * account from outside the approved pipeline (custom model import, custom model deployment,
 * marketplace endpoint creation or registration: MITRE ATT&CK T1525), and sends an alert that
 * carries what a responder needs.
 *
 * CloudTrail trail → EventBridge rule (pattern from `lib/detection`) → alerting Lambda → SNS topic;
 * failed deliveries and failed handling are retried and then kept in a KMS-encrypted dead-letter
 * queue. Each part is built in its own file of `lib/detector`; this class composes them.
 */
export class SupplyChainDetector extends Construct {
  /** The schema id every JSON alert carries (`schema`); it changes only with a breaking change of the alert. */
  public static readonly ALERT_SCHEMA: string = ALERT_SCHEMA;
  /** The `source` of the alerts put on a SOAR bus. */
  public static readonly SOAR_EVENT_SOURCE: string = SOAR_EVENT_SOURCE;

  /**
   * The physical names a detector with this name prefix gives its resources (and the guardrails
   * protect), known before the detector exists: for tags, policies and cross-account references.
   */
  public static namesFor(namePrefix?: string): DetectorNames {
    if (namePrefix !== undefined) assertValid(checkNamePrefix(namePrefix));
    return detectorNames(namePrefix ?? WATCH_DEFAULTS.namePrefix);
  }

  /** The CloudTrail event names this detector watches. */
  readonly watchedEventNames: string[];
  /** The EventBridge pattern of `rule` in its JSON form, exactly as `lib/detection` builds it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON in the jsii API (a dict in Python, a Map in Java), as aws-cdk has it
  readonly eventPattern: { [key: string]: any };
  /** The patterns of every watched-call rule (`rules`), in their JSON form. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON in the jsii API (a dict in Python, a Map in Java), as aws-cdk has it
  readonly eventPatterns: { [key: string]: any }[];
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
  /**
   * The statements the key policy needs for this detector's uses: on the key the detector creates,
   * they are there; a key passed as `encryptionKey` must already carry them.
   */
  readonly keyPolicyStatements: iam.PolicyStatement[];
  /** The rule that matches the watched calls (the first of `rules`). */
  readonly rule: events.Rule;
  /** Every rule that matches the watched calls: more than one when other event sources are watched too. */
  readonly rules: events.Rule[];
  /** The rules that match failed watched calls, with `probingAlerts`. */
  readonly probeRules: events.Rule[];
  /** The rule that matches deletes of watched resources, with `createThenDeleteAlerts`. */
  readonly deleteRules: events.Rule[];
  /** The schedule of the hourly health check of the trail, with `healthCheck`. */
  readonly healthCheckRule?: events.Rule;
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
  readonly tamperRules: events.Rule[];
  /** The rules that match IAM and Organizations changes (deployed only where they can fire: us-east-1). */
  readonly globalTamperRules: events.Rule[];
  /** Where each CloudTrail event's deliveries (and first-seen principals and IPs) are remembered. */
  readonly idempotencyTable: dynamodb.Table;
  /** The topic AWS Chatbot channels subscribe to (custom notifications), when chat is on. */
  readonly chatTopic?: sns.Topic;
  /** The schedule of the reconciliation sweep, when on. */
  readonly reconciliationRule?: events.Rule;
  /** The detector's alarms and dashboard, when on. */
  readonly monitoring?: DetectorMonitoring;
  /** The state machine that waits between lifecycle follow-up checks, with `lifecycleFollowUp`. */
  readonly followUpStateMachine?: sfn.StateMachine;
  /** The rule that routes the Security Hub custom action "Contain this model", in contain mode with Security Hub. */
  readonly containRule?: events.Rule;

  /**
   * @param scope the construct this one is created in
   * @param id this construct's id: part of every logical id under it, so keep it stable once deployed
   * @param props the detector's options; all optional
   */
  constructor(scope: Construct, id: string, props: SupplyChainDetectorProps = {}) {
    super(scope, id);
    validateDetectorProps(props);
    const watched = watchSet(props);
    this.watchedEventNames = watched.calls.map((c) => c.eventName);
    this.eventPattern = watched.patterns[0];
    this.eventPatterns = watched.patterns;
    this.names = detectorNames(props.namePrefix ?? WATCH_DEFAULTS.namePrefix);
    const names = this.names;
    markDetector(this, names.prefix);
    this.trailSource = props.trail ?? DetectorTrail.create();
    const created = this.trailSource.kind === DetectorTrailKind.CREATE ? this.trailSource.options : undefined;
    const relied = reliedOnTrail(this, this.trailSource, names);
    const ownTopic = props.alertTopic === undefined;
    const monitoring = props.monitoring ?? DETECTOR_DEFAULTS.monitoring;

    // --- Key: every statement of its policy, from what the detector uses it for ----------------
    const keyUses: DetectorKeyUses = {
      createdTrailArn: created && createdTrailIdentity(this, names, created).trailArn,
      topicDeadLetters: ownTopic && (props.alertEmails?.length ?? 0) > 0,
      alarms: monitoring,
    };
    this.keyPolicyStatements = detectorKeyStatements(this, names, keyUses);
    this.encryptionKey = props.encryptionKey ?? createDetectorKey(this, names, keyUses);
    warnAboutUnprotected(this, props, names);

    // --- Trail ---------------------------------------------------------------------------------
    if (created) {
      const trail = createTrail(this, names, created, this.encryptionKey);
      this.trail = trail.trail;
      this.trailBucket = trail.bucket;
      this.trailArn = trail.trailArn;
      claimGlobalName(this, {
        what: 'create a multi-region trail',
        key: 'multi-region trail',
        scope: 'account',
        remedy:
          "One multi-region trail logs every region of an account: give one detector the trail and watch the other regions with forwarders (AccountForwarders, or WatchedRegions.plan and RegionalForwarder, as bin/app.ts does), or pass 'trail: DetectorTrail.existing(<trail ARN>)' to the others.",
      });
    } else {
      this.trail = this.trailSource.trail;
      this.trailArn = relied.arn;
      if (relied.name === undefined) warnTrailNotWatched(this);
    }

    // --- Where alerts go: the dead-letter queue, the topics ------------------------------------
    const destinations = createDestinations(this, props, names, this.encryptionKey);
    this.deadLetterQueue = destinations.deadLetterQueue;
    this.alertTopic = destinations.alertTopic;
    this.chatTopic = destinations.chatTopic;

    // --- The alerting function and its memory ---------------------------------------------------
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
    const config = alertFunctionConfig(props, names, {
      chatTopic: this.chatTopic,
      soarEventBus: props.soarEventBus,
      trail: relied,
    });
    const reconciliation =
      (props.reconciliation ?? DETECTOR_DEFAULTS.reconciliation)
        ? (props.reconciliationInterval ?? DETECTOR_DEFAULTS.reconciliationInterval)
        : undefined;
    const backfillDays =
      (props.backfill ?? DETECTOR_DEFAULTS.backfill)
        ? (props.backfillPeriod ?? DETECTOR_DEFAULTS.backfillPeriod).toDays()
        : 0;
    const healthCheck = config.trail !== null && (props.healthCheck ?? DETECTOR_DEFAULTS.healthCheck);
    const fn = createAlertFunction(this, props, {
      names,
      config,
      encryptionKey: this.encryptionKey,
      alertTopic: this.alertTopic,
      chatTopic: this.chatTopic,
      soarEventBus: props.soarEventBus,
      deadLetterQueue: this.deadLetterQueue,
      idempotencyTable: this.idempotencyTable,
      readsCloudTrail: config.enrichment !== null || reconciliation !== undefined || backfillDays > 0,
      trail: relied,
      healthCheck,
    });
    this.alertFunction = fn.function;
    this.logGroup = fn.logGroup;
    claimGlobalName(this, {
      what: `claim the IAM role name '${fn.roleName}'`,
      key: `role/${fn.roleName}`,
      scope: 'account',
      remedy: "Two detectors in one account and region need two 'namePrefix' values.",
    });

    // --- Rules: the watched calls and the changes to the detector ------------------------------
    const rules = createWatchRules(this, {
      purpose: 'detect',
      watched,
      tamper:
        (props.tamperAlerts ?? DETECTOR_DEFAULTS.tamperAlerts)
          ? {
              detector: names,
              guardrailPolicyIds: props.guardrailPolicyIds ?? [],
              trails: relied.name !== undefined && relied.kind !== 'create' ? [relied.name] : [],
            }
          : undefined,
      ruleNames: names,
      eventBus: props.eventBus,
      target: () =>
        new targets.LambdaFunction(this.alertFunction, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: props.ruleRetryAttempts ?? DETECTOR_DEFAULTS.ruleRetryAttempts,
          maxEventAge: props.ruleMaxEventAge ?? DETECTOR_DEFAULTS.ruleMaxEventAge,
        }),
    });
    this.rules = rules.rules;
    this.rule = rules.rules[0];
    this.probeRules = rules.probeRules;
    this.deleteRules = rules.deleteRules;
    this.tamperRules = rules.tamperRules;
    this.globalTamperRules = rules.globalTamperRules;

    // --- Sweeps: what EventBridge did not deliver, and what happened before the detector --------
    const sweeps = createSweeps(this, {
      names,
      alertFunction: this.alertFunction,
      deadLetterQueue: this.deadLetterQueue,
      reconciliation,
      backfillDays,
      healthCheck,
    });
    this.reconciliationRule = sweeps.reconciliationRule;
    this.healthCheckRule = sweeps.healthCheckRule;

    // --- After the alert: the lifecycle follow-up, contain mode ----------------------------------
    const response = createResponse(this, props, {
      names,
      config,
      alertFunction: fn,
      deadLetterQueue: this.deadLetterQueue,
      encryptionKey: this.encryptionKey,
    });
    this.followUpStateMachine = response.followUpStateMachine;
    this.containRule = response.containRule;

    // --- Self-monitoring ------------------------------------------------------------------------
    if (monitoring) {
      this.monitoring = new DetectorMonitoring(this, 'Monitoring', {
        namePrefix: names.prefix,
        alertFunction: this.alertFunction,
        deadLetterQueue: this.deadLetterQueue,
        rules: [
          ...this.rules,
          ...this.probeRules,
          ...this.deleteRules,
          ...this.tamperRules,
          ...this.globalTamperRules,
          ...(this.reconciliationRule ? [this.reconciliationRule] : []),
          ...(this.healthCheckRule ? [this.healthCheckRule] : []),
          ...(this.containRule ? [this.containRule] : []),
        ],
        followUpStateMachine: this.followUpStateMachine,
        alarmTopic: this.alertTopic,
      });
      claimGlobalName(this, {
        what: `claim the CloudWatch dashboard name '${this.monitoring.dashboardName}'`,
        key: `dashboard/${this.monitoring.dashboardName}`,
        scope: 'account',
        remedy: "Two detectors in one account and region need two 'namePrefix' values.",
      });
    }

    acknowledgeComplianceFindings({
      function: this.alertFunction,
      functionRole: fn.role,
      followUpRole: this.followUpStateMachine?.role,
      followUpStateMachine: this.followUpStateMachine,
      deadLetterQueue: this.deadLetterQueue,
      trail: created && this.trail,
      trailBucket: this.trailBucket,
      idempotencyTable: this.idempotencyTable,
      backfill: sweeps.backfill,
      backfillProvider: sweeps.backfillProvider,
      accessLogsBucket: created?.accessLogsBucket !== undefined,
      cloudWatchLogs: created?.cloudWatchLogs !== false,
      reservedConcurrency: props.reserveConcurrency ?? DETECTOR_DEFAULTS.reserveConcurrency,
    });
  }
}
