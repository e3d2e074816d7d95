import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { App, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { AwsSolutionsChecks } from 'cdk-nag';

import {
  DetectorTrail,
  OrganizationDetector,
  OrganizationEventBus,
  OrganizationForwarders,
  RegionalForwarder,
  type OrganizationForwardersProps,
  WatchedRegions,
  DetectionProfile,
  StackSetCallAs,
} from '../../lib';
import {
  buildEventPattern,
  buildGuardrailStatements,
  detectorNames,
  forwarderNames,
  resolveWatchedCalls,
} from '../../lib/contracts';
import { REGIONS_BY_PARTITION, buildTamperPatterns, matchesEventPattern } from '../../lib/detection';
import { testApp } from '../support/app';
import { envelope } from '../support/fixtures';
import { evaluate } from '../support/iam-evaluator';
import { violations } from '../support/validation';

const ORG = 'o-zzzz9999yy';
const CENTRAL = '222222222222';
const MANAGEMENT = '111111111111';
const MEMBER = '123456789012';
const TRAIL = DetectorTrail.organizationTrail(`arn:aws:cloudtrail:eu-central-1:${MANAGEMENT}:trail/org-trail`);
const EXTENDED = { profile: DetectionProfile.EXTENDED, additionalEventNames: ['CreateModelCustomizationJob'] };
const EXTENDED_PATTERN = buildEventPattern(resolveWatchedCalls(EXTENDED));
const NAMES = detectorNames();
const FORWARD = forwarderNames();
const ORG_BUS_ARN = `arn:aws:events:eu-central-1:${CENTRAL}:event-bus/bedrock-supply-chain-org-bus`;
const FORWARDERS_PROPS: OrganizationForwardersProps = {
  centralAccountId: CENTRAL,
  homeRegion: 'eu-central-1',
  regions: ['eu-central-1', 'eu-west-1', 'us-east-1'],
  organizationalUnitIds: ['ou-zz99-aaaaaaaa', 'r-zz99'],
  callAs: StackSetCallAs.DELEGATED_ADMIN,
  maxConcurrentPercentage: 50,
  failureTolerancePercentage: 5,
  trail: TRAIL,
  ...EXTENDED,
};

// One app, synthesized once, with every construct of this file in the stacks of its accounts and
// regions, and cdk-nag's AwsSolutions pack (CDK's CloudFormation validation runs in test/nag).
const app = testApp({ builtinCloudFormationValidation: false });
const env = (account: string, region: string) => ({ env: { account, region } });
const singleAccount = new Stack(app, 'ForwarderEuWest1', env(MEMBER, 'eu-west-1'));
const forwarder = new RegionalForwarder(singleAccount, 'Forwarder', {
  targetEventBus: RegionalForwarder.homeRegionBus(singleAccount, 'HomeBus', 'us-east-1'),
  forwardTamperEvents: true,
  trail: DetectorTrail.existing(`arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/bedrock-supply-chain-trail`),
  ...EXTENDED,
});
const managementUsEast1 = new Stack(app, 'ManagementUsEast1', env(MANAGEMENT, 'us-east-1'));
const managementForwarder = new RegionalForwarder(managementUsEast1, 'Forwarder', {
  targetEventBus: OrganizationEventBus.fromCentralAccount(managementUsEast1, 'Bus', {
    account: CENTRAL,
    region: 'eu-central-1',
  }),
  forwardTamperEvents: true,
  guardrailPolicyIds: ['p-abcd1234'],
  trail: TRAIL,
});
const central = new Stack(app, 'Central', env(CENTRAL, 'eu-central-1'));
const hub = new OrganizationDetector(central, 'Org', {
  organizationId: ORG,
  regions: ['eu-central-1', 'eu-west-1', 'us-east-1'],
  homeRegion: 'eu-central-1',
  trail: TRAIL,
  ...EXTENDED,
});
const management = new Stack(app, 'Management', env(MANAGEMENT, 'eu-central-1'));
const forwarders = new OrganizationForwarders(management, 'Members', FORWARDERS_PROPS);
// The member template, as a stack of its own, so cdk-nag and the CloudFormation validation see it.
const memberFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'member-')), 'member.json');
fs.writeFileSync(memberFile, forwarders.templateBody);
const memberStack = new Stack(app, 'MemberTemplate', env(MEMBER, 'eu-west-1'));
new CfnInclude(memberStack, 'Member', { templateFile: memberFile, parameters: { CentralEventBusArn: ORG_BUS_ARN } });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const report = violations(app);
const template = (stack: Stack) => Template.fromStack(stack);
const rulesOf = (t: Template) => Object.values(t.findResources('AWS::Events::Rule'));
const rulesNamed = (t: Template, suffix: string) =>
  rulesOf(t).filter((r) => String(r.Properties.Name).endsWith(suffix));

