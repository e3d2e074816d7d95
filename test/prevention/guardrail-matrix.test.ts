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
const STACKSETS = role('stacksets-exec-0123456789abcdef');
const IDENTITY = role('identity-pipeline');
const DETECTOR_ROLE = role('bedrock-supply-chain-alert-us-east-1');
const APPROVED_USER = `arn:aws:iam::${ACCOUNT}:user/ml-release-bot`;
const TAG = 'bedrock-supply-chain:approved';
const ORG_TRAIL = 'aws-controltower-BaselineCloudTrail';

function synthesizedStatements(
  extra: Partial<ConstructorParameters<typeof SupplyChainScp>[2]> = {},
): PolicyStatementJson[] {
  const { stack } = testStack({ env: true });
  new SupplyChainScp(stack, 'Scp', {
    targetIds: ['ou-ab12-abcdefgh'],
    approvedPrincipalArns: [
      'arn:aws:iam::*:role/mlops-pipeline-*',
      'arn:aws:iam::*:role/bedrock-break-glass',
      'arn:aws:iam::*:user/ml-release-bot',
    ],
    identityAdminPrincipalArns: ['arn:aws:iam::*:role/identity-pipeline'],
    protectedTrailNames: [ORG_TRAIL],
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

const model = (type: string, id = 'abc123def456', region = 'us-east-1') =>
  `arn:aws:bedrock:${region}:${ACCOUNT}:${type}/${id}`;
const invoke = (
  principal: string,
  resource: string,
  tags: Record<string, string> = {},
  action = 'bedrock:InvokeModel',
  extra: Record<string, string> = {},
): IamRequest => ({
  action,
  resource,
  context: {
    'aws:PrincipalArn': principal,
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
    ...extra,
  },
});
const tagging = (
  principal: string,
  action: string,
  tags: Record<string, string>,
  resource = model('imported-model'),
): IamRequest => ({
  action,
  resource,
  context: {
    'aws:PrincipalArn': principal,
    'aws:TagKeys': Object.keys(tags),
    ...(action.endsWith('UntagResource')
      ? {}
      : Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v]))),
  },
});

