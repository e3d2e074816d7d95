/**
 * The guardrail statements, built once from the watched-call catalogue and the tamper catalogue,
 * and used three ways: as an SCP, as an IAM managed policy, and as plain statements to merge into an
 * existing SCP. Pure: no aws-cdk-lib, constructs or SDK imports (enforced by ESLint).
 *
 * IAM has no condition key for a model's S3 source, marketplace model or SageMaker endpoint, so the
 * statements work through who may call, which roles may be passed, and what those roles may read.
 */
import {
  BEDROCK_EVENT_SOURCE,
  DEFAULT_NAME_PREFIX,
  TAMPER_SERVICES,
  detectorNames,
  resolveWatchedCalls,
  type DetectorNames,
} from '../detection';

import { APPROVAL_TAG_VALUE, GUARDRAIL_DEFAULTS, jumpStartBucketArns, type GuardrailOptions } from './options';
import type { PolicyStatementJson } from './policy-document';

/** The guardrail statements, in a fixed order, with short Sids. */
export function buildGuardrailStatements(o: GuardrailOptions): PolicyStatementJson[] {
  const approved = [...o.approvedPrincipalArns];
  const services = [...(o.passRoleServices ?? GUARDRAIL_DEFAULTS.passRoleServices)];
  const partition = o.partition ?? GUARDRAIL_DEFAULTS.partition;
  const tamper = o.tamperProtection ?? GUARDRAIL_DEFAULTS.tamperProtection;
  const deployers = [...(o.deploymentPrincipalArns ?? GUARDRAIL_DEFAULTS.deploymentPrincipalArns)];
  const identityAdmins = [...(o.identityAdminPrincipalArns ?? GUARDRAIL_DEFAULTS.identityAdminPrincipalArns)];
  const names = detectorNames(o.namePrefix ?? DEFAULT_NAME_PREFIX);
  const exceptApproved = { ArnNotLike: { 'aws:PrincipalArn': approved } };
  const statements: PolicyStatementJson[] = [
    {
      Sid: 'DenyModelImportUnlessApproved',
      Effect: 'Deny',
      // The Bedrock calls of the catalogue (the IAM action is the event name); the calls of the other
      // event sources (RAM, SageMaker, AgentCore) have guardrails of their own below.
      Action: resolveWatchedCalls(o)
        .filter((c) => c.eventSource === BEDROCK_EVENT_SOURCE)
        .map((c) => `bedrock:${c.eventName}`),
      Resource: '*',
      Condition: exceptApproved,
    },
  ];
  if (o.denyPassRoleToModelServices ?? GUARDRAIL_DEFAULTS.denyPassRoleToModelServices) {
    // Opt-in: it also stops unapproved principals setting up Agents, Knowledge Bases and SageMaker
    // training, which pass roles to the same services. The watched-call deny stops imports alone.
    statements.push({
      Sid: 'DenyPassRoleToModelServicesUnlessApproved',
      Effect: 'Deny',
      Action: 'iam:PassRole',
      Resource: '*',
      Condition: { StringEquals: { 'iam:PassedToService': services }, ...exceptApproved },
    });
  }
  if (o.approvedServiceRoleArns) {
    statements.push(
      {
        // The import and marketplace execution roles are the approved principals' to pass.
        Sid: 'DenyPassingApprovedServiceRolesUnlessApproved',
        Effect: 'Deny',
        Action: 'iam:PassRole',
        Resource: [...o.approvedServiceRoleArns],
        Condition: exceptApproved,
      },
      {
        // And the approved principals pass only those roles to the model services (so every import
        // reads through the S3 perimeter below).
        Sid: 'DenyPassingUnapprovedModelServiceRoles',
        Effect: 'Deny',
        Action: 'iam:PassRole',
        NotResource: [...o.approvedServiceRoleArns],
        Condition: { StringEquals: { 'iam:PassedToService': services }, ArnLike: { 'aws:PrincipalArn': approved } },
      },
    );
    if (o.organizationId) {
      const regions = o.jumpStartRegions ?? o.approvedRegions ?? [];
      const exempt = [
        ...regions.flatMap((r) => jumpStartBucketArns(r, partition)),
        ...(o.exemptBucketArns ?? GUARDRAIL_DEFAULTS.exemptBucketArns),
      ];
      statements.push({
        Sid: 'DenyModelArtifactReadsOutsideOrganization',
        Effect: 'Deny',
        Action: ['s3:GetObject', 's3:ListBucket'],
        NotResource: exempt.flatMap((b) => [b, `${b}/*`]),
        Condition: {
          StringNotEqualsIfExists: {
            'aws:ResourceOrgID': o.organizationId,
            ...(o.trustedAccountIds?.length ? { 'aws:ResourceAccount': [...o.trustedAccountIds] } : {}),
          },
          ArnLike: { 'aws:PrincipalArn': [...o.approvedServiceRoleArns] },
        },
      });
    }
  }
  if (o.useSideGuardrail ?? GUARDRAIL_DEFAULTS.useSideGuardrail) statements.push(...useSideStatements(o, names));
  if (tamper) statements.push(...tamperStatements(o));
  statements.push(...identityStatements(approved, identityAdmins, tamper ? deployers : [], deployers));
  statements.push(...optionalStatements(o, partition));
  return statements;
}

