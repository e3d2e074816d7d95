/**
 * A generated corpus of CloudTrail log files for the `hunt` benchmark and tests: gzipped
 * `{"Records":[...]}` files laid out as CloudTrail writes them (`AWSLogs/<account>/CloudTrail/<region>/
 * YYYY/MM/DD/...json.gz`), mostly other services' events (S3 data events, EC2, STS, IAM, KMS, Lambda,
 * CloudWatch Logs) with Bedrock reads and invocations, failed watched calls, extended-profile calls,
 * and a sprinkling of successful watched calls of the default profile, whose count is returned so a
 * run can check that it found exactly those. Deterministic for a seed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);

/** Bump when the records or the layout change: cached corpora of another version are not reused. */
export const CORPUS_GENERATOR_VERSION = 3;

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const hex = (r: Rand, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)];
  return s;
};
const uuid = (r: Rand) => `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`;
const upper = (r: Rand, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(r() * 32)];
  return s;
};

const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];
const OUTSIDE_ACCOUNT = '999988887777';
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const ROLES = ['mlops-pipeline-prod', 'app-backend', 'data-platform-etl', 'AWSServiceRoleForConfig', 'ci-deployer'];
const AGENTS = [
  'Boto3/1.40.12 md/Botocore#1.40.12 ua/2.1 os/linux#6.8.0-1031-aws md/arch#x86_64 lang/python#3.12.9 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.40.12',
  'aws-sdk-js/3.1169.0 ua/2.1 os/linux#5.10.240-238.959.amzn2.x86_64 lang/js md/nodejs#22.17.0 api/s3#3.1169.0 m/E,N',
  'aws-cli/2.27.41 md/awscrt#0.26.1 ua/2.1 os/linux#6.1.141 md/arch#x86_64 lang/python#3.13.4 md/pyimpl#CPython m/b,E cfg/retry-mode#standard md/installer#exe command/s3.cp',
  'AWS Internal',
  'config.amazonaws.com',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36',
];

interface Ctx {
  readonly r: Rand;
  readonly account: string;
  readonly region: string;
  /** Milliseconds since the epoch of the file's first event. */
  time: number;
}

function identity(c: Ctx, role = pick(c.r, ROLES)) {
  const session = `${role.slice(0, 8)}-${hex(c.r, 10)}`;
  const roleId = `AROA${upper(c.r, 17)}`;
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${c.account}:assumed-role/${role}/${session}`,
    accountId: c.account,
    accessKeyId: `ASIA${upper(c.r, 16)}`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: `arn:aws:iam::${c.account}:role/${role}`,
        accountId: c.account,
        userName: role,
      },
      attributes: {
        creationDate: new Date(c.time - 600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        mfaAuthenticated: 'false',
      },
    },
  };
}

function envelope(c: Ctx, eventSource: string, eventName: string, rest: Record<string, unknown>, readOnly: boolean) {
  c.time += Math.floor(c.r() * 400);
  const service = eventSource.split('.')[0];
  return {
    eventVersion: '1.11',
    userIdentity: identity(c),
    eventTime: new Date(c.time).toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource,
    eventName,
    awsRegion: c.region,
    sourceIPAddress:
      c.r() < 0.3
        ? `${service}.amazonaws.com`
        : `10.${Math.floor(c.r() * 255)}.${Math.floor(c.r() * 255)}.${Math.floor(c.r() * 255)}`,
    userAgent: pick(c.r, AGENTS),
    requestParameters: null,
    responseElements: null,
    ...rest,
    requestID: uuid(c.r),
    eventID: uuid(c.r),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: !rest.resources,
    recipientAccountId: c.account,
    eventCategory: rest.resources ? 'Data' : 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${service}.${c.region}.amazonaws.com`,
    },
  };
}

