import { Template } from 'aws-cdk-lib/assertions';

import { SupplyChainScp, DetectionProfile } from '../../lib';
import { type PolicyStatementJson } from '../../lib/contracts';
import { testStack } from '../support/app';
import { evaluate, type IamRequest } from '../support/iam-evaluator';

// Allow or deny for a matrix of requests, decided by evaluating the *synthesized* SCP (the Content
// string in the template) with the test evaluator, as Organizations would with FullAWSAccess beside it.
const ORG = 'o-a1b2c3d4e5';
const ACCOUNT = '111122223333';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const APPROVED = role('mlops-pipeline-prod');
const BREAK_GLASS = role('bedrock-break-glass');
const OTHER = role('data-scientist');
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const IMPORT_ROLE = role('BedrockModelImportRole');
const CFN = role('cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1');

function synthesizedStatements(
  extra: Partial<ConstructorParameters<typeof SupplyChainScp>[2]> = {},
): PolicyStatementJson[] {
  const { stack } = testStack({ env: true });
  new SupplyChainScp(stack, 'Scp', {
    targetIds: ['ou-ab12-abcdefgh'],
    approvedPrincipalArns: ['arn:aws:iam::*:role/mlops-pipeline-*', 'arn:aws:iam::*:role/bedrock-break-glass'],
    approvedServiceRoleArns: [
      'arn:aws:iam::*:role/BedrockModelImport*',
      'arn:aws:iam::*:role/SageMakerEndpointRoleForBedrock*',
    ],
    organizationId: ORG,
    trustedAccountIds: ['444455556666'],
    ...extra,
  });
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::Organizations::Policy'));
  return policies.flatMap((p) => JSON.parse(p.Properties.Content).Statement);
}

const statements = synthesizedStatements();
const bedrock = (action: string, principal: string): IamRequest => ({
  action: `bedrock:${action}`,
  resource:
    action === 'CreateCustomModelDeployment'
      ? `arn:aws:bedrock:us-east-1:${ACCOUNT}:custom-model/imported/abc123def456`
      : '*',
  context: { 'aws:PrincipalArn': principal },
});
const passRole = (principal: string, passed: string, service: string): IamRequest => ({
  action: 'iam:PassRole',
  resource: passed,
  context: { 'aws:PrincipalArn': principal, 'iam:PassedToService': service },
});
const read = (principal: string, bucket: string, orgId: string | undefined, account: string): IamRequest => ({
  action: 's3:GetObject',
  resource: `arn:aws:s3:::${bucket}/model/weights.safetensors`,
  context: { 'aws:PrincipalArn': principal, 'aws:ResourceOrgID': orgId, 'aws:ResourceAccount': account },
});
const change = (
  principal: string,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): IamRequest => ({
  action,
  resource,
  context: { 'aws:PrincipalArn': principal, ...context },
});

