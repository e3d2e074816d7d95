import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';

import { SupplyChainGuard, SupplyChainGuardrailPolicy, SupplyChainScp, GuardrailPolicyUsage } from '../../lib';
import { utf8Bytes } from '../../lib/contracts';
import { testStack } from '../support/app';
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