/** Other services' events, as CloudTrail writes them (request shapes of the real APIs). */
const OTHER: readonly ((c: Ctx) => Record<string, unknown>)[] = [
  (c) => {
    const bucket = `data-lake-${c.account}-${c.region}`;
    const key = `raw/ingest/${hex(c.r, 2)}/part-${hex(c.r, 12)}.snappy.parquet`;
    return envelope(
      c,
      's3.amazonaws.com',
      pick(c.r, ['GetObject', 'PutObject', 'HeadObject']),
      {
        requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, key },
        additionalEventData: {
          SignatureVersion: 'SigV4',
          CipherSuite: 'TLS_AES_128_GCM_SHA256',
          bytesTransferredIn: 0,
          AuthenticationMethod: 'AuthHeader',
          'x-amz-id-2': `${upper(c.r, 40)}/${upper(c.r, 30)}=`,
          bytesTransferredOut: Math.floor(c.r() * 9_000_000),
        },
        resources: [
          { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
          { accountId: c.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
        ],
      },
      true,
    );
  },
  (c) =>
    envelope(
      c,
      'ec2.amazonaws.com',
      pick(c.r, ['DescribeInstances', 'DescribeSecurityGroups', 'DescribeVolumes', 'DescribeNetworkInterfaces']),
      {
        requestParameters: {
          instancesSet: {},
          filterSet: {
            items: [{ name: 'tag:Environment', valueSet: { items: [{ value: pick(c.r, ['prod', 'dev']) }] } }],
          },
          maxResults: 1000,
        },
      },
      true,
    ),
  (c) => {
    const role = pick(c.r, ROLES);
    return envelope(
      c,
      'sts.amazonaws.com',
      'AssumeRole',
      {
        requestParameters: {
          roleArn: `arn:aws:iam::${c.account}:role/${role}`,
          roleSessionName: `${role}-${hex(c.r, 12)}`,
          durationSeconds: 3600,
        },
        responseElements: {
          credentials: {
            accessKeyId: `ASIA${upper(c.r, 16)}`,
            sessionToken: `IQoJb3JpZ2luX2VjE${upper(c.r, 60)}`,
            expiration: 'Mar 11, 2026, 10:14:27 AM',
          },
          assumedRoleUser: {
            assumedRoleId: `AROA${upper(c.r, 17)}:${role}`,
            arn: `arn:aws:sts::${c.account}:assumed-role/${role}/${hex(c.r, 12)}`,
          },
        },
        resources: undefined,
        sharedEventID: uuid(c.r),
      },
      false,
    );
  },
  (c) =>
    envelope(
      c,
      'kms.amazonaws.com',
      pick(c.r, ['Decrypt', 'GenerateDataKey']),
      {
        requestParameters: {
          encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::data-lake-${c.account}-${c.region}/raw/${hex(c.r, 8)}` },
          encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          keyId: `arn:aws:kms:${c.region}:${c.account}:key/${uuid(c.r)}`,
        },
        resources: undefined,
        sharedEventID: uuid(c.r),
      },
      true,
    ),
  (c) =>
    envelope(
      c,
      'iam.amazonaws.com',
      pick(c.r, ['GetRole', 'ListAttachedRolePolicies', 'GetRolePolicy']),
      { requestParameters: { roleName: pick(c.r, ROLES) } },
      true,
    ),
  (c) =>
    envelope(
      c,
      'iam.amazonaws.com',
      'PutRolePolicy',
      {
        requestParameters: {
          roleName: pick(c.r, ROLES),
          policyName: `inline-${hex(c.r, 6)}`,
          // CloudTrail writes a policy document as a JSON string, with its quotes escaped.
          policyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::bucket-${hex(c.r, 6)}/*` },
            ],
          }),
        },
      },
      false,
    ),
  (c) =>
    envelope(
      c,
      'lambda.amazonaws.com',
      pick(c.r, ['GetFunction20150331v2', 'ListFunctions20150331']),
      { requestParameters: { functionName: `arn:aws:lambda:${c.region}:${c.account}:function:svc-${hex(c.r, 6)}` } },
      true,
    ),
  (c) =>
    envelope(
      c,
      'logs.amazonaws.com',
      pick(c.r, ['CreateLogStream', 'DescribeLogGroups']),
      // A control character in a stream name: JSON.stringify writes it as a \u escape (not one that
      // spells a letter), as CloudTrail does.
      {
        requestParameters: {
          logGroupName: `/aws/lambda/svc-${hex(c.r, 6)}`,
          logStreamName: `2026/03/11/[$LATEST]${hex(c.r, 32)}${c.r() < 0.01 ? '\u0001' : ''}`,
        },
      },
      false,
    ),
];

