/**
 * The props of `SupplyChainDetector`: what a user can set, flat, with the defaults in the JSDoc and
 * in `DETECTOR_DEFAULTS` (a test keeps the two in step). `validate-props.ts` checks them at synth.
 */
import { Duration } from 'aws-cdk-lib';
import type * as chatbot from 'aws-cdk-lib/aws-chatbot';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';

import {
  DEFAULT_BACKFILL_DAYS,
  DEFAULT_ENRICHMENT,
  DEFAULT_NAME_PREFIX,
  DEFAULT_RECONCILE_INTERVAL_MINUTES,
  DEFAULT_RISK_SCORE,
  DetectionProfile,
  DetectorMode,
  Severity,
  type SourceProfile,
} from '../detection';

import type { ContainmentOptions } from './containment-props';
import type { DetectorTrail } from './trail';

/** Further event names to watch from one CloudTrail event source. */
export interface AdditionalEvents {
  /** The CloudTrail `eventSource`, like `bedrock-mantle.amazonaws.com`. */
  readonly eventSource: string;
  /** Its event names (exact, case-sensitive). */
  readonly eventNames: string[];
}

/** Which calls are watched, and the names they are watched under; shared by every construct that watches. */
export interface WatchOptions {
  /**
   * Which calls to watch. `DEFAULT`: the four calls of the reference rule (CreateModelImportJob,
   * CreateCustomModelDeployment, CreateMarketplaceModelEndpoint, RegisterMarketplaceModelEndpoint)
   * and the three with the same impact (UpdateCustomModelDeployment, CreateCustomModel,
   * CreateModelCopyJob). `EXTENDED` adds UpdateMarketplaceModelEndpoint, Create- and
   * UpdateProvisionedModelThroughput, CreateModelCustomizationJob and PutResourcePolicy.
   * @default DetectionProfile.DEFAULT
   */
  readonly profile?: DetectionProfile;

  /**
   * Opt-in source profiles, each on its own: RAM shares of custom models, SageMaker endpoint swaps
   * behind registered marketplace endpoints, AgentCore agents wired to outside models, third-party
   * model access, and bedrock-mantle customised models.
   * @default - none
   */
  readonly sourceProfiles?: SourceProfile[];

  /**
   * Further `bedrock.amazonaws.com` event names to watch (exact, case-sensitive).
   * @default - none
   */
  readonly additionalEventNames?: string[];

  /**
   * Further event names of other event sources (for example bedrock-mantle's, whose CloudTrail
   * event names are unverified).
   * @default - none
   */
  readonly additionalEvents?: AdditionalEvents[];

  /**
   * Also watch failed watched calls (errorCode set): a principal that fails `probingThreshold` times
   * within an hour is alerted at LOW severity (probing the guardrails).
   * @default false
   */
  readonly probingAlerts?: boolean;

  /**
   * Also watch deletes of imported and custom models, deployments and marketplace endpoints: a delete
   * within a day of a watched creation by the same principal is alerted (covering tracks).
   * @default false
   */
  readonly createThenDeleteAlerts?: boolean;

  /**
   * Prefix of every resource name of the detector (trail, bucket, rules, function, role, queue,
   * topic, log group, key alias). The guardrails and the tamper alert find the detector by these
   * names, so use the same prefix there. Two detectors in one account and region need two prefixes.
   * @default 'bedrock-supply-chain'
   */
  readonly namePrefix?: string;
}

/**
 * What counts as the approved pipeline. Every list is optional; what is not given cannot be
 * verified, and such calls get the `unverified` verdict.
 */
export interface Approvals {
  /**
   * IAM role or user ARN patterns (`*`, `?`) of the principals that may bring models in, compared as
   * `aws:PrincipalArn` is (a role session by its role's ARN).
   * @default - none: the principal cannot be verified
   */
  readonly principalArns?: string[];
  /**
   * S3 locations model artifacts may come from: `s3://bucket/prefix/` (or `s3://bucket/` for the
   * whole bucket). A prefix ends at a `/`.
   * @default - none: an S3 source cannot be verified
   */
  readonly s3Locations?: string[];
  /**
   * Accounts whose models, endpoints and model packages may be used (the event's own account
   * always may), and whose buckets the provenance check accepts.
   * @default - only the event's own account
   */
  readonly sourceAccounts?: string[];
  /**
   * Marketplace model source identifier patterns (SageMaker hub-content ARNs, `*` allowed).
   * @default - none: a marketplace model cannot be verified
   */
  readonly modelSourceIdentifiers?: string[];
}

