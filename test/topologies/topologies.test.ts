/**
 * The example topologies in bin/, each synthesized the way `npx cdk synth --app "npx tsx bin/…"`
 * does it: the app file runs in a child process with cdk.json's context in CDK_CONTEXT_JSON and its
 * output directory in CDK_OUTDIR, and synthesizes itself when the process ends. The three apps share
 * one child process, so the library loads once. Bundling is skipped, as in the other tests (CI's
 * `npx cdk synth` bundles). Offline: nothing here reaches the network.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

// Pure modules only: this file loads none of the constructs (the apps do, in their own process).
import {
  EVENT_PATTERN_MAX_CHARS,
  SOURCE_PROFILES,
  buildEventPatterns,
  buildTamperPatterns,
  detectorNames,
  forwarderNames,
  resolveWatchedCalls,
  type WatchedCallOptions,
} from '../../lib/detection';
import type { PolicyStatementJson } from '../../lib/prevention/policy-document';
import { CDK_JSON_CONTEXT } from '../support/app';
import { evaluate, type IamRequest } from '../support/iam-evaluator';

const ROOT = path.join(__dirname, '..', '..');
const NAMES = detectorNames();
const FORWARD = forwarderNames();

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown> & { Name?: string; EventPattern?: unknown; Targets?: unknown[] };
}
type Template = { readonly Resources: Record<string, Resource> };

interface Synthesized {
  readonly templates: Record<string, Template>;
  readonly violations: unknown[];
  readonly reportWritten: boolean;
}

const TOPOLOGIES = {
  // The quick start, with every region of the account watched (the default has one stack).
  singleAccount: { app: 'bin/app.ts', context: { watchedRegions: 'us-east-1,eu-west-1,ap-southeast-2' } },
  organization: { app: 'bin/organization.ts', context: {} },
  landingZone: { app: 'bin/landing-zone.ts', context: {} },
} as const;
/** What each topology watches, and the trail its detector relies on besides its own. */
const WATCHES: Record<keyof typeof TOPOLOGIES, { options: WatchedCallOptions; trails: string[] }> = {
  singleAccount: { options: {}, trails: [] },
  organization: { options: {}, trails: ['aws-controltower-BaselineCloudTrail'] },
  landingZone: {
    options: { profile: 'default', sourceProfiles: [...SOURCE_PROFILES] },
    trails: ['aws-controltower-BaselineCloudTrail'],
  },
};
type Topology = keyof typeof TOPOLOGIES;

const outdirs: string[] = [];
const results = {} as Record<Topology, Synthesized>;

/** Synthesizes every topology in one child process (test/support/synth-apps.ts) and reads the output. */
async function synthAll(): Promise<Record<Topology, Synthesized>> {
  const runs = (Object.keys(TOPOLOGIES) as Topology[]).map((name) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `topology-${name}-`));
    outdirs.push(outdir);
    const { app, context } = TOPOLOGIES[name];
    return { name, app, outdir, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } };
  });
  try {
    await promisify(execFile)(
      process.execPath,
      ['--require', 'tsx/cjs', path.join('test', 'support', 'synth-apps.ts'), JSON.stringify(runs)],
      { cwd: ROOT, env: { ...process.env, JSII_DEPRECATED: 'quiet' } },
    );
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`the example apps failed to synthesize:\n${stderr}\n${stdout}`, { cause: e });
  }
  return Object.fromEntries(runs.map((r) => [r.name, read(r.outdir)])) as Record<Topology, Synthesized>;
}

function read(outdir: string): Synthesized {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const templates: Record<string, Template> = {};
  for (const [name, artifact] of Object.entries(manifest.artifacts as Record<string, { type: string }>)) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    templates[name] = JSON.parse(fs.readFileSync(path.join(outdir, `${name}.template.json`), 'utf8'));
  }
  const reportFile = path.join(outdir, 'validation-report.json');
  const reportWritten = fs.existsSync(reportFile);
  const report = reportWritten ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
  return {
    templates,
    violations: report.pluginReports.flatMap((p: { violations: unknown[] }) => p.violations),
    reportWritten,
  };
}

