/**
 * The props of `BedrockModelSupplyChainDetector`: what a user can set, with the defaults in the
 * JSDoc (a test keeps them in step with `DETECTOR_DEFAULTS` in defaults.ts).
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
  DEFAULT_SEVERITY,
  DETECTION_PROFILES,
  DETECTOR_MODES,
  LOOKUP_EVENTS_HORIZON_DAYS,
  RECONCILE_INTERVAL_BOUNDS,
  checkApprovals,
  checkEnrichment,
  checkEventName,
  checkNamePrefix,
  checkPolicyIds,
  checkRiskScore,
  checkSeverity,
  checkVerdictSeverities,
  type AlertSeverity,
  type Approvals,
  type DetectionProfile,
  type DetectorMode,
  type VerdictSeverities,
} from '../detection';
import {
  assertAllValid,
  assertValid,
  checkBoolean,
  checkDuration,
  checkEmail,
  checkInteger,
  checkManagementEvents,
  checkRetentionDays,
  checkTrailName,
  isToken,
  show,
} from '../private/validation';

import type { DetectorTrail } from './trail';

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
   * The KMS key for the trail, topic, dead-letter queue, idempotency table and log groups. A key
   * imported from elsewhere must already allow what `DetectorKey.requiredStatements()` lists (the
   * services cloudtrail.amazonaws.com, events.amazonaws.com, logs.<region>.amazonaws.com,
   * sns.amazonaws.com and cloudwatch.amazonaws.com, each as the detector uses it); the detector
   * cannot change its policy.
   * @default - a new customer-managed key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Severity of an alert whose verdict is `unverified` (see `verdictSeverities` for the others).
   * @default 'MEDIUM' - the reference rule's
   */
  readonly severity?: AlertSeverity;

  /**
   * Risk score of an alert whose verdict is `unverified`, 0-100.
   * @default 47 - the reference rule's
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
   * @default - approved INFORMATIONAL/21, unapproved-principal HIGH/73, untrusted-source CRITICAL/99
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
   * @default - on, with the defaults of `EnrichmentProps`
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

/** The detector's defaults, in one place: the construct reads them here, a test checks the JSDoc against them. */
export const DETECTOR_DEFAULTS = {
  profile: 'default' as DetectionProfile,
  severity: DEFAULT_SEVERITY,
  riskScore: DEFAULT_RISK_SCORE,
  architecture: lambda.Architecture.ARM_64,
  logRetention: logs.RetentionDays.ONE_YEAR,
  reservedConcurrentExecutions: 5,
  ruleRetryAttempts: 185,
  ruleMaxEventAge: Duration.hours(24),
  functionRetryAttempts: 2,
  functionMaxEventAge: Duration.hours(6),
  deadLetterRetention: Duration.days(14),
  namePrefix: DEFAULT_NAME_PREFIX,
  tamperAlerts: true,
  mode: 'alert' as DetectorMode,
  notifyApproved: false,
  provenanceCheck: true,
  securityHub: false,
  backfillDays: DEFAULT_BACKFILL_DAYS,
  reconciliation: Duration.minutes(DEFAULT_RECONCILE_INTERVAL_MINUTES),
  monitoring: true,
} as const;

/** {@link EnrichmentProps}' defaults (the function's, from `lib/detection`). */
export const ENRICHMENT_DEFAULTS: Required<EnrichmentProps> = DEFAULT_ENRICHMENT;

/** The bounds of the props that have them. */
const BOUNDS = {
  reservedConcurrentExecutions: [1, 1000],
  ruleRetryAttempts: [0, 185],
  functionRetryAttempts: [0, 2],
  ruleMaxEventAge: [Duration.minutes(1), Duration.hours(24)],
  functionMaxEventAge: [Duration.minutes(1), Duration.hours(6)],
  deadLetterRetention: [Duration.minutes(1), Duration.days(14)],
  reconciliation: [Duration.minutes(RECONCILE_INTERVAL_BOUNDS[0]), Duration.minutes(RECONCILE_INTERVAL_BOUNDS[1])],
} as const;