/** Bedrock calls the detector never alerts on: reads, invocations. */
function bedrockRead(c: Ctx): Record<string, unknown> {
  const name = pick(c.r, [
    'InvokeModel',
    'Converse',
    'ListFoundationModels',
    'GetCustomModel',
    'ListImportedModels',
    'GetModelImportJob',
  ]);
  return envelope(
    c,
    'bedrock.amazonaws.com',
    name,
    {
      requestParameters: name.startsWith('List')
        ? { maxResults: 100 }
        : {
            modelId: pick(c.r, [
              'anthropic.claude-3-5-sonnet-20240620-v1:0',
              'amazon.titan-embed-text-v2:0',
              'meta.llama3-8b-instruct-v1:0',
            ]),
          },
    },
    !name.startsWith('Invoke') && name !== 'Converse',
  );
}

/** A call of a watched name with a model source, successful unless `errorCode` is given. */
function watchedCall(c: Ctx, eventName: string, errorCode?: string): Record<string, unknown> {
  const bucket = c.r() < 0.5 ? `acme-models-${c.account}` : `public-weights-${hex(c.r, 6)}`;
  const modelArn = `arn:aws:bedrock:${c.region}:${c.r() < 0.5 ? c.account : OUTSIDE_ACCOUNT}:custom-model/imported/${hex(c.r, 12)}`;
  const hub = `arn:aws:sagemaker:${c.region}:aws:hub-content/SageMakerPublicHub/Model/huggingface-llm-${hex(c.r, 6)}/1.0.0`;
  const requests: Record<string, Record<string, unknown>> = {
    CreateModelImportJob: {
      jobName: `import-${hex(c.r, 8)}`,
      importedModelName: `model-${hex(c.r, 8)}`,
      roleArn: `arn:aws:iam::${c.account}:role/BedrockModelImportRole`,
      modelDataSource: { s3DataSource: { s3Uri: `s3://${bucket}/weights/${hex(c.r, 6)}/` } },
    },
    CreateCustomModelDeployment: { modelDeploymentName: `deploy-${hex(c.r, 6)}`, modelArn },
    UpdateCustomModelDeployment: { customModelDeploymentIdentifier: `deploy-${hex(c.r, 6)}`, modelArn },
    CreateMarketplaceModelEndpoint: {
      modelSourceIdentifier: hub,
      endpointName: `mkt-${hex(c.r, 6)}`,
      endpointConfig: {
        sageMaker: {
          initialInstanceCount: 1,
          instanceType: 'ml.g5.2xlarge',
          executionRole: `arn:aws:iam::${c.account}:role/SageMakerExec`,
        },
      },
    },
    RegisterMarketplaceModelEndpoint: {
      endpointIdentifier: `arn:aws:sagemaker:${c.region}:${c.account}:endpoint/ep-${hex(c.r, 6)}`,
      modelSourceIdentifier: hub,
    },
    CreateCustomModel: {
      modelName: `custom-${hex(c.r, 6)}`,
      modelSourceConfig: { s3DataSource: { s3Uri: `s3://${bucket}/custom/${hex(c.r, 6)}/` } },
      roleArn: `arn:aws:iam::${c.account}:role/BedrockCustomModelRole`,
    },
    CreateModelCopyJob: { sourceModelArn: modelArn, targetModelName: `copy-${hex(c.r, 6)}` },
    CreateModelCustomizationJob: {
      jobName: `ft-${hex(c.r, 6)}`,
      baseModelIdentifier: 'amazon.titan-text-express-v1',
      roleArn: `arn:aws:iam::${c.account}:role/BedrockFt`,
      trainingDataConfig: { s3Uri: `s3://${bucket}/train.jsonl` },
    },
  };
  const call = envelope(
    c,
    'bedrock.amazonaws.com',
    eventName,
    {
      requestParameters: requests[eventName],
      responseElements: errorCode
        ? null
        : { jobArn: `arn:aws:bedrock:${c.region}:${c.account}:model-import-job/${hex(c.r, 12)}` },
    },
    false,
  ) as Record<string, unknown>;
  if (errorCode) {
    call.errorCode = errorCode;
    call.errorMessage = 'User is not authorized to perform this action';
  }
  return call;
}

/** The default profile's watched calls (the generator's own list: the bench checks the classifier against it). */
export const PLANTED_NAMES = [
  'CreateModelImportJob',
  'CreateCustomModelDeployment',
  'CreateMarketplaceModelEndpoint',
  'RegisterMarketplaceModelEndpoint',
  'UpdateCustomModelDeployment',
  'CreateCustomModel',
  'CreateModelCopyJob',
];

