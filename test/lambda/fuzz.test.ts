// Property-based tests over malformed and hostile records: wrong types, missing and null fields,
// huge and deeply nested values, control characters, markdown/HTML and chat-mention injection and
// forged-looking ARNs. Each property runs a few hundred cases (a few seconds in all); a failure
// prints the seed and the shrunk counterexample to replay it.
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import fc from 'fast-check';

import { createHandler, UnprocessableEventError } from '../../lambda/alert/handler';
import {
  DEFAULT_ALERT_FUNCTION_CONFIG,
  DEFAULT_NAME_PREFIX,
  buildEventPattern,
  buildTamperPatterns,
  TamperClassifier,
  WatchedCallClassifier,
  decideVerdict,
  detectorNames,
  resolveWatchedCalls,
  safeText,
  type AlertFunctionConfig,
  type Approvals,
} from '../../lib/detection';
import { matchesPattern } from '../support/event-pattern';
import { MANIFEST, envelope, record } from '../support/fixtures';
import { captureTelemetry } from '../support/telemetry';

const TAMPER_DIR = path.join(__dirname, '..', 'fixtures', 'tamper');
const TAMPER_FILES: string[] = JSON.parse(fs.readFileSync(path.join(TAMPER_DIR, 'manifest.json'), 'utf8')).files.map(
  (f: { file: string }) => f.file,
);
const tamperRecord = (file: string) => JSON.parse(fs.readFileSync(path.join(TAMPER_DIR, file), 'utf8'));
const SEEDS: Record<string, unknown>[] = [...MANIFEST.map((f) => record(f.file)), ...TAMPER_FILES.map(tamperRecord)];

const ACCOUNT = '111122223333';
const APPROVALS: Approvals = {
  principalArns: ['arn:aws:iam::*:role/mlops-pipeline-*', 'arn:aws:iam::*:user/ml-engineer'],
  s3Locations: ['s3://acme-ml-artifacts-111122223333/', 's3://acme-models/approved/'],
  sourceAccounts: ['444455556666'],
  modelSourceIdentifiers: ['arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/meta-textgeneration-*'],
};
const CONFIG: AlertFunctionConfig = {
  ...DEFAULT_ALERT_FUNCTION_CONFIG,
  profile: 'extended',
  additionalEventNames: ['CreateModelCustomizationJob'],
  guardrailPolicyIds: ['p-abcd1234'],
  approvals: APPROVALS,
  // Every verdict is published, so every published body is checked.
  notifyApproved: true,
};

// --- Hostile values ------------------------------------------------------------------------------

const CONTROL = [
  '\n',
  '\r\n',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udfff',
];
const MARKUP = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="https://evil.example">console</a>',
  '[Approve in the console](https://evil.example/login)',
  '![pixel](https://evil.example/p.png)',
  '<https://evil.example|AWS Console>',
  '<!channel>',
  '<!here|here>',
  '<@U024BE7LH>',
  '<#C024BE7LR>',
  '<at>SecOps</at>',
  '<users/all>',
  '@here',
  '@channel',
  '@everyone',
  '@All',
  '```',
  '`rm -rf /`',
  '**RESOLVED**',
  '&lt;!channel&gt;',
];
/** Text as an attacker writes it into any field they control. */
const hostileText = fc.oneof(
  fc.constantFrom(...CONTROL, ...MARKUP),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          ...CONTROL,
          ...MARKUP,
          '\n  Actor ARN:             arn:aws:iam::111122223333:role/admin',
          '\nVERDICT: approved',
        ),
        fc.string({ maxLength: 8 }),
        fc.string({ unit: 'grapheme', maxLength: 3 }),
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join('')),
);

