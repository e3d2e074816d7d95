// Pre-builds the alerting function for the npm package, with the settings synth-time bundling uses.
import * as path from 'node:path';

import { bundleAlertFunction } from '../lib/detector/function-code';

const outfile = path.join(__dirname, '..', 'dist', 'assets', 'alert-handler', 'index.js');
bundleAlertFunction(outfile);
console.log(`bundled ${path.relative(process.cwd(), outfile)}`);
