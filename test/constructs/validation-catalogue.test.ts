// Every construct prop that can be wrong, the bad value, and the exact message it fails with: the
// detector, the umbrella, the guardrails, and the organisation's constructs and functions. A new
// check gets its row here, and only here. Each message names the prop as the construct receives it,
// shows the value and says what is allowed (the messages themselves are the contract users see at
// synth).
//
// Not here, because their types leave nothing to get wrong that CDK does not reject itself:
// `architecture`, `eventBus`, `alertTopic`, `encryptionKey`, `trail` (a DetectorTrail), and
// `trail.accessLogsBucket`/`bucketRemovalPolicy`. Tokens are accepted wherever a value resolves at
// deploy (detector.test.ts), except event names, which build the pattern at synth (a row here). The
// central bus's resource policy is judged at synth over every statement added to it, not a prop:
// forwarding.test.ts tests it.
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import fc from 'fast-check';

import {
  AccountForwarders,
  SupplyChainDetector,
  SupplyChainGuard,
  DetectorTrail,
  SupplyChainGuardrailPolicy,
  SupplyChainScp,
  OrganizationDetector,
  OrganizationEventBus,
  OrganizationForwarders,
  RegionalForwarder,
  type AccountForwardersProps,
  type SupplyChainDetectorProps,
  type SupplyChainGuardProps,
  type CentralEventBusLocation,
  type SupplyChainGuardrailPolicyProps,
  type SupplyChainScpProps,
  type OrganizationDetectorProps,
  type OrganizationForwardersProps,
  type RegionalForwarderProps,
  type WatchedRegionsOptions,
  WatchedRegions,
  Severity,
  DetectorMode,
} from '../../lib';
import { type GuardrailOptions } from '../../lib/contracts';
import { ALERT_CONFIG_ENV, parseAlertFunctionConfig } from '../../lib/detection';
import { PropValidationError } from '../../lib/private/validation';
import { CDK_JSON_CONTEXT, testStack } from '../support/app';

const APPROVED = ['arn:aws:iam::*:role/mlops-pipeline-*'];
const TOKEN_NAME = Token.asString({ Ref: 'EventName' });
const ORG = 'o-zzzz9999yy';
const CENTRAL = '222222222222';
const MANAGEMENT = '111111111111';
const MEMBER = '123456789012';
const TRAIL = DetectorTrail.organizationTrail(`arn:aws:cloudtrail:eu-central-1:${MANAGEMENT}:trail/org-trail`);

/** [prop, props that carry the bad value, the exact message]. */
type Row<P> = readonly [prop: string, props: P, message: string];

/** Rows whose message depends on the detector's own configuration size (the umbrella's is larger). */
const DETECTOR_ONLY: Row<SupplyChainDetectorProps>[] = [
  [
    'additionalEventNames',
    {
      // Many names no longer overflow a pattern (they are split into more rules); they overflow the
      // function's configuration first.
      additionalEventNames: Array.from(
        { length: 40 },
        (_, i) =>
          `CreateSomethingVeryLongToFillThePatternQuotaOfEventBridgeNumber${String(i).padStart(2, '0')}xxxxxxxxxxxxxxxxxxxxxx`,
      ),
    },
    `'approvals' (in SupplyChainGuard, 'approvedPrincipalArns' too), 'additionalEventNames', 'additionalEvents' and 'watchedRegions' make the function's configuration 4209 bytes, more than the 3,584 that fit in Lambda's 4 KB of environment variables: use fewer or broader patterns`,
  ],
];