/** A severity and a risk score, for one verdict. */
export interface SeverityAndRisk {
  /** The alert's severity. */
  readonly severity: Severity;
  /** The alert's risk score, 0-100. */
  readonly riskScore: number;
}

/**
 * The severity and risk score of each verdict but `unverified` (which takes the detector's
 * `severity` and `riskScore`).
 */
export interface VerdictSeverities {
  /**
   * The principal and every model source are approved (sent only with `notifyApproved`).
   * @default - INFORMATIONAL, 21
   */
  readonly approved?: SeverityAndRisk;
  /**
   * The principal matches no approved pattern.
   * @default - HIGH, 73
   */
  readonly unapprovedPrincipal?: SeverityAndRisk;
  /**
   * A model source is outside the approvals, or its bucket is owned by no approved account.
   * @default - CRITICAL, 99
   */
  readonly untrustedSource?: SeverityAndRisk;
}

/** Props of `SupplyChainDetector`. All are optional. */
export interface SupplyChainDetectorProps extends WatchOptions {
  /**
   * Where the CloudTrail events come from.
   * @default - `DetectorTrail.create()`: a new multi-region, KMS-encrypted trail
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
   * The KMS key for the trail, topics, dead-letter queue, idempotency table and log groups. A key
   * you pass must already carry the statements `SupplyChainDetector.keyPolicyStatements` lists
   * (for cloudtrail.amazonaws.com, events.amazonaws.com, logs.<region>.amazonaws.com,
   * sns.amazonaws.com and cloudwatch.amazonaws.com, each as the detector uses it): the detector
   * cannot change another key's policy.
   * @default - a new customer-managed key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Severity of an alert whose verdict is `unverified` (see `verdictSeverities` for the others).
   * @default Severity.MEDIUM - the reference rule's
   */
  readonly severity?: Severity;

  /**
   * Risk score of an alert whose verdict is `unverified`, 0-100.
   * @default 47 - the reference rule's
   */
  readonly riskScore?: number;

  /**
   * Severity and risk score of the other verdicts.
   * @default - approved INFORMATIONAL/21, unapproved principal HIGH/73, untrusted source CRITICAL/99
   */
  readonly verdictSeverities?: VerdictSeverities;

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
   * Reserve concurrent executions for the alerting function, so that other functions that use up
   * the account's concurrency cannot hold its alerts back. Lambda keeps 10 of the account's quota
   * unreserved, so in an account whose quota is still 10 (some new accounts) the deployment fails
   * until the quota is raised or this is `false`.
   * @default true
   */
  readonly reserveConcurrency?: boolean;

  /**
   * How many concurrent executions to reserve (1-1000), with `reserveConcurrency`.
   * @default 5
   */
  readonly reservedConcurrentExecutions?: number;

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
   * What counts as the approved pipeline, for each alert's verdict. What is not given cannot be
   * verified, and such calls get the `unverified` verdict (`severity`/`riskScore`).
   * @default - nothing approved: every call is `unverified` or worse
   */
  readonly approvals?: Approvals;

  /**
   * `ALERT`: notify. `OBSERVE`: log and count every alert, notify no one (to tune the approvals).
   * `CONTAIN`: notify, and contain as `containment` says (ask first by default).
   * @default DetectorMode.ALERT
   */
  readonly mode?: DetectorMode;

  /**
   * Contain mode's settings (used with `mode: DetectorMode.CONTAIN`).
   * @default - untrusted-source calls only, ask first, no dry run, at most 10 per hour
   */
  readonly containment?: ContainmentOptions;

  /**
   * Follow each watched create (import, copy and customization jobs, custom models, deployments,
   * marketplace endpoints, provisioned throughput) with its `Get*` call until it ends, and send an
   * update of its alert: live, failed or gone. A Step Functions state machine waits between checks.
   * @default true
   */
  readonly lifecycleFollowUp?: boolean;

