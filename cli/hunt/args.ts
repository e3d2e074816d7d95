/** The command line of `bedrock-supply-chain hunt`. Pure: argv in, options or a usage error out. */
import * as os from 'node:os';
import { parseArgs } from 'node:util';

import {
  DETECTION_PROFILES,
  SOURCE_PROFILES,
  checkApprovals,
  resolveWatchedCalls,
  type Approvals,
  type DetectionProfileName,
  type SourceProfileName,
  type WatchedCallOptions,
} from '../../lib/detection';

export const USAGE = `Usage: bedrock-supply-chain hunt <dir | file | s3://bucket/prefix>... [options]

Runs the detector's classifier and verdicts over CloudTrail log files: gzipped or plain JSON with
"Records" (as CloudTrail writes them), or JSON lines (one record a line). Directories and S3 prefixes
are read recursively (files named .json, .jsonl, .ndjson, optionally .gz; CloudTrail-Digest is skipped).

Options:
  --format table|jsonl         findings on standard output as a table (default) or one JSON object a line
  --profile default|extended   the watched calls (default: the detector's default profile)
  --source-profile NAME        an opt-in source profile, repeatable: ${SOURCE_PROFILES.join(', ')}
  --additional-event-name NAME a further bedrock.amazonaws.com event name to watch, repeatable
  --approvals FILE             approvals as JSON: {"principalArns":[],"s3Locations":[],"sourceAccounts":[],"modelSourceIdentifiers":[]}
  --approved-principal ARN     an approved principal ARN pattern, repeatable (adds to --approvals)
  --approved-s3 S3URI          an approved S3 location, repeatable
  --approved-account ID        an approved source account, repeatable
  --approved-model-source ARN  an approved marketplace model source pattern, repeatable
  --workers N                  worker threads (default: every core, ${os.availableParallelism()} here)
  --full-parse                 parse every file (exact record counts; finds malformed files the pre-filter skips)
  --endpoint-url URL           S3 endpoint (or AWS_ENDPOINT_URL_S3); path-style addressing is used with it
  --region REGION              S3 region (default: the SDK's, else us-east-1; other regions are followed)
  --no-progress                no progress bar (it is shown only when standard error is a terminal)
  -h, --help                   this text

Exit status: 0 nothing found and every file read; 1 findings; 2 usage error or nothing could be read;
3 nothing found but some files or records could not be read (listed on standard error).`;

export interface HuntOptions {
  readonly inputs: readonly string[];
  readonly format: 'table' | 'jsonl';
  readonly watched: WatchedCallOptions;
  readonly approvals: Approvals;
  readonly workers: number;
  readonly fullParse: boolean;
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly progress: boolean;
}

export type Parsed = { readonly help: true } | { readonly help?: false; readonly options: HuntOptions };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses `hunt`'s arguments (argv after the node binary and the script). `readFile` reads the
 * approvals file (injected, so tests need no files).
 * @throws UsageError with what is wrong
 */
export function parseHuntArgs(
  argv: readonly string[],
  readFile: (file: string) => string,
  env: NodeJS.ProcessEnv = {},
): Parsed {
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return { help: true };
  const [command, ...inputs] = positionals;
  if (command !== 'hunt') throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  if (inputs.length === 0) throw new UsageError('hunt needs at least one directory, file or s3://bucket/prefix');
  for (const input of inputs) {
    if (input.startsWith('s3://') && !/^s3:\/\/[^/]+/.test(input)) throw new UsageError(`'${input}' names no bucket`);
  }

  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'jsonl')
    throw new UsageError(`--format must be table or jsonl, got '${format}'`);
  const profile = values.profile ?? 'default';
  if (!(DETECTION_PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(`--profile must be one of ${DETECTION_PROFILES.join(', ')}, got '${profile}'`);
  }
  const watched: WatchedCallOptions = {
    profile: profile as DetectionProfileName,
    sourceProfiles: (values['source-profile'] ?? []) as SourceProfileName[],
    additionalEventNames: values['additional-event-name'] ?? [],
  };
  try {
    resolveWatchedCalls(watched);
  } catch (e) {
    throw new UsageError(
      (e as Error).message
        .replace(/'sourceProfiles'/g, '--source-profile')
        .replace(/'additionalEventNames'/g, '--additional-event-name'),
    );
  }

  let fromFile: Approvals = {};
  if (values.approvals !== undefined) {
    let text: string;
    try {
      text = readFile(values.approvals);
    } catch (e) {
      throw new UsageError(`cannot read --approvals ${values.approvals}: ${(e as Error).message}`);
    }
    try {
      fromFile = JSON.parse(text) as Approvals;
    } catch (e) {
      throw new UsageError(`--approvals ${values.approvals} is not JSON: ${(e as Error).message}`);
    }
    if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) {
      throw new UsageError(`--approvals ${values.approvals} must hold a JSON object`);
    }
    const unknown = Object.keys(fromFile).filter(
      (k) => !['principalArns', 's3Locations', 'sourceAccounts', 'modelSourceIdentifiers'].includes(k),
    );
    if (unknown.length > 0) throw new UsageError(`--approvals ${values.approvals}: unknown keys ${unknown.join(', ')}`);
  }
  const merge = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
    a === undefined && (b === undefined || b.length === 0) ? undefined : [...(a ?? []), ...(b ?? [])];
  const approvals: Approvals = {
    principalArns: merge(fromFile.principalArns, values['approved-principal']),
    s3Locations: merge(fromFile.s3Locations, values['approved-s3']),
    sourceAccounts: merge(fromFile.sourceAccounts, values['approved-account']),
    modelSourceIdentifiers: merge(fromFile.modelSourceIdentifiers, values['approved-model-source']),
  };
  const problems = checkApprovals(approvals);
  if (problems.length > 0) throw new UsageError(problems.join('; '));

  let workers = os.availableParallelism();
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
      throw new UsageError(`--workers must be a whole number from 1 to 256, got '${values.workers}'`);
    }
  }
  const endpointUrl = values['endpoint-url'] ?? env.AWS_ENDPOINT_URL_S3 ?? undefined;
  if (endpointUrl !== undefined && !/^https?:\/\/[^/]+/.test(endpointUrl)) {
    throw new UsageError(`--endpoint-url must be an http(s) URL, got '${endpointUrl}'`);
  }
  return {
    options: {
      inputs,
      format,
      watched,
      approvals: Object.fromEntries(Object.entries(approvals).filter(([, v]) => v !== undefined)) as Approvals,
      workers,
      fullParse: values['full-parse'] ?? false,
      endpointUrl,
      region: values.region,
      progress: !(values['no-progress'] ?? false),
    },
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      profile: { type: 'string' },
      'source-profile': { type: 'string', multiple: true },
      'additional-event-name': { type: 'string', multiple: true },
      approvals: { type: 'string' },
      'approved-principal': { type: 'string', multiple: true },
      'approved-s3': { type: 'string', multiple: true },
      'approved-account': { type: 'string', multiple: true },
      'approved-model-source': { type: 'string', multiple: true },
      workers: { type: 'string' },
      'full-parse': { type: 'boolean' },
      'endpoint-url': { type: 'string' },
      region: { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
