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
  wildcardRegExp,
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
      Action: importActions(o),
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
  statements.push(
    ...identityStatements(
      approved,
      identityAdmins,
      tamper ? deployers : [],
      deployers,
      o.approvedRoleAssumerArns,
      partition,
    ),
  );
  statements.push(...optionalStatements(o, partition));
  return statements;
}

/**
 * The Bedrock calls of the catalogue (the IAM action is the event name). With the use-side guardrail,
 * also the swap of the model behind provisioned throughput (an approval-tagged one would then serve
 * another model), which the detection watches in the extended profile only.
 */
function importActions(o: GuardrailOptions): string[] {
  const actions = resolveWatchedCalls(o)
    .filter((c) => c.eventSource === BEDROCK_EVENT_SOURCE)
    .map((c) => `bedrock:${c.eventName}`);
  const swap = 'bedrock:UpdateProvisionedModelThroughput';
  return (o.useSideGuardrail ?? GUARDRAIL_DEFAULTS.useSideGuardrail) && !actions.includes(swap)
    ? [...actions, swap]
    : actions;
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
  'iam:UpdateServiceSpecificCredential',
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
  assumers: readonly string[] | undefined,
  partition: string,
): PolicyStatementJson[] {
  const statement = (
    sid: string,
    patterns: readonly string[],
    except: readonly string[],
    extra: readonly string[] = [],
  ): PolicyStatementJson[] => {
    if (patterns.length === 0) return [];
    const actions = [
      ...(patterns.some(isRole) ? [...ROLE_IDENTITY_ACTIONS, ...extra] : []),
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
  const actingAs = [...new Set([...approvedRoles, ...identityAdmins.filter(isRole)])];
  // Acting as an approved role: by default the deployers never do; with `approvedRoleAssumerArns`,
  // nobody but the approved principals, the identity admins and those listed does (a role that trusts
  // its own account could otherwise be reached through a role made for the purpose).
  const assume: PolicyStatementJson[] =
    actingAs.length === 0
      ? []
      : assumers !== undefined
        ? [
            {
              Sid: 'DenyAssumingApprovedRoles',
              Effect: 'Deny',
              Action: 'sts:AssumeRole',
              Resource: approvedRoles.length ? approvedRoles : actingAs,
              Condition: {
                ArnNotLike: { 'aws:PrincipalArn': [...new Set([...approved, ...identityAdmins, ...assumers])] },
              },
            },
          ]
        : assumeDeployers.length > 0
          ? [
              {
                Sid: 'DenyDeployersAssumingApprovedRoles',
                Effect: 'Deny',
                Action: 'sts:AssumeRole',
                Resource: actingAs,
                Condition: { ArnLike: { 'aws:PrincipalArn': [...assumeDeployers] } },
              },
            ]
          : [];
  if (assumers !== undefined && assumeDeployers.length > 0 && identityAdmins.some(isRole)) {
    assume.push({
      Sid: 'DenyDeployersAssumingIdentityAdmins',
      Effect: 'Deny',
      Action: 'sts:AssumeRole',
      Resource: identityAdmins.filter(isRole),
      Condition: { ArnLike: { 'aws:PrincipalArn': [...assumeDeployers] } },
    });
  }
  return [
    // Whoever passes an approved role to a service (a Lambda function, a CodeBuild project) runs code
    // as it: that too is the identity pipeline's.
    ...statement('DenyMakingApprovedPrincipals', [...new Set(approved)], identityAdmins, ['iam:PassRole']),
    // The identity admins' own names: made by themselves only (else anyone could become one).
    ...statement('DenyMakingIdentityAdmins', [...new Set(identityAdmins)], identityAdmins, ['iam:PassRole']),
    ...assume,
    // The deployers' names, and passing their roles (to CloudFormation): the deployers, the identity
    // admins and the CDK deploy role (which hands the execution role to CloudFormation) only.
    ...statement(
      'DenyMakingDeployers',
      [...new Set(deployers)],
      [...new Set([...deployers, ...identityAdmins, `arn:${partition}:iam::*:role/cdk-*-deploy-role-*`])],
      ['iam:PassRole'],
    ),
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
      // (There is no bedrock:Converse action: cfn-lint's list of Bedrock actions has none.)
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
        ArnNotLike: {
          'bedrock:InferenceProfileArn': [
            `arn:${partition}:bedrock:*:*:inference-profile/*`,
            `arn:${partition}:bedrock:*:*:application-inference-profile/*`,
          ],
        },
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
 * size quotas), on the detector's resources only: every Lambda `DeleteFunction*`, `UpdateFunction*`
 * and `PutFunction*` action (concurrency, event invoke, URL, code signing and recursion configuration
 * included), SNS's `Set…Attributes`, IAM's attach and detach, KMS's alias calls (`ListAliases` names no
 * alias), EventBridge's deletes and removes (never its puts: the forwarders' roles put events on the
 * organisation bus), and DynamoDB's resource policy calls (`GetResourcePolicy`, a read, too).
 */
const ACTION_WILDCARDS: readonly string[] = [
  'lambda:DeleteFunction*',
  'lambda:UpdateFunction*',
  'lambda:PutFunction*',
  'sns:Set*Attributes',
  'iam:*tachRolePolicy',
  'kms:*Alias',
  'events:Delete*',
  'events:Remove*',
  'dynamodb:*ResourcePolicy',
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
          ...named.flatMap((s) => s.calls.filter((c) => !c.dataPlane || s !== memory).map((c) => c.action)),
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
