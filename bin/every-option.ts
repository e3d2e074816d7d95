#!/usr/bin/env node
// The umbrella construct with every option set: a reference for the props (each at a value other
// than its default where it has one), and, in a second stack, with every feature that can be turned
// off turned off. CI scans both templates with cfn-lint and checkov; the compliance test checks them
// with every cdk-nag pack.
//
//   npx cdk synth --app "npx tsx bin/every-option.ts"
import { Annotations, App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';

import {
  DetectionProfile,
  ContainVerdict,
  ContainmentAction,
  DetectorMode,
  DetectorTrail,
  GuardrailPolicyUsage,
  Severity,
  SourceProfile,
  SupplyChainGuard,
  SupplyChainScp,
  type SupplyChainGuardProps,
} from '../lib';

/** Every prop of the umbrella construct, in the order of its documentation. */
export function everyOptionProps(scope: Construct): SupplyChainGuardProps {
  const mlops = 'arn:aws:iam::*:role/mlops-pipeline-*';
  return {
    // Watch options
    profile: DetectionProfile.EXTENDED,
    sourceProfiles: [
      SourceProfile.RAM_MODEL_SHARING,
      SourceProfile.SAGEMAKER_ENDPOINT_SWAPS,
      SourceProfile.AGENTCORE_OUTSIDE_MODELS,
      SourceProfile.MODEL_ACCESS,
      SourceProfile.BEDROCK_MANTLE,
    ],
    additionalEventNames: ['CreateEvaluationJob'],
    additionalEvents: [{ eventSource: 'bedrock-mantle.amazonaws.com', eventNames: ['CreateCustomizedModelVersion'] }],
    probingAlerts: true,
    createThenDeleteAlerts: true,
    namePrefix: 'every-option',
    // Who is approved, and the guardrails
    approvedPrincipalArns: [mlops, 'arn:aws:iam::*:role/bedrock-break-glass'],
    scpTargetIds: ['r-ab12'],
    scpSizeBudgetBytes: 10_240,
    iamGuardrail: true,
    iamGuardrailUsage: GuardrailPolicyUsage.DENY_POLICY,
    approvedServiceRoleArns: ['arn:aws:iam::*:role/BedrockModelImport*'],
    passRoleServices: ['bedrock.amazonaws.com', 'sagemaker.amazonaws.com'],
    organizationId: 'o-a1b2c3d4e5',
    trustedAccountIds: ['444455556666'],
    exemptBucketArns: ['arn:aws:s3:::acme-approved-models'],
    jumpStartRegions: ['us-east-1', 'eu-west-1'],
    identityAdminPrincipalArns: ['arn:aws:iam::*:role/identity-pipeline'],
    useSideGuardrail: true,
    approvalTagKey: 'acme:model-approved',
    denyPassRoleToModelServices: true,
    denyModelSharing: true,
    denyLeavingOrganization: true,
    approvedRegions: ['us-east-1', 'eu-west-1'],
    protectMarketplaceEndpoints: true,
    protectedTrailNames: ['acme-audit-trail'],
    scpMaxPoliciesPerTarget: 3,
    tamperProtection: true,
    deploymentPrincipalArns: ['arn:aws:iam::*:role/cdk-*-cfn-exec-role-*', 'arn:aws:iam::*:role/break-glass'],
    partition: 'aws',
    // The detector
    trail: DetectorTrail.create({ trailName: 'every-option-trail', logRetention: Duration.days(400) }),
    alertEmails: ['secops@example.com', 'ml-platform@example.com'],
    severity: Severity.HIGH,
    riskScore: 60,
    verdictSeverities: {
      approved: { severity: Severity.LOW, riskScore: 10 },
      unapprovedPrincipal: { severity: Severity.HIGH, riskScore: 80 },
      untrustedSource: { severity: Severity.CRITICAL, riskScore: 100 },
    },
    logRetention: logs.RetentionDays.TWO_YEARS,
    reserveConcurrency: true,
    reservedConcurrentExecutions: 10,
    ruleRetryAttempts: 100,
    ruleMaxEventAge: Duration.hours(12),
    functionRetryAttempts: 1,
    functionMaxEventAge: Duration.hours(3),
    deadLetterRetention: Duration.days(7),
    tamperAlerts: true,
    guardrailPolicyIds: ['p-abcd1234'],
    approvals: {
      s3Locations: ['s3://acme-models/approved/'],
      sourceAccounts: ['444455556666'],
      modelSourceIdentifiers: ['arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/*'],
    },
    mode: DetectorMode.CONTAIN,
    containment: {
      untrustedSourceActions: [
        ContainmentAction.QUARANTINE_MODEL,
        ContainmentAction.DELETE_DEPLOYMENT,
        ContainmentAction.DELETE_ENDPOINT,
        ContainmentAction.STOP_JOB,
      ],
      unapprovedPrincipalActions: [ContainmentAction.QUARANTINE_MODEL, ContainmentAction.QUARANTINE_PRINCIPAL],
      unverifiedActions: [ContainmentAction.QUARANTINE_MODEL],
      automaticFor: [ContainVerdict.UNTRUSTED_SOURCE],
      dryRun: true,
      maxPerHour: 5,
      neverTouch: ['arn:aws:bedrock:*:*:custom-model-deployment/keep-*'],
      quarantineTagKey: 'acme:quarantined',
      customAction: true,
    },
    lifecycleFollowUp: true,
    followUpMinutes: [5, 30, 120, 720],
    notifyApproved: true,
    provenanceCheck: true,
    enrichment: true,
    enrichmentWindow: Duration.minutes(30),
    enrichmentMaxPages: 3,
    firstSeen: true,
    slackChannels: [
      new chatbot.SlackChannelConfiguration(scope, 'Slack', {
        slackChannelConfigurationName: 'every-option-secops',
        slackWorkspaceId: 'T0123456',
        slackChannelId: 'C0123456',
      }),
    ],
    teamsChannels: [
      new chatbot.CfnMicrosoftTeamsChannelConfiguration(scope, 'Teams', {
        configurationName: 'every-option-secops',
        teamId: '11111111-2222-3333-4444-555555555555',
        teamsChannelId: '19%3Aabcdefabcdefabcdefabcdef%40thread.tacv2',
        teamsTenantId: '66666666-7777-8888-9999-000000000000',
        iamRoleArn: new iam.Role(scope, 'TeamsRole', { assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com') })
          .roleArn,
      }),
    ],
    chatNotifications: true,
    securityHub: true,
    soarEventBus: new events.EventBus(scope, 'Soar', { eventBusName: 'every-option-soar' }),
    backfill: true,
    backfillPeriod: Duration.days(30),
    reconciliation: true,
    reconciliationInterval: Duration.minutes(30),
    healthCheck: true,
    watchedRegions: ['us-east-1', 'eu-west-1'],
    sweepUnwatchedRegions: true,
    probingThreshold: 5,
    monitoring: true,
  };
}

/** The umbrella with every option, in a stack of its own. */
export function everyOptionStack(app: App, id = 'EveryOption'): Stack {
  const stack = new Stack(app, id, {
    description: 'cdk-bedrock-model-supply-chain: the umbrella construct with every option set',
    env: { account: '123456789012', region: 'us-east-1' },
  });
  const guard = new SupplyChainGuard(stack, 'Guard', everyOptionProps(stack));
  acknowledgeSameAccount(guard);
  return stack;
}

/** The umbrella with every feature that can be turned off turned off, in a stack of its own. */
export function everyOptionOffStack(app: App, id = 'EveryOptionOff'): Stack {
  const stack = new Stack(app, id, {
    description: 'cdk-bedrock-model-supply-chain: the umbrella construct with every feature that can be off, off',
    env: { account: '345678901234', region: 'eu-west-1' },
  });
  const guard = new SupplyChainGuard(stack, 'Guard', {
    namePrefix: 'every-option-off',
    approvedPrincipalArns: ['arn:aws:iam::*:role/mlops-pipeline-*'],
    scpTargetIds: ['r-ab12'],
    iamGuardrail: false,
    tamperProtection: false,
    useSideGuardrail: false,
    trail: DetectorTrail.create({ cloudWatchLogs: false }),
    reserveConcurrency: false,
    tamperAlerts: false,
    provenanceCheck: false,
    enrichment: false,
    backfill: false,
    reconciliation: false,
    healthCheck: false,
    sweepUnwatchedRegions: false,
    monitoring: false,
    lifecycleFollowUp: false,
  });
  acknowledgeSameAccount(guard);
  return stack;
}

/** These examples put the SCP and the detector in one stack, so synth says no SCP may bind the detector. */
function acknowledgeSameAccount(guard: SupplyChainGuard): void {
  Annotations.of(guard).acknowledgeWarning(
    SupplyChainScp.DETECTOR_NOT_COVERED,
    'An example of every option in one stack: in an organisation the detector belongs in the security account, under an SCP target (bin/organization.ts).',
  );
}

if (require.main === module) {
  const app = new App({ builtinCloudFormationValidation: false });
  everyOptionStack(app);
  everyOptionOffStack(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