beforeAll(async () => {
  Object.assign(results, await synthAll());
}, 120_000);
afterAll(() => outdirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const resources = (t: Template, type?: string) =>
  Object.values(t.Resources).filter((r) => type === undefined || r.Type === type);
const rules = (t: Template) => resources(t, 'AWS::Events::Rule');
const named = (t: Template, name: string) => rules(t).filter((r) => r.Properties.Name === name);
const stackSetBody = (t: Template): Template =>
  JSON.parse(resources(t, 'AWS::CloudFormation::StackSet')[0].Properties.TemplateBody as string);
/** How many resources of each type, sorted by type. */
const census = (t: Template) =>
  Object.fromEntries(
    Object.entries(
      resources(t).reduce<Record<string, number>>((n, r) => ({ ...n, [r.Type]: (n[r.Type] ?? 0) + 1 }), {}),
    ).sort(([a], [b]) => a.localeCompare(b)),
  );

describe.each(Object.keys(TOPOLOGIES) as Topology[])('topology %s', (name) => {
  test('synthesizes offline, with cdk-nag AwsSolutions: zero unacknowledged findings, warnings included', () => {
    expect(results[name].reportWritten).toBe(true);
    expect(results[name].violations).toEqual([]);
  });

  test('snapshot (asset hashes scrubbed)', () => {
    expect(results[name].templates).toMatchSnapshot();
  });

  test("every forwarding rule carries the detector's pattern, exactly as lib/detection builds it", () => {
    const templates = Object.values(results[name].templates);
    const bodies = templates.filter((t) => resources(t, 'AWS::CloudFormation::StackSet').length > 0).map(stackSetBody);
    const forwarding = [...templates, ...bodies].flatMap((t) => named(t, FORWARD.rule));
    expect(forwarding.length).toBeGreaterThan(0);
    const { options, trails } = WATCHES[name];
    const patterns = buildEventPatterns(resolveWatchedCalls(options));
    for (const rule of forwarding) expect(rule.Properties.EventPattern).toEqual(patterns[0]);
    const more = [...templates, ...bodies].flatMap((t) =>
      patterns.slice(1).flatMap((_, i) => named(t, `${FORWARD.rule}-${i + 2}`)),
    );
    for (const rule of more) expect(patterns).toContainEqual(rule.Properties.EventPattern);
    const tamper = templates.flatMap((t) => [...named(t, FORWARD.tamperRule), ...named(t, `${FORWARD.tamperRule}-2`)]);
    for (const rule of tamper) {
      expect(buildTamperPatterns(NAMES, 'regional', [], EVENT_PATTERN_MAX_CHARS, trails)).toContainEqual(
        rule.Properties.EventPattern,
      );
    }
  });
});

describe('single account', () => {
  const t = () => results.singleAccount.templates;

  test('the detector runs once, in the home region; each other region has a forwarder to its default bus', () => {
    expect(Object.keys(t()).sort()).toEqual([
      'BedrockModelSupplyChain',
      'BedrockModelSupplyChain-ap-southeast-2',
      'BedrockModelSupplyChain-eu-west-1',
    ]);
    const functions = Object.values(t())
      .flatMap((x) => resources(x, 'AWS::Lambda::Function'))
      .filter((f) => f.Properties.FunctionName === 'bedrock-supply-chain-alert');
    expect(functions).toHaveLength(1);
    for (const region of ['eu-west-1', 'ap-southeast-2']) {
      const forwarder = t()[`BedrockModelSupplyChain-${region}`];
      const [rule] = named(forwarder, FORWARD.rule);
      expect(JSON.stringify(rule.Properties.Targets)).toContain(':events:us-east-1:');
      expect(JSON.stringify(rule.Properties.Targets)).toContain(':event-bus/default');
    }
    // Home in us-east-1: the IAM and Organizations tamper rule exists there.
    expect(named(t().BedrockModelSupplyChain, NAMES.globalTamperRule)).toHaveLength(1);
  });
});

describe('organisation', () => {
  const t = () => results.organization.templates;

  test('security account: the central bus admits the organisation only, and the detector listens on it', () => {
    const security = t()['BedrockSupplyChain-Security'];
    const [policy] = resources(security, 'AWS::Events::EventBusPolicy');
    expect(policy.Properties.Statement).toMatchObject({
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    });
    expect(resources(security, 'AWS::Events::EventBusPolicy')).toHaveLength(1);
    const [rule] = named(security, NAMES.rule);
    expect(rule.Properties.EventPattern).toEqual(buildEventPatterns(resolveWatchedCalls())[0]);
    expect(rule.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/^DetectorBus/) });
    expect(resources(security, 'AWS::CloudTrail::Trail')).toEqual([]);
  });

  test('management account: the SCP, the StackSet to the OUs and every watched region with auto-deployment', () => {
    const management = t()['BedrockSupplyChain-Management'];
    expect(resources(management, 'AWS::Organizations::Policy')).toHaveLength(1);
    expect(resources(management, 'AWS::CloudFormation::StackSet')[0].Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-11111111', 'ou-ab12-22222222'] },
          Regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
        },
      ],
      Parameters: [
        {
          ParameterKey: 'CentralEventBusArn',
          ParameterValue: 'arn:aws:events:us-east-1:222222222222:event-bus/bedrock-supply-chain-org-bus',
        },
      ],
    });
    // The management account (where StackSets never deploy) forwards from every watched region,
    // and in us-east-1 also the changes to the guardrail SCP.
    const managementStacks = Object.entries(t()).filter(([n]) => n.startsWith('BedrockSupplyChain-Management'));
    expect(managementStacks.flatMap(([, x]) => named(x, FORWARD.rule))).toHaveLength(3);
    const [global] = named(management, FORWARD.globalTamperRule);
    expect(JSON.stringify(global.Properties.EventPattern)).toContain('organizations.amazonaws.com');
  });

  test('the footprint: four rules and one role per member account-region; the central account', () => {
    const member = stackSetBody(t()['BedrockSupplyChain-Management']);
    // The watched calls, the two regional tamper rules (the forwarder's own rules, the relied-on
    // trail) and the us-east-1 one (the member's LeaveOrganization and EnableRegion).
    expect(census(member)).toEqual({ 'AWS::Events::Rule': 4, 'AWS::IAM::Role': 1 });
    // The README's footprint table.
    expect(census(t()['BedrockSupplyChain-Security'])).toEqual({
      'AWS::Events::EventBus': 1,
      // Self-monitoring: one alarm per way the detector can stop alerting, and a dashboard; and the
      // hunt's alarm on failed executions.
      'AWS::CloudWatch::Alarm': 8,
      'AWS::CloudWatch::Dashboard': 1,
      'AWS::DynamoDB::Table': 1,
      'AWS::Events::EventBusPolicy': 1,
      // 4 on the central bus (the watched calls, two tamper rules, the us-east-1 tamper rule),
      // the reconciliation and health-check schedules, 3 tamper forwarders on this account's bus.
      'AWS::Events::Rule': 9,
      // The alert function's, the follow-up and hunt state machines', the backfill provider's and the
      // first hunt's.
      'AWS::IAM::Policy': 5,
      // The alert function's, the follow-up and hunt state machines', the backfill provider's.
      'AWS::IAM::Role': 5,
      'AWS::KMS::Alias': 1,
      // The detector's; the hunt results'.
      'AWS::KMS::Key': 2,
      'AWS::Lambda::EventInvokeConfig': 1,
      'AWS::Lambda::Function': 2,
      'AWS::Lambda::Permission': 6,
      // The function's, the follow-up and hunt state machines', the backfill provider's.
      'AWS::Logs::LogGroup': 4,
      'AWS::SNS::Topic': 1,
      'AWS::SNS::TopicPolicy': 1,
      'AWS::SQS::Queue': 1,
      'AWS::SQS::QueuePolicy': 1,
      'Custom::BedrockSupplyChainBackfill': 1,
      // The lifecycle follow-up's state machine, and the organisation hunt: its database, a table per
      // layout, the workgroup, the results bucket, the state machine, and the first hunt at stack creation.
      'AWS::Glue::Database': 1,
      'AWS::Glue::Table': 2,
      'AWS::Athena::WorkGroup': 1,
      'AWS::S3::Bucket': 1,
      'AWS::S3::BucketPolicy': 1,
      'AWS::StepFunctions::StateMachine': 2,
      'Custom::BedrockSupplyChainHunt': 1,
    });
    expect(census(t()['BedrockSupplyChain-Management'])).toEqual({
      'AWS::CloudFormation::StackSet': 1,
      'AWS::Events::Rule': 4,
      'AWS::IAM::Role': 1,
      'AWS::Organizations::Policy': 1,
    });
    expect(census(t()['BedrockSupplyChain-Management-eu-west-1'])).toEqual({
      'AWS::Events::Rule': 3,
      'AWS::IAM::Role': 1,
    });
  });
});

