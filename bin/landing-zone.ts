#!/usr/bin/env node
// Composition into an existing landing zone (Control Tower or Landing Zone Accelerator). The
// detector goes into stacks the landing zone already deploys: it uses the landing zone's
// organisation trail and its security notification topic, and its guardrails are merged into an
// SCP the landing zone already attaches (landing zones fill most of the 10 SCP slots per target).
// Checked by cdk-nag's AwsSolutions pack.
//
//   npx cdk synth --app "npx tsx bin/landing-zone.ts"
//   ... -c organizationId=o-… -c managementAccountId=… -c auditAccountId=… -c organizationalUnitIds=ou-…
//       -c watchedRegions=us-east-1,eu-west-1 -c organizationTrailName=aws-controltower-BaselineCloudTrail
//       (or -c organizationTrailArn=arn:aws:cloudtrail:…)
//       [-c logArchiveAccountId=… -c trailBucketName=… -c trailKeyArn=arn:aws:kms:… -c huntAccountIds=…,…]
import { Annotations, App, CfnOutput, Lazy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';

import {
  AccountForwarders,
  DetectionProfile,
  DetectorTrail,
  SourceProfile,
  GuardrailStatements,
  DetectorMode,
  OrganizationDetector,
  OrganizationForwarders,
  OrganizationHunt,
  SupplyChainDetector,
  WatchedRegions,
} from '../lib';

// --- What the landing zone already has (stand-ins for its own stacks) -------------------------------

/** The landing zone's stack in the audit (security tooling) account: its security notification topic. */
class LandingZoneAuditStack extends Stack {
  readonly securityNotifications: sns.Topic;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const key = new kms.Key(this, 'NotificationKey', {
      description: 'Encrypts the landing zone security notifications',
      enableKeyRotation: true,
    });
    // The landing zone's own key, standing in for one that already exists: not this library's.
    Validations.of(key).acknowledge({
      id: 'cdk-validator-cfnguard::kms_create_grant_aws_service_check',
      reason:
        "The stand-in for the landing zone's existing notification key, whose policy is the landing zone's; the detector's own key restricts kms:CreateGrant to AWS services.",
    });
    this.securityNotifications = new sns.Topic(this, 'SecurityNotifications', {
      topicName: 'landing-zone-security-notifications',
      masterKey: key,
      enforceSSL: true,
    });
  }
}

/** The landing zone's stack in the management account: an SCP it attaches to the workload OUs. */
class LandingZoneManagementStack extends Stack {
  readonly guardrails: organizations.CfnPolicy;
  /** A second SCP, made only when the statements do not all fit the landing zone's (one more slot). */
  overflow?: organizations.CfnPolicy;
  private readonly statements: object[] = [
    {
      Sid: 'DenyRootUser',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } },
    },
  ];
  private readonly overflowStatements: object[] = [];
  private readonly targetIds: string[];

  constructor(scope: Construct, id: string, props: StackProps & { readonly targetIds: string[] }) {
    super(scope, id, props);
    this.targetIds = props.targetIds;
    this.guardrails = this.policy('WorkloadGuardrails', 'landing-zone-workload-guardrails', this.statements);
  }

  /**
   * Appends statements to the landing zone's SCP (no new attachment slot) while they fit its size
   * quota; the rest go into one more SCP on the same targets, tagged like the guardrails.
   */
  addStatements(statements: object[], tagKey: string): void {
    for (const statement of statements) {
      const merged = GuardrailStatements.documentJson([...this.statements, statement]);
      if (
        this.overflowStatements.length === 0 &&
        GuardrailStatements.utf8Bytes(merged) <= GuardrailStatements.SCP_MAX_BYTES
      ) {
        this.statements.push(statement);
      } else {
        this.overflowStatements.push(statement);
      }
    }
    this.guardrails.tags.setTag(tagKey, 'true');
    if (this.overflowStatements.length > 0 && !this.overflow) {
      this.overflow = this.policy('BedrockGuardrails', 'landing-zone-bedrock-guardrails', this.overflowStatements);
      this.overflow.tags.setTag(tagKey, 'true');
    }
  }

  private policy(id: string, name: string, statements: object[]): organizations.CfnPolicy {
    const policy = new organizations.CfnPolicy(this, id, {
      name,
      type: 'SERVICE_CONTROL_POLICY',
      targetIds: this.targetIds,
      content: { Version: '2012-10-17', Statement: [] },
    });
    // Submitted as the minified text, so the size counted below is the size Organizations counts.
    policy.addPropertyOverride('Content', Lazy.string({ produce: () => GuardrailStatements.documentJson(statements) }));
    this.node.addValidation({
      validate: () => {
        const bytes = GuardrailStatements.utf8Bytes(GuardrailStatements.documentJson(statements));
        return bytes > GuardrailStatements.SCP_MAX_BYTES
          ? [`the SCP ${name} is ${bytes} bytes, more than the ${GuardrailStatements.SCP_MAX_BYTES} allowed`]
          : [];
      },
    });
    return policy;
  }
}