/** A stack of its own, in an app of its own, for a test that builds more than the shared app has. */
function freshStack(region = 'eu-west-1', account = MEMBER) {
  const a = new App({ builtinCloudFormationValidation: false });
  return { app: a, stack: new Stack(a, 'S', env(account, region)) };
}

afterAll(() => fs.rmSync(path.dirname(memberFile), { recursive: true, force: true }));

describe('every construct together', () => {
  test('cdk-nag AwsSolutions: zero unacknowledged findings, warnings included, the member template too', () => {
    expect(report.violations).toEqual([]);
  });
});

describe('RegionalForwarder', () => {
  const t = template(singleAccount);

  test("forwards with the detector's pattern, exactly as lib/detection builds it, to the home region's default bus", () => {
    const [rule] = rulesNamed(t, FORWARD.rule);
    expect(rule.Properties.EventPattern).toEqual(EXTENDED_PATTERN);
    expect(forwarder.eventPattern).toEqual(EXTENDED_PATTERN);
    expect(rule.Properties.EventBusName).toBeUndefined(); // the default bus, where CloudTrail delivers
    expect(rule.Properties.Targets).toEqual([
      {
        Arn: `arn:aws:events:us-east-1:${MEMBER}:event-bus/default`,
        Id: 'Target0',
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ForwarderRole/), 'Arn'] },
      },
    ]);
  });

  test("the role may only put events on the target bus, and only this account's forwarder rules may assume it", () => {
    t.resourceCountIs('AWS::IAM::Role', 1);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'bedrock-supply-chain-alert-forward-eu-west-1',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': MEMBER },
              ArnLike: { 'aws:SourceArn': `arn:aws:events:eu-west-1:${MEMBER}:rule/bedrock-supply-chain-forward-*` },
            },
          },
        ],
      },
      Policies: [
        {
          PolicyName: 'PutEvents',
          PolicyDocument: {
            Statement: [
              {
                Action: 'events:PutEvents',
                Effect: 'Allow',
                Resource: `arn:aws:events:us-east-1:${MEMBER}:event-bus/default`,
              },
            ],
          },
        },
      ],
    });
  });

  test('with forwardTamperEvents, the regional tamper patterns too (and no IAM/Organizations rule outside us-east-1)', () => {
    const tamper = rulesOf(t).filter((r) => String(r.Properties.Name).startsWith(FORWARD.tamperRule));
    expect(tamper.map((r) => r.Properties.EventPattern)).toEqual(buildTamperPatterns(NAMES, 'regional'));
    expect(tamper.map((r) => r.Properties.Name)).toEqual([FORWARD.tamperRule, `${FORWARD.tamperRule}-2`]);
    expect(rulesNamed(t, FORWARD.globalTamperRule)).toEqual([]);
    expect(forwarder.globalTamperRules).toEqual([]);
  });

  test('in us-east-1, the IAM and Organizations tamper pattern with the guardrail SCP ids goes to the central bus', () => {
    const m = template(managementUsEast1);
    const [global] = rulesNamed(m, FORWARD.globalTamperRule);
    expect([global.Properties.EventPattern]).toEqual(buildTamperPatterns(NAMES, 'us-east-1', ['p-abcd1234']));
    expect(global.Properties.Targets[0].Arn).toBe(ORG_BUS_ARN);
    expect(managementForwarder.role.node.defaultChild).toBeDefined();
    m.hasResourceProperties('AWS::IAM::Role', { RoleName: 'bedrock-supply-chain-alert-forward-us-east-1' });
  });

  test("the forwarders' names fall under the detector's, so the guardrails deny changes and the tamper patterns alert", () => {
    const statements = buildGuardrailStatements({ approvedPrincipalArns: ['arn:aws:iam::*:role/mlops-pipeline-*'] });
    const attacker = { 'aws:PrincipalArn': `arn:aws:iam::${MEMBER}:role/developer` };
    const deployer = { 'aws:PrincipalArn': `arn:aws:iam::${MEMBER}:role/stacksets-exec-0123456789abcdef` };
    const requests = [
      ['events:DisableRule', `arn:aws:events:eu-west-1:${MEMBER}:rule/${FORWARD.rule}`],
      ['events:RemoveTargets', `arn:aws:events:eu-west-1:${MEMBER}:rule/${FORWARD.tamperRule}-2`],
      ['iam:DeleteRolePolicy', `arn:aws:iam::${MEMBER}:role/${FORWARD.rolePrefix}-eu-west-1`],
      ['iam:PutRolePolicy', `arn:aws:iam::${MEMBER}:role/${FORWARD.tamperRolePrefix}-us-east-1`],
    ];
    for (const [action, resource] of requests) {
      expect([action, evaluate(statements, { action, resource, context: attacker }).allowed]).toEqual([action, false]);
      expect([action, evaluate(statements, { action, resource, context: deployer }).allowed]).toEqual([action, true]);
    }
    const disable = envelope({
      eventSource: 'events.amazonaws.com',
      eventName: 'DisableRule',
      awsRegion: 'eu-west-1',
      recipientAccountId: MEMBER,
      requestParameters: { name: FORWARD.rule },
    });
    const deleteRole = envelope({
      eventSource: 'iam.amazonaws.com',
      eventName: 'DeleteRole',
      recipientAccountId: MEMBER,
      requestParameters: { roleName: `${FORWARD.rolePrefix}-eu-west-1` },
    });
    expect(buildTamperPatterns(NAMES, 'regional').some((p) => matchesEventPattern(p, disable))).toBe(true);
    expect(buildTamperPatterns(NAMES, 'us-east-1').some((p) => matchesEventPattern(p, deleteRole))).toBe(true);
  });

  test("the organisation bus in the forwarder's own account and region is no loop: only the default bus is", () => {
    const { stack } = freshStack('us-east-1');
    const own = OrganizationEventBus.fromCentralAccount(stack, 'Own', { account: MEMBER, region: 'us-east-1' });
    expect(() => new RegionalForwarder(stack, 'F', { targetEventBus: own, trail: TRAIL })).not.toThrow();
  });
});

