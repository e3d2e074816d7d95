// What a platform team composing the umbrella construct into a landing zone hit, and what it gets
// now: one list of approved principals for the SCP, the IAM guardrail and the verdicts; prevention
// that binds nobody is said at synth; and the function's verdicts follow the list.
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';

import { SupplyChainGuard } from '../../lib';
import {
  ALERT_CONFIG_ENV,
  EventDecider,
  decideVerdict,
  detectorNames,
  parseAlertFunctionConfig,
  resolveWatchedCalls,
  verdictSeverities,
} from '../../lib/detection';
import { testStack } from '../support/app';
import { envelope, record } from '../support/fixtures';

const PIPELINE = 'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_MLPlatformAdmin_*';

/**
 * The configuration the function reads at cold start, as the template gives it (the SCP ids, known
 * only at deploy, stand in as a policy id).
 */
function functionConfig(stack: Stack) {
  const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).filter(
    (r) => r.Properties.FunctionName === 'bedrock-supply-chain-alert',
  );
  const value: unknown = fn.Properties.Environment.Variables[ALERT_CONFIG_ENV];
  const text =
    typeof value === 'string'
      ? value
      : (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
          .map((part) => (typeof part === 'string' ? part : 'p-00000000'))
          .join('');
  return parseAlertFunctionConfig(text);
}

describe('one list of approved principals', () => {
  test('approvedPrincipalArns is the SCP exemption, the IAM guardrail exemption and the verdict approvals', () => {
    const { stack } = testStack({ env: true });
    const guard = new SupplyChainGuard(stack, 'Guard', {
      approvedPrincipalArns: [PIPELINE],
      scpTargetIds: ['ou-ab12-abcdefgh'],
      approvals: { s3Locations: ['s3://acme-models/approved/'] },
    });
    const config = functionConfig(stack);
    expect(config.approvals).toEqual({ principalArns: [PIPELINE], s3Locations: ['s3://acme-models/approved/'] });
    const exempt = (statements: readonly { Sid?: string; Condition?: Record<string, Record<string, unknown>> }[]) =>
      statements.find((s) => s.Sid === 'DenyModelImportUnlessApproved')!.Condition!.ArnNotLike['aws:PrincipalArn'];
    expect(exempt(guard.scp!.statements)).toEqual([PIPELINE]);
    expect(exempt(guard.guardrailPolicy!.statements())).toEqual([PIPELINE]);
  });

  test("the pipeline's own import is approved by the function, not alerted as unverified", () => {
    const { stack } = testStack({ env: true });
    new SupplyChainGuard(stack, 'Guard', {
      approvedPrincipalArns: [PIPELINE],
    });
    const config = functionConfig(stack);
    const decision = new EventDecider({ calls: resolveWatchedCalls(config), names: detectorNames() }).decide(
      envelope(record('pos-mkt-register-01.json')),
    );
    if (decision.kind !== 'watched') throw new Error(`expected a watched call, got ${decision.kind}`);
    const verdict = decideVerdict(decision.record, decision.call, config.approvals, verdictSeverities(config));
    expect(verdict.reasons).toContainEqual(
      expect.stringMatching(/^principal: arn:aws:iam::111122223333:role\/aws-reserved\/.* is approved$/),
    );
    expect(verdict.kind).not.toBe('unapproved-principal');
    // And a principal outside the list is what it is, not "unverified".
    const other = decideVerdict(decision.record, decision.call, { principalArns: ['arn:aws:iam::*:role/x'] });
    expect(other.kind).toBe('unapproved-principal');
  });

  test('the same list given twice is accepted', () => {
    const { stack } = testStack();
    expect(
      () =>
        new SupplyChainGuard(stack, 'Guard', {
          approvedPrincipalArns: [PIPELINE, 'arn:aws:iam::*:role/break-glass'],
          approvals: { principalArns: ['arn:aws:iam::*:role/break-glass', PIPELINE] },
        }),
    ).not.toThrow();
  });
});

describe('prevention that binds nobody is said at synth', () => {
  const warningsOf = (stack: Stack) =>
    Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('No guardrail binds anyone'));

  test('no SCP and an IAM policy attached to nothing: a warning with its id', () => {
    const { app, stack } = testStack();
    new SupplyChainGuard(stack, 'Guard', { approvedPrincipalArns: [PIPELINE] });
    app.synth();
    const warnings = warningsOf(stack);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toContain(`[ack: ${SupplyChainGuard.PREVENTION_NOT_ENFORCED}]`);
  });

  test('no warning with an SCP, or once the policy is attached', () => {
    const withScp = testStack();
    new SupplyChainGuard(withScp.stack, 'Guard', {
      approvedPrincipalArns: [PIPELINE],
      scpTargetIds: ['ou-ab12-abcdefgh'],
    });
    withScp.app.synth();
    expect(warningsOf(withScp.stack)).toHaveLength(0);

    const attached = testStack();
    const guard = new SupplyChainGuard(attached.stack, 'Guard', { approvedPrincipalArns: [PIPELINE] });
    guard.guardrailPolicy!.attachTo(
      new iam.Role(attached.stack, 'App', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }),
    );
    attached.app.synth();
    expect(warningsOf(attached.stack)).toHaveLength(0);
  });

  test('iamGuardrail: false and no SCP: the warning says the calls are detected, not prevented', () => {
    const { app, stack } = testStack();
    new SupplyChainGuard(stack, 'Guard', { approvedPrincipalArns: [PIPELINE], iamGuardrail: false });
    app.synth();
    expect(String(warningsOf(stack)[0].entry.data)).toContain('The watched calls are detected, not prevented.');
  });

  test("the option names what it creates: 'denyPolicy' (the default) or 'permissionsBoundary'", () => {
    const { stack } = testStack();
    new SupplyChainGuard(stack, 'Guard', { approvedPrincipalArns: [PIPELINE] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: 'Bedrock model supply-chain guardrails (deny-only; attach to principals)',
    });
  });
});