/** The IAM actions that create or re-trust a role, or create or give credentials to a user. */
const ROLE_IDENTITY_ACTIONS = ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy'];
const USER_IDENTITY_ACTIONS = [
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'iam:UpdateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  // Bedrock API keys are service-specific credentials of an IAM user.
  'iam:CreateServiceSpecificCredential',
  'iam:ResetServiceSpecificCredential',
];
const isRole = (arn: string) => /^arn:[^:]+:iam::[^:]+:role\//.test(arn);

/**
 * Approvals go by principal name, so who may make a principal with an approved name is its own list:
 * the identity pipeline (`identityAdminPrincipalArns`, empty by default), never the deployers. The
 * deployers' own names (their exemption from tamper protection) are made by the deployers or the
 * identity pipeline only.
 */
function identityStatements(
  approved: readonly string[],
  identityAdmins: readonly string[],
  deployers: readonly string[],
  assumeDeployers: readonly string[],
): PolicyStatementJson[] {
  const statement = (sid: string, patterns: readonly string[], except: readonly string[]): PolicyStatementJson[] => {
    if (patterns.length === 0) return [];
    const actions = [
      ...(patterns.some(isRole) ? ROLE_IDENTITY_ACTIONS : []),
      ...(patterns.some((p) => !isRole(p)) ? USER_IDENTITY_ACTIONS : []),
    ];
    return [
      {
        Sid: sid,
        Effect: 'Deny',
        Action: actions,
        Resource: [...patterns],
        ...(except.length > 0 ? { Condition: { ArnNotLike: { 'aws:PrincipalArn': [...except] } } } : {}),
      },
    ];
  };
  const approvedRoles = [...new Set(approved)].filter(isRole);
  const made = statement('DenyMakingApprovedPrincipals', [...new Set(approved)], identityAdmins);
  // Whoever passes an approved role to a service (a Lambda function, a CodeBuild project) runs code
  // as it: that too is the identity pipeline's.
  if (made.length > 0 && approvedRoles.length > 0) {
    made[0] = { ...made[0], Action: [...(made[0].Action as string[]), 'iam:PassRole'] };
  }
  return [
    ...made,
    // Deployers never act as an approved role (a role that trusts its own account would let them).
    ...(approvedRoles.length > 0 && assumeDeployers.length > 0
      ? [
          {
            Sid: 'DenyDeployersAssumingApprovedRoles',
            Effect: 'Deny' as const,
            Action: 'sts:AssumeRole',
            Resource: approvedRoles,
            Condition: { ArnLike: { 'aws:PrincipalArn': [...assumeDeployers] } },
          },
        ]
      : []),
    ...statement('DenyMakingDeployers', [...new Set(deployers)], [...new Set([...deployers, ...identityAdmins])]),
  ];
}

/**
 * Use-side guardrail: an imported or custom model is invocable only while it carries the approval
 * tag, and only approved principals may set or remove that tag, at creation included. The detector's
 * own role may remove it (containment), never set it.
 */