describe('OrganizationDetector', () => {
  const t = template(central);

  test('the central bus admits events:PutEvents from the organisation only', () => {
    t.resourceCountIs('AWS::Events::EventBus', 1);
    t.hasResourceProperties('AWS::Events::EventBus', { Name: 'bedrock-supply-chain-org-bus' });
    const policies = Object.values(t.findResources('AWS::Events::EventBusPolicy'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Statement).toEqual({
      Sid: 'cdk-OrganizationPutEvents',
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OrgBus/), 'Arn'] },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
    });
  });

  test("every detector rule listens on the central bus, with lib/detection's patterns and no account filter", () => {
    const busRef = { Ref: expect.stringMatching(/^OrgBus/) };
    // Event rules only (the reconciliation schedule runs on the default bus, as schedules must).
    const detectorRules = rulesOf(t).filter(
      (r) => !String(r.Properties.Name).includes('-forward-') && !r.Properties.ScheduleExpression,
    );
    expect(detectorRules.map((r) => r.Properties.Name)).toEqual([
      NAMES.rule,
      NAMES.tamperRule,
      `${NAMES.tamperRule}-2`,
    ]);
    for (const rule of detectorRules) {
      expect(rule.Properties.EventBusName).toEqual(busRef);
      // Forwarded events keep their own account and region: nothing in the patterns filters on them.
      expect(Object.keys(rule.Properties.EventPattern).sort()).toEqual(['detail', 'detail-type', 'source']);
    }
    expect(detectorRules[0].Properties.EventPattern).toEqual(EXTENDED_PATTERN);
    expect(hub.detector.eventPattern).toEqual(EXTENDED_PATTERN);
  });

  test("changes to the security account's own detector are forwarded from its default bus to the central bus", () => {
    const tamper = rulesOf(t).filter((r) => String(r.Properties.Name).includes('-forward-'));
    expect(tamper.map((r) => r.Properties.Name)).toEqual([FORWARD.tamperRule, `${FORWARD.tamperRule}-2`]);
    for (const rule of tamper) {
      expect(rule.Properties.EventBusName).toBeUndefined();
      expect(rule.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OrgBus/), 'Arn'] });
    }
    t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'bedrock-supply-chain-alert-forward-tamper-eu-central-1' });
    expect(hub.tamperForwarder?.rule).toBeUndefined();
  });

  test('uses the organisation trail: no trail and no trail bucket are created', () => {
    t.resourceCountIs('AWS::CloudTrail::Trail', 0);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    expect(hub.detector.trailSource.kind).toBe('organization');
    expect(hub.detector.trailArn).toBe(`arn:aws:cloudtrail:eu-central-1:${MANAGEMENT}:trail/org-trail`);
  });
});

