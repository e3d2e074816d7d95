// hunt's command line: the options the detector's construct takes, as flags, and usage errors that
// say what is wrong.
import * as os from 'node:os';

import { UsageError, parseHuntArgs, type HuntOptions } from '../../cli/hunt/args';

const noFile = () => {
  throw new Error('ENOENT: no such file');
};
const options = (argv: string[], readFile: (f: string) => string = noFile, env = {}): HuntOptions => {
  const parsed = parseHuntArgs(argv, readFile, env);
  if (parsed.help) throw new Error('help');
  return parsed.options;
};

test('defaults: the detector default profile, no approvals, a table, every core, the progress bar', () => {
  expect(options(['hunt', 'logs/'])).toEqual({
    inputs: ['logs/'],
    format: 'table',
    watched: { profile: 'default', sourceProfiles: [], additionalEventNames: [] },
    approvals: {},
    workers: os.availableParallelism(),
    fullParse: false,
    endpointUrl: undefined,
    region: undefined,
    progress: true,
  });
});

test('every flag', () => {
  const file = JSON.stringify({ principalArns: ['arn:aws:iam::*:role/mlops-*'], sourceAccounts: ['111122223333'] });
  const o = options(
    [
      'hunt',
      'a',
      's3://bucket/AWSLogs/',
      '--format',
      'jsonl',
      '--profile',
      'extended',
      '--source-profile',
      'ram-model-sharing',
      '--source-profile',
      'model-access',
      '--additional-event-name',
      'CreateFoo',
      '--approvals',
      'a.json',
      '--approved-principal',
      'arn:aws:iam::111122223333:role/ci',
      '--approved-s3',
      's3://models/ok/',
      '--approved-account',
      '444455556666',
      '--approved-model-source',
      'arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/x/*',
      '--workers',
      '3',
      '--full-parse',
      '--endpoint-url',
      'http://127.0.0.1:9000',
      '--region',
      'eu-west-1',
      '--no-progress',
    ],
    (f) => (f === 'a.json' ? file : noFile()),
  );
  expect(o).toEqual({
    inputs: ['a', 's3://bucket/AWSLogs/'],
    format: 'jsonl',
    watched: {
      profile: 'extended',
      sourceProfiles: ['ram-model-sharing', 'model-access'],
      additionalEventNames: ['CreateFoo'],
    },
    approvals: {
      principalArns: ['arn:aws:iam::*:role/mlops-*', 'arn:aws:iam::111122223333:role/ci'],
      s3Locations: ['s3://models/ok/'],
      sourceAccounts: ['111122223333', '444455556666'],
      modelSourceIdentifiers: ['arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/x/*'],
    },
    workers: 3,
    fullParse: true,
    endpointUrl: 'http://127.0.0.1:9000',
    region: 'eu-west-1',
    progress: false,
  });
});

test('the S3 endpoint from AWS_ENDPOINT_URL_S3, the flag winning', () => {
  expect(options(['hunt', 'x'], noFile, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' }).endpointUrl).toBe(
    'http://127.0.0.1:1',
  );
  expect(
    options(['hunt', 'x', '--endpoint-url', 'http://127.0.0.1:2'], noFile, {
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1',
    }).endpointUrl,
  ).toBe('http://127.0.0.1:2');
});

test('--help', () => {
  expect(parseHuntArgs(['--help'], noFile)).toEqual({ help: true });
  expect(parseHuntArgs(['hunt', '-h'], noFile)).toEqual({ help: true });
});

test.each([
  [[], /no command given/],
  [['scan', 'x'], /unknown command 'scan'/],
  [['hunt'], /at least one directory, file or s3/],
  [['hunt', 's3://'], /names no bucket/],
  [['hunt', 'x', '--format', 'csv'], /--format must be table or jsonl, got 'csv'/],
  [['hunt', 'x', '--profile', 'paranoid'], /--profile must be one of default, extended/],
  [['hunt', 'x', '--source-profile', 'nope'], /--source-profile entries must be one of/],
  [['hunt', 'x', '--additional-event-name', 'create-foo'], /--additional-event-name/],
  [['hunt', 'x', '--workers', '0'], /--workers must be a whole number/],
  [['hunt', 'x', '--workers', 'many'], /--workers must be a whole number/],
  [['hunt', 'x', '--approved-account', '12'], /sourceAccounts' entries must be 12-digit/],
  [['hunt', 'x', '--approved-principal', 'arn:aws:iam::*:role/*'], /principalArns/],
  [['hunt', 'x', '--approvals', 'missing.json'], /cannot read --approvals missing.json: ENOENT/],
  [['hunt', 'x', '--endpoint-url', 'localhost:9000'], /--endpoint-url must be an http/],
  [['hunt', 'x', '--bogus'], /Unknown option '--bogus'/],
])('%j is a usage error', (argv, message) => {
  expect(() => parseHuntArgs(argv, noFile)).toThrow(UsageError);
  expect(() => parseHuntArgs(argv, noFile)).toThrow(message);
});

test.each([
  ['not JSON', '{', /is not JSON/],
  ['a list', '[]', /must hold a JSON object/],
  ['unknown keys', '{"principals":[]}', /unknown keys principals/],
  ['a bad entry', '{"s3Locations":["http://x"]}', /s3Locations/],
])('an approvals file that is %s is a usage error', (_what, text, message) => {
  expect(() => parseHuntArgs(['hunt', 'x', '--approvals', 'a.json'], () => text)).toThrow(message);
});