// --- The landing zone's settings ---------------------------------------------------------------------

export const app = new App({ builtinCloudFormationValidation: false });
const text = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};
const list = (key: string): string[] | undefined =>
  text(key)
    ?.split(',')
    .map((v) => v.trim());

const organizationId = text('organizationId') ?? 'o-a1b2c3d4e5';
const managementAccountId = text('managementAccountId') ?? '111111111111';
const auditAccountId = text('auditAccountId') ?? '333333333333';
const workloadOus = list('organizationalUnitIds') ?? ['ou-ab12-33333333'];
const regions = WatchedRegions.plan({ regions: list('watchedRegions') ?? ['us-east-1', 'eu-west-1'] });
// The organisation trail the landing zone already runs, by name (Control Tower's by default) or ARN:
// the detector relies on it, so its tamper rules watch it and its health check reads it hourly.
const trailReference =
  text('organizationTrailArn') ?? text('organizationTrailName') ?? 'aws-controltower-BaselineCloudTrail';
const trail = DetectorTrail.organizationTrail(trailReference);
const trailName = trailReference.startsWith('arn:') ? /:trail\/(.+)$/.exec(trailReference)?.[1] : trailReference;
// What the landing zone watches: the default profile and every opt-in source profile (RAM shares of
// custom models, SageMaker endpoint swaps, AgentCore outside models, model access, bedrock-mantle).
// Every construct that watches takes the same options, so the members forward what the detector judges.
const watch = {
  profile: DetectionProfile.DEFAULT,
  sourceProfiles: [
    SourceProfile.RAM_MODEL_SHARING,
    SourceProfile.SAGEMAKER_ENDPOINT_SWAPS,
    SourceProfile.AGENTCORE_OUTSIDE_MODELS,
    SourceProfile.MODEL_ACCESS,
    SourceProfile.BEDROCK_MANTLE,
  ],
};
const approvedPrincipalArns = ['arn:aws:iam::*:role/mlops-pipeline-*', 'arn:aws:iam::*:role/bedrock-break-glass'];

const audit = new LandingZoneAuditStack(app, 'LandingZone-Audit', {
  env: { account: auditAccountId, region: regions.homeRegion },
});
const management = new LandingZoneManagementStack(app, 'LandingZone-Management', {
  env: { account: managementAccountId, region: regions.homeRegion },
  // The workload OUs, and the audit account that holds the detector (its tamper protection binds only
  // where an SCP does).
  targetIds: [...workloadOus, auditAccountId],
});

// --- The composition ---------------------------------------------------------------------------------

// Audit account: the organisation detector, alerting on the landing zone's own notification topic.
const detector = new OrganizationDetector(audit, 'BedrockSupplyChain', {
  ...watch,
  organizationId,
  regions: [...regions.regions],
  homeRegion: regions.homeRegion,
  trail,
  alertTopic: audit.securityNotifications,
  approvals: { principalArns: approvedPrincipalArns },
  guardrailPolicyIds: list('guardrailPolicyIds'),
  // Contain mode, asking first: each alert says how to contain it, and the Security Hub custom action
  // "Contain this model" (in the audit account, where the findings are) carries it out for
  // untrusted-source calls. Containment acts in the detector's own account; a member account's model
  // is contained by hand (README, "Runbook").
  mode: DetectorMode.CONTAIN,
  securityHub: true,
  containment: {},
});
Annotations.of(audit).acknowledgeWarning(
  'cdk-bedrock-model-supply-chain:topicNotProtected',
  "The landing zone's notification topic is the landing zone's to protect; its own guardrails cover it.",
);
new CfnOutput(audit, 'BedrockSupplyChainEventBusArn', { value: detector.eventBus.eventBusArn });