const DETECTOR: Row<SupplyChainDetectorProps>[] = [
  [
    'profile',
    { profile: 'all' as never },
    `'profile' must be one of DetectionProfile.DEFAULT ('default'), DetectionProfile.EXTENDED ('extended'), got "all"`,
  ],
  [
    'sourceProfiles',
    { sourceProfiles: ['ram'] as never },
    `'sourceProfiles' entries must be one of SourceProfile.RAM_MODEL_SHARING ('ram-model-sharing'), SourceProfile.SAGEMAKER_ENDPOINT_SWAPS ('sagemaker-endpoint-swaps'), SourceProfile.AGENTCORE_OUTSIDE_MODELS ('agentcore-outside-models'), SourceProfile.MODEL_ACCESS ('model-access'), SourceProfile.BEDROCK_MANTLE ('bedrock-mantle'), got "ram"`,
  ],
  [
    'additionalEvents',
    { additionalEvents: [{ eventSource: 'bedrock-mantle', eventNames: ['CreateCustomizedModel'] }] },
    `'additionalEvents[0].eventSource' must be a CloudTrail event source like 'bedrock-mantle.amazonaws.com', got "bedrock-mantle"`,
  ],
  [
    'additionalEvents',
    { additionalEvents: [{ eventSource: 'bedrock-mantle.amazonaws.com', eventNames: ['create-model'] }] },
    `'additionalEvents[0].eventNames' entries must be API operation names (PascalCase letters and digits, 3-128 characters, for example 'CreateModelCustomizationJob'), got "create-model"`,
  ],
  ['watchedRegions', { watchedRegions: [] }, `'watchedRegions' must list at least one region, got []`],
  ['probingThreshold', { probingThreshold: 1 }, `'probingThreshold' must be a whole number from 2 to 100, got 1`],
  ['healthCheck', { healthCheck: 'hourly' as never }, `'healthCheck' must be true or false, got "hourly"`],
  [
    'sweepUnwatchedRegions',
    { sweepUnwatchedRegions: 1 as never },
    `'sweepUnwatchedRegions' must be true or false, got 1`,
  ],
  ['probingAlerts', { probingAlerts: 'yes' as never }, `'probingAlerts' must be true or false, got "yes"`],
  [
    'createThenDeleteAlerts',
    { createThenDeleteAlerts: null as never },
    `'createThenDeleteAlerts' must be true or false, got null`,
  ],
  [
    'additionalEventNames',
    { additionalEventNames: ['create-model'] },
    `'additionalEventNames' entries must be API operation names (PascalCase letters and digits, 3-128 characters, for example 'CreateModelCustomizationJob'), got "create-model"`,
  ],
  [
    'additionalEventNames',
    { additionalEventNames: [TOKEN_NAME] },
    `'additionalEventNames' must be known at synth (the rule's pattern is built from them), got the unresolved token ${JSON.stringify(TOKEN_NAME)}`,
  ],

  [
    'severity',
    { severity: 'SEVERE' as never },
    `'severity' must be one of 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', got "SEVERE"`,
  ],
  ['riskScore', { riskScore: 47.5 }, `'riskScore' must be a whole number from 0 to 100, got 47.5`],
  ['riskScore', { riskScore: 101 }, `'riskScore' must be a whole number from 0 to 100, got 101`],
  ['riskScore', { riskScore: -1 }, `'riskScore' must be a whole number from 0 to 100, got -1`],
  [
    'alertEmails',
    { alertEmails: ['secops'] },
    `'alertEmails' entries must be e-mail addresses like 'secops@example.com', got "secops"`,
  ],
  [
    'logRetention',
    { logRetention: 42 as logs.RetentionDays },
    `'logRetention' must be a logs.RetentionDays value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, or INFINITE), got 42`,
  ],
  [
    'reservedConcurrentExecutions',
    { reservedConcurrentExecutions: 0 },
    `'reservedConcurrentExecutions' must be a whole number from 1 to 1000, got 0`,
  ],
  [
    'reservedConcurrentExecutions',
    { reservedConcurrentExecutions: 2.5 },
    `'reservedConcurrentExecutions' must be a whole number from 1 to 1000, got 2.5`,
  ],
  ['reserveConcurrency', { reserveConcurrency: 0 as never }, `'reserveConcurrency' must be true or false, got 0`],
  [
    'ruleRetryAttempts',
    { ruleRetryAttempts: 186 },
    `'ruleRetryAttempts' must be a whole number from 0 to 185, got 186`,
  ],
  ['ruleRetryAttempts', { ruleRetryAttempts: -1 }, `'ruleRetryAttempts' must be a whole number from 0 to 185, got -1`],
  [
    'ruleMaxEventAge',
    { ruleMaxEventAge: Duration.hours(25) },
    `'ruleMaxEventAge' must be from 1 minute to 1 day, got 1 day 1 hour`,
  ],
  [
    'functionRetryAttempts',
    { functionRetryAttempts: 3 },
    `'functionRetryAttempts' must be a whole number from 0 to 2, got 3`,
  ],
  [
    'functionMaxEventAge',
    { functionMaxEventAge: Duration.seconds(30) },
    `'functionMaxEventAge' must be from 1 minute to 6 hours, got 30 seconds`,
  ],
  [
    'deadLetterRetention',
    { deadLetterRetention: Duration.days(15) },
    `'deadLetterRetention' must be from 1 minute to 14 days, got 15 days`,
  ],
  [
    'namePrefix',
    { namePrefix: 'Bedrock' },
    `'namePrefix' must be 3-24 lower-case letters, digits or single hyphens, starting with a letter and ending with a letter or digit, got "Bedrock"`,
  ],
  [
    'namePrefix',
    { namePrefix: 'a--b' },
    `'namePrefix' must be 3-24 lower-case letters, digits or single hyphens, starting with a letter and ending with a letter or digit, got "a--b"`,
  ],
  [
    'namePrefix',
    { namePrefix: 'Bedrock_Supply' },
    `'namePrefix' must be 3-24 lower-case letters, digits or single hyphens, starting with a letter and ending with a letter or digit, got "Bedrock_Supply"`,
  ],
  ['tamperAlerts', { tamperAlerts: 'no' as never }, `'tamperAlerts' must be true or false, got "no"`],
  [
    'guardrailPolicyIds',
    { guardrailPolicyIds: ['policy-1'] },
    `'guardrailPolicyIds' entries must be SCP ids like 'p-abcd1234', got "policy-1"`,
  ],
  [
    'approvals.principalArns',
    { approvals: { principalArns: ['arn:aws:iam::*:role/*'] } },
    `'approvals.principalArns' entries must be IAM role or user ARN patterns that name specific principals, like 'arn:aws:iam::*:role/mlops-pipeline-*', got "arn:aws:iam::*:role/*"`,
  ],
  [
    'approvals.principalArns',
    { approvals: { principalArns: 'arn:aws:iam::*:role/mlops' as never } },
    `'approvals.principalArns' must be a list, got "arn:aws:iam::*:role/mlops"`,
  ],
  [
    'approvals.s3Locations',
    { approvals: { s3Locations: ['acme-models/approved/'] } },
    `'approvals.s3Locations' entries must be S3 locations like 's3://acme-models/approved/' (a bucket name with an optional key prefix), got "acme-models/approved/"`,
  ],
  [
    'approvals.sourceAccounts',
    { approvals: { sourceAccounts: ['1111-2222-3333'] } },
    `'approvals.sourceAccounts' entries must be 12-digit AWS account ids, got "1111-2222-3333"`,
  ],
  [
    'approvals.modelSourceIdentifiers',
    { approvals: { modelSourceIdentifiers: ['meta-llama-3'] } },
    `'approvals.modelSourceIdentifiers' entries must be SageMaker hub-content ARN patterns like 'arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/meta-textgeneration-llama-3-8b/*', got "meta-llama-3"`,
  ],
  [
    'approvals',
    {
      approvals: {
        principalArns: Array.from(
          { length: 40 },
          (_, i) => `arn:aws:iam::111122223333:role/mlops-pipeline-team-${i}-with-a-rather-long-role-name`,
        ),
      },
    },
    `'approvals' (in SupplyChainGuard, 'approvedPrincipalArns' too), 'additionalEventNames', 'additionalEvents' and 'watchedRegions' make the function's configuration 4017 bytes, more than the 3,584 that fit in Lambda's 4 KB of environment variables: use fewer or broader patterns`,
  ],
  [
    'verdictSeverities',
    { verdictSeverities: { unverified: { severity: 'LOW', riskScore: 1 } } as never },
    `'verdictSeverities' keys must be 'approved', 'unapprovedPrincipal', 'untrustedSource' ('unverified' is set by 'severity' and 'riskScore'), got "unverified"`,
  ],
  [
    'verdictSeverities.approved.severity',
    { verdictSeverities: { approved: { severity: 'LOUD' as never, riskScore: 21 } } },
    `'verdictSeverities.approved.severity' must be one of 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', got "LOUD"`,
  ],
  [
    'verdictSeverities.untrustedSource.riskScore',
    { verdictSeverities: { untrustedSource: { severity: Severity.CRITICAL, riskScore: 200 } } },
    `'verdictSeverities.untrustedSource.riskScore' must be a whole number from 0 to 100, got 200`,
  ],
  [
    'mode',
    { mode: 'quarantine' as never },
    `'mode' must be one of DetectorMode.OBSERVE ('observe'), DetectorMode.ALERT ('alert'), DetectorMode.CONTAIN ('contain'), got "quarantine"`,
  ],
  [
    'containment',
    { containment: { dryRun: true } },
    `'containment' is used only with 'mode: DetectorMode.CONTAIN', got mode "alert"`,
  ],
  [
    'containment.untrustedSourceActions',
    { mode: DetectorMode.CONTAIN, containment: { untrustedSourceActions: ['delete-everything' as never] } },
    `'containment.untrustedSourceActions' must list ContainmentAction values ('quarantine-model', 'delete-deployment', 'delete-endpoint', 'stop-job', 'quarantine-principal'), got ["delete-everything"]`,
  ],
  [
    'containment.automaticFor',
    { mode: DetectorMode.CONTAIN, containment: { automaticFor: ['approved' as never] } },
    `'containment.automaticFor' must list ContainVerdict values ('untrusted-source', 'unapproved-principal', 'unverified'; 'approved' is never contained), got ["approved"]`,
  ],
  [
    'containment.maxPerHour',
    { mode: DetectorMode.CONTAIN, containment: { maxPerHour: 0 } },
    `'containment.maxPerHour' must be a whole number from 1 to 1000, got 0`,
  ],
  [
    'containment.neverTouch',
    { mode: DetectorMode.CONTAIN, containment: { neverTouch: ['my-deployment'] } },
    `'containment.neverTouch' must list ARN patterns (starting with 'arn:' or '*'), got ["my-deployment"]`,
  ],
  [
    'containment.quarantineTagKey',
    { mode: DetectorMode.CONTAIN, containment: { quarantineTagKey: 'aws:quarantined' } },
    `'containment.quarantineTagKey' must be a tag key (1-128 letters, digits, spaces or '_.:/=+-@', not 'aws:'), got "aws:quarantined"`,
  ],
  ['lifecycleFollowUp', { lifecycleFollowUp: 'yes' as never }, `'lifecycleFollowUp' must be true or false, got "yes"`],
  [
    'followUpMinutes',
    { followUpMinutes: [5, 0] },
    `'followUpMinutes' must hold whole numbers of minutes from 1 to 10080, got 0 at index 1`,
  ],
  ['notifyApproved', { notifyApproved: 'yes' as never }, `'notifyApproved' must be true or false, got "yes"`],
  ['provenanceCheck', { provenanceCheck: 'yes' as never }, `'provenanceCheck' must be true or false, got "yes"`],
  ['securityHub', { securityHub: 1 as never }, `'securityHub' must be true or false, got 1`],
  ['chatNotifications', { chatNotifications: 'on' as never }, `'chatNotifications' must be true or false, got "on"`],
  ['monitoring', { monitoring: null as never }, `'monitoring' must be true or false, got null`],
  ['enrichment', { enrichment: 'on' as never }, `'enrichment' must be true or false, got "on"`],
  [
    'enrichmentWindow',
    { enrichmentWindow: Duration.seconds(30) },
    `'enrichmentWindow' must be from 1 minute to 1 day, got 30 seconds`,
  ],
  [
    'enrichmentWindow',
    { enrichmentWindow: Duration.days(2) },
    `'enrichmentWindow' must be from 1 minute to 1 day, got 2 days`,
  ],
  [
    'enrichmentWindow',
    { enrichmentWindow: Duration.seconds(90) },
    `'enrichmentWindow' must be a whole number of minutes, got 1 minute 30 seconds`,
  ],
  [
    'enrichmentMaxPages',
    { enrichmentMaxPages: 11 },
    `'enrichmentMaxPages' must be a whole number from 1 to 10, got 11`,
  ],
  ['enrichmentMaxPages', { enrichmentMaxPages: 0 }, `'enrichmentMaxPages' must be a whole number from 1 to 10, got 0`],
  ['firstSeen', { firstSeen: 'yes' as never }, `'firstSeen' must be true or false, got "yes"`],
  ['backfill', { backfill: 7 as never }, `'backfill' must be true or false, got 7`],
  [
    'backfillPeriod',
    { backfillPeriod: Duration.days(91) },
    `'backfillPeriod' must be from 1 day to 90 days, got 91 days`,
  ],
  [
    'backfillPeriod',
    { backfillPeriod: Duration.hours(36) },
    `'backfillPeriod' must be a whole number of days, got 1 day 12 hours`,
  ],
  ['reconciliation', { reconciliation: 'hourly' as never }, `'reconciliation' must be true or false, got "hourly"`],
  [
    'reconciliationInterval',
    { reconciliationInterval: Duration.minutes(2) },
    `'reconciliationInterval' must be from 5 minutes to 12 hours, got 2 minutes`,
  ],
  [
    'reconciliationInterval',
    { reconciliationInterval: Duration.minutes(1) },
    `'reconciliationInterval' must be from 5 minutes to 12 hours, got 1 minute`,
  ],
  [
    'reconciliationInterval',
    { reconciliationInterval: Duration.days(1) },
    `'reconciliationInterval' must be from 5 minutes to 12 hours, got 1 day`,
  ],
  [
    'reconciliationInterval',
    { reconciliationInterval: Duration.seconds(330) },
    `'reconciliationInterval' must be a whole number of minutes, got 5 minutes 30 seconds`,
  ],
  [
    'trail.trailName',
    { trail: DetectorTrail.create({ trailName: 'my trail' }) },
    `'trail.trailName' must be 3-128 letters, digits, '.', '_' or '-', start and end with a letter or digit and have no two separators in a row, got "my trail"`,
  ],
  [
    'trail.logRetention',
    { trail: DetectorTrail.create({ logRetention: Duration.hours(12) }) },
    `'trail.logRetention' must be a whole number of days, at least 1, got 12 hours`,
  ],
  [
    'trail.managementEvents',
    { trail: DetectorTrail.create({ managementEvents: cloudtrail.ReadWriteType.READ_ONLY }) },
    `'trail.managementEvents' must be ReadWriteType.ALL or ReadWriteType.WRITE_ONLY (the watched calls are write management events), got "ReadOnly"`,
  ],
  [
    'trail.cloudWatchLogs',
    { trail: DetectorTrail.create({ cloudWatchLogs: 'false' as never }) },
    `'trail.cloudWatchLogs' must be true or false, got "false"`,
  ],
  [
    'trail.cloudWatchLogsRetention',
    { trail: DetectorTrail.create({ cloudWatchLogsRetention: 0 as logs.RetentionDays }) },
    `'trail.cloudWatchLogsRetention' must be a logs.RetentionDays value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, or INFINITE), got 0`,
  ],
];

