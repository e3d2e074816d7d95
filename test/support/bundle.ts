import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { buildSync } from 'esbuild';

import { ALERT_FUNCTION_SOURCE, alertFunctionBuildOptions } from '../../lib/detector/function-code';

/**
 * The alert function bundled exactly as the package ships it, in a temporary folder that sees this
 * checkout's node_modules (the SDK is external, as in Lambda). Returns the bundle's path and a cleanup.
 */
export function bundledAlertFunction(): { file: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-bundle-'));
  const file = path.join(dir, 'index.js');
  buildSync({ ...alertFunctionBuildOptions(ALERT_FUNCTION_SOURCE, file), logLevel: 'silent' });
  fs.symlinkSync(path.join(__dirname, '..', '..', 'node_modules'), path.join(dir, 'node_modules'));
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
