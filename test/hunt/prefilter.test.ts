// The pre-filter never drops a record the classifier matches: over fixture records with their event
// names and sources changed to watched, near and unwatched values (arrays too), serialized with
// random \u escapes and layouts, a file that holds a match always passes the filter, and the
// pre-filtered scan finds exactly what parsing every file finds (fast-check).
import fc from 'fast-check';

import { PreFilter, arraySpans, chooseAnchors, escapeMaySpellName } from '../../cli/hunt/prefilter';
import { Scanner } from '../../cli/hunt/scan';
import {
  SOURCE_PROFILES,
  WatchedCallClassifier,
  resolveWatchedCalls,
  type WatchedCallOptions,
} from '../../lib/detection';
import { cloudTrailGz, recordFixtures } from '../support/hunt-files';

const CONFIGS: [string, WatchedCallOptions][] = [
  ['default', {}],
  ['extended', { profile: 'extended' }],
  ['every source profile', { profile: 'extended', sourceProfiles: [...SOURCE_PROFILES] }],
];
const RECORDS = recordFixtures().map((f) => f.record);
const ALL_NAMES = resolveWatchedCalls(CONFIGS[2][1]).map((c) => c.eventName);

/**
 * JSON text like JSON.stringify's, except that a character of a string is written as a \u escape
 * when `escape()` says so, and objects may be laid out over several lines.
 */