/** The guardrail options the SCP, the IAM policy and the umbrella share. */
const GUARDRAILS: Row<Partial<GuardrailOptions>>[] = [
  [
    'approvedPrincipalArns',
    { approvedPrincipalArns: [] },
    `'approvedPrincipalArns' must list at least one IAM role or user ARN pattern (the MLOps pipeline roles and a break-glass role): an empty list would deny the watched Bedrock calls to everyone, got []`,
  ],
  [
    'approvedPrincipalArns',
    { approvedPrincipalArns: ['arn:aws:iam::*:role/*'] },
    `'approvedPrincipalArns' entries must name specific roles or users: "arn:aws:iam::*:role/*" matches every role in the account`,
  ],
  [
    'approvedPrincipalArns',
    { approvedPrincipalArns: ['arn:aws:sts::111122223333:assumed-role/mlops-pipeline/session'] },
    `'approvedPrincipalArns' entries must be IAM role or user ARN patterns; aws:PrincipalArn of a role session is the role's ARN, not the assumed-role ARN, got "arn:aws:sts::111122223333:assumed-role/mlops-pipeline/session"`,
  ],
  [
    'approvedPrincipalArns',
    { approvedPrincipalArns: ['mlops-pipeline'] },
    `'approvedPrincipalArns' entries must be IAM role or user ARN patterns like 'arn:aws:iam::*:role/mlops-pipeline-*', got "mlops-pipeline"`,
  ],
  [
    'approvedServiceRoleArns',
    { approvedServiceRoleArns: [] },
    `'approvedServiceRoleArns' must list at least one role ARN pattern when given (leave it out for no role restriction), got []`,
  ],
  [
    'approvedServiceRoleArns',
    { approvedServiceRoleArns: ['arn:aws:iam::*:user/importer'] },
    `'approvedServiceRoleArns' entries must be IAM role ARN patterns like 'arn:aws:iam::*:role/BedrockModelImport*', got "arn:aws:iam::*:user/importer"`,
  ],
  ['passRoleServices', { passRoleServices: [] }, `'passRoleServices' must name at least one service principal, got []`],
  [
    'passRoleServices',
    { passRoleServices: ['bedrock'] },
    `'passRoleServices' entries must be service principals like 'bedrock.amazonaws.com', got "bedrock"`,
  ],
  [
    'organizationId',
    { organizationId: 'o-123', approvedServiceRoleArns: ['arn:aws:iam::*:role/BedrockModelImport*'] },
    `'organizationId' must be an AWS Organizations id like 'o-a1b2c3d4e5', got "o-123"`,
  ],
  [
    'organizationId',
    { organizationId: 'o-a1b2c3d4e5' },
    `'organizationId' sets an S3 perimeter for the model-service roles, so 'approvedServiceRoleArns' must name them`,
  ],
  [
    'trustedAccountIds',
    { trustedAccountIds: ['111122223333'] },
    `'trustedAccountIds' widens the S3 perimeter, which needs 'organizationId'`,
  ],
  [
    'trustedAccountIds',
    {
      trustedAccountIds: ['1111'],
      organizationId: 'o-a1b2c3d4e5',
      approvedServiceRoleArns: ['arn:aws:iam::*:role/BedrockModelImport*'],
    },
    `'trustedAccountIds' entries must be 12-digit AWS account ids, got "1111"`,
  ],
  [
    'exemptBucketArns',
    { exemptBucketArns: ['arn:aws:s3:::*'] },
    `'exemptBucketArns' entries must name buckets exactly: bucket names are global, so anyone can create a bucket that matches "arn:aws:s3:::*" in their own account and have the service roles read it (the JumpStart caches are exempted by exact name through 'jumpStartRegions')`,
  ],
  [
    'deploymentPrincipalArns',
    { deploymentPrincipalArns: [] },
    `'deploymentPrincipalArns' must list at least one role ARN pattern that may still update the detector (its CloudFormation role, break-glass), got []`,
  ],
  [
    'deploymentPrincipalArns',
    { deploymentPrincipalArns: ['cdk-exec-role'] },
    `'deploymentPrincipalArns' entries must be IAM role or user ARN patterns like 'arn:aws:iam::*:role/mlops-pipeline-*', got "cdk-exec-role"`,
  ],
  [
    'namePrefix',
    { namePrefix: 'x' },
    `'namePrefix' must be 3-24 lower-case letters, digits or single hyphens, starting with a letter and ending with a letter or digit, got "x"`,
  ],
  [
    'partition',
    { partition: 'aws-mars' as never },
    `'partition' must be one of 'aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc', got "aws-mars"`,
  ],
  ['tamperProtection', { tamperProtection: 'off' as never }, `'tamperProtection' must be true or false, got "off"`],
];

