// Classification in code is the rules' pattern: the classifiers the function runs and the patterns
// the rules carry, both from lib/detection, decide events alike over values near and far from the
// watched ones (fast-check). The patterns are read by an independent interpreter
// (test/support/event-pattern.ts). A failure prints the seed and the shrunk counterexample.
import fc from 'fast-check';

import {
  DEFAULT_NAME_PREFIX,
  SOURCE_PROFILES,
  buildEventPatterns,
  buildEventPattern,
  buildTamperPatterns,
  TamperClassifier,
  WatchedCallClassifier,
  detectorNames,
  resolveWatchedCalls,
} from '../../lib/detection';
import { matchesPattern } from '../support/event-pattern';
import { TAMPER_FILES, envelope, tamperRecord } from '../support/fixtures';
import { ACCOUNT, hostileText, setKeys } from '../support/hostile';

/**
 * A detector's configuration and the patterns its rules carry: built by lib/detection exactly as the
 * construct builds them (test/constructs/detector.test.ts proves the synthesized rules carry these very
 * patterns, for both configurations below),
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

  test('watched calls of every event source: the extended profile with every source profile', () => {
    const calls = resolveWatchedCalls({
      profile: 'extended',
      sourceProfiles: [...SOURCE_PROFILES],
      additionalEvents: [{ eventSource: 'bedrock-mantle.amazonaws.com', eventNames: ['CreateCustomizedModelVersion'] }],
    });
    // Small patterns, so the calls are spread over several rules (as a long catalogue would be).
    const patterns = buildEventPatterns(calls, 700);
    expect(patterns.length).toBeGreaterThan(1);
    const classifier = new WatchedCallClassifier(calls, 'success', 700);
    const sources = [...new Set(calls.map((c) => c.eventSource))];
    const names = calls.map((c) => c.eventName);
    // Mostly one call's consistent source, event source and name (so many events match), else anything.
    const consistent =
      <T>(pick: (c: (typeof calls)[number]) => T, other: fc.Arbitrary<unknown>) =>
      (i: number) =>
        fc.oneof(
          { weight: 4, arbitrary: fc.constant(pick(calls[i % calls.length]) as unknown) },
          { weight: 1, arbitrary: other },
        );
    const event = fc
      .nat(calls.length - 1)
      .chain((i) =>
        fc.record({
          source: consistent(
            (c) => `aws.${c.eventSource.split('.')[0]}`,
            fieldValue(
              sources.map((src) => `aws.${src.split('.')[0]}`),
              ['aws.s3', 'custom.source', 'aws'],
            ),
          )(i),
          detailType: fieldValue(['AWS API Call via CloudTrail'], ['AWS Insight via CloudTrail']),
          eventSource: consistent(
            (c) => c.eventSource,
            fieldValue(sources, ['s3.amazonaws.com', 'bedrock-runtime.amazonaws.com']),
          )(i),
          eventName: consistent(
            (c) => c.eventName,
            fieldValue(names, ['ListCustomizedModels', 'InvokeModel', 'DeleteResourceShare']),
          )(i),
          resourceArns: fc.option(
            fieldValue(
              [`arn:aws:bedrock:us-east-1:${ACCOUNT}:custom-model/imported/abc`],
              [`arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/subnet-1`],
            ),
            { nil: undefined },
          ),
          desiredModelId: fc.option(fieldValue(['arn:aws:bedrock:us-east-1::foundation-model/x'], ['']), {
            nil: undefined,
          }),
          errorCode: ERROR_CODES,
          dotted: fc.nat(2),
        }),
      )
      .map(({ source, detailType, eventSource, eventName, resourceArns, desiredModelId, errorCode, dotted }) => {
        const e: Record<string, unknown> = { version: '0', id: 'x', account: ACCOUNT, region: 'us-east-1' };
        place(e, ['source'], source, 0);
        place(e, ['detail-type'], detailType, 0);
        place(e, ['detail', 'eventSource'], eventSource, 0);
        place(e, ['detail', 'eventName'], eventName, dotted);
        place(e, ['detail', 'requestParameters', 'resourceArns'], resourceArns, dotted);
        place(e, ['detail', 'requestParameters', 'desiredModelId'], desiredModelId, dotted);
        place(e, ['detail', 'errorCode'], errorCode, dotted);
        return JSON.parse(JSON.stringify(e));
      });
    let matched = 0;
    fc.assert(
      fc.property(event, (e) => {
        const inCode = classifier.classifyEvent(e).matched;
        expect(inCode).toBe(patterns.some((p) => matchesPattern(p, e)));
        if (inCode) matched++;
      }),
      { numRuns: 600 },
    );
    expect(matched).toBeGreaterThan(20);
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
        const request = detail.requestParameters as Record<string, unknown> | null | undefined;
        if (request && typeof request === 'object') {
          const key = field(Object.keys(request));
          request[key] = value(request[key]);
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