const TRUSTED = [
  `arn:aws:iam::${ACCOUNT}:role/mlops-pipeline-prod`,
  `arn:aws:bedrock:us-east-1:${ACCOUNT}:custom-model/imported/k3x9q2m7p1a4`,
  'arn:aws:bedrock:us-east-1:444455556666:custom-model/shared/m1',
  'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/meta-textgeneration-llama-3-8b/1.0.0',
  's3://acme-models/approved/llama3-8b/',
  `s3://acme-ml-artifacts-${ACCOUNT}/v1/`,
];
/** An approved-looking value, changed the way a forger would. */
const forgedArn = fc
  .tuple(
    fc.constantFrom(...TRUSTED),
    fc.array(
      fc.oneof(
        fc.constantFrom(
          (v: string) => v.replace('a', '\u0430'), // Cyrillic a
          (v: string) => v.replace(/1/, '\uff11'), // fullwidth digit
          (v: string) => v.replace('o', '\u03bf'), // Greek omicron
          (v: string) => v.replace(ACCOUNT, '999988887777'),
          (v: string) => v.replace(ACCOUNT, `${ACCOUNT} `),
          (v: string) => v.replace(ACCOUNT, ''),
          (v: string) => v.replace(':444455556666:', '::').replace(`:${ACCOUNT}:`, `:999988887777:${ACCOUNT}:`),
          (v: string) => v.replace(/:(custom-model|role|hub-content)\//, ':$1/../'),
          (v: string) => v.replace('arn:aws:', 'arn:aws-cn:'),
          (v: string) => v.replace(':role/', ':user/'),
          (v: string) => v.replace('approved/', 'approved-evil/'),
          (v: string) => v.replace('approved/', 'approved'),
          (v: string) => v.replace('s3://acme-models/', 's3://acme-models.evil.example/'),
          (v: string) => v.replace('s3://', 'S3://'),
          (v: string) => v.toUpperCase(),
          (v: string) => `${v}\u200b`,
          (v: string) => `\u202e${v}`,
          (v: string) => `${v}\n`,
          (v: string) => ` ${v}`,
          (v: string) => v.replace('mlops-pipeline-', 'mlops-pipeline\u2010'),
        ),
        fc.tuple(fc.nat(80), fc.constantFrom(...CONTROL, ':', '/', '*', '?')).map(
          ([at, s]) =>
            (v: string) =>
              v.slice(0, at) + s + v.slice(at),
        ),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([value, changes]) => changes.reduce((v, change) => change(v), value));

const KEYS = fc.oneof(
  fc.constantFrom(
    'eventName',
    'eventSource',
    'errorCode',
    'arn',
    'detail.eventName',
    'eventName.0',
    '__proto__',
    'constructor',
    'toString',
    'omitted',
    '',
  ),
  hostileText,
);
const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    hostileText,
    forgedArn,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(KEYS, tie('value'), { maxKeys: 3 }),
  ),
}));
/** Huge (up to CloudTrail's and SNS's sizes) or deeply nested (further than any recursive reader goes). */
const extremeValue = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('A', '<b>@here</b>\u202e', '\u{1F9EA}', '\n', '[x](y)'),
      fc.integer({ min: 5_000, max: 120_000 }),
    )
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length))),
  fc.tuple(fc.constantFrom('[', '{"a":', '{"a.b":['), fc.integer({ min: 5_000, max: 30_000 })).map(([open, depth]) => {
    const close = open === '[' ? ']' : open === '{"a":' ? '}' : ']}';
    return JSON.parse(open.repeat(depth) + '"x"' + close.repeat(depth));
  }),
);

const FIELDS = [
  'eventSource',
  'eventName',
  'errorCode',
  'errorMessage',
  'eventID',
  'eventTime',
  'awsRegion',
  'recipientAccountId',
  'requestID',
  'userAgent',
  'sourceIPAddress',
  'omitted',
  'eventCategory',
  'userIdentity',
  'userIdentity.type',
  'userIdentity.arn',
  'userIdentity.accountId',
  'userIdentity.accessKeyId',
  'userIdentity.principalId',
  'userIdentity.invokedBy',
  'userIdentity.sessionContext',
  'userIdentity.sessionContext.sessionIssuer',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'userIdentity.sessionContext.attributes.mfaAuthenticated',
  'requestParameters',
  'requestParameters.omitted',
  'requestParameters.modelDataSource.s3DataSource.s3Uri',
  'requestParameters.modelSourceConfig.s3DataSource.s3Uri',
  'requestParameters.modelArn',
  'requestParameters.sourceModelArn',
  'requestParameters.modelSourceIdentifier',
  'requestParameters.endpointIdentifier',
  'requestParameters.endpointConfig.sageMaker.executionRole',
  'requestParameters.roleArn',
  'requestParameters.functionName',
  'requestParameters.name',
  'requestParameters.rule',
  'requestParameters.policyId',
  'responseElements',
  'responseElements.jobArn',
  'responseElements.marketplaceModelEndpoint.endpointArn',
];
const ENVELOPE_FIELDS = ['source', 'detail-type', 'id', 'account', 'region', 'time', 'detail'];

