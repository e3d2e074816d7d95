// The alerting handler over malformed and hostile records (fast-check): wrong types, missing and
// null fields, huge and deeply nested values, control characters, markdown/HTML and chat-mention
// injection and forged-looking ARNs. Each property runs a few hundred cases (a few seconds in all); a
// failure prints the seed and the shrunk counterexample to replay it. The pure properties over the
// same values (classification, verdicts) are in test/detection/*.properties.test.ts.
import type { PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import fc from 'fast-check';

import { createHandler, UnprocessableEventError } from '../../lambda/alert/handler';
import { DEFAULT_ALERT_FUNCTION_CONFIG, resolveWatchedCalls, type AlertFunctionConfig } from '../../lib/detection';
import { MANIFEST, TAMPER_FILES, envelope, record, tamperRecord } from '../support/fixtures';
import { APPROVALS, forgedArn, hostileText, setPath } from '../support/hostile';
import { captureTelemetry } from '../support/telemetry';

const SEEDS: Record<string, unknown>[] = [...MANIFEST.map((f) => record(f.file)), ...TAMPER_FILES.map(tamperRecord)];

const CONFIG: AlertFunctionConfig = {
  ...DEFAULT_ALERT_FUNCTION_CONFIG,
  profile: 'extended',
  additionalEventNames: ['CreateModelCustomizationJob'],
  guardrailPolicyIds: ['p-abcd1234'],
  approvals: APPROVALS,
  // Every verdict is published, so every published body is checked.
  notifyApproved: true,
};

// --- Hostile events ------------------------------------------------------------------------------

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
  'Bedrock supply-chain detector escaped: ',
  'CHANGED',
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
        (i === 3 &&
          (SUMMARIES.has(line) ||
            line.startsWith('A call that can stop') ||
            line.startsWith('A call that takes an account')));
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
