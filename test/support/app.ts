import * as fs from 'node:fs';
import * as path from 'node:path';

import { App, Stack } from 'aws-cdk-lib';

/** The feature flags `cdk synth` uses: tests must synthesize the same template the CLI does. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'),
).context;

export interface TestAppOptions {
  /** Bundle the Lambda with esbuild (slower); by default bundling is skipped. */
  readonly bundle?: boolean;
  /** A fixed environment, as aws-cdk's own tests use. @default env-agnostic */
  readonly env?: boolean;
  /**
   * CDK's built-in CloudFormation validation: it loads its schemas on first use (seconds per test
   * file), so only test/nag/cloudformation-validation.test.ts turns it on, over the same constructs.
   * @default false
   */
  readonly cfnValidation?: boolean;
}

/** An App with cdk.json's context and a stack to put constructs in. */
export function testStack(options: TestAppOptions = {}): { app: App; stack: Stack } {
  const context: Record<string, unknown> = { ...CDK_JSON_CONTEXT };
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ context, builtinCloudFormationValidation: options.cfnValidation ?? false });
  const stack = new Stack(
    app,
    'TestStack',
    options.env ? { env: { account: '123456789012', region: 'us-east-1' } } : {},
  );
  return { app, stack };
}

/**
 * An App with cdk.json's context, for tests that put several stacks (accounts, regions) in one app.
 * CDK's built-in CloudFormation validation loads its schemas on first use (several seconds per test
 * file): test/nag/cloudformation-validation.test.ts runs it, so other files may turn it off.
 */
export function testApp(
  options: Pick<TestAppOptions, 'bundle'> & { readonly builtinCloudFormationValidation?: boolean } = {},
): App {
  const context: Record<string, unknown> = { ...CDK_JSON_CONTEXT };
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  return new App({ context, builtinCloudFormationValidation: options.builtinCloudFormationValidation });
}
