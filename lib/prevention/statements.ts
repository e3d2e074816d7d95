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
} from '../detection';

import { GUARDRAIL_DEFAULTS, type GuardrailOptions } from './options';
import type { PolicyStatementJson } from './policy-document';

/** The guardrail statements, in a fixed order, with short Sids. */
export function buildGuardrailStatements(o: GuardrailOptions): PolicyStatementJson[] {
  const approved = [...o.approvedPrincipalArns];
  const services = [...(o.passRoleServices ?? GUARDRAIL_DEFAULTS.passRoleServices)];
  const statements: PolicyStatementJson[] = [
    {
      Sid: 'DenyModelImportUnlessApproved',
      Effect: 'Deny',
      // The Bedrock calls of the catalogue (the IAM action is the event name); the calls of the other
      // event sources (RAM, SageMaker, AgentCore) are the detection's opt-in source profiles.
      Action: resolveWatchedCalls(o)
        .filter((c) => c.eventSource === BEDROCK_EVENT_SOURCE)
        .map((c) => `bedrock:${c.eventName}`),
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': approved } },
    },
    {
      Sid: 'DenyPassRoleToModelServicesUnlessApproved',
      Effect: 'Deny',
      Action: 'iam:PassRole',
      Resource: '*',
      Condition: { StringEquals: { 'iam:PassedToService': services }, ArnNotLike: { 'aws:PrincipalArn': approved } },
    },
  ];
  if (o.approvedServiceRoleArns) {
    statements.push({
      Sid: 'DenyPassingUnapprovedModelServiceRoles',
      Effect: 'Deny',
      Action: 'iam:PassRole',
      NotResource: [...o.approvedServiceRoleArns],
      Condition: { StringEquals: { 'iam:PassedToService': services } },
    });
    if (o.organizationId) {
      const exempt = o.exemptBucketArns ?? GUARDRAIL_DEFAULTS.exemptBucketArns;
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
  if (o.tamperProtection !== false) statements.push(...tamperStatements(o));
  // Approvals and exemptions go by role name: only the deployers may create or re-trust a role with
  // one of those names, so nobody can name themselves into them.
  const deployers = o.deploymentPrincipalArns ?? GUARDRAIL_DEFAULTS.deploymentPrincipalArns;
  const named = [...new Set([...approved, ...(o.tamperProtection !== false ? deployers : [])])].filter((a) =>
    /^arn:[^:]+:iam::[^:]+:role\//.test(a),
  );
  if (named.length > 0) {
    statements.push({
      Sid: 'DenyImpersonatingExemptRoles',
      Effect: 'Deny',
      Action: ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy'],
      Resource: named,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [...deployers] } },
    });
  }
  return statements;
}

function tamperStatements(o: GuardrailOptions): PolicyStatementJson[] {
  const names = detectorNames(o.namePrefix ?? DEFAULT_NAME_PREFIX);
  const partition = o.partition ?? GUARDRAIL_DEFAULTS.partition;
  const exceptDeployers = {
    ArnNotLike: { 'aws:PrincipalArn': [...(o.deploymentPrincipalArns ?? GUARDRAIL_DEFAULTS.deploymentPrincipalArns)] },
  };
  const named = TAMPER_SERVICES.filter((s) => s.service !== 'kms' && s.service !== 'organizations');
  const actionsOf = (service: string) => TAMPER_SERVICES.find((s) => s.service === service)!.calls.map((c) => c.action);
  const unique = (xs: string[]) => [...new Set(xs)];
  return [
    {
      Sid: 'DenyDetectorTampering',
      Effect: 'Deny',
      Action: unique([
        ...named.flatMap((s) => s.calls.map((c) => c.action)),
        'kms:DeleteAlias',
        'kms:UpdateAlias',
        'kms:CreateAlias',
      ]),
      Resource: [...named.flatMap((s) => s.resources(names, partition)), `arn:${partition}:kms:*:*:${names.keyAlias}`],
      Condition: exceptDeployers,
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
