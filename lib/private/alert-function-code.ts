import * as fs from 'node:fs';
import * as path from 'node:path';

import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/** esbuild settings shared by synth-time bundling and the package's pre-built bundle. */
export const ALERT_FUNCTION_ESBUILD = {
  target: 'node24',
  format: 'cjs',
  minify: true,
  keepNames: true,
  external: ['@aws-sdk/*'],
} as const;

/** The handler source, present in a checkout of this repository. */
export const ALERT_FUNCTION_SOURCE = path.join(__dirname, '..', '..', 'lambda', 'alert', 'index.ts');
/** The pre-built bundle, present in the npm package (`npm run build` writes it). */
export const ALERT_FUNCTION_PREBUILT = path.join(__dirname, '..', '..', 'assets', 'alert-handler');

/**
 * How the alerting function gets its code: bundled at synth by the local esbuild from the TypeScript
 * source in a checkout, or the bundle pre-built into the npm package (so a consumer needs neither
 * esbuild nor Docker). Both come from the same source with the same esbuild settings.
 */
export function alertFunctionCode(): Pick<nodejs.NodejsFunctionProps, 'entry' | 'handler' | 'code' | 'bundling'> {
  if (fs.existsSync(ALERT_FUNCTION_SOURCE)) {
    return {
      entry: ALERT_FUNCTION_SOURCE,
      handler: 'handler',
      bundling: {
        forceDockerBundling: false,
        target: ALERT_FUNCTION_ESBUILD.target,
        format: nodejs.OutputFormat.CJS,
        minify: ALERT_FUNCTION_ESBUILD.minify,
        keepNames: ALERT_FUNCTION_ESBUILD.keepNames,
        externalModules: [...ALERT_FUNCTION_ESBUILD.external],
        sourceMap: false,
        esbuildArgs: { '--legal-comments': 'none' },
      },
    };
  }
  if (fs.existsSync(path.join(ALERT_FUNCTION_PREBUILT, 'index.js'))) {
    return { code: lambda.Code.fromAsset(ALERT_FUNCTION_PREBUILT), handler: 'index.handler' };
  }
  throw new Error(
    `The alerting function's code is missing: neither ${ALERT_FUNCTION_SOURCE} nor ${ALERT_FUNCTION_PREBUILT}/index.js exists. ` +
      'Install the published package, or run `npm run build` in a checkout.',
  );
}