const TARGETS_MESSAGE = (prop: string, id: string) =>
  `'${prop}' entries must be a root id ('r-' and 4-32 lower-case letters or digits), an OU id ('ou-xxxx-xxxxxxxx') or a 12-digit account id, got "${id}"`;

const SCP: Row<Partial<SupplyChainScpProps>>[] = [
  ['targetIds', { targetIds: [] }, `'targetIds' must contain at least one root, OU or account id, got []`],
  ['targetIds', { targetIds: ['ou-12'] }, TARGETS_MESSAGE('targetIds', 'ou-12')],
  ['targetIds', { targetIds: ['12345'] }, TARGETS_MESSAGE('targetIds', '12345')],
  [
    'sizeBudgetBytes',
    { sizeBudgetBytes: 20000 },
    `'sizeBudgetBytes' must be a whole number from 1 to 10240 (the SCP quota), got 20000`,
  ],
  [
    'sizeBudgetBytes',
    { sizeBudgetBytes: 1000 },
    `'sizeBudgetBytes' is too small: statement DenyDetectorTampering alone needs 2271 bytes in a policy document, more than the 1000-byte budget: raise the budget (SCPs allow up to 10,240 characters) or shorten the principal and role patterns`,
  ],
  [
    'maxPoliciesPerTarget',
    { maxPoliciesPerTarget: 11 },
    `'maxPoliciesPerTarget' must be a whole number from 1 to 10 (SCPs attached directly to one root, OU or account), got 11`,
  ],
  [
    'maxPoliciesPerTarget',
    { sizeBudgetBytes: 3000, maxPoliciesPerTarget: 1 },
    `the guardrail statements need 2 SCPs of at most 3000 bytes (2823 + 2999 bytes), more than 'maxPoliciesPerTarget' = 1 attachment slots per target: raise 'sizeBudgetBytes' (up to 10240) or 'maxPoliciesPerTarget' (up to 10, FullAWSAccess and other SCPs on the same targets count too), or turn optional guardrails off`,
  ],
  [
    'policyName',
    { policyName: 'g'.repeat(126) },
    `'policyName' must be 1-125 characters (a split policy appends '-<n>'), got "${'g'.repeat(126)}"`,
  ],
];