describe('landing zone', () => {
  const t = () => results.landingZone.templates;

  test("the detector is composed into the landing zone's stacks and uses its topic and its SCP", () => {
    const audit = t()['LandingZone-Audit'];
    expect(resources(audit, 'AWS::SNS::Topic')).toHaveLength(1); // the landing zone's own
    expect(resources(audit, 'AWS::CloudTrail::Trail')).toEqual([]);
    const management = t()['LandingZone-Management'];
    // The guardrails fill the landing zone's own SCP; what does not fit goes into one more, tagged alike.
    const scps = resources(management, 'AWS::Organizations::Policy');
    expect(scps.length).toBeLessThanOrEqual(2);
    const [own] = scps;
    expect(own.Properties.Name).toBe('landing-zone-workload-guardrails');
    const sids = scps.flatMap((p) =>
      JSON.parse(p.Properties.Content as string).Statement.map((s: { Sid: string }) => s.Sid),
    );
    expect(sids).toEqual(
      expect.arrayContaining([
        'DenyRootUser',
        'DenyLeavingOrganization',
        'DenyModelImportUnlessApproved',
        'DenyDetectorTampering',
        'DenyInvokingUnapprovedModels',
      ]),
    );
    for (const p of scps) {
      expect(Buffer.byteLength(p.Properties.Content as string)).toBeLessThanOrEqual(10_240);
      expect(p.Properties.Tags).toEqual([{ Key: 'bedrock-supply-chain:guardrail', Value: 'true' }]);
      expect(p.Properties.TargetIds).toEqual(own.Properties.TargetIds);
    }
    expect(resources(management, 'AWS::CloudFormation::StackSet')).toHaveLength(1);
  });
});