function useSideStatements(o: GuardrailOptions, names: DetectorNames): PolicyStatementJson[] {
  const partition = o.partition ?? GUARDRAIL_DEFAULTS.partition;
  const key = o.approvalTagKey ?? GUARDRAIL_DEFAULTS.approvalTagKey;
  const approved = [...o.approvedPrincipalArns];
  const detectorRole = `arn:${partition}:iam::*:role/${names.rolePrefix}-*`;
  return [
    {
      Sid: 'DenyInvokingUnapprovedModels',
      Effect: 'Deny',
      // InvokeModel* covers Converse (bedrock:InvokeModel) and ConverseStream (…WithResponseStream).
      Action: ['bedrock:InvokeModel*', 'bedrock:CreateModelInvocationJob'],
      Resource: ['imported-model', 'custom-model-deployment', 'provisioned-model'].map(
        (type) => `arn:${partition}:bedrock:*:*:${type}/*`,
      ),
      Condition: { StringNotEquals: { [`aws:ResourceTag/${key}`]: APPROVAL_TAG_VALUE } },
    },
    {
      // Tag keys are matched case-insensitively by the aws:ResourceTag condition above, so here too.
      Sid: 'DenyApprovalTagChangesUnlessApproved',
      Effect: 'Deny',
      Action: 'bedrock:*',
      Resource: '*',
      Condition: {
        'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': key },
        ArnNotLike: { 'aws:PrincipalArn': [...approved, detectorRole] },
      },
    },
    {
      Sid: 'DenyApprovingUnlessApproved',
      Effect: 'Deny',
      Action: 'bedrock:*',
      Resource: '*',
      Condition: { Null: { [`aws:RequestTag/${key}`]: 'false' }, ArnNotLike: { 'aws:PrincipalArn': approved } },
    },
  ];
}

/** The optional guardrails, each off by default. */
function optionalStatements(o: GuardrailOptions, partition: string): PolicyStatementJson[] {
  const approved = [...o.approvedPrincipalArns];
  const exceptApproved = { ArnNotLike: { 'aws:PrincipalArn': approved } };
  const statements: PolicyStatementJson[] = [];
  if (o.denyModelSharing ?? GUARDRAIL_DEFAULTS.denyModelSharing) {
    statements.push({
      Sid: 'DenyModelSharingUnlessApproved',
      Effect: 'Deny',
      Action: ['ram:CreateResourceShare', 'ram:AssociateResourceShare'],
      Resource: '*',
      Condition: {
        'ForAnyValue:StringEqualsIgnoreCase': { 'ram:RequestedResourceType': 'bedrock:CustomModel' },
        ...exceptApproved,
      },
    });
  }
  if (o.denyLeavingOrganization ?? GUARDRAIL_DEFAULTS.denyLeavingOrganization) {
    statements.push({
      Sid: 'DenyLeavingOrganization',
      Effect: 'Deny',
      Action: 'organizations:LeaveOrganization',
      Resource: '*',
    });
  }
  if (o.approvedRegions?.length) {
    statements.push({
      // Invocations through a system inference profile are exempt: cross-region inference runs them
      // in the profile's destination regions, which the caller does not choose.
      Sid: 'DenyBedrockOutsideApprovedRegions',
      Effect: 'Deny',
      Action: ['bedrock:*', 'bedrock-mantle:*', 'bedrock-agentcore:*'],
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': [...o.approvedRegions] },
        ArnNotLike: { 'bedrock:InferenceProfileArn': `arn:${partition}:bedrock:*:*:inference-profile/*` },
      },
    });
  }
  if (o.protectMarketplaceEndpoints ?? GUARDRAIL_DEFAULTS.protectMarketplaceEndpoints) {
    statements.push(
      {
        // The SageMaker calls Bedrock makes with the caller's identity for a marketplace endpoint.
        Sid: 'DenyMarketplaceSageMakerCallsUnlessApproved',
        Effect: 'Deny',
        Action: ['sagemaker:CreateEndpoint', 'sagemaker:CreateEndpointConfig', 'sagemaker:CreateModel'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:CalledViaLast': 'bedrock.amazonaws.com' }, ...exceptApproved },
      },
      {
        // The endpoints behind Bedrock (tagged sagemaker-sdk:bedrock): no container swap by others.
        Sid: 'DenyChangingBedrockEndpointsUnlessApproved',
        Effect: 'Deny',
        Action: [
          'sagemaker:UpdateEndpoint',
          'sagemaker:UpdateEndpointWeightsAndCapacities',
          'sagemaker:AddTags',
          'sagemaker:DeleteTags',
        ],
        Resource: '*',
        Condition: { Null: { 'aws:ResourceTag/sagemaker-sdk:bedrock': 'false' }, ...exceptApproved },
      },
    );
  }
  return statements;
}