const POLICY: Row<Partial<SupplyChainGuardrailPolicyProps>>[] = [
  [
    'usage',
    { usage: 'boundary' as never },
    `'usage' must be GuardrailPolicyUsage.DENY_POLICY ('denyPolicy') or GuardrailPolicyUsage.PERMISSIONS_BOUNDARY ('permissionsBoundary'), got "boundary"`,
  ],
  [
    'managedPolicyName',
    { managedPolicyName: 'bedrock guardrail' },
    `'managedPolicyName' must be 1-128 letters, digits or '+=,.@_-', got "bedrock guardrail"`,
  ],
];

const GUARD: Row<Partial<SupplyChainGuardProps>>[] = [
  ['scpTargetIds', { scpTargetIds: [] }, `'scpTargetIds' must contain at least one root, OU or account id, got []`],
  ['scpTargetIds', { scpTargetIds: ['ou-12'] }, TARGETS_MESSAGE('scpTargetIds', 'ou-12')],
  [
    'scpSizeBudgetBytes',
    { scpTargetIds: ['ou-ab12-abcdefgh'], scpSizeBudgetBytes: 0 },
    `'scpSizeBudgetBytes' must be a whole number from 1 to 10240 (the SCP quota), got 0`,
  ],
  [
    'scpSizeBudgetBytes',
    { scpTargetIds: ['ou-ab12-abcdefgh'], scpSizeBudgetBytes: 1000 },
    `'scpSizeBudgetBytes' is too small: statement DenyDetectorTampering alone needs 2271 bytes in a policy document, more than the 1000-byte budget: raise the budget (SCPs allow up to 10,240 characters) or shorten the principal and role patterns`,
  ],
  [
    'scpMaxPoliciesPerTarget',
    { scpTargetIds: ['ou-ab12-abcdefgh'], scpMaxPoliciesPerTarget: 0 },
    `'scpMaxPoliciesPerTarget' must be a whole number from 1 to 10 (SCPs attached directly to one root, OU or account), got 0`,
  ],
  [
    'scpMaxPoliciesPerTarget',
    { scpMaxPoliciesPerTarget: 20 },
    `'scpMaxPoliciesPerTarget' must be a whole number from 1 to 10 (SCPs attached directly to one root, OU or account), got 20`,
  ],
  ['iamGuardrail', { iamGuardrail: 'boundary' as never }, `'iamGuardrail' must be true or false, got "boundary"`],
  [
    'iamGuardrailUsage',
    { iamGuardrailUsage: 'boundary' as never },
    `'iamGuardrailUsage' must be GuardrailPolicyUsage.DENY_POLICY ('denyPolicy') or GuardrailPolicyUsage.PERMISSIONS_BOUNDARY ('permissionsBoundary'), got "boundary"`,
  ],
  [
    'approvals.principalArns',
    { approvals: { principalArns: ['arn:aws:iam::*:role/someone-else'] } },
    `'approvals.principalArns' is 'approvedPrincipalArns' in SupplyChainGuard: one list drives the guardrails and the verdicts, so give it only as 'approvedPrincipalArns' (or the same list in both), got ["arn:aws:iam::*:role/someone-else"]`,
  ],
  [
    'approvedPrincipalArns',
    {
      approvedPrincipalArns: Array.from(
        { length: 40 },
        (_, i) => `arn:aws:iam::111122223333:role/mlops-pipeline-team-${i}-with-a-rather-long-role-name`,
      ),
    },
    `'approvals' (in SupplyChainGuard, 'approvedPrincipalArns' too), 'additionalEventNames', 'additionalEvents' and 'watchedRegions' make the function's configuration 4017 bytes, more than the 3,584 that fit in Lambda's 4 KB of environment variables: use fewer or broader patterns`,
  ],
];

const REGION_MESSAGE = (prop: string, region: string) =>
  `'${prop}' must be an AWS region name of the aws, aws-cn or aws-us-gov partition like 'us-east-1' or 'eu-west-1', got "${region}"`;
const NOT_WATCHED_MESSAGE = (regions: string[], homeRegion: string) =>
  `'homeRegion' must be one of the watched 'regions' ${JSON.stringify(regions)}, got "${homeRegion}": the alert function runs there, and events of the home region must be watched too`;
const OU_MESSAGE = (id: string) =>
  `'organizationalUnitIds' entries must be organizational unit ids ('ou-' + 4-32 + '-' + 8-32 lower-case letters or digits, like 'ou-ab12-abcdefgh') or the root id ('r-' + 4-32, like 'r-ab12'), got "${id}"`;
const ORGANIZATION_ID_MESSAGE = (id: string) =>
  `'organizationId' must be an AWS Organizations id ('o-' and 10-32 lower-case letters or digits, like 'o-a1b2c3d4e5'), got "${id}"`;

/** The organisation the central bus admits: OrganizationEventBus, and OrganizationDetector that makes one. */
const ORGANIZATION: Row<{ organizationId: string }>[] = [
  ['organizationId', { organizationId: 'o-abc' }, ORGANIZATION_ID_MESSAGE('o-abc')],
  ['organizationId', { organizationId: 'o-A1B2C3D4E5' }, ORGANIZATION_ID_MESSAGE('o-A1B2C3D4E5')],
];