export interface CorpusOptions {
  /** Stop after this many compressed bytes. */
  readonly targetBytes: number;
  readonly seed?: number;
  /** Records per file, at least and at most. @default 2000 and 20000 */
  readonly minRecords?: number;
  readonly maxRecords?: number;
  /** Share of files that hold one or more planted successful watched calls. @default 0.05 */
  readonly plantedShare?: number;
}

export interface Corpus {
  readonly dir: string;
  readonly files: readonly string[];
  readonly compressedBytes: number;
  readonly records: number;
  /** Successful default-profile watched calls planted: what a default `hunt` must find, by eventID. */
  readonly planted: readonly string[];
}

/** Writes a corpus into `dir` (which must be empty or absent). */
export async function generateCorpus(dir: string, options: CorpusOptions): Promise<Corpus> {
  const r = prng(options.seed ?? 1525);
  const minRecords = options.minRecords ?? 2000;
  const maxRecords = options.maxRecords ?? 20000;
  const plantedShare = options.plantedShare ?? 0.05;
  const files: string[] = [];
  const planted: string[] = [];
  let compressedBytes = 0;
  let records = 0;
  const pending = new Set<Promise<void>>();
  let time = Date.UTC(2026, 2, 1);
  for (let n = 0; compressedBytes < options.targetBytes; n++) {
    const account = pick(r, ACCOUNTS);
    const region = pick(r, REGIONS);
    time += 300_000;
    const c: Ctx = { r, account, region, time };
    const count = minRecords + Math.floor(r() * (maxRecords - minRecords + 1));
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const x = r();
      out.push(x < 0.03 ? bedrockRead(c) : pick(r, OTHER)(c));
    }
    // Near misses, in a few files: a watched call that failed, an extended-profile call.
    if (r() < 0.03) out.splice(Math.floor(r() * out.length), 0, watchedCall(c, pick(r, PLANTED_NAMES), 'AccessDenied'));
    if (r() < 0.02) out.splice(Math.floor(r() * out.length), 0, watchedCall(c, 'CreateModelCustomizationJob'));
    if (r() < plantedShare) {
      const k = 1 + Math.floor(r() * 3);
      for (let i = 0; i < k; i++) {
        const call = watchedCall(c, pick(r, PLANTED_NAMES));
        planted.push(call.eventID as string);
        out.splice(Math.floor(r() * out.length), 0, call);
      }
    }
    records += out.length;
    const d = new Date(time);
    const stamp = d.toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z';
    const rel = path.join(
      'AWSLogs',
      account,
      'CloudTrail',
      region,
      String(d.getUTCFullYear()),
      String(d.getUTCMonth() + 1).padStart(2, '0'),
      String(d.getUTCDate()).padStart(2, '0'),
      `${account}_CloudTrail_${region}_${stamp}_${upper(r, 16)}.json.gz`,
    );
    const file = path.join(dir, rel);
    files.push(file);
    const text = JSON.stringify({ Records: out });
    const job = (async () => {
      const gz = await gzip(text);
      compressedBytes += gz.length;
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(file, gz);
    })();
    pending.add(job);
    void job.finally(() => pending.delete(job));
    // Compressing runs on libuv's pool: keep two files in flight, and count what is written.
    while (pending.size >= 2) await Promise.race(pending);
    if (compressedBytes === 0 && pending.size > 0) await Promise.race(pending);
  }
  await Promise.all(pending);
  return { dir, files, compressedBytes, records, planted };
}

/**
 * A corpus cached under `cacheRoot` by generator version, size and seed: generated once, then
 * reused (its manifest says what it holds).
 */
export async function cachedCorpus(cacheRoot: string, options: CorpusOptions): Promise<Corpus> {
  const key = `hunt-corpus-v${CORPUS_GENERATOR_VERSION}-${options.targetBytes}-${options.seed ?? 1525}`;
  const dir = path.join(cacheRoot, key);
  const manifest = path.join(dir, 'corpus.manifest.json');
  if (fs.existsSync(manifest)) return JSON.parse(fs.readFileSync(manifest, 'utf8')) as Corpus;
  const tmp = `${dir}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const made = await generateCorpus(path.join(tmp, 'logs'), options);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  const corpus: Corpus = {
    ...made,
    dir: path.join(dir, 'logs'),
    files: made.files.map((f) => path.join(dir, 'logs', path.relative(made.dir, f))),
  };
  fs.writeFileSync(manifest, JSON.stringify(corpus));
  return corpus;
}
