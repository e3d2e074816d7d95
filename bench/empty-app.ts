// Baselines for the synth benchmark, run the same way as bin/app.ts:
// - `npx tsx bench/empty-app.ts`: the same app skeleton as bin/app.ts (CDK's built-in CloudFormation
//   validation off, cdk-nag AwsSolutions on) with one empty stack: what the library's constructs add;
// - `npx tsx bench/empty-app.ts bare`: the same without cdk-nag.
import { App, Stack, Validations } from 'aws-cdk-lib';

const bare = process.argv.includes('bare');
const app = new App({ builtinCloudFormationValidation: false });
new Stack(app, 'Empty');
if (!bare) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for the skeleton baseline
  const { AwsSolutionsChecks } = require('cdk-nag') as typeof import('cdk-nag');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
