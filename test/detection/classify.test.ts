import {
  EventDecider,
  SOURCE_PROFILES,
  WatchedCallClassifier,
  buildEventPattern,
  buildEventPatterns,
  classify,
  detectorNames,
  leavesAt,
  resolveWatchedCalls,
  type WatchedCallOptions,
} from '../../lib/detection';
import { matchesPattern } from '../support/event-pattern';
import { MANIFEST, envelope, record } from '../support/fixtures';

/** The configurations the manifest says what each fixture does under. */
const CONFIGS: [key: 'default' | 'extended' | 'all', options: WatchedCallOptions][] = [
  ['default', { profile: 'default' }],
  ['extended', { profile: 'extended' }],
  ['all', { profile: 'extended', sourceProfiles: [...SOURCE_PROFILES] }],
];

describe.each(CONFIGS)('classify() and the %s patterns agree on every fixture', (key, options) => {
  const calls = resolveWatchedCalls(options);
  const classifier = new WatchedCallClassifier(calls);
  const patterns = buildEventPatterns(calls);

  test.each(MANIFEST.map((f) => [f.file, f]))('%s', (_file, entry) => {
    const detail = record(entry.file);
    const expected = key === 'all' ? (entry.all ?? entry.extended) : entry[key];
    const event = envelope(detail);
    // The independent interpreter on the synthesized patterns, the lib's classifier on the event and on the bare record.
    expect(patterns.some((p) => matchesPattern(p, event))).toBe(expected);
    expect(classifier.classifyEvent(event).matched).toBe(expected);
    expect(classifier.classify(detail).matched).toBe(expected);
  });
});

describe('after the rule matched, the function decides relevance (AgentCore outside models)', () => {
  const decider = new EventDecider({
    calls: resolveWatchedCalls({ profile: 'extended', sourceProfiles: [...SOURCE_PROFILES] }),
    names: detectorNames(),
  });
  test.each(MANIFEST.filter((f) => f.relevant !== undefined).map((f) => [f.file, f]))('%s', (_file, entry) => {
    const decision = decider.decide(envelope(record(entry.file)));
    expect(decision.kind).toBe(entry.relevant ? 'watched' : 'ignored');
    if (decision.kind === 'ignored') expect(decision.code).toBe('not-relevant');
    if (decision.kind === 'watched') expect(decision.outsideEndpoints?.length).toBeGreaterThan(0);
  });
});

describe('classify()', () => {
  test('names the matched call', () => {
    const result = classify(record('pos-mkt-register-01.json'));
    expect(result.matched && result.call.eventName).toBe('RegisterMarketplaceModelEndpoint');
  });

  test.each([
    ['neg-import-accessdenied-01.json', 'failed-call', `the call failed (errorCode "AccessDenied")`],
    ['neg-invokemodel-01.json', 'unwatched-event-name', 'eventName is "InvokeModel", not a watched call'],
    [
      'neg-other-source-sagemaker-01.json',
      'wrong-event-source',
      `eventSource is "sagemaker.amazonaws.com", not a watched event source`,
    ],
    ['neg-insight-01.json', 'wrong-event-source', `eventSource is absent, not a watched event source`],
    [
      'neg-update-pt-rename-01.json',
      'unwatched-event-name',
      'eventName is "UpdateProvisionedModelThroughput", not a watched call',
    ],
    ['neg-wrong-case-name-01.json', 'unwatched-event-name', 'eventName is "createmodelimportjob", not a watched call'],
  ])('gives the reason for %s', (file, code, reason) => {
    expect(classify(record(file))).toEqual({ matched: false, code, reason });
  });

  test('checks source and detail-type of the EventBridge envelope', () => {
    const classifier = new WatchedCallClassifier();
    const detail = record('pos-import-01.json');
    expect(classifier.classifyEvent(envelope(detail, { source: 'aws.sagemaker' }))).toMatchObject({
      code: 'wrong-source',
    });
    expect(classifier.classifyEvent(envelope(detail, { 'detail-type': 'AWS Insight via CloudTrail' }))).toMatchObject({
      code: 'wrong-detail-type',
    });
    expect(classifier.classifyEvent(envelope(detail, { source: ['x', 'aws.bedrock'] })).matched).toBe(true);
  });

  // Shapes no fixture file has, checked against the test interpreter the same way.
  const odd: [string, unknown][] = [
    ['not an object', 'CreateModelImportJob'],
    ['null', null],
    ['an array of records', [{ eventSource: 'bedrock.amazonaws.com', eventName: 'CreateModelImportJob' }]],
    ['dotted keys', { eventSource: 'bedrock.amazonaws.com', eventName: 'CreateModelImportJob', 'errorCode.x': 1 }],
    [
      'errorCode as an empty array',
      { eventSource: 'bedrock.amazonaws.com', eventName: 'CreateModelImportJob', errorCode: [] },
    ],
    [
      'errorCode as an array of objects',
      { eventSource: 'bedrock.amazonaws.com', eventName: 'CreateModelImportJob', errorCode: [{ a: 'x' }] },
    ],
    ['errorCode false', { eventSource: 'bedrock.amazonaws.com', eventName: 'CreateModelImportJob', errorCode: false }],
    ['eventName null', { eventSource: 'bedrock.amazonaws.com', eventName: null }],
    ['eventName with a trailing space', { eventSource: 'bedrock.amazonaws.com', eventName: 'CreateModelImportJob ' }],
    [
      'eventSource nested array',
      { eventSource: [['bedrock.amazonaws.com']], eventName: 'CreateCustomModelDeployment' },
    ],
    ['eventName as an object', { eventSource: 'bedrock.amazonaws.com', eventName: { name: 'CreateModelImportJob' } }],
  ];
  test.each(odd)('agrees with the pattern for %s', (_what, detail) => {
    const calls = resolveWatchedCalls();
    const event = { source: 'aws.bedrock', 'detail-type': 'AWS API Call via CloudTrail', detail };
    expect(new WatchedCallClassifier(calls).classifyEvent(event).matched).toBe(
      matchesPattern(buildEventPattern(calls), event),
    );
  });

  test('a key literally named "detail.eventName" is the same field as detail → eventName', () => {
    const event = {
      source: 'aws.bedrock',
      'detail-type': 'AWS API Call via CloudTrail',
      'detail.eventSource': 'bedrock.amazonaws.com',
      detail: { eventName: 'CreateModelImportJob' },
    };
    expect(new WatchedCallClassifier().classifyEvent(event).matched).toBe(true);
    expect(matchesPattern(buildEventPattern(resolveWatchedCalls()), event)).toBe(true);
  });
});

describe('leavesAt()', () => {
  test('flattens arrays, skips objects and keeps null, numbers and booleans as leaves', () => {
    expect(leavesAt({ a: [1, [null, 'x'], { b: 2 }, true] }, ['a'])).toEqual([1, null, 'x', true]);
    expect(leavesAt({ a: [{ b: 2 }, { b: [3] }] }, ['a', 'b'])).toEqual([2, 3]);
    expect(leavesAt({ a: { b: 1 } }, ['a'])).toEqual([]);
    expect(leavesAt('x', [])).toEqual(['x']);
  });
});