describe('OrganizationForwarders', () => {
  const t = template(management);
  const [stackSet] = Object.values(t.findResources('AWS::CloudFormation::StackSet'));
  const body = JSON.parse(stackSet.Properties.TemplateBody);

  test('a service-managed StackSet to the OUs and regions from props, with auto-deployment on', () => {
    expect(stackSet.Properties).toMatchObject({
      StackSetName: 'bedrock-supply-chain-forwarders',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: true },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ['ou-zz99-aaaaaaaa', 'r-zz99'] },
          Regions: ['eu-central-1', 'eu-west-1', 'us-east-1'],
        },
      ],
      OperationPreferences: {
        RegionConcurrencyType: 'PARALLEL',
        MaxConcurrentPercentage: 50,
        FailureTolerancePercentage: 5,
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
      Parameters: [{ ParameterKey: 'CentralEventBusArn', ParameterValue: ORG_BUS_ARN }],
    });
    expect(forwarders.centralEventBusArn).toBe(ORG_BUS_ARN);
  });

  test("each member account-region gets the detector's pattern, the changes that would blind it or take the account out, and one role: nothing else", () => {
    const resources = Object.values(body.Resources) as { Type: string; Properties: Record<string, unknown> }[];
    expect(resources.map((r) => r.Type).sort()).toEqual([
      'AWS::Events::Rule',
      'AWS::Events::Rule',
      'AWS::Events::Rule',
      'AWS::Events::Rule',
      'AWS::IAM::Role',
    ]);
    const byName = Object.fromEntries(
      resources.filter((r) => r.Type === 'AWS::Events::Rule').map((r) => [r.Properties.Name, r.Properties]),
    );
    expect(Object.keys(byName).sort()).toEqual(
      [FORWARD.rule, FORWARD.tamperRule, `${FORWARD.tamperRule}-2`, FORWARD.globalTamperRule].sort(),
    );
    expect(byName[FORWARD.rule].EventPattern).toEqual(EXTENDED_PATTERN);
    // The member's own us-east-1 escape calls (LeaveOrganization, EnableRegion) reach the detector.
    const global = JSON.stringify(byName[FORWARD.globalTamperRule].EventPattern);
    for (const call of ['LeaveOrganization', 'EnableRegion', 'MoveAccount']) expect(global).toContain(call);
    for (const rule of Object.values(byName) as Record<string, unknown>[]) {
      expect(rule.Targets).toEqual([
        { Arn: { Ref: 'CentralEventBusArn' }, Id: 'Target0', RoleArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      ]);
    }
  });

  test('the member template is self-contained: no assets, no bootstrap check, no CDK metadata', () => {
    expect(Object.keys(body).sort()).toEqual(['Description', 'Parameters', 'Resources']);
    expect(Object.keys(body.Parameters)).toEqual(['CentralEventBusArn']);
    expect(forwarders.templateBody).not.toMatch(/BootstrapVersion|cdk-hnb659fds|aws:cdk:path|AWS::CDK::Metadata|Asset/);
    expect(Buffer.byteLength(forwarders.templateBody)).toBeLessThan(51_200);
    expect(forwarders.memberTemplate).toEqual(body);
  });

  test('the defaults: SELF, parallel regions, all accounts at once, 10% failure tolerance', () => {
    const { stack } = freshStack('us-east-1');
    const defaults = new OrganizationForwarders(stack, 'F', {
      centralAccountId: CENTRAL,
      regions: ['us-east-1'],
      organizationalUnitIds: ['ou-ab12-abcdefgh'],
      trail: TRAIL,
    });
    expect(defaults.stackSet.callAs).toBe('SELF');
    expect(stack.resolve(defaults.stackSet.operationPreferences)).toEqual({
      regionConcurrencyType: 'PARALLEL',
      maxConcurrentPercentage: 100,
      failureTolerancePercentage: 10,
      concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
    });
    const rule = Object.values(JSON.parse(defaults.templateBody).Resources).find(
      (r) => (r as { Type: string }).Type === 'AWS::Events::Rule',
    ) as { Properties: { EventPattern: unknown } };
    expect(rule.Properties.EventPattern).toEqual(buildEventPattern(resolveWatchedCalls()));
  });
});

