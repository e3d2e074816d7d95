import { utf8Bytes } from '../../lib/detection';
import {
  buildGuardrailStatements,
  checkGuardrailOptions,
  packStatements,
  policyDocumentJson,
  type PolicyStatementJson,
} from '../../lib/prevention';

const base = { approvedPrincipalArns: ['arn:aws:iam::*:role/mlops-pipeline-*'] };

describe('guardrail statements', () => {
  test('a known minimal document has an exact, stable size in UTF-8 bytes', () => {
    const doc = policyDocumentJson(
      buildGuardrailStatements({ ...base, tamperProtection: false, useSideGuardrail: false }),
    );
    expect(doc).toBe(
      '{"Version":"2012-10-17","Statement":[' +
        '{"Sid":"DenyModelImportUnlessApproved","Effect":"Deny","Action":["bedrock:CreateModelImportJob","bedrock:CreateCustomModelDeployment","bedrock:CreateMarketplaceModelEndpoint","bedrock:RegisterMarketplaceModelEndpoint","bedrock:UpdateCustomModelDeployment","bedrock:CreateCustomModel","bedrock:CreateModelCopyJob"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/mlops-pipeline-*"]}}},' +
        // Nobody but the identity admins (none by default) makes a principal with an approved name.
        // Nor passes one to a service (code running as it would be approved).
        '{"Sid":"DenyMakingApprovedPrincipals","Effect":"Deny","Action":["iam:CreateRole","iam:UpdateAssumeRolePolicy","iam:PassRole"],"Resource":["arn:aws:iam::*:role/mlops-pipeline-*"]},' +
        // Deployers never act as an approved role.
        '{"Sid":"DenyDeployersAssumingApprovedRoles","Effect":"Deny","Action":"sts:AssumeRole","Resource":["arn:aws:iam::*:role/mlops-pipeline-*"],"Condition":{"ArnLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/cdk-*-cfn-exec-role-*","arn:aws:iam::*:role/stacksets-exec-*"]}}}' +
        ']}',
    );
    expect(utf8Bytes(doc)).toBe(905);
    expect(Buffer.byteLength(doc, 'utf8')).toBe(905);
  });

  test('UTF-8 bytes, not characters, are counted', () => {
    expect(utf8Bytes('ü🧪')).toBe(6);
  });

  test('default and extended profiles with every default-off guardrail on fit the default 10,240-byte budget in one policy', () => {
    for (const profile of ['default', 'extended'] as const) {
      const statements = buildGuardrailStatements({
        ...base,
        profile,
        approvedServiceRoleArns: ['arn:aws:iam::*:role/BedrockModelImport*'],
        organizationId: 'o-a1b2c3d4e5',
        trustedAccountIds: ['444455556666'],
        jumpStartRegions: ['us-east-1', 'eu-west-1'],
        identityAdminPrincipalArns: ['arn:aws:iam::*:role/identity-pipeline'],
        denyPassRoleToModelServices: true,
        denyModelSharing: true,
        denyLeavingOrganization: true,
        approvedRegions: ['us-east-1', 'eu-west-1'],
        protectMarketplaceEndpoints: true,
        protectedTrailNames: ['aws-controltower-BaselineCloudTrail'],
      });
      const packed = packStatements(statements, 10_240);
      expect(packed).toHaveLength(1);
      // And the quick start's statements fit the pre-2026 quota in two.
      expect(packStatements(buildGuardrailStatements({ ...base, profile }), 5_120)).toHaveLength(2);
    }
  });

  test('statements that do not fit are split across as few documents as fit, each within the budget, order kept', () => {
    const statements = buildGuardrailStatements({
      ...base,
      approvedServiceRoleArns: ['arn:aws:iam::*:role/Import*'],
      organizationId: 'o-a1b2c3d4e5',
      jumpStartRegions: ['us-east-1'],
    });
    const total = utf8Bytes(policyDocumentJson(statements));
    const packed = packStatements(statements, 3000);
    expect(packed.length).toBe(3);
    expect(total).toBeGreaterThan(6000);
    for (const doc of packed) expect(utf8Bytes(policyDocumentJson(doc))).toBeLessThanOrEqual(3000);
    expect(
      packed
        .flat()
        .map((s) => s.Sid)
        .sort(),
    ).toEqual(statements.map((s) => s.Sid).sort());
    for (const doc of packed) {
      const order = doc.map((s) => statements.indexOf(s));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  test('a budget below the largest statement fails with the statement, its size and what to do', () => {
    const statements = buildGuardrailStatements(base);
    expect(() => packStatements(statements, 1000)).toThrow(
      /^statement DenyDetectorTampering alone needs 2271 bytes in a policy document, more than the 1000-byte budget: raise the budget \(SCPs allow up to 10,240 characters\) or shorten the principal and role patterns$/,
    );
  });

  test('packing the exact budget of one document gives one document', () => {
    const statements: PolicyStatementJson[] = buildGuardrailStatements(base);
    const exact = utf8Bytes(policyDocumentJson(statements));
    expect(packStatements(statements, exact)).toHaveLength(1);
    expect(packStatements(statements, exact - 1).length).toBeGreaterThan(1);
  });
});

describe('guardrail options fail with a message naming the option, the value and what is allowed', () => {
  test.each<[string, object, string]>([
    [
      'empty approved principals',
      { approvedPrincipalArns: [] },
      `'approvedPrincipalArns' must list at least one IAM role or user ARN pattern (the MLOps pipeline roles and a break-glass role): an empty list would deny the watched Bedrock calls to everyone, got []`,
    ],
    [
      'a pattern that matches every role',
      { approvedPrincipalArns: ['arn:aws:iam::*:role/*'] },
      `'approvedPrincipalArns' entries must name specific roles or users: "arn:aws:iam::*:role/*" matches every role in the account`,
    ],
    [
      'a bare star',
      { approvedPrincipalArns: ['*'] },
      `'approvedPrincipalArns' entries must be IAM role or user ARN patterns like 'arn:aws:iam::*:role/mlops-pipeline-*', got "*"`,
    ],
    [
      'an assumed-role session ARN',
      { approvedPrincipalArns: ['arn:aws:sts::111122223333:assumed-role/x/y'] },
      `'approvedPrincipalArns' entries must be IAM role or user ARN patterns; aws:PrincipalArn of a role session is the role's ARN, not the assumed-role ARN, got "arn:aws:sts::111122223333:assumed-role/x/y"`,
    ],
    [
      'a user as a service role',
      { ...base, approvedServiceRoleArns: ['arn:aws:iam::*:user/x'] },
      `'approvedServiceRoleArns' entries must be IAM role ARN patterns like 'arn:aws:iam::*:role/BedrockModelImport*', got "arn:aws:iam::*:user/x"`,
    ],
    [
      'an empty service-role list',
      { ...base, approvedServiceRoleArns: [] },
      `'approvedServiceRoleArns' must list at least one role ARN pattern when given (leave it out for no role restriction), got []`,
    ],
    [
      'a malformed organisation id',
      { ...base, approvedServiceRoleArns: ['arn:aws:iam::*:role/Import'], organizationId: 'org-1' },
      `'organizationId' must be an AWS Organizations id like 'o-a1b2c3d4e5', got "org-1"`,
    ],
    [
      'an organisation without service roles',
      { ...base, organizationId: 'o-a1b2c3d4e5' },
      `'organizationId' sets an S3 perimeter for the model-service roles, so 'approvedServiceRoleArns' must name them`,
    ],
    [
      'a malformed trusted account',
      {
        ...base,
        approvedServiceRoleArns: ['arn:aws:iam::*:role/Import'],
        organizationId: 'o-a1b2c3d4e5',
        trustedAccountIds: ['4444'],
      },
      `'trustedAccountIds' entries must be 12-digit AWS account ids, got "4444"`,
    ],
    [
      'an exempt bucket that is every bucket',
      { ...base, exemptBucketArns: ['arn:aws:s3:::*'] },
      `'exemptBucketArns' entries must name buckets exactly: bucket names are global, so anyone can create a bucket that matches "arn:aws:s3:::*" in their own account and have the service roles read it (the JumpStart caches are exempted by exact name through 'jumpStartRegions')`,
    ],
    [
      'a squattable JumpStart bucket pattern (the 0.2 default)',
      { ...base, exemptBucketArns: ['arn:aws:s3:::jumpstart-cache-prod-*'] },
      `'exemptBucketArns' entries must name buckets exactly: bucket names are global, so anyone can create a bucket that matches "arn:aws:s3:::jumpstart-cache-prod-*" in their own account and have the service roles read it (the JumpStart caches are exempted by exact name through 'jumpStartRegions')`,
    ],
    [
      'a bucket that is not an ARN',
      { ...base, exemptBucketArns: ['acme-models'] },
      `'exemptBucketArns' entries must be bucket ARNs like 'arn:aws:s3:::acme-approved-models', got "acme-models"`,
    ],
    [
      'a perimeter without JumpStart regions',
      { ...base, approvedServiceRoleArns: ['arn:aws:iam::*:role/Import'], organizationId: 'o-a1b2c3d4e5' },
      `'jumpStartRegions' must name the regions whose AWS-owned JumpStart cache buckets the service roles may read (the S3 perimeter exempts them by exact name), or give 'approvedRegions'`,
    ],
    [
      'an unknown JumpStart region',
      { ...base, jumpStartRegions: ['us-moon-1'] },
      `'jumpStartRegions' entries must be AWS regions like 'us-east-1', got "us-moon-1"`,
    ],
    [
      'an empty approved-region list',
      { ...base, approvedRegions: [] },
      `'approvedRegions' must list at least one region when given, got []`,
    ],
    [
      'an approved pattern that the CDK deployment role matches',
      { approvedPrincipalArns: ['arn:aws:iam::*:role/*-exec-role-*'] },
      `'approvedPrincipalArns' entry "arn:aws:iam::*:role/*-exec-role-*" can match the same principal as the deployment principal pattern "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*": that would let whoever can deploy make the watched calls. Deploy rights are not import rights: give the pipeline and identity roles names no deployment pattern matches, or narrow 'deploymentPrincipalArns'`,
    ],
    [
      'an identity admin that the StackSets role matches',
      { ...base, identityAdminPrincipalArns: ['arn:aws:iam::*:role/stacksets-exec-*'] },
      `'identityAdminPrincipalArns' entry "arn:aws:iam::*:role/stacksets-exec-*" can match the same principal as the deployment principal pattern "arn:aws:iam::*:role/stacksets-exec-*": that would let whoever can deploy make an approved principal. Deploy rights are not import rights: give the pipeline and identity roles names no deployment pattern matches, or narrow 'deploymentPrincipalArns'`,
    ],
    [
      'an assumer pattern that the CDK deployment role matches',
      { ...base, approvedRoleAssumerArns: ['arn:aws:iam::*:role/cdk-*'] },
      `'approvedRoleAssumerArns' entry "arn:aws:iam::*:role/cdk-*" can match the same principal as the deployment principal pattern "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*": that would let whoever can deploy act as an approved role. Deploy rights are not import rights: give the pipeline and identity roles names no deployment pattern matches, or narrow 'deploymentPrincipalArns'`,
    ],
    [
      'a malformed identity admin',
      { ...base, identityAdminPrincipalArns: ['identity-pipeline'] },
      `'identityAdminPrincipalArns' entries must be IAM role or user ARN patterns like 'arn:aws:iam::*:role/mlops-pipeline-*', got "identity-pipeline"`,
    ],
    [
      'an approval tag key in the aws: namespace',
      { ...base, approvalTagKey: 'aws:approved' },
      `'approvalTagKey' must be a tag key: 1-128 letters, digits, spaces or '_.:/=+-@', not starting with 'aws:', got "aws:approved"`,
    ],
    [
      'a use-side switch that is not a boolean',
      { ...base, useSideGuardrail: 'no' },
      `'useSideGuardrail' must be true or false, got "no"`,
    ],
    [
      'a malformed protected trail name',
      { ...base, protectedTrailNames: ['arn:aws:cloudtrail:us-east-1:111122223333:trail/x'] },
      `'protectedTrailNames' entries must be CloudTrail trail names (3-128 letters, digits, '._-'), got "arn:aws:cloudtrail:us-east-1:111122223333:trail/x"`,
    ],
    [
      'a malformed service principal',
      { ...base, passRoleServices: ['bedrock'] },
      `'passRoleServices' entries must be service principals like 'bedrock.amazonaws.com', got "bedrock"`,
    ],
    [
      'no deployment principal',
      { ...base, deploymentPrincipalArns: [] },
      `'deploymentPrincipalArns' must list at least one role ARN pattern that may still update the detector (its CloudFormation role, break-glass), got []`,
    ],
    [
      'an unknown partition',
      { ...base, partition: 'aws-moon' },
      `'partition' must be one of 'aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc', got "aws-moon"`,
    ],
  ])('fails for %s', (_what, options, message) => {
    expect(checkGuardrailOptions(options as never)).toContain(message);
  });

  test('values that resolve later are not judged', () => {
    const token = '${Token[TOKEN.1]}';
    const isToken = (v: unknown) => typeof v === 'string' && v.startsWith('${Token[');
    expect(
      checkGuardrailOptions(
        {
          approvedPrincipalArns: [token],
          organizationId: token,
          approvedServiceRoleArns: [token],
          jumpStartRegions: [token],
        },
        isToken,
      ),
    ).toEqual([]);
  });

  test('valid options give no problems', () => {
    expect(
      checkGuardrailOptions({
        ...base,
        approvedServiceRoleArns: ['arn:aws:iam::*:role/Import*'],
        organizationId: 'o-a1b2c3d4e5',
        trustedAccountIds: ['444455556666'],
        jumpStartRegions: ['us-east-1'],
        identityAdminPrincipalArns: ['arn:aws:iam::*:role/identity-pipeline'],
      }),
    ).toEqual([]);
  });
});