type Change = {
  readonly where: 'detail' | 'envelope';
  readonly path: string;
  readonly action: 'set' | 'delete' | 'extreme';
  readonly value?: unknown;
};
const change: fc.Arbitrary<Change> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      where: fc.constant('detail' as const),
      path: fc.constantFrom(...FIELDS),
      action: fc.constant('set' as const),
      value: jsonValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      where: fc.constant('detail' as const),
      path: fc.constantFrom(...FIELDS),
      action: fc.constant('delete' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      where: fc.constant('envelope' as const),
      path: fc.constantFrom(...ENVELOPE_FIELDS),
      action: fc.constant('set' as const),
      value: jsonValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      where: fc.constant('detail' as const),
      path: fc.constantFrom(...FIELDS),
      action: fc.constant('extreme' as const),
      value: extremeValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      where: fc.constant('envelope' as const),
      path: fc.constantFrom(...ENVELOPE_FIELDS),
      action: fc.constant('extreme' as const),
      value: extremeValue,
    }),
  },
);

function setKeys(doc: Record<string, unknown>, keys: readonly string[], value: unknown, remove: boolean): void {
  let node = doc;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  if (remove) delete node[keys[keys.length - 1]];
  else node[keys[keys.length - 1]] = value;
}
const setPath = (doc: Record<string, unknown>, dotted: string, value: unknown, remove: boolean) =>
  setKeys(doc, dotted.split('.'), value, remove);
const getPath = (doc: unknown, dotted: string): unknown =>
  dotted
    .split('.')
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      doc,
    );

/** An EventBridge event as Lambda hands it over: a real record, changed, then through JSON. */
const hostileEvent = fc
  .tuple(fc.nat(SEEDS.length - 1), fc.array(change, { minLength: 1, maxLength: 4 }))
  .map(([seed, changes]) => {
    const detail = structuredClone(SEEDS[seed]);
    const event = envelope(detail);
    const extremes: Change[] = [];
    for (const c of changes) {
      if (c.action === 'extreme') extremes.push(c);
      else if (c.where === 'envelope') setPath(event, c.path, c.value, false);
      else setPath(detail, c.path, c.value, c.action === 'delete');
    }
    // Through JSON as Lambda's runtime parses it; the extreme values after, since JSON.stringify
    // itself cannot write what is nested too deeply.
    const parsed = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    if (extremes.length > 0) {
      // fast-check prints a counterexample with a recursive printer; describe this one instead.
      Object.defineProperty(parsed, fc.toStringMethod, {
        value: () =>
          `event from ${JSON.stringify(changes.map((c) => (c.action === 'extreme' ? { ...c, value: '(extreme)' } : c)))}`,
      });
    }
    for (const c of extremes) {
      const target = c.where === 'envelope' ? parsed : parsed.detail;
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        setPath(target as Record<string, unknown>, c.path, c.value, false);
      }
    }
    return parsed;
  });

// --- The handler ---------------------------------------------------------------------------------

beforeEach(() => captureTelemetry());
afterEach(() => jest.restoreAllMocks());

function handlerWithCapture() {
  const published: PublishCommandInput[] = [];
  const sns = {
    send: async (command: { input: PublishCommandInput }) => {
      published.push(command.input);
      return { MessageId: '00000000-0000-4000-8000-000000000001' };
    },
  } as unknown as SNSClient;
  const handler = createHandler({
    sns,
    topicArn: 'arn:aws:sns:us-east-1:111122223333:alerts',
    config: CONFIG,
  });
  return { handler, published };
}