describe("every topology's synthesized guardrails, evaluated (deploy rights never yield import rights)", () => {
  const ACCOUNT = '444444444444';
  const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
  const CFN = role('cdk-hnb659fds-cfn-exec-role-444444444444-us-east-1');
  const OTHER = role('data-scientist');
  const IMPORT_ROLE = role('BedrockModelImportRole');
  const TAG = 'bedrock-supply-chain:approved';
  const req = (
    principal: string,
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {},
  ) => ({
    action,
    resource,
    // Every real request carries its region (the approved-regions guardrail reads it).
    context: { 'aws:PrincipalArn': principal, 'aws:RequestedRegion': 'us-east-1', ...context },
  });
  const imported = `arn:aws:bedrock:us-east-1:${ACCOUNT}:imported-model/abc123def456`;
  const CORE: [string, IamRequest, boolean][] = [
    ['the deployment role imports a model', req(CFN, 'bedrock:CreateModelImportJob', '*'), false],
    ['the deployment role creates mlops-pipeline-evil', req(CFN, 'iam:CreateRole', role('mlops-pipeline-evil')), false],
    [
      'the deployment role re-trusts an approved role',
      req(CFN, 'iam:UpdateAssumeRolePolicy', role('mlops-pipeline-prod')),
      false,
    ],
    [
      'the deployment role tags a model approved',
      req(CFN, 'bedrock:TagResource', imported, { 'aws:TagKeys': [TAG], [`aws:RequestTag/${TAG}`]: 'true' }),
      false,
    ],
    [
      'the deployment role updates the alert function',
      req(CFN, 'lambda:UpdateFunctionCode', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:bedrock-supply-chain-alert`),
      true,
    ],
    ['an application invokes an untagged imported model', req(OTHER, 'bedrock:InvokeModel', imported), false],
    [
      'an application invokes an approved imported model',
      req(OTHER, 'bedrock:InvokeModel', imported, { [`aws:ResourceTag/${TAG}`]: 'true' }),
      true,
    ],
    [
      'an application invokes a foundation model through cross-region inference',
      req(
        OTHER,
        'bedrock:InvokeModel',
        'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
        {
          'aws:RequestedRegion': 'eu-west-1',
          'bedrock:InferenceProfileArn': `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0`,
        },
      ),
      true,
    ],
    [
      'another role sets a filter policy on an alert subscription',
      req(OTHER, 'sns:SetSubscriptionAttributes', `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`),
      false,
    ],
    [
      'another role deletes the chat topic',
      req(OTHER, 'sns:DeleteTopic', `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-chat`),
      false,
    ],
    [
      'another role writes the idempotency table',
      req(OTHER, 'dynamodb:PutItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/bedrock-supply-chain-idempotency`),
      false,
    ],
    [
      'another role deletes the organisation bus',
      req(OTHER, 'events:DeleteEventBus', `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/bedrock-supply-chain-org-bus`),
      false,
    ],
  ];
  const LANDING_ZONE: [string, IamRequest, boolean][] = [
    [
      'another role stops the Control Tower trail',
      req(
        OTHER,
        'cloudtrail:StopLogging',
        `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/aws-controltower-BaselineCloudTrail`,
      ),
      false,
    ],
    [
      'the import role reads a squatted JumpStart-shaped bucket',
      req(IMPORT_ROLE, 's3:GetObject', 'arn:aws:s3:::jumpstart-cache-prod-evil/model.tar.gz', {
        'aws:ResourceAccount': '999999999999',
      }),
      false,
    ],
    [
      'the import role reads the JumpStart cache of a watched region',
      req(IMPORT_ROLE, 's3:GetObject', 'arn:aws:s3:::jumpstart-cache-prod-eu-west-1/model.tar.gz', {
        'aws:ResourceAccount': '999999999999',
      }),
      true,
    ],
    ['an account leaves the organisation', req(OTHER, 'organizations:LeaveOrganization', '*'), false],
    [
      'a role made for the purpose assumes an approved role',
      req(role('laundry'), 'sts:AssumeRole', role('mlops-pipeline-prod')),
      false,
    ],
    [
      'the break-glass permission set assumes the break-glass role',
      req(
        role('aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_BedrockBreakGlass_0123456789abcdef'),
        'sts:AssumeRole',
        role('bedrock-break-glass'),
      ),
      true,
    ],
    [
      'another role shares a custom model through RAM',
      req(OTHER, 'ram:CreateResourceShare', '*', { 'ram:RequestedResourceType': 'bedrock:CustomModel' }),
      false,
    ],
    [
      'an approved pipeline imports in an unwatched region',
      req(role('mlops-pipeline-prod'), 'bedrock:CreateModelImportJob', '*', { 'aws:RequestedRegion': 'ap-south-1' }),
      false,
    ],
    [
      'an approved pipeline imports in a watched region',
      req(role('mlops-pipeline-prod'), 'bedrock:CreateModelImportJob', '*', { 'aws:RequestedRegion': 'eu-west-1' }),
      true,
    ],
    [
      'another role passes a role to Bedrock (broad PassRole deny on)',
      req(OTHER, 'iam:PassRole', role('AgentRole'), { 'iam:PassedToService': 'bedrock.amazonaws.com' }),
      false,
    ],
    [
      'another role swaps the container behind a Bedrock endpoint',
      req(OTHER, 'sagemaker:UpdateEndpoint', `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/e`, {
        'aws:ResourceTag/sagemaker-sdk:bedrock': 'compatible',
      }),
      false,
    ],
  ];

  /** The guardrail statements of a topology: its SCPs, else its IAM guardrail policies. */
  function guardrails(name: Topology): PolicyStatementJson[] {
    const all = Object.values(results[name].templates);
    const scps = all.flatMap((x) => resources(x, 'AWS::Organizations::Policy'));
    if (scps.length > 0) return scps.flatMap((p) => JSON.parse(p.Properties.Content as string).Statement);
    return all
      .flatMap((x) => resources(x, 'AWS::IAM::ManagedPolicy'))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement);
  }

  test.each(['singleAccount', 'organization', 'landingZone'] as const)('%s: the core requests', (name) => {
    const statements = guardrails(name);
    expect(statements.length).toBeGreaterThan(5);
    for (const [what, request, allowed] of CORE)
      expect([what, evaluate(statements, request).allowed]).toEqual([what, allowed]);
  });

  test('landing zone: every guardrail feature is on', () => {
    const statements = guardrails('landingZone');
    for (const [what, request, allowed] of LANDING_ZONE)
      expect([what, evaluate(statements, request).allowed]).toEqual([what, allowed]);
  });

  test('organisation: the organisation trail is protected by name', () => {
    const statements = guardrails('organization');
    const stop = req(
      OTHER,
      'cloudtrail:StopLogging',
      `arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail`,
    );
    expect(evaluate(statements, stop).allowed).toBe(false);
  });

  test('organisation: the SCP covers the security account that holds the detector', () => {
    const [scp] = resources(
      results.organization.templates['BedrockSupplyChain-Management'],
      'AWS::Organizations::Policy',
    );
    expect(scp.Properties.TargetIds).toContain('222222222222');
  });
});