/** The organisation detector deployed to eu-west-1 (its stack's region), away from its home region. */
const ORGANIZATION_DETECTOR_IN_EU_WEST_1: Row<Partial<OrganizationDetectorProps>>[] = [
  [
    'homeRegion',
    {}, // the default, us-east-1
    `'homeRegion' is "us-east-1" but this stack deploys to "eu-west-1": deploy the organisation detector in its home region, where the forwarders send the events`,
  ],
  ['homeRegion', { homeRegion: 'eu-west-1', regions: ['us-east-1'] }, NOT_WATCHED_MESSAGE(['us-east-1'], 'eu-west-1')],
];

/** The StackSet's props over regions ['us-east-1', 'eu-west-1'] and one OU. */
const FORWARDERS: Row<Partial<OrganizationForwardersProps>>[] = [
  ['regions', { regions: ['us-east-1', 'eu-west-9'] }, REGION_MESSAGE('regions', 'eu-west-9')],
  ['regions', { regions: ['US-EAST-1'] }, `${REGION_MESSAGE('regions', 'US-EAST-1')} (did you mean 'us-east-1'?)`],
  ['regions', { regions: [] }, `'regions' must list at least one region, got []`],
  ['regions', { regions: ['us-east-1', 'us-east-1'] }, `'regions' must not repeat a region, got "us-east-1" twice`],
  [
    'regions',
    { regions: ['us-east-1', 'cn-north-1'] },
    `'regions' must all be in one partition (events cannot be forwarded between partitions), got ["us-east-1","cn-north-1"] in aws, aws-cn`,
  ],
  ['homeRegion', { homeRegion: 'eu-central-1' }, NOT_WATCHED_MESSAGE(['us-east-1', 'eu-west-1'], 'eu-central-1')],
  ['homeRegion', { homeRegion: 'mars-1' }, REGION_MESSAGE('homeRegion', 'mars-1')],
  ['organizationalUnitIds', { organizationalUnitIds: ['ou-AB12-abcdefgh'] }, OU_MESSAGE('ou-AB12-abcdefgh')],
  ['organizationalUnitIds', { organizationalUnitIds: ['123456789012'] }, OU_MESSAGE('123456789012')],
  [
    'organizationalUnitIds',
    { organizationalUnitIds: [] },
    `'organizationalUnitIds' must list at least one OU id or the root id, got []`,
  ],
  [
    'centralAccountId',
    { centralAccountId: '12345' },
    `'centralAccountId' must be a 12-digit AWS account id, got "12345"`,
  ],
  [
    'maxConcurrentPercentage',
    { maxConcurrentPercentage: 0 },
    `'maxConcurrentPercentage' must be a whole number from 1 to 100, got 0`,
  ],
  [
    'failureTolerancePercentage',
    { failureTolerancePercentage: 101 },
    `'failureTolerancePercentage' must be a whole number from 0 to 100, got 101`,
  ],
  [
    'callAs',
    { callAs: 'ADMIN' as never },
    `'callAs' must be StackSetCallAs.SELF ('SELF') or StackSetCallAs.DELEGATED_ADMIN ('DELEGATED_ADMIN'), got "ADMIN"`,
  ],
  [
    'regionConcurrency',
    { regionConcurrency: 'ALL' as never },
    `'regionConcurrency' must be StackSetRegionConcurrency.PARALLEL ('PARALLEL') or StackSetRegionConcurrency.SEQUENTIAL ('SEQUENTIAL'), got "ALL"`,
  ],
  [
    'stackSetName',
    { stackSetName: 'my stack set' },
    `'stackSetName' must be 1-128 letters, digits or hyphens starting with a letter, got "my stack set"`,
  ],
  [
    'trail',
    { trail: DetectorTrail.create() },
    `'trail' must declare a trail that exists (DetectorTrail.organizationTrail(), .existing() or .fromTrail()), got DetectorTrail.create(): The organisation forwarders StackSet creates no trail; use the organisation trail, or a detector's trail`,
  ],
  [
    'additionalEventNames',
    { additionalEventNames: ['create-model'] },
    `'additionalEventNames' entries must be API operation names (PascalCase letters and digits, 3-128 characters, for example 'CreateModelCustomizationJob'), got "create-model"`,
  ],
];

/** The member account's own default bus in us-east-1, where the RegionalForwarder rows deploy. */
const MEMBER_DEFAULT_BUS = events.EventBus.fromEventBusArn(
  testStack().stack, // an imported bus is its ARN: any scope will do
  'MemberDefaultBus',
  `arn:aws:events:us-east-1:${MEMBER}:event-bus/default`,
);

const REGIONAL_FORWARDER: Row<Partial<RegionalForwarderProps>>[] = [
  [
    'targetEventBus',
    { targetEventBus: MEMBER_DEFAULT_BUS },
    `'targetEventBus' "arn:aws:events:us-east-1:${MEMBER}:event-bus/default" is this stack's own default bus: the forwarder's rule listens there and would loop; forward to another region's or account's bus`,
  ],
  [
    'forwardWatchedCalls',
    { forwardWatchedCalls: false },
    `'forwardWatchedCalls' and 'forwardTamperEvents' are both false: the forwarder would forward nothing`,
  ],
  [
    'guardrailPolicyIds',
    { forwardTamperEvents: true, guardrailPolicyIds: ['policy-1'] },
    `'guardrailPolicyIds' entries must be SCP ids like 'p-abcd1234', got "policy-1"`,
  ],
];

/** RegionalForwarder.homeRegionBus() in a us-east-1 stack. */
const HOME_REGION_BUS: Row<{ homeRegion: string }>[] = [
  [
    'homeRegion',
    { homeRegion: 'us-east-1' },
    `'homeRegion' "us-east-1" is this stack's own region: the home region needs no forwarder, its detector listens on the default bus itself`,
  ],
  ['homeRegion', { homeRegion: 'us-east-9' }, REGION_MESSAGE('homeRegion', 'us-east-9')],
];

/** OrganizationEventBus.fromCentralAccount(). */
const CENTRAL_BUS_LOCATION: Row<Partial<CentralEventBusLocation>>[] = [
  ['account', { account: 'security' }, `'account' must be a 12-digit AWS account id, got "security"`],
  ['region', { region: 'useast1' }, REGION_MESSAGE('region', 'useast1')],
];

/**
 * RegionalForwarder in an environment-agnostic stack, to a bus named in that stack: its own default
 * bus, made with `EventBus.fromEventBusName`, must be caught although its ARN is all tokens.
 */
