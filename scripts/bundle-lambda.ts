// Pre-builds the alerting function for the npm package, with the settings synth-time bundling uses.
import * as path from 'node:path';

import { build } from 'esbuild';

import { ALERT_FUNCTION_ESBUILD, ALERT_FUNCTION_SOURCE } from '../lib/private/alert-function-code';

const outdir = path.join(__dirname, '..', 'dist', 'assets', 'alert-handler');

build({
  entryPoints: [ALERT_FUNCTION_SOURCE],
  outfile: path.join(outdir, 'index.js'),
  bundle: true,
  platform: 'node',
  target: ALERT_FUNCTION_ESBUILD.target,
  format: ALERT_FUNCTION_ESBUILD.format,
  minify: ALERT_FUNCTION_ESBUILD.minify,
  keepNames: ALERT_FUNCTION_ESBUILD.keepNames,
  external: [...ALERT_FUNCTION_ESBUILD.external],
  legalComments: 'none',
  logLevel: 'info',
}).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