const matrix: [string, IamRequest, boolean][] = [
  // Who may call the watched APIs.
  ['approved pipeline role imports a model', bedrock('CreateModelImportJob', APPROVED), true],
  ['break-glass role registers a marketplace endpoint', bedrock('RegisterMarketplaceModelEndpoint', BREAK_GLASS), true],
  ['another role imports a model', bedrock('CreateModelImportJob', OTHER), false],
  ['another role deploys a custom model', bedrock('CreateCustomModelDeployment', OTHER), false],
  ['another role creates a marketplace endpoint', bedrock('CreateMarketplaceModelEndpoint', OTHER), false],
  ['the root user imports a model', bedrock('CreateModelImportJob', ROOT), false],
  ['an IAM user imports a model', bedrock('CreateModelImportJob', `arn:aws:iam::${ACCOUNT}:user/alice`), false],
  [
    'another role invokes a foundation model (not guarded)',
    {
      action: 'bedrock:InvokeModel',
      resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2',
      context: { 'aws:PrincipalArn': OTHER },
    },
    true,
  ],
  ['another role lists imported models (not guarded)', bedrock('ListImportedModels', OTHER), true],
  [
    'another role creates a custom model (default profile since catalogue v2)',
    bedrock('CreateCustomModel', OTHER),
    false,
  ],
  ['another role swaps the model behind a deployment', bedrock('UpdateCustomModelDeployment', OTHER), false],
  ['another role copies a model in', bedrock('CreateModelCopyJob', OTHER), false],
  [
    'another role buys provisioned throughput (extended profile only)',
    bedrock('CreateProvisionedModelThroughput', OTHER),
    true,
  ],
  // Which roles may be passed, by whom.
  [
    'approved role passes an approved import role to Bedrock',
    passRole(APPROVED, IMPORT_ROLE, 'bedrock.amazonaws.com'),
    true,
  ],
  [
    'approved role passes an unapproved role to Bedrock',
    passRole(APPROVED, role('AdminRole'), 'bedrock.amazonaws.com'),
    false,
  ],
  [
    'approved role passes an approved execution role to SageMaker',
    passRole(APPROVED, role('SageMakerEndpointRoleForBedrock-x'), 'sagemaker.amazonaws.com'),
    true,
  ],
  [
    'another role passes an approved import role to Bedrock',
    passRole(OTHER, IMPORT_ROLE, 'bedrock.amazonaws.com'),
    false,
  ],
  [
    'another role passes a role to SageMaker',
    passRole(OTHER, role('SageMakerEndpointRoleForBedrock-x'), 'sagemaker.amazonaws.com'),
    false,
  ],
  ['another role passes a role to EC2 (not guarded)', passRole(OTHER, role('AdminRole'), 'ec2.amazonaws.com'), true],
  // What the import role may read.
  ['import role reads a bucket in the organisation', read(IMPORT_ROLE, 'acme-models', ORG, '777788889999'), true],
  [
    'import role reads a bucket outside the organisation',
    read(IMPORT_ROLE, 'attacker-models', 'o-zzzzzzzzzz', '999999999999'),
    false,
  ],
  [
    'import role reads a bucket of an account in no organisation',
    read(IMPORT_ROLE, 'attacker-models', undefined, '999999999999'),
    false,
  ],
  [
    'import role reads a bucket of a trusted outside account',
    read(IMPORT_ROLE, 'vendor-models', 'o-zzzzzzzzzz', '444455556666'),
    true,
  ],
  [
    'import role reads the AWS-owned marketplace bucket',
    read(IMPORT_ROLE, 'jumpstart-cache-prod-us-east-1', undefined, '000000000000'),
    true,
  ],
  [
    'import role lists the AWS-owned marketplace bucket',
    {
      ...read(IMPORT_ROLE, 'jumpstart-cache-prod-us-west-2', undefined, '0'),
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::jumpstart-cache-prod-us-west-2',
    },
    true,
  ],
  [
    "another role reads a bucket outside the organisation (not the perimeter's business)",
    read(OTHER, 'public-data', 'o-zzzzzzzzzz', '999999999999'),
    true,
  ],
  // Who may change the detector.
  [
    'deployment role updates the alert function',
    change(CFN, 'lambda:UpdateFunctionCode', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bedrock-supply-chain-alert`),
    true,
  ],
  [
    'another role updates the alert function',
    change(
      OTHER,
      'lambda:UpdateFunctionCode',
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bedrock-supply-chain-alert`,
    ),
    false,
  ],
  [
    'another role throttles the alert function to zero',
    change(
      OTHER,
      'lambda:PutFunctionConcurrency',
      `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:bedrock-supply-chain-alert`,
    ),
    false,
  ],
  [
    'another role updates some other function',
    change(OTHER, 'lambda:UpdateFunctionCode', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:my-app`),
    true,
  ],
  [
    'root stops the detector trail',
    change(ROOT, 'cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/bedrock-supply-chain-trail`),
    false,
  ],
  [
    'another role stops some other trail',
    change(OTHER, 'cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/app-trail`),
    true,
  ],
  [
    'another role disables the detector rule',
    change(OTHER, 'events:DisableRule', `arn:aws:events:us-east-1:${ACCOUNT}:rule/bedrock-supply-chain-rule`),
    false,
  ],
  [
    'another role removes the tamper rule targets',
    change(OTHER, 'events:RemoveTargets', `arn:aws:events:us-east-1:${ACCOUNT}:rule/bedrock-supply-chain-tamper-rule`),
    false,
  ],
  [
    'another role purges the dead-letter queue',
    change(OTHER, 'sqs:PurgeQueue', `arn:aws:sqs:us-east-1:${ACCOUNT}:bedrock-supply-chain-dead-letters`),
    false,
  ],
  [
    'another role deletes the alert topic',
    change(OTHER, 'sns:DeleteTopic', `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`),
    false,
  ],
  [
    'another role unsubscribes from the alert topic',
    change(OTHER, 'sns:Unsubscribe', `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`),
    false,
  ],
  [
    'another role deletes the function log group',
    change(
      OTHER,
      'logs:DeleteLogGroup',
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/bedrock-supply-chain-alert`,
    ),
    false,
  ],
  [
    'another role rewrites the function role policy',
    change(OTHER, 'iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/bedrock-supply-chain-alert-us-east-1`),
    false,
  ],
  [
    'another role deletes the trail bucket policy',
    change(OTHER, 's3:DeleteBucketPolicy', `arn:aws:s3:::bedrock-supply-chain-trail-${ACCOUNT}-us-east-1`),
    false,
  ],
  [
    'another role schedules deletion of the detector key',
    change(
      OTHER,
      'kms:ScheduleKeyDeletion',
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      { 'kms:ResourceAliases': ['alias/bedrock-supply-chain'] },
    ),
    false,
  ],
  [
    'another role schedules deletion of some other key',
    change(
      OTHER,
      'kms:ScheduleKeyDeletion',
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/9999abcd-12ab-34cd-56ef-1234567890ab`,
      { 'kms:ResourceAliases': ['alias/app'] },
    ),
    true,
  ],
  [
    'deployment role schedules deletion of the detector key',
    change(
      CFN,
      'kms:ScheduleKeyDeletion',
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      { 'kms:ResourceAliases': ['alias/bedrock-supply-chain'] },
    ),
    true,
  ],
  [
    'a delegated admin detaches the guardrail SCP',
    change(
      OTHER,
      'organizations:DetachPolicy',
      'arn:aws:organizations::000011112222:policy/o-a1b2c3d4e5/service_control_policy/p-abcd1234',
      { 'aws:ResourceTag/bedrock-supply-chain:guardrail': 'true' },
    ),
    false,
  ],
  [
    'a delegated admin detaches some other SCP',
    change(
      OTHER,
      'organizations:DetachPolicy',
      'arn:aws:organizations::000011112222:policy/o-a1b2c3d4e5/service_control_policy/p-other123',
    ),
    true,
  ],
  [
    'a delegated admin re-tags the guardrail SCP to free it',
    change(
      OTHER,
      'organizations:TagResource',
      'arn:aws:organizations::000011112222:policy/o-a1b2c3d4e5/service_control_policy/p-abcd1234',
      { 'aws:ResourceTag/bedrock-supply-chain:guardrail': 'true' },
    ),
    false,
  ],
  [
    'another role deletes the detector key alias',
    change(OTHER, 'kms:DeleteAlias', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/bedrock-supply-chain`),
    false,
  ],
  [
    'another role creates a role named like the CDK deployment role',
    change(OTHER, 'iam:CreateRole', role('cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1')),
    false,
  ],
  [
    'another role creates a role named like an approved pipeline role',
    change(OTHER, 'iam:CreateRole', role('mlops-pipeline-evil')),
    false,
  ],
  [
    'the deployment role creates an approved pipeline role',
    change(CFN, 'iam:CreateRole', role('mlops-pipeline-prod')),
    true,
  ],
  ['another role creates an unrelated role', change(OTHER, 'iam:CreateRole', role('app-role')), true],
  [
    'import role reads the AWS-owned gated-model bucket',
    read(IMPORT_ROLE, 'jumpstart-private-cache-prod-us-east-1', undefined, '000000000000'),
    true,
  ],
  [
    'the deployment role updates the guardrail SCP',
    change(
      CFN,
      'organizations:UpdatePolicy',
      'arn:aws:organizations::000011112222:policy/o-a1b2c3d4e5/service_control_policy/p-abcd1234',
      { 'aws:ResourceTag/bedrock-supply-chain:guardrail': 'true' },
    ),
    true,
  ],
];

describe('guardrail SCP: allow or deny, by evaluating the synthesized policy', () => {
  test.each(matrix)('%s → %s', (_what, request, allowed) => {
    expect(evaluate(statements, request).allowed).toBe(allowed);
  });

  test('the extended profile also guards CreateCustomModel, CreateModelCopyJob and UpdateMarketplaceModelEndpoint', () => {
    const extended = synthesizedStatements({ profile: DetectionProfile.EXTENDED });
    for (const action of ['CreateCustomModel', 'CreateModelCopyJob', 'UpdateMarketplaceModelEndpoint']) {
      expect([action, evaluate(extended, bedrock(action, OTHER)).allowed]).toEqual([action, false]);
      expect([action, evaluate(extended, bedrock(action, APPROVED)).allowed]).toEqual([action, true]);
    }
  });

  test('no organisation condition ever applies to Bedrock actions (it would break foundation-model calls)', () => {
    for (const s of statements) {
      const actions = ([] as string[]).concat((s.Action as string[] | string | undefined) ?? []);
      if (actions.some((a) => a.startsWith('bedrock:'))) {
        expect(JSON.stringify(s.Condition ?? {})).not.toMatch(/ResourceOrgID|PrincipalOrgID|ResourceOrgPaths/);
      }
    }
  });

  test('without approvedServiceRoleArns there is no role restriction and no S3 perimeter', () => {
    const minimal = synthesizedStatements({
      approvedServiceRoleArns: undefined,
      organizationId: undefined,
      trustedAccountIds: undefined,
    });
    expect(minimal.map((s) => s.Sid)).toEqual([
      'DenyModelImportUnlessApproved',
      'DenyPassRoleToModelServicesUnlessApproved',
      'DenyDetectorTampering',
      'DenyDetectorKeyTampering',
      'DenyGuardrailPolicyChanges',
      'DenyImpersonatingExemptRoles',
    ]);
    expect(evaluate(minimal, passRole(APPROVED, role('AdminRole'), 'bedrock.amazonaws.com')).allowed).toBe(true);
    expect(evaluate(minimal, read(IMPORT_ROLE, 'attacker-models', 'o-zzzzzzzzzz', '999999999999')).allowed).toBe(true);
  });
});
