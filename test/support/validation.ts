import * as fs from 'node:fs';
import * as path from 'node:path';

import type { App } from 'aws-cdk-lib';

export interface Violation {
  /** The plugin that reported it: a cdk-nag pack's name, 'cdk-validator-cfnguard', 'CloudFormation Validate'. */
  readonly plugin: string;
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs: { readonly constructPath: string }[];
}

interface PluginReport {
  readonly pluginName: string;
  readonly violations: Omit<Violation, 'plugin'>[];
  readonly suppressedViolations?: Omit<Violation, 'plugin'>[];
}

/**
 * Synthesizes `app` and returns every violation in its validation report, errors and warnings
 * alike, from every plugin (cdk-nag packs and CDK's built-in CloudFormation validation).
 */
export function violations(app: App): {
  plugins: string[];
  violations: Violation[];
  /** Findings the plugins reported and an acknowledgment suppressed (cfn-guard; cdk-nag drops its own). */
  suppressed: Violation[];
  /** The cloud assembly directory, where the templates are even when validation failed. */
  directory: string;
} {
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
    violations: report.pluginReports.flatMap((p: PluginReport) =>
      p.violations.map((v) => ({ ...v, plugin: p.pluginName })),
    ),
    suppressed: report.pluginReports.flatMap((p: PluginReport) =>
      (p.suppressedViolations ?? []).map((v) => ({ ...v, plugin: p.pluginName })),
    ),
    directory,
  };
}
