/**
 * `bedrock-supply-chain hunt`: the package's command. The same file is the worker threads' script
 * (started with `workerData.huntWorker`), so the bundle is one file.
 */
import * as fs from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

import { USAGE, UsageError, parseHuntArgs } from './args';
import { EXIT } from './report';
import { runHunt, serveWorker, type WorkerSetup } from './run';

/** Runs the command line; resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseHuntArgs(argv, (f) => fs.readFileSync(f, 'utf8'), process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`bedrock-supply-chain: ${e.message}\n\n${USAGE}\n`);
    return EXIT.unusable;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.clean;
  }
  return runHunt(parsed.options, { stdout: process.stdout, stderr: process.stderr });
}

const setup = (workerData as { huntWorker?: WorkerSetup } | null)?.huntWorker;
if (!isMainThread && setup && parentPort) {
  serveWorker(parentPort, setup);
} else if (require.main === module) {
  // Output piped into a reader that stops early (`| head`): stop quietly, as other commands do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? EXIT.findings);
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`bedrock-supply-chain: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT.unusable;
    },
  );
}
