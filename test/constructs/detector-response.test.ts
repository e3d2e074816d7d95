// After the alert, as synthesized: the follow-up state machine (wait, check, again; retried, then
// dead-lettered), the function's scoped permissions for the follow-up and for containment, and the
// Security Hub custom action with its rule.
import { ContainmentAction, ContainVerdict, DetectorMode } from '../../lib';
import { ALERT_CONFIG_ENV, containmentNote } from '../../lib/detection';
import { functionStatements, synthDetector } from '../support/detector';
import { evaluate } from '../support/iam-evaluator';

const ACCOUNT = '123456789012';

function config(template: ReturnType<typeof synthDetector>['template']) {
  const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
    String(f.Properties.FunctionName).endsWith('-alert'),
  )!;
  return JSON.parse(fn.Properties.Environment.Variables[ALERT_CONFIG_ENV]);
}

const sid = (statements: Record<string, unknown>[], name: string) => statements.find((s) => s.Sid === name);

describe('the lifecycle follow-up (on by default)', () => {
  const { template } = synthDetector();
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const definition = JSON.parse(
    (machine.Properties.DefinitionString['Fn::Join'][1] as unknown[])
      .map((part) => (typeof part === 'string' ? part : 'FUNCTION_ARN'))
      .join(''),
  );

  test('a state machine named after the prefix: wait, check, and again until the check says it ended', () => {
    expect(machine.Properties).toMatchObject({
      StateMachineName: 'bedrock-supply-chain-follow-up',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    expect(definition.StartAt).toBe('FollowUpWait');
    expect(definition.States.FollowUpWait).toEqual({
      Type: 'Wait',
      SecondsPath: '$.waitSeconds',
      Next: 'FollowUpCheck',
    });
    expect(definition.States.FollowUpCheck).toMatchObject({
      Type: 'Task',
      Next: 'FollowUpEnded',
      Resource: 'FUNCTION_ARN',
      Parameters: { bedrockSupplyChainFollowUp: { 'eventId.$': '$.eventId' } },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'FollowUpDeadLetter' }],
    });
    expect(definition.States.FollowUpCheck.Retry).toContainEqual({
      ErrorEquals: ['States.ALL'],
      IntervalSeconds: 60,
      MaxAttempts: 3,
      BackoffRate: 2,
    });
    expect(definition.States.FollowUpEnded).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'FollowUpDone' }],
      Default: 'FollowUpWait',
    });
    // A check that still fails is dead-lettered with the event id and the error, then the execution fails (alarmed).
    expect(definition.States.FollowUpDeadLetter).toMatchObject({
      Type: 'Task',
      Resource: expect.stringContaining(':states:::sqs:sendMessage'),
      Parameters: {
        MessageBody: {
          source: 'lifecycle-follow-up',
          'eventId.$': '$.eventId',
          'error.$': '$.failure.Error',
          'cause.$': '$.failure.Cause',
        },
      },
      Next: 'FollowUpFailed',
    });
    expect(definition.States.FollowUpFailed.Type).toBe('Fail');
  });

  test('the function may start only that state machine, and read only the followed kinds of this account', () => {
    const statements = functionStatements(template);
    expect(sid(statements, 'StartFollowUp')).toMatchObject({
      Action: 'states:StartExecution',
      Resource: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:bedrock-supply-chain-follow-up`,
    });
    expect(sid(statements, 'FollowUpModelImportJob')).toMatchObject({
      Action: 'bedrock:GetModelImportJob',
      Resource: `arn:aws:bedrock:*:${ACCOUNT}:model-import-job/*`,
    });
    expect(sid(statements, 'FollowUpMarketplaceModelEndpoint')).toMatchObject({
      Action: 'bedrock:GetMarketplaceModelEndpoint',
      Resource: `arn:aws:bedrock:*:${ACCOUNT}:marketplace/model-endpoint/all-access`,
    });
    // Alert mode: no containment permission at all.
    const actions = statements.flatMap((s) => [s.Action].flat());
    for (const a of [
      'bedrock:TagResource',
      'bedrock:UntagResource',
      'bedrock:DeleteCustomModelDeployment',
      'iam:PutRolePolicy',
    ]) {
      expect(actions).not.toContain(a);
    }
    expect(config(template).followUp).toEqual({});
  });

  test('off: no state machine, no permission, and the function knows', () => {
    const off = synthDetector({ lifecycleFollowUp: false });
    expect(off.template.findResources('AWS::StepFunctions::StateMachine')).toEqual({});
    expect(sid(functionStatements(off.template), 'StartFollowUp')).toBeUndefined();
    expect(config(off.template).followUp).toBeNull();
    expect(off.detector.monitoring!.alarms.followUpFailures).toBeUndefined();
  });

  test('a custom schedule reaches the function, and the execution timeout covers its last check', () => {
    const custom = synthDetector({ followUpMinutes: [10, 60, 600] });
    expect(config(custom.template).followUp).toEqual({ minutes: [10, 60, 600] });
    const [m] = Object.values(custom.template.findResources('AWS::StepFunctions::StateMachine'));
    expect(JSON.stringify(m.Properties.DefinitionString)).toContain('\\"TimeoutSeconds\\":39600');
  });
});

describe('contain mode', () => {
  test('ask first, with Security Hub: the custom action, its rule, and permissions scoped by tag key', () => {
    const { template } = synthDetector({ mode: DetectorMode.CONTAIN, securityHub: true });
    const [action] = Object.values(template.findResources('AWS::SecurityHub::ActionTarget'));
    expect(action.Properties).toMatchObject({
      Name: 'Contain this model',
      Id: expect.stringMatching(/^Contain[A-Z0-9]{1,13}$/),
    });
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.Name === 'bedrock-supply-chain-contain-rule',
    );
    expect(rules[0].Properties.EventPattern).toEqual({
      source: ['aws.securityhub'],
      'detail-type': ['Security Hub Findings - Custom Action'],
      resources: [{ 'Fn::GetAtt': [expect.stringMatching(/^DetectorContainAction/), 'ActionTargetArn'] }],
    });
    const statements = functionStatements(template);
    expect(sid(statements, 'QuarantineTag')).toMatchObject({
      Action: 'bedrock:TagResource',
      Condition: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['bedrock-supply-chain:quarantined'] },
        Null: { 'aws:TagKeys': 'false' },
      },
    });
    expect(sid(statements, 'QuarantineUntag')).toMatchObject({
      Action: 'bedrock:UntagResource',
      Condition: { 'ForAllValues:StringEqualsIgnoreCase': { 'aws:TagKeys': ['bedrock-supply-chain:approved'] } },
    });
    expect(sid(statements, 'ContainDeleteDeployment')).toMatchObject({
      Action: 'bedrock:DeleteCustomModelDeployment',
      Resource: `arn:aws:bedrock:*:${ACCOUNT}:custom-model-deployment/*`,
    });
    expect(sid(statements, 'NoteOnFindings')).toMatchObject({
      Action: 'securityhub:BatchUpdateFindings',
      Resource: `arn:aws:securityhub:us-east-1:${ACCOUNT}:hub/default`,
    });
    expect(sid(statements, 'QuarantinePrincipal')).toBeUndefined();
    expect(config(template).containment).toMatchObject({
      actions: { 'untrusted-source': ['quarantine-model', 'delete-deployment', 'delete-endpoint', 'stop-job'] },
      automatic: [],
      customAction: true,
    });
  });

  test("the function's own policy lets it add only the quarantine tag and remove only the approval tag, in this account", () => {
    const statements = functionStatements(synthDetector({ mode: DetectorMode.CONTAIN }).template) as never[];
    const deployment = `arn:aws:bedrock:eu-west-1:${ACCOUNT}:custom-model-deployment/d1`;
    const can = (action: string, resource: string, keys?: string[]) =>
      evaluate(statements, { action, resource, context: keys ? { 'aws:TagKeys': keys } : {} }, false).allowed;
    expect(can('bedrock:TagResource', deployment, ['bedrock-supply-chain:quarantined'])).toBe(true);
    expect(can('bedrock:TagResource', deployment, ['bedrock-supply-chain:approved'])).toBe(false);
    expect(
      can('bedrock:TagResource', deployment, ['bedrock-supply-chain:quarantined', 'bedrock-supply-chain:approved']),
    ).toBe(false);
    expect(can('bedrock:TagResource', deployment)).toBe(false);
    expect(can('bedrock:UntagResource', deployment, ['Bedrock-Supply-Chain:Approved'])).toBe(true);
    expect(can('bedrock:UntagResource', deployment, ['team'])).toBe(false);
    expect(can('bedrock:DeleteCustomModelDeployment', deployment)).toBe(true);
    expect(
      can('bedrock:DeleteCustomModelDeployment', 'arn:aws:bedrock:eu-west-1:999999999999:custom-model-deployment/d1'),
    ).toBe(false);
    expect(can('bedrock:DeleteImportedModel', `arn:aws:bedrock:eu-west-1:${ACCOUNT}:imported-model/m1`)).toBe(false);
    expect(can('iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/anything`)).toBe(false);
    expect(can('iam:AttachRolePolicy', `arn:aws:iam::${ACCOUNT}:role/anything`)).toBe(false);
  });

  test('principal quarantine only when listed, never on the detector or service-linked roles', () => {
    const { template } = synthDetector({
      mode: DetectorMode.CONTAIN,
      containment: {
        unapprovedPrincipalActions: [ContainmentAction.QUARANTINE_PRINCIPAL],
        automaticFor: [ContainVerdict.UNAPPROVED_PRINCIPAL],
      },
    });
    const statements = functionStatements(template);
    expect(sid(statements, 'QuarantinePrincipal')).toMatchObject({
      Effect: 'Allow',
      Action: ['iam:AttachRolePolicy', 'iam:AttachUserPolicy'],
      Condition: { ArnEquals: { 'iam:PolicyARN': { Ref: expect.stringMatching(/QuarantinePolicy/) } } },
    });
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policy.Properties).toMatchObject({
      ManagedPolicyName: 'bedrock-supply-chain-quarantine-us-east-1',
      PolicyDocument: { Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
    });
    expect(sid(statements, 'NeverQuarantineTheDetector')).toMatchObject({
      Effect: 'Deny',
      Resource: [
        `arn:aws:iam::${ACCOUNT}:role/aws-reserved/*`,
        `arn:aws:iam::${ACCOUNT}:role/aws-service-role/*`,
        `arn:aws:iam::${ACCOUNT}:role/bedrock-supply-chain-*`,
      ],
    });
    // Without Security Hub there is no custom action: asking is by hand.
    expect(template.findResources('AWS::SecurityHub::ActionTarget')).toEqual({});
    expect(config(template).containment).toMatchObject({ automatic: ['unapproved-principal'], customAction: false });
  });

  test("each alert's note says how to ask, or that it is contained automatically", () => {
    expect(containmentNote(['quarantine-model'], false, false, true, 'fn', 'e-1')).toBe(
      `Contain mode, ask first (quarantine-model): in Security Hub, choose the custom action "Contain this model" on this finding, or run aws lambda invoke --function-name fn --cli-binary-format raw-in-base64-out --payload '{"bedrockSupplyChainContain":{"eventId":"e-1"}}' /dev/stdout`,
    );
    expect(containmentNote(['delete-deployment'], true, true, false, 'fn', 'e-1')).toBe(
      'Contain mode: this alert is contained automatically (dry run, nothing is changed: delete-deployment); an update of this alert follows.',
    );
  });
});