// The organisation hunt over the landing zone's log archive bucket (Control Tower's, by name): every
// account's history, judged by the same detector. The log archive's bucket policy (and its key's,
// when the trail uses one) must let the audit account's alert function role read AWSLogs/.
const logArchiveAccountId = text('logArchiveAccountId') ?? '444444444444';
const trailKeyArn = text('trailKeyArn');
const hunt = new OrganizationHunt(audit, 'BedrockSupplyChainHunt', {
  detector: detector.detector,
  trailBucket: s3.Bucket.fromBucketName(
    audit,
    'LogArchiveBucket',
    text('trailBucketName') ?? `aws-controltower-logs-${logArchiveAccountId}-${regions.homeRegion}`,
  ),
  trailKey: trailKeyArn ? kms.Key.fromKeyArn(audit, 'LogArchiveKey', trailKeyArn) : undefined,
  organizationId,
  accounts: list('huntAccountIds') ?? [managementAccountId, auditAccountId, logArchiveAccountId],
  regions: [...regions.regions],
});
new CfnOutput(audit, 'BedrockSupplyChainHuntStateMachineArn', { value: hunt.stateMachine.stateMachineArn });

// Management account: the guardrails merged into the landing zone's SCP (tagged, so the guardrails
// protect it), the members' StackSet, and the management account's own forwarders.
// Every guardrail feature is on: the use-side approval tag, the identity pipeline as the only maker of
// approved principals, who may assume them, the approved service roles and the S3 perimeter (JumpStart caches by exact
// regional name), RAM sharing, leaving the organisation, the approved regions, the SageMaker endpoints
// behind marketplace endpoints, the broad PassRole deny, and the organisation trail protected by name.
management.addStatements(
  GuardrailStatements.toJson({
    ...watch,
    approvedPrincipalArns,
    identityAdminPrincipalArns: ['arn:aws:iam::*:role/identity-pipeline'],
    // Who else may act as an approved role: the people behind the break-glass permission set.
    approvedRoleAssumerArns: ['arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_BedrockBreakGlass_*'],
    approvedServiceRoleArns: [
      'arn:aws:iam::*:role/BedrockModelImport*',
      'arn:aws:iam::*:role/SageMakerEndpointRoleForBedrock*',
    ],
    organizationId,
    jumpStartRegions: [...regions.regions],
    useSideGuardrail: true,
    denyPassRoleToModelServices: true,
    denyModelSharing: true,
    denyLeavingOrganization: true,
    approvedRegions: [...regions.regions],
    protectMarketplaceEndpoints: true,
    protectedTrailNames: trailName === undefined ? undefined : [trailName],
  }),
  SupplyChainDetector.namesFor().guardrailTagKey,
);
new OrganizationForwarders(management, 'BedrockSupplyChainForwarders', {
  ...watch,
  centralAccountId: auditAccountId,
  homeRegion: regions.homeRegion,
  regions: [...regions.regions],
  organizationalUnitIds: workloadOus,
  trail,
});
new AccountForwarders(app, 'BedrockSupplyChainManagementForwarders', {
  ...watch,
  regions: [...regions.regions],
  homeRegion: regions.homeRegion,
  centralAccountId: auditAccountId,
  account: managementAccountId,
  homeRegionStack: management,
  stackNamePrefix: 'LandingZone-BedrockSupplyChain',
  forwarderId: 'BedrockSupplyChainForwarder',
  guardrailPolicyIds: [management.guardrails.attrId, ...(management.overflow ? [management.overflow.attrId] : [])],
  trail,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