const FORWARDER_BY_BUS_NAME: Row<{ busName: string }>[] = [
  [
    'targetEventBus',
    { busName: 'default' },
    `'targetEventBus' {"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":events:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":event-bus/default"]]} is this stack's own default bus: the forwarder's rule listens there and would loop; forward to another region's or account's bus`,
  ],
];

/** AccountForwarders, in an app (or, for the first row, inside a stack). */
const ACCOUNT_FORWARDERS: Row<Partial<AccountForwardersProps> & { insideStack?: boolean }>[] = [
  [
    'scope',
    { insideStack: true },
    `AccountForwarders creates a stack per region, so it must be created in an App or a Stage, not inside the stack "Inside"; pass that stack as 'homeRegionStack' if the home region's forwarder belongs there`,
  ],
  [
    'homeRegionStack',
    { homeRegionStack: 'us-east-1' as never },
    `'homeRegionStack' is for the home region's forwarder to the organisation's central bus, which needs 'centralAccountId'; a single account needs no forwarder in its home region`,
  ],
  [
    'homeRegionStack',
    { homeRegionStack: 'eu-west-1' as never, centralAccountId: CENTRAL },
    `'homeRegionStack' must deploy to the home region "us-east-1", got a stack in "eu-west-1"`,
  ],
  ['regions', { regions: ['us-east-1', 'mars-1'] }, REGION_MESSAGE('regions', 'mars-1')],
];

const WATCHED_REGIONS: Row<WatchedRegionsOptions>[] = [
  // The default home region, us-east-1, is not in another partition's list.
  ['homeRegion', { regions: ['us-gov-west-1'] }, NOT_WATCHED_MESSAGE(['us-gov-west-1'], 'us-east-1')],
];

/**
 * A stack of its own for each case: environment-agnostic, or in an account and region where the
 * construct checks them.
 */
function stackIn(account?: string, region?: string): Stack {
  if (account === undefined) return testStack().stack;
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'TestStack', { env: { account, region } });
}

const build = {
  Detector: (props: object) => new SupplyChainDetector(stackIn(), 'Detector', props as SupplyChainDetectorProps),
  Guard: (props: object) => new SupplyChainGuard(stackIn(), 'Guard', { approvedPrincipalArns: APPROVED, ...props }),
  Scp: (props: object) =>
    new SupplyChainScp(stackIn(), 'Scp', {
      targetIds: ['ou-ab12-abcdefgh'],
      approvedPrincipalArns: APPROVED,
      ...props,
    }),
  GuardrailPolicy: (props: object) =>
    new SupplyChainGuardrailPolicy(stackIn(), 'Policy', { approvedPrincipalArns: APPROVED, ...props }),
  OrganizationEventBus: (props: object) =>
    new OrganizationEventBus(stackIn(CENTRAL, 'us-east-1'), 'Bus', { organizationId: ORG, ...props }),
  'OrganizationEventBus.fromCentralAccount': (props: object) =>
    OrganizationEventBus.fromCentralAccount(stackIn(MEMBER, 'eu-west-1'), 'Bus', {
      account: CENTRAL,
      region: 'us-east-1',
      ...props,
    }),
  OrganizationDetector: (props: object) =>
    new OrganizationDetector(stackIn(CENTRAL, 'us-east-1'), 'Org', { organizationId: ORG, trail: TRAIL, ...props }),
  'OrganizationDetector in eu-west-1': (props: object) =>
    new OrganizationDetector(stackIn(CENTRAL, 'eu-west-1'), 'Org', { organizationId: ORG, trail: TRAIL, ...props }),
  OrganizationForwarders: (props: object) =>
    new OrganizationForwarders(stackIn(MANAGEMENT, 'us-east-1'), 'Forwarders', {
      centralAccountId: CENTRAL,
      regions: ['us-east-1', 'eu-west-1'],
      organizationalUnitIds: ['ou-ab12-abcdefgh'],
      trail: TRAIL,
      ...props,
    }),
  RegionalForwarder: (props: object) => {
    const stack = stackIn(MEMBER, 'us-east-1');
    return new RegionalForwarder(stack, 'Forwarder', {
      targetEventBus: OrganizationEventBus.fromCentralAccount(stack, 'CentralBus', {
        account: CENTRAL,
        region: 'eu-central-1',
      }),
      trail: TRAIL,
      ...props,
    });
  },
  'RegionalForwarder.homeRegionBus': (props: object) =>
    RegionalForwarder.homeRegionBus(
      stackIn(MEMBER, 'us-east-1'),
      'HomeBus',
      (props as { homeRegion: string }).homeRegion,
    ),
  planWatchedRegions: (props: object) => WatchedRegions.plan(props as WatchedRegionsOptions),
  'RegionalForwarder to EventBus.fromEventBusName': (props: object) => {
    const stack = stackIn();
    return new RegionalForwarder(stack, 'Forwarder', {
      targetEventBus: events.EventBus.fromEventBusName(stack, 'Bus', (props as { busName: string }).busName),
      trail: TRAIL,
    });
  },
  AccountForwarders: (props: object) => {
    const { insideStack, homeRegionStack, ...rest } = props as Partial<AccountForwardersProps> & {
      insideStack?: boolean;
      homeRegionStack?: string;
    };
    const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const scope = insideStack ? new Stack(app, 'Inside') : app;
    return new AccountForwarders(scope, 'Forwarders', {
      regions: ['us-east-1', 'eu-west-1'],
      trail: TRAIL,
      ...(homeRegionStack
        ? { homeRegionStack: new Stack(app, 'Home', { env: { account: MANAGEMENT, region: homeRegionStack } }) }
        : {}),
      ...rest,
    });
  },
};