function serialize(value: unknown, escape: () => boolean, pretty: boolean): string {
  const nl = pretty ? '\n  ' : '';
  if (typeof value === 'string') {
    let out = '"';
    for (const ch of value) {
      if (escape() && ch.length === 1) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
      else out += JSON.stringify(ch).slice(1, -1);
    }
    return `${out}"`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => serialize(v, escape, pretty)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const body = Object.entries(value)
      .map(([k, v]) => `${nl}${serialize(k, escape, pretty)}:${serialize(v, escape, pretty)}`)
      .join(',');
    return `{${body}${pretty ? '\n' : ''}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const nameValue = fc.oneof(
  fc.constantFrom(...ALL_NAMES),
  fc.constantFrom(...ALL_NAMES).map((n) => `${n}s`),
  fc.constantFrom(...ALL_NAMES).map((n) => n.toLowerCase()),
  fc.constantFrom(...ALL_NAMES).map((n) => ` ${n}`),
  fc.constantFrom('InvokeModel', 'ListFoundationModels', 'GetObject', 'Model', 'CreateModel'),
  fc.array(fc.constantFrom(...ALL_NAMES, 'InvokeModel'), { maxLength: 3 }),
  fc.constant(7),
);
const record = fc.record({
  base: fc.constantFrom(...RECORDS),
  eventName: fc.option(nameValue),
  eventSource: fc.option(
    fc.constantFrom(
      'bedrock.amazonaws.com',
      'ram.amazonaws.com',
      'bedrock-agentcore.amazonaws.com',
      's3.amazonaws.com',
    ),
  ),
  failed: fc.boolean(),
});
const file = fc.record({
  records: fc.array(record, { minLength: 1, maxLength: 6 }),
  // Elements of Records that are not records, which hunt must count and name.
  odd: fc.array(fc.constantFrom<unknown>(1, null, 'CreateModelImportJob', [RECORDS[0]], true, -2.5e3), {
    maxLength: 2,
  }),
  // How often a character is written as a \u escape: never (the common case), rarely, often.
  escapeRate: fc.constantFrom(0, 0, 0.02, 0.5),
  seed: fc.integer(),
  pretty: fc.boolean(),
});

function build(
  records: { base: Record<string, unknown>; eventName: unknown; eventSource: string | null; failed: boolean }[],
) {
  return records.map(({ base, eventName, eventSource, failed }) => {
    const r: Record<string, unknown> = { ...base };
    if (eventName !== null) r.eventName = eventName;
    if (eventSource !== null) r.eventSource = eventSource;
    if (failed) r.errorCode = 'AccessDenied';
    return r;
  });
}

function escaper(rate: number, seed: number): () => boolean {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 < rate;
  };
}

describe.each(CONFIGS)('%s profile', (_name, options) => {
  const calls = resolveWatchedCalls(options);
  const classifier = new WatchedCallClassifier(calls);
  const filter = new PreFilter(calls.map((c) => c.eventName));
  const fast = new Scanner({ watched: options });
  const full = new Scanner({ watched: options, fullParse: true });

  test('the anchors are substrings of the names, and every name contains one', () => {
    expect(filter.enabled).toBe(true);
    for (const c of calls) expect(filter.anchors.some((a) => c.eventName.includes(a))).toBe(true);
  });

  test('a file that holds a record the classifier matches always passes the filter', () => {
    fc.assert(
      fc.property(file, ({ records, escapeRate, seed, pretty }) => {
        const recs = build(records);
        const text = serialize({ Records: recs }, escaper(escapeRate, seed), pretty);
        expect(JSON.parse(text)).toEqual({ Records: recs });
        // The scan's own check agrees with the classifier record by record (but for the relevance
        // check the alert function makes after a match: AgentCore calls naming no outside model).
        for (const r of recs) {
          const c = classifier.classify(r);
          if (!(c.matched && c.call.relevance)) expect(fast.judge('f', r) !== undefined).toBe(c.matched);
        }
        if (recs.some((r) => classifier.classify(r).matched)) {
          expect(filter.mayMatch(Buffer.from(text))).toBe(true);
        }
      }),
      { numRuns: 120 },
    );
  });

  test('the pre-filtered scan finds exactly what parsing every file finds', () => {
    fc.assert(
      fc.property(file, ({ records, odd, escapeRate, seed }) => {
        const bytes = Buffer.from(
          serialize({ Records: [...odd, ...build(records)] }, escaper(escapeRate, seed), false),
        );
        const a = fast.scan('f.json', bytes);
        const b = full.scan('f.json', bytes);
        expect(a.findings).toEqual(b.findings);
        expect(a.bad).toEqual(b.bad);
        // A file it parses (whole, or the records that hold a name), it counts and names exactly.
        if (a.parsed) expect([a.records, a.badRecords]).toEqual([b.records, b.badRecords]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('the pre-filter', () => {
  const filter = new PreFilter(resolveWatchedCalls().map((c) => c.eventName));

  test('derives its anchors from the names: one for the default profile', () => {
    expect(filter.anchors).toEqual(['Model']);
    expect(chooseAnchors(['CreateHarness', 'UpdateHarness', 'UpdateEndpoint'])).toEqual([
      'ateHarness',
      'UpdateEndpoint',
    ]);
    expect(chooseAnchors(['Ab'])).toEqual(['Ab']);
  });

  test('passes over files without a watched name as a quoted string: reads, near misses, the name inside a longer one', () => {
    for (const text of [
      '{"Records":[{"eventSource":"bedrock.amazonaws.com","eventName":"InvokeModel"}]}',
      '{"Records":[{"eventName":"CreateModelImportJobs"}]}',
      '{"Records":[{"eventName":"XCreateModelImportJob"}]}',
      '{"Records":[{"requestParameters":{"jobName":"CreateModelImportJob-1"}}]}',
      '{"Records":[{"eventName":"createModelImportJob"}]}',
      '{"Records":[{"x":"\\u0001\\u00e9\\u2028"}]}',
    ]) {
      expect(filter.mayMatch(Buffer.from(text))).toBe(false);
    }
  });

  test('stops for a quoted watched name anywhere, and for any \\u escape that could spell one', () => {
    for (const text of [
      '{"Records":[{"eventName":"CreateModelImportJob"}]}',
      '{"Records":[{"eventName":["x","CreateCustomModel"]}]}',
      '{"Records":[{"eventName":"\\u0043reateModelImportJob"}]}',
      '{"Records":[{"eventName":"CreateModel\\u0049mportJob"}]}',
      '{"Records":[{"x":"\\u004"}]}',
      '"CreateCustomModel"',
    ]) {
      expect(filter.mayMatch(Buffer.from(text))).toBe(true);
    }
    expect(escapeMaySpellName(Buffer.from('"\\u0041"'))).toBe(true);
    expect(escapeMaySpellName(Buffer.from('"\\u0022\\u005c\\u002e"'))).toBe(false);
  });

  test('is off (every file is parsed) when a name is not letters and digits', () => {
    const off = new PreFilter(['Create.Model']);
    expect(off.enabled).toBe(false);
    expect(off.mayMatch(Buffer.from('{}'))).toBe(true);
  });

  test('a scan with it parses only the files that can hold a watched call', () => {
    const neg = recordFixtures().find((f) => f.name === 'fixtures/neg-invokemodel-01.json')!.record;
    const scanner = new Scanner();
    expect(scanner.scan('a.json.gz', cloudTrailGz([neg])).parsed).toBe(false);
    expect(
      scanner.scan('a.json.gz', cloudTrailGz([{ ...neg, eventName: 'CreateCustomModel', errorCode: 'AccessDenied' }]))
        .parsed,
    ).toBe(true);
  });
});

describe('the record spans of a CloudTrail file', () => {
  test('are exactly the elements JSON.parse finds, in any layout', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.constantFrom(undefined, 1, '\t'), (values, space) => {
        const text = JSON.stringify(values, null, space);
        const found = arraySpans(Buffer.from(text), text.indexOf('['));
        expect(found?.end).toBe(Buffer.byteLength(text));
        const spans = found!.spans;
        const parsed = [];
        for (let k = 0; k < spans.length; k += 2)
          parsed.push(JSON.parse(Buffer.from(text).toString('utf8', spans[k], spans[k + 1])));
        expect(parsed).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  test('are undefined where the brackets do not close or an element is empty', () => {
    for (const text of ['[{"a":1}', '[{"a":"]}', '[1,}', '["x]'])
      expect(arraySpans(Buffer.from(text), 0)).toBeUndefined();
  });
});
