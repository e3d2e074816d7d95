import * as fs from 'node:fs';
import * as path from 'node:path';

import { AssetHashType } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * esbuild settings shared by synth-time bundling and the package's pre-built bundle. Whitespace and
 * syntax are minified but identifiers are kept: stack traces stay readable without source maps, and
 * there is no `keepNames` helper call on every closure in the hot path.
 */
export const ALERT_FUNCTION_ESBUILD = {
  target: 'node24',
  format: 'cjs',
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['@aws-sdk/*'],
  legalComments: 'none',
} as const;

/** The options for esbuild's `build` API that produce the alerting function's bundle. */
export function alertFunctionBuildOptions(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    ...ALERT_FUNCTION_ESBUILD,
    external: [...ALERT_FUNCTION_ESBUILD.external],
  };
}

/** The handler source, present in a checkout of this repository. */
export const ALERT_FUNCTION_SOURCE = path.join(__dirname, '..', '..', 'lambda', 'alert', 'index.ts');
/** The pre-built bundle, present in the npm package (`npm run build` writes it). */
export const ALERT_FUNCTION_PREBUILT = path.join(__dirname, '..', '..', 'assets', 'alert-handler');

/**
 * How the alerting function gets its code: bundled at synth by the local esbuild (its JavaScript
 * API, no Docker) from the TypeScript source in a checkout of this repository, or the bundle
 * pre-built into the npm package, so a consumer needs neither esbuild nor Docker. Both come from the
 * same source with the same esbuild settings, and both are content-hashed on the bundle.
 *
 * (NodejsFunction's own `entry` bundling would do the same, but it starts esbuild through
 * `npx --no-install`, which costs ~0.6 s per synth; the in-process API takes ~20 ms.)
 */
export function alertFunctionCode(): Pick<nodejs.NodejsFunctionProps, 'handler' | 'code'> {
  if (fs.existsSync(ALERT_FUNCTION_SOURCE)) {
    return {
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.dirname(ALERT_FUNCTION_SOURCE), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Required by the API; never used, because local bundling either succeeds or throws.
          image: lambda.Runtime.NODEJS_24_X.bundlingImage,
          local: {
            tryBundle(outputDir: string): boolean {
              bundleAlertFunction(path.join(outputDir, 'index.js'));
              return true;
            },
          },
        },
      }),
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

/** Bundles the handler source to `outfile` with the local esbuild (a development dependency). */
export function bundleAlertFunction(outfile: string): void {
  let esbuild: typeof import('esbuild');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only in a checkout, never by consumers
    esbuild = require('esbuild');
  } catch (e) {
    throw new Error(
      `Bundling the alerting function from source needs esbuild (run \`npm ci\` in this repository): ${(e as Error).message}`,
      { cause: e },
    );
  }
  esbuild.buildSync({ ...alertFunctionBuildOptions(ALERT_FUNCTION_SOURCE, outfile), logLevel: 'warning' });
}