/** The exception a construct (or function) throws, as { name, message }. */
function failure(construct: keyof typeof build, props: object): { name: string; message: string } | undefined {
  try {
    build[construct](props);
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  return undefined;
}

const cases: (readonly [construct: keyof typeof build, prop: string, props: object, message: string])[] = [
  // The umbrella takes every detector prop, and passes it on, except the approved principals: it
  // has them as 'approvedPrincipalArns' (its own rows, below).
  ...DETECTOR_ONLY.map(([prop, props, message]) => ['Detector', prop, props, message] as const),
  ...DETECTOR.flatMap(([prop, props, message]) => [
    ['Detector', prop, props, message] as const,
    ...(props.approvals?.principalArns === undefined ? [['Guard', prop, props, message] as const] : []),
  ]),
  ...GUARDRAILS.flatMap(([prop, props, message]) =>
    (['Scp', 'Guard', 'GuardrailPolicy'] as const)
      // The IAM policy judges its principal list at synth, after every approveImporter() call (below).
      .filter((c) => !(c === 'GuardrailPolicy' && prop === 'approvedPrincipalArns'))
      .map((construct) => [construct, prop, props, message] as const),
  ),
  ...SCP.map(([prop, props, message]) => ['Scp', prop, props, message] as const),
  ...POLICY.map(([prop, props, message]) => ['GuardrailPolicy', prop, props, message] as const),
  ...GUARD.map(([prop, props, message]) => ['Guard', prop, props, message] as const),
  ...ORGANIZATION.flatMap(([prop, props, message]) =>
    (['OrganizationEventBus', 'OrganizationDetector'] as const).map(
      (construct) => [construct, prop, props, message] as const,
    ),
  ),
  ...ORGANIZATION_DETECTOR_IN_EU_WEST_1.map(
    ([prop, props, message]) => ['OrganizationDetector in eu-west-1', prop, props, message] as const,
  ),
  ...FORWARDERS.map(([prop, props, message]) => ['OrganizationForwarders', prop, props, message] as const),
  ...REGIONAL_FORWARDER.map(([prop, props, message]) => ['RegionalForwarder', prop, props, message] as const),
  ...HOME_REGION_BUS.map(
    ([prop, props, message]) => ['RegionalForwarder.homeRegionBus', prop, props, message] as const,
  ),
  ...CENTRAL_BUS_LOCATION.map(
    ([prop, props, message]) => ['OrganizationEventBus.fromCentralAccount', prop, props, message] as const,
  ),
  ...WATCHED_REGIONS.map(([prop, props, message]) => ['planWatchedRegions', prop, props, message] as const),
  ...FORWARDER_BY_BUS_NAME.map(
    ([prop, props, message]) => ['RegionalForwarder to EventBus.fromEventBusName', prop, props, message] as const,
  ),
  ...ACCOUNT_FORWARDERS.map(([prop, props, message]) => ['AccountForwarders', prop, props, message] as const),
];

/**
 * The IAM policy judges its principal list at synth, after every approveImporter() call: the shared
 * rows, and none given at all.
 */
const POLICY_AT_SYNTH: Row<Partial<GuardrailOptions>>[] = [
  ...GUARDRAILS.filter(([prop]) => prop === 'approvedPrincipalArns'),
  [
    'approvedPrincipalArns',
    {},
    `'approvedPrincipalArns' must list at least one IAM role or user ARN pattern (the MLOps pipeline roles and a break-glass role): an empty list would deny the watched Bedrock calls to everyone, got []`,
  ],
];

describe('validation catalogue: every prop that can be wrong fails at construction with its exact message', () => {
  test.each(cases)('%s fails for a bad %s', (construct, _prop, props, message) => {
    expect(failure(construct, props)).toEqual({ name: PropValidationError.name, message });
  });
});

describe('validation catalogue: what is judged at synth fails there with its exact message', () => {
  test.each(POLICY_AT_SYNTH)(
    'GuardrailPolicy fails at synth for a bad %s (approveImporter() may still add principals before)',
    (_prop, props, message) => {
      const { stack } = testStack();
      new SupplyChainGuardrailPolicy(stack, 'Policy', props as SupplyChainGuardrailPolicyProps);
      expect(() => Template.fromStack(stack)).toThrow(
        new Error(`Validation failed with the following errors:\n  [TestStack/Policy] ${message}`),
      );
    },
  );
});

describe('what the construct accepts, the function accepts', () => {
  // The function parses its configuration again at cold start and fails loudly on a bad one, so a
  // value the construct lets through would deploy a detector that fails on every event.
  // Mostly valid values, so that most runs have one bad value or none: the interesting case is a
  // single bad value that the construct lets through.
  const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('default', 'HIGH', 'observe', 'p-abcd1234'));
  const anything = fc.oneof(text, fc.integer({ min: -5, max: 205 }), fc.double(), fc.constant(null), fc.constant([]));
  const mostly = <T>(valid: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: anything as fc.Arbitrary<unknown>, weight: 1 });
  const props = fc.record(
    {
      profile: mostly(fc.constantFrom('default', 'extended')),
      severity: mostly(fc.constantFrom('LOW', 'CRITICAL')),
      riskScore: mostly(fc.integer({ min: 0, max: 100 })),
      mode: mostly(fc.constantFrom('observe', 'alert', 'contain')),
      notifyApproved: mostly(fc.boolean()),
      tamperAlerts: mostly(fc.boolean()),
      namePrefix: mostly(fc.constantFrom('acme-bedrock', 'bmsc')),
      guardrailPolicyIds: fc.array(mostly(fc.constant('p-abcd1234')), { maxLength: 2 }),
      approvals: fc.record(
        {
          principalArns: fc.array(mostly(fc.constant('arn:aws:iam::*:role/mlops-*')), { maxLength: 2 }),
          sourceAccounts: fc.array(mostly(fc.constant('111122223333')), { maxLength: 2 }),
          s3Locations: fc.array(mostly(fc.constant('s3://acme-models/approved/')), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      verdictSeverities: fc.dictionary(
        mostly(fc.constantFrom('approved', 'untrusted-source')) as fc.Arbitrary<string>,
        fc.record({ severity: mostly(fc.constantFrom('LOW', 'HIGH')), riskScore: mostly(fc.nat(100)) }),
        { maxKeys: 1 },
      ),
    },
    { requiredKeys: [] },
  );

  test('any props: the construct throws a PropValidationError, or its function configuration parses', () => {
    let accepted = 0;
    fc.assert(
      fc.property(props, (p) => {
        const { stack } = testStack();
        let detector: SupplyChainDetector;
        try {
          detector = new SupplyChainDetector(stack, 'D', { ...(p as object), tamperAlerts: false });
        } catch (e) {
          expect((e as Error).name).toBe(PropValidationError.name);
          return;
        }
        accepted++;
        const fn = detector.alertFunction.node.defaultChild as lambda.CfnFunction;
        const config = stack.resolve(fn.environment).variables[ALERT_CONFIG_ENV];
        expect(() => parseAlertFunctionConfig(config)).not.toThrow();
      }),
      { numRuns: 120 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