/** Checks every prop that can be judged at synth; throws for the first problem, naming the prop. */
export function validateDetectorProps(props: BedrockModelSupplyChainDetectorProps): void {
  if (props.enrichment !== undefined && props.enrichment !== false) {
    assertAllValid(checkEnrichment({ ...ENRICHMENT_DEFAULTS, ...props.enrichment }, 'enrichment'));
  }
  if (props.backfillDays !== undefined) {
    assertValid(checkInteger(props.backfillDays, 'backfillDays', 0, LOOKUP_EVENTS_HORIZON_DAYS));
  }
  if (props.reconciliation !== undefined && props.reconciliation !== false) {
    assertValid(checkDuration(props.reconciliation, 'reconciliation', ...BOUNDS.reconciliation));
    if (!props.reconciliation.isUnresolved() && props.reconciliation.toSeconds() % 60 !== 0) {
      assertValid(`'reconciliation' must be a whole number of minutes, got ${props.reconciliation.toHumanString()}`);
    }
  }
  if (props.approvals !== undefined) assertAllValid(checkApprovals(props.approvals, 'approvals', isToken));
  if (props.verdictSeverities !== undefined) assertAllValid(checkVerdictSeverities(props.verdictSeverities));
  if (props.mode !== undefined && !DETECTOR_MODES.includes(props.mode)) {
    assertValid(`'mode' must be one of ${DETECTOR_MODES.map((m) => `'${m}'`).join(', ')}, got ${show(props.mode)}`);
  }
  if (props.namePrefix !== undefined && !isToken(props.namePrefix)) assertValid(checkNamePrefix(props.namePrefix));
  assertAllValid(checkPolicyIds(props.guardrailPolicyIds, 'guardrailPolicyIds', isToken));
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
    const [min, max] = BOUNDS.reservedConcurrentExecutions;
    if (!isToken(value) && !(Number.isInteger(value) && value >= min && value <= max)) {
      assertValid(
        `'reservedConcurrentExecutions' must be a whole number from ${min} to ${max}, or false to reserve none, got ${show(value)}`,
      );
    }
  }
  for (const prop of [
    'tamperAlerts',
    'notifyApproved',
    'provenanceCheck',
    'securityHub',
    'chatNotifications',
    'monitoring',
  ] as const) {
    assertValid(checkBoolean(props[prop], prop));
  }
  assertValid(checkRetentionDays(props.logRetention, 'logRetention'));
  assertValid(checkInteger(props.ruleRetryAttempts, 'ruleRetryAttempts', ...BOUNDS.ruleRetryAttempts));
  assertValid(checkInteger(props.functionRetryAttempts, 'functionRetryAttempts', ...BOUNDS.functionRetryAttempts));
  assertValid(checkDuration(props.ruleMaxEventAge, 'ruleMaxEventAge', ...BOUNDS.ruleMaxEventAge));
  assertValid(checkDuration(props.functionMaxEventAge, 'functionMaxEventAge', ...BOUNDS.functionMaxEventAge));
  assertValid(checkDuration(props.deadLetterRetention, 'deadLetterRetention', ...BOUNDS.deadLetterRetention));
  const trail = props.trail;
  if (trail?.kind === 'create') {
    const options = trail.options;
    assertValid(checkManagementEvents(options.managementEvents, 'trail.managementEvents'));
    assertValid(checkBoolean(options.cloudWatchLogs, 'trail.cloudWatchLogs'));
    assertValid(checkRetentionDays(options.cloudWatchLogsRetention, 'trail.cloudWatchLogsRetention'));
    if (options.trailName !== undefined) assertValid(checkTrailName(options.trailName, 'trail.trailName'));
    const retention = options.logRetention;
    if (
      retention !== undefined &&
      !retention.isUnresolved() &&
      (retention.toDays({ integral: false }) < 1 || !Number.isInteger(retention.toDays({ integral: false })))
    ) {
      assertValid(`'trail.logRetention' must be a whole number of days, at least 1, got ${retention.toHumanString()}`);
    }
  }
}
