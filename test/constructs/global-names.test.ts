// Names global to an account (IAM roles, dashboards, a multi-region trail, which logs every region)
// or to the organisation (SCPs) must not be claimed twice. Tried as a platform team would: the
// umbrella construct deployed "in each region" of one account.
import { App, Stack } from 'aws-cdk-lib';

import { SupplyChainDetector, SupplyChainGuard, DetectorTrail } from '../../lib';
import { testApp } from '../support/app';

const ACCOUNT = '111122223333';
const APPROVED = ['arn:aws:iam::*:role/mlops-pipeline-*'];
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/bedrock-supply-chain-trail`;

function guardIn(
  app: App,
  region: string,
  props: Partial<ConstructorParameters<typeof SupplyChainGuard>[2]> = {},
  account = ACCOUNT,
) {
  const stack = new Stack(app, `Guard-${region}-${account}`, { env: { account, region } });
  new SupplyChainGuard(stack, 'Guard', { approvedPrincipalArns: APPROVED, ...props });
  return stack;
}

/** Every physical name of a type in a synthesized assembly. */
function names(assembly: ReturnType<App['synth']>, type: string, property: string): string[] {
  return assembly.stacks.flatMap((s) =>
    Object.values(s.template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>)
      .filter((r) => r.Type === type)
      .map((r) => JSON.stringify(r.Properties[property])),
  );
}

describe('the umbrella in two regions of one account', () => {
  test('with a trail each: synth stops, saying one multi-region trail logs every region and what to do', () => {
    const app = testApp();
    guardIn(app, 'us-east-1');
    guardIn(app, 'eu-west-1');
    expect(() => app.synth()).toThrow(
      /2 constructs create a multi-region trail, which is global to account 111122223333: Guard-us-east-1-111122223333\/Guard\/Detector in Guard-us-east-1-111122223333 \(111122223333, us-east-1\) and Guard-eu-west-1-111122223333\/Guard\/Detector in Guard-eu-west-1-111122223333 \(111122223333, eu-west-1\)\. One multi-region trail logs every region of an account: .*RegionalForwarder.*DetectorTrail\.existing/,
    );
  });

  test('with the first trail declared to the second: no account-global name twice', () => {
    const app = testApp();
    guardIn(app, 'us-east-1');
    guardIn(app, 'eu-west-1', { trail: DetectorTrail.existing(TRAIL_ARN) });
    const assembly = app.synth();
    const roles = names(assembly, 'AWS::IAM::Role', 'RoleName').filter((n) => n !== undefined && n !== 'undefined');
    const dashboards = names(assembly, 'AWS::CloudWatch::Dashboard', 'DashboardName');
    expect(dashboards.sort()).toEqual(['"bedrock-supply-chain-eu-west-1"', '"bedrock-supply-chain-us-east-1"']);
    expect(roles.sort()).toEqual([
      '"bedrock-supply-chain-alert-eu-west-1"',
      '"bedrock-supply-chain-alert-follow-up-eu-west-1"',
      '"bedrock-supply-chain-alert-follow-up-us-east-1"',
      '"bedrock-supply-chain-alert-us-east-1"',
    ]);
    expect(new Set([...roles, ...dashboards]).size).toBe(roles.length + dashboards.length);
  });

  test('an SCP from each: synth stops, since the organisation needs its guardrails once', () => {
    const app = testApp();
    guardIn(app, 'us-east-1', { scpTargetIds: ['ou-ab12-abcdefgh'] });
    guardIn(app, 'eu-west-1', { scpTargetIds: ['ou-ab12-abcdefgh'], trail: DetectorTrail.existing(TRAIL_ARN) });
    expect(() => app.synth()).toThrow(
      /2 constructs create the SCP 'bedrock-supply-chain-guardrail', which is global to the organisation: .*create the SCP in one stack \(give the other umbrella constructs no 'scpTargetIds'\)/,
    );
  });

  test('two accounts are two scopes: each its own trail and names', () => {
    const app = testApp();
    guardIn(app, 'us-east-1');
    guardIn(app, 'us-east-1', {}, '444455556666');
    expect(() => app.synth()).not.toThrow();
  });
});

test('two detectors in one account and region with one prefix: synth names the role and asks for two prefixes', () => {
  const app = testApp();
  const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const trail = DetectorTrail.existing(TRAIL_ARN);
  new SupplyChainDetector(stack, 'A', { trail });
  new SupplyChainDetector(new Stack(app, 'T', { env: { account: ACCOUNT, region: 'us-east-1' } }), 'B', {
    trail,
  });
  expect(() => app.synth()).toThrow(
    /2 constructs claim the IAM role name 'bedrock-supply-chain-alert-us-east-1', which is global to account 111122223333: .*Two detectors in one account and region need two 'namePrefix' values\./,
  );
});