/**
 * Action wildcards the tamper statement may use in place of the calls they cover (to stay within the
 * size quotas). Each covers only writes to the detector's resources: every Lambda `DeleteFunction*`,
 * `UpdateFunction*` and `PutFunction*` action (concurrency, event invoke, URL, code signing and
 * recursion configuration included) and SNS's `Set…Attributes` on its topics.
 */
const ACTION_WILDCARDS: readonly string[] = [
  'lambda:DeleteFunction*',
  'lambda:UpdateFunction*',
  'lambda:PutFunction*',
  'sns:Set*Attributes',
];

/** `actions`, with each group a wildcard covers replaced by the wildcard (at the first one's place). */
export function compactActions(actions: readonly string[]): string[] {
  const out: string[] = [];
  for (const action of actions) {
    const wildcard = ACTION_WILDCARDS.find((w) => wildcardRegExp(w).test(action));
    if (wildcard === undefined) out.push(action);
    else if (!out.includes(wildcard)) out.push(wildcard);
  }
  return out;
}

function wildcardRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

function tamperStatements(o: GuardrailOptions): PolicyStatementJson[] {
  const names = detectorNames(o.namePrefix ?? DEFAULT_NAME_PREFIX);
  const partition = o.partition ?? GUARDRAIL_DEFAULTS.partition;
  const deployers = [...(o.deploymentPrincipalArns ?? GUARDRAIL_DEFAULTS.deploymentPrincipalArns)];
  const exceptDeployers = { ArnNotLike: { 'aws:PrincipalArn': deployers } };
  const trails = [...(o.protectedTrailNames ?? [])];
  const named = TAMPER_SERVICES.filter((s) => s.service !== 'kms' && s.service !== 'organizations');
  const actionsOf = (service: string) => TAMPER_SERVICES.find((s) => s.service === service)!.calls.map((c) => c.action);
  const unique = (xs: string[]) => [...new Set(xs)];
  const memory = TAMPER_SERVICES.find((s) => s.service === 'dynamodb')!;
  return [
    {
      Sid: 'DenyDetectorTampering',
      Effect: 'Deny',
      Action: compactActions(
        unique([
          ...named.flatMap((s) => s.calls.filter((c) => !c.dataPlane).map((c) => c.action)),
          'kms:DeleteAlias',
          'kms:UpdateAlias',
          'kms:CreateAlias',
        ]),
      ),
      Resource: [
        ...named.flatMap((s) => s.resources(names, partition, trails)),
        `arn:${partition}:kms:*:*:${names.keyAlias}`,
      ],
      Condition: exceptDeployers,
    },
    {
      // The detector's own role writes its memory; nobody else does.
      Sid: 'DenyDetectorMemoryWrites',
      Effect: 'Deny',
      Action: memory.calls.filter((c) => c.dataPlane).map((c) => c.action),
      Resource: memory.resources(names, partition, trails),
      Condition: {
        ArnNotLike: { 'aws:PrincipalArn': [...deployers, `arn:${partition}:iam::*:role/${names.rolePrefix}-*`] },
      },
    },
    {
      Sid: 'DenyDetectorKeyTampering',
      Effect: 'Deny',
      Action: actionsOf('kms'),
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': names.keyAlias }, ...exceptDeployers },
    },
    {
      Sid: 'DenyGuardrailPolicyChanges',
      Effect: 'Deny',
      Action: [...actionsOf('organizations'), 'organizations:TagResource', 'organizations:UntagResource'],
      Resource: '*',
      Condition: { StringEquals: { [`aws:ResourceTag/${names.guardrailTagKey}`]: 'true' }, ...exceptDeployers },
    },
  ];
}