describe('trail declaration', () => {
  test('a warning when no trail is created and none is declared', () => {
    const a = testApp({ builtinCloudFormationValidation: false });
    const stack = new Stack(a, 'S', env(MEMBER, 'eu-west-1'));
    new RegionalForwarder(stack, 'F', { targetEventBus: RegionalForwarder.homeRegionBus(stack, 'B', 'us-east-1') });
    Annotations.fromStack(stack).hasWarning(
      '/S/F',
      Match.stringLikeRegexp('creates no trail, and none is declared.*DetectorTrail.organizationTrail'),
    );
  });

  test('no warning once a trail is declared', () => {
    expect(
      report.violations.filter((v) => v.ruleName.includes('noTrailDeclared')).map((v) => v.violatingConstructs),
    ).toEqual([]);
  });
});

describe("the central bus's resource policy, checked at synth after every statement is added", () => {
  test('fails when a statement would admit principals outside the organisation to the central bus', () => {
    const { app: a, stack } = freshStack('us-east-1', CENTRAL);
    const bus = new OrganizationEventBus(stack, 'Bus', { organizationId: ORG });
    bus.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'Partner',
        principals: [new iam.AccountPrincipal('999999999999')],
        actions: ['events:PutEvents'],
        resources: [bus.eventBus.eventBusArn],
      }),
    );
    expect(() => a.synth()).toThrow(
      /central bus's resource policy \(S\/Bus\/Resource\/cdk-Partner\/Resource\) would admit principals outside the organisation "o-zzzz9999yy": every Allow statement must carry the condition StringEquals 'aws:PrincipalOrgID' = "o-zzzz9999yy", got .*999999999999/,
    );
  });

  test('fails when a statement admits another organisation', () => {
    const { app: a, stack } = freshStack('us-east-1', CENTRAL);
    const bus = new OrganizationEventBus(stack, 'Bus', { organizationId: ORG });
    bus.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'Other',
        principals: [new iam.StarPrincipal()],
        actions: ['events:PutEvents'],
        resources: [bus.eventBus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': 'o-other00000' } },
      }),
    );
    expect(() => a.synth()).toThrow(/would admit principals outside the organisation "o-zzzz9999yy".*o-other00000/);
  });

  test('a narrower statement (the organisation and an OU path) is accepted; a token organisation is not judged', () => {
    const { app: a, stack } = freshStack('us-east-1', CENTRAL);
    const bus = new OrganizationEventBus(stack, 'Bus', { organizationId: ORG });
    bus.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'Narrower',
        principals: [new iam.StarPrincipal()],
        actions: ['events:PutEvents'],
        resources: [bus.eventBus.eventBusArn],
        conditions: {
          StringEquals: { 'aws:PrincipalOrgID': ORG },
          'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${ORG}/r-zz99/ou-zz99-aaaaaaaa/*`] },
        },
      }),
    );
    const token = new OrganizationEventBus(stack, 'TokenBus', {
      organizationId: new CfnParameter(stack, 'OrgId').valueAsString,
      namePrefix: 'other-prefix',
    });
    token.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NotJudged',
        principals: [new iam.AccountPrincipal('999999999999')],
        actions: ['events:PutEvents'],
        resources: [token.eventBus.eventBusArn],
      }),
    );
    expect(() => a.synth()).not.toThrow();
  });
});

describe('planWatchedRegions and the region list', () => {
  test('splits the regions into the home region and the forwarded ones', () => {
    expect(WatchedRegions.plan({ regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'] })).toEqual({
      homeRegion: 'us-east-1',
      regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
      forwardedRegions: ['eu-west-1', 'ap-southeast-2'],
      partition: 'aws',
    });
    expect(WatchedRegions.plan({ regions: ['cn-north-1', 'cn-northwest-1'], homeRegion: 'cn-north-1' })).toMatchObject({
      forwardedRegions: ['cn-northwest-1'],
      partition: 'aws-cn',
    });
  });

  test("the list is aws-cdk-lib's region-info for the aws, aws-cn and aws-us-gov partitions", () => {
    for (const [partition, regions] of Object.entries(REGIONS_BY_PARTITION)) {
      const known = RegionInfo.regions.filter((r) => r.partition === partition).map((r) => r.name);
      expect([partition, [...regions].sort()]).toEqual([partition, known.sort()]);
    }
  });
});
