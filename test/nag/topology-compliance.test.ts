import { Stack, Validations, type App } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';

import { CDK_JSON_CONTEXT } from '../support/app';
import { controlTowerValidator } from '../support/control-tower';
import { violations, type Violation } from '../support/validation';

// The example topologies besides the quick start (compliance.test.ts covers bin/app.ts and the
// umbrella): each example app as the CLI builds it (its AwsSolutions pack included), with every other
// pack and the Control Tower rules attached, and a canary stack of plain resources every pack flags.
function report(example: 'organization' | 'landing-zone') {
  process.env.CDK_CONTEXT_JSON = JSON.stringify({ ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] });
  let app: App;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once its context is set
    ({ app } = require(`../../bin/${example}`) as { app: App });
  } finally {
    delete process.env.CDK_CONTEXT_JSON;
  }
  const canary = new Stack(app, 'Canary');
  new s3.Bucket(canary, 'PlainBucket');
  new sqs.Queue(canary, 'PlainQueue');
  const packs = [NIST80053R5Checks, HIPAASecurityChecks, PCIDSS321Checks, ServerlessChecks].map(
    (Pack) => new Pack(app),
  );
  Validations.of(app).addPlugins(...packs, controlTowerValidator(app).validator);
  return violations(app);
}

const inCanary = (v: Violation) => v.violatingConstructs.every((c) => c.constructPath.startsWith('Canary/'));

describe.each(['organization', 'landing-zone'] as const)('bin/%s.ts with every compliance pack', (example) => {
  test('every pack ran (each flags the canary), and there are zero unacknowledged findings elsewhere, warnings included', () => {
    const r = report(example);
    const flagged = new Set(r.violations.filter(inCanary).map((v) => v.plugin));
    expect([...flagged].sort()).toEqual(
      [
        'AwsSolutions',
        'HIPAA.Security',
        'NIST.800.53.R5',
        'PCI.DSS.321',
        'Serverless',
        'cdk-validator-cfnguard',
      ].sort(),
    );
    expect(
      r.violations
        .filter((v) => !inCanary(v))
        .map((v) => `${v.plugin} ${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(',')}`),
    ).toEqual([]);
  });
});