/** What would render as something other than text, in an e-mail, a chat message or a web page. */
function injected(text: string, newlines: boolean): string[] {
  const found: string[] = [];
  const check = (re: RegExp, what: string) => {
    const m = re.exec(text);
    if (m) found.push(`${what}: ${JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + 20))}`);
  };
  check(newlines ? /(?!\n)\p{Cc}/u : /\p{Cc}/u, 'control character');
  check(/[\p{Cf}\p{Cs}\u2028\u2029]/u, 'invisible, bidi or unpaired character');
  check(/[<>]/, 'HTML or chat markup');
  check(/`/, 'code span or fence');
  check(/\]\(/, 'markdown link');
  check(/@(here|channel|everyone|all)\b/i, 'chat mention');
  return found;
}

const LINE_STARTS = [
  'Bedrock model supply chain: ',
  'Bedrock supply-chain detector tampered with: ',
  'Severity ',
  'VERDICT: ',
  'WHO',
  'WHAT AND WHERE',
  'MODEL SOURCE',
  'NEW RESOURCE',
  'DETECTOR RESOURCE CHANGED',
  'NOTES',
  'TRIAGE',
  'RESPONSE',
  'CloudTrail event: https://',
  '  ',
];
const SUMMARIES = new Set(resolveWatchedCalls(CONFIG).map((c) => c.summary));

function outputProblems(input: PublishCommandInput): string[] {
  const problems: string[] = [];
  const subject = input.Subject ?? '';
  if (!/^[\x20-\x7E]{1,99}$/.test(subject))
    problems.push(`subject not short printable ASCII: ${JSON.stringify(subject)}`);
  problems.push(...injected(subject, false).map((p) => `subject ${p}`));
  for (const [name, attribute] of Object.entries(input.MessageAttributes ?? {})) {
    const value = attribute.StringValue ?? '';
    if (!/^[\x20-\x7E]+$/.test(value)) problems.push(`attribute ${name} not printable ASCII`);
    problems.push(...injected(value, false).map((p) => `attribute ${name} ${p}`));
  }
  const message = JSON.parse(input.Message ?? '{}') as Record<string, string>;
  for (const protocol of ['default', 'email']) {
    const text = message[protocol];
    problems.push(...injected(text, true).map((p) => `${protocol} text ${p}`));
    // Every line is one the renderer writes: a value cannot start a line of its own.
    text.split('\n').forEach((line, i) => {
      const own =
        line === '' ||
        LINE_STARTS.some((s) => line.startsWith(s)) ||
        (i === 3 && (SUMMARIES.has(line) || line.startsWith('A call that can stop')));
      if (!own) problems.push(`${protocol} text line ${i} is not the renderer's: ${JSON.stringify(line.slice(0, 80))}`);
    });
  }
  for (const protocol of ['sqs', 'lambda', 'http', 'https', 'firehose', 'email-json']) {
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(JSON.parse(message[protocol]));
    for (const s of strings) problems.push(...injected(s, false).map((p) => `${protocol} JSON ${p}`));
  }
  return problems;
}

describe('markup in a value is shown, not rendered (examples of what the properties below check)', () => {
  test.each([
    ['<script>alert(1)</script>', '\\u{3C}script\\u{3E}alert(1)\\u{3C}/script\\u{3E}'],
    ['<!channel> look', '\\u{3C}!channel\\u{3E} look'],
    ['<https://evil.example|AWS Console>', '\\u{3C}https://evil.example|AWS Console\\u{3E}'],
    ['[Approve](https://evil.example)', '[Approve\\u{5D}(https://evil.example)'],
    ['ping @here and @Everyone', 'ping \\u{40}here and \\u{40}Everyone'],
    ['```code```', '\\u{60}\\u{60}\\u{60}code\\u{60}\\u{60}\\u{60}'],
    // What is not markup stays as it is.
    ['ml-engineer@example.com', 'ml-engineer@example.com'],
    ['user@allianz.example', 'user@allianz.example'],
    ['s3://acme-models/approved/[v1]/', 's3://acme-models/approved/[v1]/'],
    ['{"tags":["a","b"]}', '{"tags":["a","b"]}'],
  ])('%j is shown as %j', (value, shown) => {
    expect(safeText(value)).toBe(shown);
  });
});

