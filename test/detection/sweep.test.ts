import { parseSweepRequest, resolveWatchedCalls, sweepEnvelope, WatchedCallClassifier } from '../../lib/detection';
import { record } from '../support/fixtures';

describe('sweeps', () => {
  test.each([
    [{}, undefined],
    [
      { bedrockSupplyChainSweep: { kind: 'backfill', lookbackMinutes: 129600 } },
      { kind: 'backfill', lookbackMinutes: 129600 },
    ],
    [
      { bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 999999 } },
      { kind: 'reconcile', lookbackMinutes: 129600 },
    ],
    [{ bedrockSupplyChainSweep: 'now' }, 'bedrockSupplyChainSweep must be an object'],
    [
      { bedrockSupplyChainSweep: { kind: 'all', lookbackMinutes: 5 } },
      `bedrockSupplyChainSweep.kind must be 'backfill', 'reconcile' or 'health', got "all"`,
    ],
    [
      { bedrockSupplyChainSweep: { kind: 'reconcile', lookbackMinutes: 0.5 } },
      'bedrockSupplyChainSweep.lookbackMinutes must be a whole number of minutes from 1 to 129600, got 0.5',
    ],
  ])('%j → %j', (event, expected) => {
    expect(parseSweepRequest(event)).toEqual(expected);
  });

  test('a record read back from CloudTrail gets the envelope EventBridge would have given it, and classifies the same', () => {
    const r = record('pos-deploy-01.json');
    const env = sweepEnvelope({ EventId: String(r.eventID), CloudTrailEvent: JSON.stringify(r) });
    expect(env).toMatchObject({
      id: `sweep-${r.eventID}`,
      source: 'aws.bedrock',
      'detail-type': 'AWS API Call via CloudTrail',
      account: '111122223333',
      detail: r,
    });
    const classifier = new WatchedCallClassifier(resolveWatchedCalls());
    expect(classifier.classifyEvent(env)).toMatchObject({ matched: true });
  });

  test('an unreadable entry is reported, not dropped', () => {
    expect(sweepEnvelope({ EventId: 'x', CloudTrailEvent: '{' })).toBe(
      'LookupEvents entry "x" has no readable CloudTrailEvent',
    );
    expect(sweepEnvelope({ EventId: 'y', CloudTrailEvent: '[1]' })).toBe(
      'LookupEvents entry "y" has a CloudTrailEvent that is not an object',
    );
  });
});
