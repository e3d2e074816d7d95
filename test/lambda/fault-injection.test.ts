import { faultRun } from '../../tools/local-aws/fault-run';
import { startLocalAws, type LocalAws } from '../../tools/local-aws/server';
import { captureTelemetry } from '../support/telemetry';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ slowMs: 20 });
});
afterAll(() => aws.close());
beforeEach(() => captureTelemetry());
afterEach(() => jest.restoreAllMocks());

// `npm run bench` runs the same with 10,000 events; the test keeps the suite fast.
const EVENTS = Number(process.env.FAULT_EVENTS ?? 200);

describe('fault injection: 30% of requests to every destination fail (5xx, throttling, slow, reset)', () => {
  test(`${EVENTS} events: each is delivered everywhere or dead-lettered naming what failed; none lost, none twice`, async () => {
    const result = await faultRun(aws, { events: EVENTS, share: 0.3 });
    expect(result.lost).toEqual([]);
    expect(result.duplicates).toBe(0);
    expect(result.delivered + result.deadLettered.length).toBe(EVENTS);
    // The faults were real: many requests failed, and most events still got through.
    expect(result.injected).toBeGreaterThan(EVENTS * 0.3);
    expect(result.delivered).toBeGreaterThan(EVENTS * 0.9);
  }, 120_000);

  test('the check can fail: with no retries at all, events are dead-lettered and the reasons say why', async () => {
    const result = await faultRun(aws, { events: 100, share: 0.5, kinds: ['error'], attempts: 1 });
    expect(result.deadLettered.length).toBeGreaterThan(0);
    expect(result.lost).toEqual([]);
    expect(result.deadLettered[0].error).toMatch(/failed: ServiceUnavailable \(HTTP 503\): injected fault/);
  }, 60_000);
});