describe('the alerting handler over hostile events (fast-check)', () => {
  test('it returns, or throws the UnprocessableEventError that dead-letters the event: never anything else', async () => {
    const { handler } = handlerWithCapture();
    await fc.assert(
      fc.asyncProperty(hostileEvent, async (event) => {
        try {
          const result = await handler(event);
          expect(['alerted', 'quiet', 'ignored']).toContain(result.status);
        } catch (e) {
          expect(e).toBeInstanceOf(UnprocessableEventError);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('nothing injected is rendered: subject, attributes, text and JSON bodies carry it only as visible escapes', async () => {
    const { handler, published } = handlerWithCapture();
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(hostileEvent, async (event) => {
        published.length = 0;
        await handler(event).catch((e: unknown) => {
          if (!(e instanceof UnprocessableEventError)) throw e;
        });
        for (const input of published) {
          checked++;
          expect(outputProblems(input)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
    // Most hostile events still alert: the values are escaped, not the alert dropped.
    expect(checked).toBeGreaterThan(100);
  });
});

// --- Classification against the synthesized patterns ------------------------------------------

/**
 * A detector's configuration and the patterns its rules carry: built by lib/detection exactly as the
 * construct builds them (detector.test.ts proves the synthesized rules carry these very patterns),
 * so this file needs no CDK synthesis.
 */
function configured(options: {
  namePrefix?: string;
  profile?: 'default' | 'extended';
  additionalEventNames?: string[];
  policyIds?: string[];
}) {
  const watchedCalls = resolveWatchedCalls(options);
  const names = detectorNames(options.namePrefix ?? DEFAULT_NAME_PREFIX);
  const policyIds = options.policyIds ?? [];
  return {
    watchedCalls,
    names,
    policyIds,
    pattern: buildEventPattern(watchedCalls),
    tamperPatterns: [...buildTamperPatterns(names, 'regional'), ...buildTamperPatterns(names, 'us-east-1', policyIds)],
  };
}

const WATCHED = resolveWatchedCalls({ profile: 'extended' }).map((c) => c.eventName);
const near = (values: readonly string[]) =>
  fc.oneof(
    fc.constantFrom(...values),
    fc.constantFrom(...values).map((v) => v.toLowerCase()),
    fc.constantFrom(...values).map((v) => `${v} `),
    fc.constantFrom(...values).map((v) => v.slice(0, -1)),
    fc.constantFrom(...values).map((v) => `${v}\u200b`),
    hostileText,
  );
/** A value where the pattern looks: right, another value, nearly right, of another type, in arrays, null. */
const fieldValue = (right: readonly string[], wrong: readonly string[]) => {
  const all = [...right, ...wrong];
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...right) },
    { weight: 3, arbitrary: fc.constantFrom(...wrong) },
    { weight: 3, arbitrary: near(all) },
    {
      weight: 2,
      arbitrary: fc.array(
        fc.oneof(
          fc.constantFrom(...all),
          near(all),
          fc.constant(null),
          fc.array(fc.constantFrom(...all), { maxLength: 2 }),
        ),
        { maxLength: 3 },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant({}),
        fc.dictionary(fc.constantFrom('0', 'x', 'eventName'), fc.constantFrom(...all), { maxKeys: 2 }),
      ),
    },
  );
};
const ERROR_CODES = fc.constantFrom<unknown>(
  undefined,
  null,
  '',
  'AccessDenied',
  [],
  [null],
  [[]],
  {},
  { code: 'x' },
  false,
  0,
);

/** Where a field can hide: a plain key, or a dotted key that EventBridge reads as the same path. */
function place(doc: Record<string, unknown>, keys: string[], value: unknown, dotted: number): void {
  if (value === undefined) return;
  if (dotted > 0 && dotted < keys.length) {
    const head = keys.slice(0, keys.length - dotted);
    const tail = keys.slice(keys.length - dotted);
    setKeys(doc, [...head.slice(0, -1), [head[head.length - 1], ...tail].join('.')], value, false);
  } else {
    setKeys(doc, keys, value, false);
  }
}

describe("classification in code is the rules' pattern (independent interpreter, fast-check)", () => {
  const defaults = configured({});
  const extended = configured({
    namePrefix: 'bmsc-fuzz',
    profile: 'extended',
    additionalEventNames: ['CreateModelCustomizationJob'],
    policyIds: ['p-abcd1234'],
  });

  test.each([
    ['default', defaults],
    ['extended', extended],
  ])('watched calls, %s profile', (_name, detector) => {
    const pattern = detector.pattern;
    const classifier = new WatchedCallClassifier(detector.watchedCalls);
    const event = fc
      .record({
        source: fieldValue(['aws.bedrock'], ['aws.sagemaker']),
        detailType: fieldValue(['AWS API Call via CloudTrail'], ['AWS Insight via CloudTrail']),
        eventSource: fieldValue(['bedrock.amazonaws.com'], ['sagemaker.amazonaws.com']),
        eventName: fieldValue(
          detector.watchedCalls.map((c) => c.eventName),
          [...WATCHED, 'CreateModelCustomizationJob', 'InvokeModel'],
        ),
        errorCode: ERROR_CODES,
        dotted: fc.nat(2),
      })
      .map(({ source, detailType, eventSource, eventName, errorCode, dotted }) => {
        const e: Record<string, unknown> = { version: '0', id: 'x', account: ACCOUNT, region: 'us-east-1' };
        place(e, ['source'], source, 0);
        place(e, ['detail-type'], detailType, 0);
        place(e, ['detail', 'eventSource'], eventSource, 0);
        place(e, ['detail', 'eventName'], eventName, dotted);
        place(e, ['detail', 'errorCode'], errorCode, dotted);
        return JSON.parse(JSON.stringify(e));
      });
    let matched = 0;
    fc.assert(
      fc.property(event, (e) => {
        const inCode = classifier.classifyEvent(e).matched;
        expect(inCode).toBe(matchesPattern(pattern, e));
        if (inCode) matched++;
      }),
      { numRuns: 400 },
    );
    expect(matched).toBeGreaterThan(10);
  });

  test.each([
    ['default names', defaults],
    ['another prefix and a guardrail SCP', extended],
  ])('tampering, %s', (_name, detector) => {
    const patterns = detector.tamperPatterns;
    const classifier = new TamperClassifier(detectorNames(detector.names.prefix), detector.policyIds);
    const n = detector.names;
    const resourceNames = [
      n.function,
      n.trail,
      n.rule,
      n.tamperRule,
      n.queue,
      n.topic,
      n.logGroup,
      `${n.rolePrefix}-us-east-1`,
      'p-abcd1234',
    ];
    const namesAndArns = fc.oneof(
      fc.constantFrom(...resourceNames),
      fc.constantFrom(...resourceNames).map((r) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${r}`),
      fc.constantFrom(...resourceNames).map((r) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${r}`),
      fc.constantFrom(...resourceNames).map((r) => `${r}-other`),
      fc.constantFrom(...resourceNames).map((r) => r.toUpperCase()),
      hostileText,
    );
    const event = fc
      .record({
        base: fc.constantFrom(...TAMPER_FILES),
        // Mostly the base record's own name (it goes with its event source), sometimes another.
        eventName: fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          fieldValue(
            [
              'DeleteFunction20150331',
              'PutFunctionConcurrency20171031',
              'StopLogging',
              'DeleteRule',
              'PurgeQueue',
              'Unsubscribe',
              'DeleteLogGroup',
              'PutRolePolicy',
              'DetachPolicy',
            ],
            ['DeleteFunctionConcurrency20171031', 'GetFunction20150331', 'CreateRule'],
          ),
        ),
        // The request field the base record names its resource in, mostly; sometimes another one.
        field: fc.oneof(
          { weight: 3, arbitrary: fc.nat(5).map((i) => (keys: string[]) => keys[i % keys.length]) },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(
                'functionName',
                'name',
                'rule',
                'queueUrl',
                'topicArn',
                'logGroupName',
                'roleName',
                'policyId',
              )
              .map((f) => () => f),
          },
        ),
        // Mostly the base record's own value, renamed to this detector's prefix.
        value: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constant(
              (existing: unknown) =>
                JSON.parse(JSON.stringify(existing ?? null).replace(/bedrock-supply-chain/g, n.prefix)) as unknown,
            ),
          },
          { weight: 2, arbitrary: namesAndArns.map((v) => () => v) },
          {
            weight: 1,
            arbitrary: fc.oneof(fc.array(namesAndArns, { maxLength: 2 }), fc.constant(null)).map((v) => () => v),
          },
        ),
        errorCode: ERROR_CODES,
      })
      .map(({ base, eventName, field, value, errorCode }) => {
        const detail = tamperRecord(base);
        if (eventName !== undefined) detail.eventName = eventName;
        if (detail.requestParameters && typeof detail.requestParameters === 'object') {
          const key = field(Object.keys(detail.requestParameters));
          detail.requestParameters[key] = value(detail.requestParameters[key]);
        }
        if (errorCode !== undefined) detail.errorCode = errorCode;
        return JSON.parse(JSON.stringify(envelope(detail)));
      });
    let matched = 0;
    fc.assert(
      fc.property(event, (e) => {
        const inCode = classifier.classifyEvent(e).matched;
        expect(inCode).toBe(patterns.some((p) => matchesPattern(p, e)));
        if (inCode) matched++;
      }),
      { numRuns: 300 },
    );
    expect(matched).toBeGreaterThan(10);
  });
});

// --- Verdicts over forged-looking ARNs ----------------------------------------------------------

/** IAM ArnLike: `*` any run of characters, `?` one; everything else literal. */
const arnLike = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  ).test(value);

describe('verdicts over forged-looking principals and sources (fast-check)', () => {
  const calls = resolveWatchedCalls({ profile: 'extended' });
  test('a call is approved only if an independent reading of the record approves every part of it', () => {
    const call = fc.constantFrom(...calls.filter((c) => c.modelSourceFields.length > 0));
    const identity = fc.record({
      type: fc.constantFrom('IAMUser', 'AssumedRole', 'Root', 'AWSService'),
      arn: fc.oneof(forgedArn, hostileText),
      issuer: fc.oneof(forgedArn, fc.constant(undefined)),
    });
    fc.assert(
      fc.property(
        call,
        identity,
        fc.array(fc.oneof(forgedArn, hostileText), { minLength: 1, maxLength: 3 }),
        (c, id, sources) => {
          const request: Record<string, unknown> = {};
          c.modelSourceFields.forEach((f, i) => setPath(request, f.path, sources[i % sources.length], false));
          const rec: Record<string, unknown> = {
            recipientAccountId: ACCOUNT,
            userIdentity: {
              type: id.type,
              arn: id.arn,
              ...(id.issuer !== undefined ? { sessionContext: { sessionIssuer: { arn: id.issuer } } } : {}),
            },
            requestParameters: request,
          };
          const verdict = decideVerdict(rec, c, APPROVALS);
          if (verdict.kind !== 'approved') return;
          // The principal, read as aws:PrincipalArn: the session issuer (the role) for a role session.
          const principal = id.type === 'AssumedRole' && id.issuer ? id.issuer : id.arn;
          expect(APPROVALS.principalArns!.some((p) => arnLike(p, principal))).toBe(true);
          for (const f of c.modelSourceFields) {
            const v = getPath(request, f.path);
            // Roles say how a source is read, not where it comes from.
            if (typeof v !== 'string' || f.kind.endsWith('RoleArn') || f.kind === 'roleArn') continue;
            if (f.kind === 's3Uri') {
              expect(APPROVALS.s3Locations!.some((loc) => v.startsWith(loc))).toBe(true);
            } else if (f.kind === 'modelSourceIdentifier') {
              expect(APPROVALS.modelSourceIdentifiers!.some((p) => arnLike(p, v))).toBe(true);
            } else {
              const account = v.split(':')[4];
              expect([v.startsWith('arn:'), [ACCOUNT, ...APPROVALS.sourceAccounts!].includes(account)]).toEqual([
                true,
                true,
              ]);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
