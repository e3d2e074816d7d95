import { flatten, matchesPattern } from './event-pattern';

// The test-side interpreter is an oracle for the agreement tests, so it is tested on its own
// against the documented EventBridge semantics (eb-event-patterns-arrays, -null-values,
// eb-create-pattern-operators) and aws/event-ruler's README.
describe('test interpreter of EventBridge patterns', () => {
  const pattern = { source: ['aws.bedrock'], detail: { eventName: ['A', 'B'], errorCode: [{ exists: false }] } };

  test('exact values: OR within a field, AND across fields', () => {
    expect(matchesPattern(pattern, { source: 'aws.bedrock', detail: { eventName: 'B' } })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.bedrock', detail: { eventName: 'C' } })).toBe(false);
    expect(matchesPattern(pattern, { source: 'aws.other', detail: { eventName: 'A' } })).toBe(false);
  });

  test('exact match is case-sensitive and type-strict', () => {
    expect(matchesPattern(pattern, { source: 'aws.bedrock', detail: { eventName: 'a' } })).toBe(false);
    expect(matchesPattern({ x: ['1'] }, { x: 1 })).toBe(false);
    expect(matchesPattern({ x: [1] }, { x: 1 })).toBe(true);
  });

  test('event arrays match by intersection, at any depth', () => {
    expect(matchesPattern(pattern, { source: ['x', 'aws.bedrock'], detail: { eventName: [['Z'], ['A']] } })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.bedrock', detail: { eventName: ['Z'] } })).toBe(false);
  });

  test('exists:false is true for absent fields and for fields that hold only objects or empty arrays', () => {
    const base = { source: 'aws.bedrock', detail: { eventName: 'A' } };
    expect(matchesPattern(pattern, base)).toBe(true);
    expect(matchesPattern(pattern, { ...base, detail: { eventName: 'A', errorCode: {} } })).toBe(true);
    expect(matchesPattern(pattern, { ...base, detail: { eventName: 'A', errorCode: [] } })).toBe(true);
    expect(matchesPattern(pattern, { ...base, detail: { eventName: 'A', errorCode: '' } })).toBe(false);
    expect(matchesPattern(pattern, { ...base, detail: { eventName: 'A', errorCode: null } })).toBe(false);
    expect(matchesPattern(pattern, { ...base, detail: { eventName: 'A', errorCode: 'AccessDenied' } })).toBe(false);
  });

  test('dotted keys and nested keys name the same field', () => {
    expect([...flatten({ 'a.b': 1, a: { b: 2 } }).entries()]).toEqual([['a.b', [1, 2]]]);
    expect(matchesPattern({ detail: { eventName: ['A'] } }, { 'detail.eventName': 'A' })).toBe(true);
  });

  test('prefix and wildcard work on strings only', () => {
    expect(matchesPattern({ x: [{ prefix: 'Delete' }] }, { x: 'DeleteFunction20150331' })).toBe(true);
    expect(matchesPattern({ x: [{ prefix: 'Delete' }] }, { x: 'delete' })).toBe(false);
    expect(matchesPattern({ x: [{ wildcard: '*-alerts:*' }] }, { x: 'arn:aws:sns:r:1:p-alerts:abc' })).toBe(true);
    expect(matchesPattern({ x: [{ wildcard: '*-alerts:*' }] }, { x: 'arn:aws:sns:r:1:p-alerts' })).toBe(false);
    expect(matchesPattern({ x: [{ wildcard: 'a*a' }] }, { x: 'a' })).toBe(false);
    expect(matchesPattern({ x: [{ wildcard: 'a*a' }] }, { x: 'aa' })).toBe(true);
    expect(matchesPattern({ x: [{ wildcard: '*' }] }, { x: 5 })).toBe(false);
  });

  test('$or: any branch, each branch ANDs its fields', () => {
    const p = { d: { e: [{ exists: false }], $or: [{ a: ['1'], b: ['2'] }, { c: ['3'] }] } };
    expect(matchesPattern(p, { d: { a: '1', b: '2' } })).toBe(true);
    expect(matchesPattern(p, { d: { a: '1', b: '9' } })).toBe(false);
    expect(matchesPattern(p, { d: { c: '3' } })).toBe(true);
    expect(matchesPattern(p, { d: { c: '3', e: 'x' } })).toBe(false);
  });

  test('operators it does not implement throw instead of passing', () => {
    expect(() => matchesPattern({ x: [{ suffix: 'a' }] }, { x: 'abc' })).toThrow(/not supported/);
  });
});