  /**
   * When the follow-up checks, in minutes after the call (increasing, 1 to 10,080, at most 100).
   * @default - 5 and 15 minutes, then hourly until 24 hours
   */
  readonly followUpMinutes?: number[];

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
   * its 2 requests per second) and, with `firstSeen`, whether the principal and the source IP are
   * new to the detector. `false` turns both off.
   * @default true
   */
  readonly enrichment?: boolean;

  /**
   * How far back enrichment looks for the principal's other Bedrock calls (1 minute to 1 day, whole
   * minutes).
   * @default Duration.minutes(60)
   */
  readonly enrichmentWindow?: Duration;

  /**
   * At most this many LookupEvents pages (50 events each) per alert (1 to 10).
   * @default 2
   */
  readonly enrichmentMaxPages?: number;

  /**
   * With `enrichment`: say in each alert whether the principal and the source IP are new to the
   * detector (remembered as long as the delivery records, 100 days).
   * @default true
   */
  readonly firstSeen?: boolean;

  /**
   * Slack channels (AWS Chatbot) that get each alert as a custom notification, through the
   * detector's chat topic.
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
   * On first deploy, sweep CloudTrail event history for watched calls made before the detector
   * existed, and alert on them.
   * @default true
   */
  readonly backfill?: boolean;

  /**
   * How far back the backfill reads (whole days, 1 to 90: LookupEvents keeps 90 days).
   * @default Duration.days(90)
   */
  readonly backfillPeriod?: Duration;

  /**
   * Sweep CloudTrail regularly for watched calls EventBridge never delivered (its delivery is best
   * effort). Events already alerted are not repeated.
   * @default true
   */
  readonly reconciliation?: boolean;

  /**
   * How often the reconciliation sweep runs (5 minutes to 12 hours, whole minutes); each sweep reads
   * back twice the interval.
   * @default Duration.hours(1)
   */
  readonly reconciliationInterval?: Duration;

  /**
   * Check the trail the detector relies on every hour (logging on, write management events
   * recorded, multi-region): a failure raises a "detector blind" alert, and its recovery an
   * informational one.
   * @default true
   */
  readonly healthCheck?: boolean;

  /**
   * The regions whose calls reach this detector by a rule (its own, and those its forwarders cover).
   * The reconciliation sweep also reads the CloudTrail event history of every other enabled region of
   * this account (event history needs no trail), so a watched call there is found within the sweep
   * interval.
   * @default - this detector's region only: every other enabled region is swept
   */
  readonly watchedRegions?: string[];

  /**
   * Sweep the enabled regions outside `watchedRegions` with the reconciliation.
   * @default true
   */
  readonly sweepUnwatchedRegions?: boolean;

  /**
   * With `probingAlerts`: how many failed watched calls by one principal within an hour make an
   * alert (2-100).
   * @default 3
   */
  readonly probingThreshold?: number;

  /**
   * CloudWatch alarms, sent to the alert topic, for each way the detector can stop alerting
   * (function errors and throttles, dead letters, failed rule invocations, failed sweeps and
   * deliveries), and a dashboard. See the README for what each alarm means and what to do.
   * @default true
   */
  readonly monitoring?: boolean;
}

/** `WatchOptions`' defaults: every construct that watches reads them here. */
export const WATCH_DEFAULTS = {
  profile: DetectionProfile.DEFAULT,
  namePrefix: DEFAULT_NAME_PREFIX,
  probingAlerts: false,
  createThenDeleteAlerts: false,
} as const;

/** The detector's defaults, in one place: the construct reads them here, a test checks the JSDoc against them. */
export const DETECTOR_DEFAULTS = {
  severity: Severity.MEDIUM,
  riskScore: DEFAULT_RISK_SCORE,
  architecture: lambda.Architecture.ARM_64,
  logRetention: logs.RetentionDays.ONE_YEAR,
  reserveConcurrency: true,
  reservedConcurrentExecutions: 5,
  ruleRetryAttempts: 185,
  ruleMaxEventAge: Duration.hours(24),
  functionRetryAttempts: 2,
  functionMaxEventAge: Duration.hours(6),
  deadLetterRetention: Duration.days(14),
  tamperAlerts: true,
  mode: DetectorMode.ALERT,
  lifecycleFollowUp: true,
  notifyApproved: false,
  provenanceCheck: true,
  enrichment: true,
  enrichmentWindow: Duration.minutes(DEFAULT_ENRICHMENT.windowMinutes),
  enrichmentMaxPages: DEFAULT_ENRICHMENT.maxPages,
  firstSeen: DEFAULT_ENRICHMENT.firstSeen,
  securityHub: false,
  backfill: true,
  backfillPeriod: Duration.days(DEFAULT_BACKFILL_DAYS),
  reconciliation: true,
  reconciliationInterval: Duration.minutes(DEFAULT_RECONCILE_INTERVAL_MINUTES),
  healthCheck: true,
  sweepUnwatchedRegions: true,
  probingThreshold: 3,
  monitoring: true,
} as const;
