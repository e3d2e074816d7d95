import * as fs from 'node:fs';
import * as path from 'node:path';

import type { App } from 'aws-cdk-lib';

export interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs: { readonly constructPath: string }[];
}

/**
 * Synthesizes `app` and returns every violation in its validation report, errors and warnings
 * alike, from every plugin (cdk-nag packs and CDK's built-in CloudFormation validation).
 */
export function violations(app: App): { plugins: string[]; violations: Violation[] } {
  let directory: string;
  try {
    directory = app.synth().directory;
  } catch (e) {
    // Under Jest an error-level finding throws; the report is still written.
    const match = /found in: (\S+validation-report\.json)/.exec(String(e));
    if (!match) throw e;
    directory = path.dirname(match[1]);
  }
  const report = JSON.parse(fs.readFileSync(path.join(directory, 'validation-report.json'), 'utf8'));
  return {
    plugins: report.pluginReports.map((p: { pluginName: string }) => p.pluginName),
    violations: report.pluginReports.flatMap((p: { violations: Violation[] }) => p.violations),
  };
}
