/**
 * Runs several CDK apps in one Node process, each the way the CDK CLI runs one: before an app's
 * file is loaded, CDK_OUTDIR and CDK_CONTEXT_JSON are set for it, and its App synthesizes itself
 * when the process ends. One process loads the library once for all the apps.
 *
 *   node --require tsx/cjs test/support/synth-apps.ts '[{"app":"bin/app.ts","outdir":"…","context":{…}}]'
 */
import * as path from 'node:path';

interface AppRun {
  readonly app: string;
  readonly outdir: string;
  readonly context: Record<string, unknown>;
}

const runs: AppRun[] = JSON.parse(process.argv[2]);
for (const run of runs) {
  process.env.CDK_OUTDIR = run.outdir;
  process.env.CDK_CONTEXT_JSON = JSON.stringify(run.context);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- each app is a script that runs on load
  require(path.resolve(run.app));
}