function useSideRows(): [string, IamRequest, boolean][] {
  return [
    ['an application invokes an untagged imported model', invoke(OTHER, model('imported-model')), false],
    [
      'an application invokes an imported model tagged approved',
      invoke(OTHER, model('imported-model'), { [TAG]: 'true' }),
      true,
    ],
    [
      'an application invokes an imported model tagged false',
      invoke(OTHER, model('imported-model'), { [TAG]: 'false' }),
      false,
    ],
    [
      'an application invokes an imported model tagged with another tag only',
      invoke(OTHER, model('imported-model'), { team: 'ml' }),
      false,
    ],
    [
      'an application streams from an untagged custom model deployment',
      invoke(OTHER, model('custom-model-deployment'), {}, 'bedrock:InvokeModelWithResponseStream'),
      false,
    ],
    [
      'Converse (bedrock:InvokeModel) on untagged provisioned throughput',
      invoke(OTHER, model('provisioned-model'), {}),
      false,
    ],
    [
      'an approved pipeline invokes an untagged imported model (no exemption: tag it)',
      invoke(APPROVED, model('imported-model')),
      false,
    ],
    [
      'batch inference on an untagged imported model',
      invoke(OTHER, model('imported-model'), {}, 'bedrock:CreateModelInvocationJob'),
      false,
    ],
    [
      'an application invokes a foundation model',
      invoke(OTHER, 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0'),
      true,
    ],
    [
      'an application invokes a system inference profile',
      invoke(OTHER, model('inference-profile', 'us.anthropic.claude-3-5-sonnet-20240620-v1:0')),
      true,
    ],
    [
      'cross-region inference reaches a foundation model in a destination region',
      invoke(
        OTHER,
        'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
        {},
        'bedrock:InvokeModel',
        {
          'bedrock:InferenceProfileArn': model('inference-profile', 'us.anthropic.claude-3-5-sonnet-20240620-v1:0'),
        },
      ),
      true,
    ],
    [
      'an application invokes an application inference profile',
      invoke(OTHER, model('application-inference-profile', 'p1')),
      true,
    ],
    ['another role tags an imported model approved', tagging(OTHER, 'bedrock:TagResource', { [TAG]: 'true' }), false],
    [
      'another role tags an imported model approved with the key in other case',
      tagging(OTHER, 'bedrock:TagResource', { 'Bedrock-Supply-Chain:Approved': 'true' }),
      false,
    ],
    ['another role removes the approval tag', tagging(OTHER, 'bedrock:UntagResource', { [TAG]: '' }), false],
    [
      'another role sets a filter policy, the request naming the subscription',
      change(
        OTHER,
        'sns:SetSubscriptionAttributes',
        `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts:0b6941c3-f04d-4d3e-a66d-b1df00e1e381`,
      ),
      false,
    ],
    ['another role adds an unrelated tag', tagging(OTHER, 'bedrock:TagResource', { team: 'ml' }), true],
    [
      'an approved pipeline tags its import approved',
      tagging(APPROVED, 'bedrock:TagResource', { [TAG]: 'true' }),
      true,
    ],
    ['an approved pipeline removes the approval tag', tagging(APPROVED, 'bedrock:UntagResource', { [TAG]: '' }), true],
    ['the deployment role tags a model approved', tagging(CFN, 'bedrock:TagResource', { [TAG]: 'true' }), false],
    [
      'the detector removes the approval tag (containment)',
      tagging(DETECTOR_ROLE, 'bedrock:UntagResource', { [TAG]: '' }),
      true,
    ],
    ['the detector tags a model approved', tagging(DETECTOR_ROLE, 'bedrock:TagResource', { [TAG]: 'true' }), false],
    [
      'the deployment role buys provisioned throughput tagged approved at creation',
      tagging(
        CFN,
        'bedrock:CreateProvisionedModelThroughput',
        { [TAG]: 'true' },
        model('custom-model', 'imported/abc'),
      ),
      false,
    ],
    [
      'another role creates a deployment tagged approved at creation',
      tagging(OTHER, 'bedrock:CreateInferenceProfile', { [TAG]: 'true' }, '*'),
      false,
    ],
    [
      'a create call carrying the approval tag, seen only as aws:RequestTag',
      {
        action: 'bedrock:CreateProvisionedModelThroughput',
        resource: model('custom-model', 'imported/abc'),
        context: { 'aws:PrincipalArn': CFN, [`aws:RequestTag/${TAG}`]: 'true' },
      },
      false,
    ],
    [
      'an approved pipeline buys provisioned throughput tagged approved at creation',
      tagging(
        APPROVED,
        'bedrock:CreateProvisionedModelThroughput',
        { [TAG]: 'true' },
        model('custom-model', 'imported/abc'),
      ),
      true,
    ],
    [
      'another role buys provisioned throughput on a foundation model without the tag (default profile)',
      tagging(
        OTHER,
        'bedrock:CreateProvisionedModelThroughput',
        { team: 'ml' },
        'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0',
      ),
      true,
    ],
  ];
}

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
    'another role passes an approved execution role to SageMaker',
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
    'import role lists the AWS-owned marketplace bucket of its region',
    {
      ...read(IMPORT_ROLE, 'jumpstart-cache-prod-us-east-1', undefined, '0'),
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::jumpstart-cache-prod-us-east-1',
    },
    true,
  ],
  [
    "import role reads a JumpStart-shaped bucket squatted in someone's account (jumpstart-cache-prod-evil)",
    read(IMPORT_ROLE, 'jumpstart-cache-prod-evil', undefined, '999999999999'),
    false,
  ],
  [
    'import role reads a JumpStart-shaped bucket with a suffix (jumpstart-cache-prod-us-east-1-x)',
    read(IMPORT_ROLE, 'jumpstart-cache-prod-us-east-1-x', 'o-zzzzzzzzzz', '999999999999'),
    false,
  ],
  [
    'import role reads the JumpStart cache of a region not named (not exempted)',
    read(IMPORT_ROLE, 'jumpstart-cache-prod-us-west-2', undefined, '0'),
    false,
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
  // Deploy rights are not import rights.
  [
    'the deployment role creates an approved pipeline role',
    change(CFN, 'iam:CreateRole', role('mlops-pipeline-prod')),
    false,
  ],
  [
    'the deployment role creates mlops-pipeline-evil',
    change(CFN, 'iam:CreateRole', role('mlops-pipeline-evil')),
    false,
  ],
  [
    'the StackSets role creates an approved pipeline role',
    change(STACKSETS, 'iam:CreateRole', role('mlops-pipeline-x')),
    false,
  ],
  [
    'the deployment role re-trusts an approved pipeline role',
    change(CFN, 'iam:UpdateAssumeRolePolicy', role('mlops-pipeline-prod')),
    false,
  ],
  [
    'the identity pipeline creates an approved pipeline role',
    change(IDENTITY, 'iam:CreateRole', role('mlops-pipeline-new')),
    true,
  ],
  [
    'the identity pipeline re-trusts an approved pipeline role',
    change(IDENTITY, 'iam:UpdateAssumeRolePolicy', role('mlops-pipeline-prod')),
    true,
  ],
  ['the deployment role imports a model', bedrock('CreateModelImportJob', CFN), false],
  [
    'the deployment role passes an approved pipeline role to Lambda (code that runs as it)',
    passRole(CFN, role('mlops-pipeline-prod'), 'lambda.amazonaws.com'),
    false,
  ],
  [
    'another role passes an approved pipeline role to CodeBuild',
    passRole(OTHER, role('mlops-pipeline-prod'), 'codebuild.amazonaws.com'),
    false,
  ],
  [
    'the identity pipeline passes an approved pipeline role to CodeBuild',
    passRole(IDENTITY, role('mlops-pipeline-prod'), 'codebuild.amazonaws.com'),
    true,
  ],
  [
    'the deployment role assumes an approved pipeline role',
    change(CFN, 'sts:AssumeRole', role('mlops-pipeline-prod')),
    false,
  ],
  [
    'the StackSets role assumes an approved pipeline role',
    change(STACKSETS, 'sts:AssumeRole', role('mlops-pipeline-prod')),
    false,
  ],
  ['a person assumes the break-glass role', change(OTHER, 'sts:AssumeRole', role('bedrock-break-glass')), true],
  [
    'another role removes the alert function’s reserved concurrency (covered by lambda:DeleteFunction*)',
    change(
      OTHER,
      'lambda:DeleteFunctionConcurrency',
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bedrock-supply-chain-alert`,
    ),
    false,
  ],
  [
    'the deployment role creates a user named like an approved user',
    change(CFN, 'iam:CreateUser', APPROVED_USER),
    false,
  ],
  ['another role gives an approved user an access key', change(OTHER, 'iam:CreateAccessKey', APPROVED_USER), false],
  [
    'the deployment role gives an approved user an access key',
    change(CFN, 'iam:CreateAccessKey', APPROVED_USER),
    false,
  ],
  [
    'the deployment role re-activates an approved user’s access key',
    change(CFN, 'iam:UpdateAccessKey', APPROVED_USER),
    false,
  ],
  [
    'another role gives an approved user a console password',
    change(OTHER, 'iam:CreateLoginProfile', APPROVED_USER),
    false,
  ],
  [
    'another role resets an approved user’s console password',
    change(OTHER, 'iam:UpdateLoginProfile', APPROVED_USER),
    false,
  ],
  [
    'another role gives an approved user a Bedrock API key',
    change(OTHER, 'iam:CreateServiceSpecificCredential', APPROVED_USER),
    false,
  ],
  [
    'the identity pipeline gives an approved user an access key',
    change(IDENTITY, 'iam:CreateAccessKey', APPROVED_USER),
    true,
  ],
  [
    'another role gives an ordinary user an access key',
    change(OTHER, 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/alice`),
    true,
  ],
  ['the approved user imports a model', bedrock('CreateModelImportJob', APPROVED_USER), true],
  [
    'the deployment role creates another role named like a deployment role',
    change(CFN, 'iam:CreateRole', role('cdk-hnb659fds-cfn-exec-role-222233334444-eu-west-1')),
    true,
  ],
  [
    'the identity pipeline creates a role named like the CDK deployment role',
    change(IDENTITY, 'iam:CreateRole', role('cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1')),
    true,
  ],
  [
    "another role creates a role named like the detector's (to share its memory-table rights)",
    change(OTHER, 'iam:CreateRole', role('bedrock-supply-chain-alert-evil')),
    false,
  ],
  // The identity admins' own names, and the deployers' roles, are not for anyone to make or pass.
  [
    'the deployment role creates a role named like the identity pipeline',
    change(CFN, 'iam:CreateRole', IDENTITY),
    false,
  ],
  ['another role re-trusts the identity pipeline role', change(OTHER, 'iam:UpdateAssumeRolePolicy', IDENTITY), false],
  ['the deployment role assumes the identity pipeline role', change(CFN, 'sts:AssumeRole', IDENTITY), false],
  ['the identity pipeline re-trusts itself', change(IDENTITY, 'iam:UpdateAssumeRolePolicy', IDENTITY), true],
  [
    'another role passes the CDK execution role to CloudFormation (borrowing deploy rights)',
    passRole(OTHER, CFN, 'cloudformation.amazonaws.com'),
    false,
  ],
  [
    'the CDK deploy role passes the execution role to CloudFormation (cdk deploy)',
    passRole(role('cdk-hnb659fds-deploy-role-111122223333-us-east-1'), CFN, 'cloudformation.amazonaws.com'),
    true,
  ],
  [
    'the deployment role re-activates an approved user’s Bedrock API key',
    change(CFN, 'iam:UpdateServiceSpecificCredential', APPROVED_USER),
    false,
  ],
  [
    'another role swaps the model behind provisioned throughput (use side on)',
    bedrock('UpdateProvisionedModelThroughput', OTHER),
    false,
  ],
  // Resource-policy grants to accounts no SCP binds, PartiQL writes, code run as the detector's role.
  [
    'another role grants an outside account actions on the alert topic',
    change(OTHER, 'sns:AddPermission', `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`),
    false,
  ],
  [
    'another role grants an outside account the dead-letter queue',
    change(OTHER, 'sqs:AddPermission', `arn:aws:sqs:us-east-1:${ACCOUNT}:bedrock-supply-chain-dead-letters`),
    false,
  ],
  [
    'another role puts a resource policy on the idempotency table',
    change(
      OTHER,
      'dynamodb:PutResourcePolicy',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/bedrock-supply-chain-idempotency`,
    ),
    false,
  ],
  [
    'another role lets an outside account invoke the alert function',
    change(OTHER, 'lambda:AddPermission', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bedrock-supply-chain-alert`),
    false,
  ],
  [
    'another role inserts into the idempotency table with PartiQL',
    change(
      OTHER,
      'dynamodb:PartiQLInsert',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/bedrock-supply-chain-idempotency`,
    ),
    false,
  ],
  [
    'the detector updates its table with PartiQL',
    change(
      DETECTOR_ROLE,
      'dynamodb:PartiQLUpdate',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/bedrock-supply-chain-idempotency`,
    ),
    true,
  ],
  [
    "another role passes the detector's role to a function of its own",
    passRole(OTHER, DETECTOR_ROLE, 'lambda.amazonaws.com'),
    false,
  ],
  [
    "the deployment role passes the detector's role to its function",
    passRole(CFN, DETECTOR_ROLE, 'lambda.amazonaws.com'),
    true,
  ],
  [
    'another role deletes trail log files',
    change(
      OTHER,
      's3:DeleteObject',
      `arn:aws:s3:::bedrock-supply-chain-trail-${ACCOUNT}-us-east-1/AWSLogs/${ACCOUNT}/CloudTrail/x.json.gz`,
    ),
    false,
  ],
  [
    "another role deletes a stream of the function's log group",
    change(
      OTHER,
      'logs:DeleteLogStream',
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/bedrock-supply-chain-alert:log-stream:2026/03/01/x`,
    ),
    false,
  ],
  // Tamper holes of 0.2.
  [
    'another role deletes the chat topic',
    change(OTHER, 'sns:DeleteTopic', `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-chat`),
    false,
  ],
  [
    'another role changes the chat topic policy',
    change(OTHER, 'sns:SetTopicAttributes', `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-chat`),
    false,
  ],
  [
    'another role sets a never-matching filter policy on an alert subscription',
    change(OTHER, 'sns:SetSubscriptionAttributes', `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`),
    false,
  ],
  [
    'another role puts a data protection policy on the alert topic',
    change(OTHER, 'sns:PutDataProtectionPolicy', `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`),
    false,
  ],
  [
    'another role sets a filter policy on some other topic’s subscription',
    change(OTHER, 'sns:SetSubscriptionAttributes', `arn:aws:sns:us-east-1:${ACCOUNT}:app-events`),
    true,
  ],
  [
    'another role writes an item ahead of an event into the idempotency table (suppressing its alert)',
    change(OTHER, 'dynamodb:PutItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/bedrock-supply-chain-idempotency`),
    false,
  ],
  [
    'another role batch-writes into the idempotency table',
    change(
      OTHER,
      'dynamodb:BatchWriteItem',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/bedrock-supply-chain-idempotency`,
    ),
    false,
  ],
  [
    'the detector function writes its idempotency table',
    change(
      DETECTOR_ROLE,
      'dynamodb:UpdateItem',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/bedrock-supply-chain-idempotency`,
    ),
    true,
  ],
  [
    'another role deletes the idempotency table',
    change(
      OTHER,
      'dynamodb:DeleteTable',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/bedrock-supply-chain-idempotency`,
    ),
    false,
  ],
  [
    'another role shortens the idempotency table TTL handling',
    change(
      OTHER,
      'dynamodb:UpdateTimeToLive',
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/bedrock-supply-chain-idempotency`,
    ),
    false,
  ],
  [
    'another role writes some other table',
    change(OTHER, 'dynamodb:PutItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`),
    true,
  ],
  [
    "another role deletes the trail's log group",
    change(
      OTHER,
      'logs:DeleteLogGroup',
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/cloudtrail/bedrock-supply-chain-trail`,
    ),
    false,
  ],
  [
    'another role deletes the organisation bus',
    change(
      OTHER,
      'events:DeleteEventBus',
      `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/bedrock-supply-chain-org-bus`,
    ),
    false,
  ],
  [
    'another role rewrites who may forward to the organisation bus',
    change(OTHER, 'events:PutPermission', `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/bedrock-supply-chain-org-bus`),
    false,
  ],
  [
    'another role removes a forwarding permission on the organisation bus',
    change(
      OTHER,
      'events:RemovePermission',
      `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/bedrock-supply-chain-org-bus`,
    ),
    false,
  ],
  [
    'another role deletes a rule on the organisation bus',
    change(
      OTHER,
      'events:DeleteRule',
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/bedrock-supply-chain-org-bus/bedrock-supply-chain-rule`,
    ),
    false,
  ],
  [
    'another role stops the relied-on organisation trail',
    change(OTHER, 'cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${ORG_TRAIL}`),
    false,
  ],
  [
    'another role re-scopes the relied-on trail to read-only events',
    change(OTHER, 'cloudtrail:PutEventSelectors', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${ORG_TRAIL}`),
    false,
  ],
  [
    'another role deletes a detector alarm',
    change(
      OTHER,
      'cloudwatch:DeleteAlarms',
      `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:bedrock-supply-chain-dead-letters`,
    ),
    false,
  ],
  [
    'another role silences a detector alarm',
    change(
      OTHER,
      'cloudwatch:DisableAlarmActions',
      `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:bedrock-supply-chain-function-errors`,
    ),
    false,
  ],
  [
    'another role deletes some other alarm',
    change(OTHER, 'cloudwatch:DeleteAlarms', `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:app-latency`),
    true,
  ],
  // Use side: an unapproved model cannot be used.
  ...useSideRows(),
  // PassRole: the approved service roles are the approved principals' to pass; the broad deny is opt-in.
  [
    'another role passes a role to Bedrock for an agent (no broad deny by default)',
    passRole(OTHER, role('AgentRole'), 'bedrock.amazonaws.com'),
    true,
  ],
  [
    'another role passes a role to SageMaker for training (no broad deny by default)',
    passRole(OTHER, role('TrainingRole'), 'sagemaker.amazonaws.com'),
    true,
  ],
  ['another role passes an approved import role to EC2', passRole(OTHER, IMPORT_ROLE, 'ec2.amazonaws.com'), false],
  [
    'the deployment role passes an approved import role to Bedrock',
    passRole(CFN, IMPORT_ROLE, 'bedrock.amazonaws.com'),
    false,
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
      'DenyInvokingUnapprovedModels',
      'DenyApprovalTagChangesUnlessApproved',
      'DenyApprovingUnlessApproved',
      'DenyDetectorTampering',
      'DenyDetectorMemoryWrites',
      'DenyDetectorKeyTampering',
      'DenyGuardrailPolicyChanges',
      'DenyMakingApprovedPrincipals',
      'DenyMakingIdentityAdmins',
      'DenyDeployersAssumingApprovedRoles',
      'DenyMakingDeployers',
    ]);
    expect(evaluate(minimal, passRole(APPROVED, role('AdminRole'), 'bedrock.amazonaws.com')).allowed).toBe(true);
    expect(evaluate(minimal, read(IMPORT_ROLE, 'attacker-models', 'o-zzzzzzzzzz', '999999999999')).allowed).toBe(true);
  });

  test('useSideGuardrail: false leaves invocation and tagging alone', () => {
    const off = synthesizedStatements({ useSideGuardrail: false });
    expect(evaluate(off, invoke(OTHER, model('imported-model'))).allowed).toBe(true);
    expect(evaluate(off, tagging(OTHER, 'bedrock:TagResource', { [TAG]: 'true' })).allowed).toBe(true);
    expect(off.map((s) => s.Sid)).not.toContain('DenyInvokingUnapprovedModels');
  });

  test('a custom approval tag key is the one the invoke and tagging statements use', () => {
    const custom = synthesizedStatements({ approvalTagKey: 'acme:model-approved' });
    expect(evaluate(custom, invoke(OTHER, model('imported-model'), { 'acme:model-approved': 'true' })).allowed).toBe(
      true,
    );
    expect(evaluate(custom, invoke(OTHER, model('imported-model'), { [TAG]: 'true' })).allowed).toBe(false);
    expect(evaluate(custom, tagging(OTHER, 'bedrock:TagResource', { 'acme:model-approved': 'true' })).allowed).toBe(
      false,
    );
  });

  test('without identity admins nobody under the SCP makes an approved principal, the identity pipeline included', () => {
    const none = synthesizedStatements({ identityAdminPrincipalArns: undefined });
    for (const who of [CFN, STACKSETS, IDENTITY, OTHER, APPROVED]) {
      expect([who, evaluate(none, change(who, 'iam:CreateRole', role('mlops-pipeline-x'))).allowed]).toEqual([
        who,
        false,
      ]);
      expect([who, evaluate(none, change(who, 'iam:CreateAccessKey', APPROVED_USER)).allowed]).toEqual([who, false]);
    }
  });
});

describe('optional guardrails, each on', () => {
  const all = synthesizedStatements({
    profile: DetectionProfile.EXTENDED,
    denyPassRoleToModelServices: true,
    denyModelSharing: true,
    denyLeavingOrganization: true,
    approvedRegions: ['us-east-1', 'eu-west-1'],
    protectMarketplaceEndpoints: true,
  });
  const share = (principal: string, type: string): IamRequest => ({
    action: 'ram:CreateResourceShare',
    resource: `arn:aws:ram:us-east-1:${ACCOUNT}:resource-share/*`,
    context: { 'aws:PrincipalArn': principal, 'ram:RequestedResourceType': type },
  });
  const inRegion = (
    principal: string,
    action: string,
    region: string,
    extra: Record<string, string> = {},
  ): IamRequest => ({
    action,
    resource: '*',
    context: { 'aws:PrincipalArn': principal, 'aws:RequestedRegion': region, ...extra },
  });
  const sagemaker = (principal: string, action: string, context: Record<string, string> = {}): IamRequest => ({
    action,
    resource: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/jumpstart-endpoint`,
    context: { 'aws:PrincipalArn': principal, ...context },
  });
  const profileArn =
    'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0';

  test.each<[string, IamRequest, boolean]>([
    ['another role shares a custom model through RAM', share(OTHER, 'bedrock:CustomModel'), false],
    ['an approved pipeline shares a custom model through RAM', share(APPROVED, 'bedrock:CustomModel'), true],
    ['another role shares a subnet through RAM', share(OTHER, 'ec2:Subnet'), true],
    ['an account leaves the organisation', change(OTHER, 'organizations:LeaveOrganization', '*'), false],
    [
      'an approved pipeline imports in an approved region',
      inRegion(APPROVED, 'bedrock:CreateModelImportJob', 'eu-west-1'),
      true,
    ],
    [
      'an approved pipeline imports in an unwatched region',
      inRegion(APPROVED, 'bedrock:CreateModelImportJob', 'ap-south-1'),
      false,
    ],
    [
      'another role wires an AgentCore harness in an unapproved region',
      inRegion(OTHER, 'bedrock-agentcore:CreateHarness', 'sa-east-1'),
      false,
    ],
    [
      'another role uses bedrock-mantle in an unapproved region',
      inRegion(OTHER, 'bedrock-mantle:CreateCustomizedModel', 'sa-east-1'),
      false,
    ],
    [
      'an application invokes a foundation model directly in an unapproved region',
      inRegion(OTHER, 'bedrock:InvokeModel', 'us-west-2'),
      false,
    ],
    [
      'cross-region inference runs in a destination region outside the list',
      inRegion(OTHER, 'bedrock:InvokeModel', 'us-west-2', { 'bedrock:InferenceProfileArn': profileArn }),
      true,
    ],
    [
      'global cross-region inference (requested region unspecified)',
      inRegion(OTHER, 'bedrock:InvokeModelWithResponseStream', 'unspecified', {
        'bedrock:InferenceProfileArn': profileArn,
      }),
      true,
    ],
    [
      'another role creates a SageMaker endpoint through Bedrock (marketplace)',
      sagemaker(OTHER, 'sagemaker:CreateEndpoint', { 'aws:CalledViaLast': 'bedrock.amazonaws.com' }),
      false,
    ],
    [
      'an approved pipeline creates a SageMaker endpoint through Bedrock',
      sagemaker(APPROVED, 'sagemaker:CreateEndpoint', { 'aws:CalledViaLast': 'bedrock.amazonaws.com' }),
      true,
    ],
    ['another role creates a SageMaker endpoint directly', sagemaker(OTHER, 'sagemaker:CreateEndpoint'), true],
    [
      'another role swaps the container behind a Bedrock endpoint',
      sagemaker(OTHER, 'sagemaker:UpdateEndpoint', { 'aws:ResourceTag/sagemaker-sdk:bedrock': 'compatible' }),
      false,
    ],
    [
      'another role removes the Bedrock tag from its endpoint',
      sagemaker(OTHER, 'sagemaker:DeleteTags', { 'aws:ResourceTag/sagemaker-sdk:bedrock': 'compatible' }),
      false,
    ],
    ['another role updates an endpoint not behind Bedrock', sagemaker(OTHER, 'sagemaker:UpdateEndpoint'), true],
    [
      'another role passes a role to Bedrock (broad deny on)',
      passRole(OTHER, role('AgentRole'), 'bedrock.amazonaws.com'),
      false,
    ],
    [
      'another role passes a role to SageMaker (broad deny on)',
      passRole(OTHER, role('TrainingRole'), 'sagemaker.amazonaws.com'),
      false,
    ],
    [
      'an approved role passes an approved import role (broad deny on)',
      passRole(APPROVED, IMPORT_ROLE, 'bedrock.amazonaws.com'),
      true,
    ],
    ['another role buys provisioned throughput (extended)', bedrock('CreateProvisionedModelThroughput', OTHER), false],
  ])('%s → %s', (_what, request, allowed) => {
    expect(evaluate(all, request).allowed).toBe(allowed);
  });

  test('application inference profiles keep working outside the approved regions, like system ones', () => {
    expect(
      evaluate(
        all,
        inRegion(OTHER, 'bedrock:InvokeModel', 'us-west-2', {
          'bedrock:InferenceProfileArn': `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/abc123`,
        }),
      ).allowed,
    ).toBe(true);
  });

  test('approvedRoleAssumerArns: nobody else acts as an approved role (no laundering through a role made for it)', () => {
    const SSO = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BedrockBreakGlass_0123456789abcdef`;
    const strict = synthesizedStatements({
      approvedRoleAssumerArns: [
        'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_BedrockBreakGlass_*',
      ],
    });
    expect(evaluate(strict, change(SSO, 'sts:AssumeRole', BREAK_GLASS)).allowed).toBe(true);
    expect(evaluate(strict, change(role('laundry'), 'sts:AssumeRole', APPROVED)).allowed).toBe(false);
    expect(evaluate(strict, change(CFN, 'sts:AssumeRole', APPROVED)).allowed).toBe(false);
    expect(evaluate(strict, change(CFN, 'sts:AssumeRole', IDENTITY)).allowed).toBe(false);
    expect(evaluate(strict, change(APPROVED, 'sts:AssumeRole', BREAK_GLASS)).allowed).toBe(true);
    // Without it, only the deployers are kept out (a role made for the purpose is not).
    expect(evaluate(statements, change(role('laundry'), 'sts:AssumeRole', APPROVED)).allowed).toBe(true);
  });

  test('every optional guardrail is off by default', () => {
    const sids = statements.map((s) => s.Sid);
    for (const sid of [
      'DenyPassRoleToModelServicesUnlessApproved',
      'DenyModelSharingUnlessApproved',
      'DenyLeavingOrganization',
      'DenyBedrockOutsideApprovedRegions',
      'DenyMarketplaceSageMakerCallsUnlessApproved',
      'DenyChangingBedrockEndpointsUnlessApproved',
    ]) {
      expect(sids).not.toContain(sid);
      expect(all.map((s) => s.Sid)).toContain(sid);
    }
  });
});
