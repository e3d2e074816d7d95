import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';

import {
  DetectionProfile,
  DetectorTrail,
  GuardrailStatements,
  SupplyChainDetector,
  SupplyChainGuard,
  SupplyChainGuardrailPolicy,
  SupplyChainScp,
  GuardrailPolicyUsage,
} from '../../lib';
import { utf8Bytes } from '../../lib/contracts';
import { testApp, testStack } from '../support/app';
import { evaluate } from '../support/iam-evaluator';

const APPROVED = ['arn:aws:iam::*:role/mlops-pipeline-*'];

describe('SupplyChainScp', () => {
  test('one minified SCP, tagged, attached to the targets, within the budget', () => {
    const { stack } = testStack();
    const scp = new SupplyChainScp(stack, 'Scp', {
      targetIds: ['r-ab12', 'ou-ab12-abcdefgh', '111122223333'],
      approvedPrincipalArns: APPROVED,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Organizations::Policy', 1);
    const [policy] = Object.values(template.findResources('AWS::Organizations::Policy'));
    expect(policy.Properties).toMatchObject({
      Type: 'SERVICE_CONTROL_POLICY',
      Name: 'bedrock-supply-chain-guardrail',
      TargetIds: ['r-ab12', 'ou-ab12-abcdefgh', '111122223333'],
      Tags: [{ Key: 'bedrock-supply-chain:guardrail', Value: 'true' }],
    });
    expect(typeof policy.Properties.Content).toBe('string');
    expect(policy.Properties.Content).toBe(scp.documents[0]);
    expect(policy.Properties.Content).not.toMatch(/\s(?=(?:[^"]*"[^"]*")*[^"]*$)/); // no whitespace outside strings
    expect(scp.documentBytes[0]).toBe(utf8Bytes(policy.Properties.Content));
    expect(scp.documentBytes[0]).toBeLessThanOrEqual(10_240);
    expect(scp.attachmentSlotsPerTarget).toBe(1);
  });

  test('a small budget splits the statements across policies and says how many slots that takes', () => {
    const { stack } = testStack();
    const scp = new SupplyChainScp(stack, 'Scp', {
      targetIds: ['ou-ab12-abcdefgh'],
      approvedPrincipalArns: APPROVED,
      sizeBudgetBytes: 5120,
    });
    const template = Template.fromStack(stack);
    expect(scp.attachmentSlotsPerTarget).toBe(2);
    template.resourceCountIs('AWS::Organizations::Policy', 2);
    template.hasResourceProperties('AWS::Organizations::Policy', { Name: 'bedrock-supply-chain-guardrail-1' });
    template.hasResourceProperties('AWS::Organizations::Policy', { Name: 'bedrock-supply-chain-guardrail-2' });
    for (const bytes of scp.documentBytes) expect(bytes).toBeLessThanOrEqual(5120);
    Annotations.fromStack(stack).hasWarning(
      '/TestStack/Scp',
      Match.stringLikeRegexp('split across 2 SCPs: that takes 2 of the 10 SCP attachment slots on every target'),
    );
    const all = scp.documents.flatMap((d) => JSON.parse(d).Statement);
    expect(all).toHaveLength(scp.statements.length);
  });
});

describe('SupplyChainGuardrailPolicy', () => {
  test('attach: deny-only statements, with roles approved by approveImporter()', () => {
    const { stack } = testStack({ env: true });
    const pipeline = new iam.Role(stack, 'Pipeline', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
    });
    const policy = new SupplyChainGuardrailPolicy(stack, 'Guardrail', { approvedPrincipalArns: APPROVED });
    policy.approveImporter(pipeline);
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    const statements = resource.Properties.PolicyDocument.Statement;
    expect(statements.every((s: { Effect: string }) => s.Effect === 'Deny')).toBe(true);
    expect(statements[0].Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
      ...APPROVED,
      { 'Fn::GetAtt': [expect.stringMatching(/^Pipeline/), 'Arn'] },
    ]);
  });

  test('approveImporter() alone satisfies the approved-principal requirement', () => {
    const { stack } = testStack();
    const policy = new SupplyChainGuardrailPolicy(stack, 'Guardrail');
    policy.approveImporter(iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::111122223333:role/mlops-pipeline'));
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(resource.Properties.PolicyDocument.Statement[0].Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::111122223333:role/mlops-pipeline',
    ]);
  });

  test('permissions boundary: an allow of everything else, minus the guardrail denies', () => {
    const { stack } = testStack();
    const policy = new SupplyChainGuardrailPolicy(stack, 'Boundary', {
      approvedPrincipalArns: APPROVED,
      usage: GuardrailPolicyUsage.PERMISSIONS_BOUNDARY,
    });
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    const statements = resource.Properties.PolicyDocument.Statement;
    expect(statements[0]).toEqual({ Sid: 'AllowWithinBoundary', Effect: 'Allow', Action: '*', Resource: '*' });
    const request = (principal: string, action: string) => ({
      action,
      resource: '*',
      context: { 'aws:PrincipalArn': principal },
    });
    // As a boundary nothing else allows: the boundary's own Allow must let unrelated calls through.
    expect(evaluate(statements, request('arn:aws:iam::1:role/app', 's3:ListAllMyBuckets'), false).allowed).toBe(true);
    expect(
      evaluate(statements, request('arn:aws:iam::1:role/app', 'bedrock:CreateModelImportJob'), false).allowed,
    ).toBe(false);
    expect(
      evaluate(statements, request('arn:aws:iam::1:role/mlops-pipeline-x', 'bedrock:CreateModelImportJob'), false)
        .allowed,
    ).toBe(true);
    expect(policy.statements().length).toBe(statements.length - 1);
  });
});

describe('SupplyChainGuard', () => {
  test('detection and prevention together; the tamper alert watches the SCP it created', () => {
    const { stack } = testStack({ env: true });
    const guard = new SupplyChainGuard(stack, 'Guard', {
      approvedPrincipalArns: APPROVED,
      scpTargetIds: ['ou-ab12-abcdefgh'],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Organizations::Policy', 1);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    // The alert function and the backfill's AwsCustomResource provider.
    template.resourceCountIs('AWS::Lambda::Function', 2);
    expect(guard.scp?.attachmentSlotsPerTarget).toBe(1);
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'bedrock-supply-chain-global-tamper-rule',
      EventPattern: {
        detail: {
          $or: Match.arrayWith([
            Match.objectLike({
              eventSource: ['organizations.amazonaws.com'],
              requestParameters: { policyId: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardScp'), 'Id'] }] },
            }),
          ]),
        },
      },
    });
  });

  test('without scpTargetIds: no SCP, the IAM guardrail policy only', () => {
    const { stack } = testStack();
    const guard = new SupplyChainGuard(stack, 'Guard', { approvedPrincipalArns: APPROVED });
    Template.fromStack(stack).resourceCountIs('AWS::Organizations::Policy', 0);
    expect(guard.scp).toBeUndefined();
    expect(guard.guardrailPolicy).toBeDefined();
  });

  test('iamGuardrail false: no managed policy', () => {
    const { stack } = testStack();
    new SupplyChainGuard(stack, 'Guard', { approvedPrincipalArns: APPROVED, iamGuardrail: false });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });
});

describe('sizes, splits and where the guardrails bind', () => {
  const EVERYTHING = {
    approvedPrincipalArns: APPROVED,
    profile: DetectionProfile.EXTENDED,
    approvedServiceRoleArns: ['arn:aws:iam::*:role/BedrockModelImport*'],
    organizationId: 'o-a1b2c3d4e5',
    identityAdminPrincipalArns: ['arn:aws:iam::*:role/identity-pipeline'],
    denyPassRoleToModelServices: true,
    denyModelSharing: true,
    denyLeavingOrganization: true,
    approvedRegions: ['us-east-1', 'eu-west-1'],
    protectMarketplaceEndpoints: true,
  };

  test('an IAM deny policy too big for 6,144 characters is split, and attachTo() attaches every part', () => {
    const { stack } = testStack({ env: true });
    const policy = new SupplyChainGuardrailPolicy(stack, 'Guardrail', EVERYTHING);
    const group = new iam.Group(stack, 'Group');
    policy.attachTo(group);
    const template = Template.fromStack(stack);
    const parts = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(parts.length).toBe(2);
    expect(policy.managedPolicies).toHaveLength(2);
    const sids = parts.flatMap((p) => p.Properties.PolicyDocument.Statement.map((s: { Sid: string }) => s.Sid));
    expect(sids.sort()).toEqual(
      policy
        .statements()
        .map((s: { Sid: string }) => s.Sid)
        .sort(),
    );
    for (const p of parts) expect(JSON.stringify(p.Properties.PolicyDocument).length).toBeLessThanOrEqual(6144);
    const [g] = Object.values(template.findResources('AWS::IAM::Group'));
    expect(g.Properties.ManagedPolicyArns).toHaveLength(2);
  });

  test('a permissions boundary is one policy: too many statements fail with what to do', () => {
    const { stack } = testStack({ env: true });
    expect(
      () =>
        new SupplyChainGuardrailPolicy(stack, 'Boundary', {
          ...EVERYTHING,
          usage: GuardrailPolicyUsage.PERMISSIONS_BOUNDARY,
        }),
    ).toThrow(
      "a permissions boundary is one policy, and the guardrail statements need 2 policies of at most 6144 characters: use 'usage: DENY_POLICY' (split across policies), or turn optional guardrails off",
    );
  });

  test('the default statements fit one permissions boundary', () => {
    const { stack } = testStack({ env: true });
    new SupplyChainGuardrailPolicy(stack, 'Boundary', {
      approvedPrincipalArns: APPROVED,
      usage: GuardrailPolicyUsage.PERMISSIONS_BOUNDARY,
    });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  });

  test('a boundary that approveImporter() takes past the size IAM allows fails at synth with what to do', () => {
    const { stack } = testStack({ env: true });
    const policy = new SupplyChainGuardrailPolicy(stack, 'Guardrail', {
      approvedPrincipalArns: APPROVED,
      usage: GuardrailPolicyUsage.PERMISSIONS_BOUNDARY,
    });
    for (let i = 0; i < 4; i++) {
      policy.approveImporter(
        iam.Role.fromRoleArn(stack, `R${i}`, `arn:aws:iam::123456789012:role/mlops-pipeline-team-${i}-importer`),
      );
    }
    expect(() => Template.fromStack(stack)).toThrow(
      /needs about \d+ characters, more than the 6144 IAM allows: approve fewer or shorter patterns, turn optional guardrails off, or use 'usage: DENY_POLICY'/,
    );
  });

  test('a deny policy that approveImporter() outgrows gets another part, attached wherever attachTo() put the first', () => {
    const { stack } = testStack({ env: true });
    const policy = new SupplyChainGuardrailPolicy(stack, 'Guardrail', { approvedPrincipalArns: APPROVED });
    const group = new iam.Group(stack, 'Group');
    policy.attachTo(group);
    expect(policy.managedPolicies).toHaveLength(1);
    for (let i = 0; i < 4; i++) {
      policy.approveImporter(
        new iam.Role(stack, `Pipeline${i}`, { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') }),
      );
    }
    const template = Template.fromStack(stack);
    const parts = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(parts.length).toBe(2);
    expect(policy.managedPolicies).toHaveLength(2);
    const [g] = Object.values(template.findResources('AWS::IAM::Group'));
    expect(g.Properties.ManagedPolicyArns).toHaveLength(2);
    const sids = parts.flatMap((p) => p.Properties.PolicyDocument.Statement.map((s: { Sid: string }) => s.Sid));
    expect(sids.sort()).toEqual(
      policy
        .statements()
        .map((s: { Sid: string }) => s.Sid)
        .sort(),
    );
    // Every part holds the approved roles where its statements name them.
    const importDeny = parts
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .find((s: { Sid: string }) => s.Sid === 'DenyModelImportUnlessApproved');
    expect(importDeny.Condition.ArnNotLike['aws:PrincipalArn']).toHaveLength(APPROVED.length + 4);
  });

  test("the JumpStart exemption names the stack's region's buckets exactly", () => {
    const { stack } = testStack({ env: true });
    const scp = new SupplyChainScp(stack, 'Scp', {
      targetIds: ['ou-ab12-abcdefgh'],
      approvedPrincipalArns: APPROVED,
      approvedServiceRoleArns: ['arn:aws:iam::*:role/BedrockModelImport*'],
      organizationId: 'o-a1b2c3d4e5',
    });
    const perimeter = (scp.statements as { Sid: string; NotResource: string[] }[]).find(
      (s) => s.Sid === 'DenyModelArtifactReadsOutsideOrganization',
    )!;
    expect(perimeter.NotResource).toEqual([
      'arn:aws:s3:::jumpstart-cache-prod-us-east-1',
      'arn:aws:s3:::jumpstart-cache-prod-us-east-1/*',
      'arn:aws:s3:::jumpstart-private-cache-prod-us-east-1',
      'arn:aws:s3:::jumpstart-private-cache-prod-us-east-1/*',
    ]);
  });

  test('an environment-agnostic stack with the S3 perimeter must name the JumpStart regions', () => {
    const { stack } = testStack();
    expect(
      () =>
        new SupplyChainScp(stack, 'Scp', {
          targetIds: ['ou-ab12-abcdefgh'],
          approvedPrincipalArns: APPROVED,
          approvedServiceRoleArns: ['arn:aws:iam::*:role/BedrockModelImport*'],
          organizationId: 'o-a1b2c3d4e5',
        }),
    ).toThrow(/'jumpStartRegions' must name the regions/);
  });

  test('a detector in an account no SCP target covers is warned about; one under a target is not', () => {
    const app = testApp();
    const security = new Stack(app, 'Security', { env: { account: '222222222222', region: 'us-east-1' } });
    new SupplyChainDetector(security, 'Detector', { approvals: { principalArns: APPROVED } });
    const management = new Stack(app, 'Management', { env: { account: '111111111111', region: 'us-east-1' } });
    new SupplyChainScp(management, 'Uncovered', {
      targetIds: ['ou-ab12-11111111'],
      approvedPrincipalArns: APPROVED,
      policyName: 'uncovered',
    });
    new SupplyChainScp(management, 'ByAccount', {
      targetIds: ['ou-ab12-11111111', '222222222222'],
      approvedPrincipalArns: APPROVED,
      policyName: 'by-account',
    });
    new SupplyChainScp(management, 'ByParent', {
      targetIds: ['ou-ab12-22222222'],
      detectorParentIds: ['ou-ab12-22222222'],
      approvedPrincipalArns: APPROVED,
      policyName: 'by-parent',
    });
    const warnings = Annotations.fromStack(management).findWarning(
      '*',
      Match.stringLikeRegexp('no target of this SCP covers'),
    );
    expect(warnings.map((w) => w.id)).toEqual(['/Management/Uncovered']);
    expect(String(warnings[0].entry.data)).toContain('account 222222222222');
  });

  test('the umbrella in the account that creates its SCP is warned about (it may be the management account)', () => {
    const { stack } = testStack({ env: true });
    new SupplyChainGuard(stack, 'Guard', { approvedPrincipalArns: APPROVED, scpTargetIds: ['r-ab12'] });
    Annotations.fromStack(stack).hasWarning('/TestStack/Guard/Scp', Match.stringLikeRegexp('no SCP ever binds it'));
  });

  test('the umbrella protects the trail it relies on by name (an existing or organisation trail)', () => {
    const { stack } = testStack({ env: true });
    const guard = new SupplyChainGuard(stack, 'Guard', {
      approvedPrincipalArns: APPROVED,
      scpTargetIds: ['ou-ab12-abcdefgh'],
      trail: DetectorTrail.organizationTrail('aws-controltower-BaselineCloudTrail'),
    });
    const tamper = (guard.scp!.statements as { Sid: string; Resource: string[] }[]).find(
      (s) => s.Sid === 'DenyDetectorTampering',
    )!;
    expect(tamper.Resource).toEqual(
      expect.arrayContaining([
        'arn:aws:cloudtrail:*:*:trail/bedrock-supply-chain-trail',
        'arn:aws:cloudtrail:*:*:trail/aws-controltower-BaselineCloudTrail',
      ]),
    );
  });

  test('a split beyond maxPoliciesPerTarget fails at synth with both props named', () => {
    const { stack } = testStack({ env: true });
    expect(
      () =>
        new SupplyChainGuard(stack, 'Guard', {
          ...EVERYTHING,
          scpTargetIds: ['ou-ab12-abcdefgh'],
          scpSizeBudgetBytes: 2700,
          scpMaxPoliciesPerTarget: 3,
        }),
    ).toThrow(/more than 'scpMaxPoliciesPerTarget' = 3 attachment slots per target: raise 'scpSizeBudgetBytes'/);
  });
});

describe('GuardrailStatements (to merge into an SCP of your own)', () => {
  test('the same checks as the constructs: a perimeter without JumpStart regions, an empty approved list', () => {
    expect(() =>
      GuardrailStatements.toJson({
        approvedPrincipalArns: APPROVED,
        approvedServiceRoleArns: ['arn:aws:iam::*:role/BedrockModelImport*'],
        organizationId: 'o-a1b2c3d4e5',
      }),
    ).toThrow(/'jumpStartRegions' must name the regions/);
    expect(() => GuardrailStatements.toJson({ approvedPrincipalArns: [] })).toThrow(
      /'approvedPrincipalArns' must list/,
    );
    expect(GuardrailStatements.toJson({ approvedPrincipalArns: APPROVED }).map((s) => s.Sid)).toContain(
      'DenyInvokingUnapprovedModels',
    );
  });
});

describe("the JumpStart regions default to the stack's region in every construct", () => {
  const perimeter = {
    approvedPrincipalArns: APPROVED,
    approvedServiceRoleArns: ['arn:aws:iam::*:role/BedrockModelImport*'],
    organizationId: 'o-a1b2c3d4e5',
  };
  const exempt = (statements: { Sid: string; NotResource?: string[] }[]) =>
    statements.find((s) => s.Sid === 'DenyModelArtifactReadsOutsideOrganization')?.NotResource;

  test('SupplyChainGuard (its SCP and its IAM policy) and SupplyChainGuardrailPolicy', () => {
    const { stack } = testStack({ env: true });
    const guard = new SupplyChainGuard(stack, 'Guard', { ...perimeter, scpTargetIds: ['ou-ab12-abcdefgh'] });
    const policy = new SupplyChainGuardrailPolicy(stack, 'Policy', perimeter);
    for (const statements of [guard.scp!.statements, guard.guardrailPolicy!.statements(), policy.statements()]) {
      expect(exempt(statements)).toContain('arn:aws:s3:::jumpstart-cache-prod-us-east-1');
    }
  });
});
