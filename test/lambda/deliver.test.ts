import { DEFAULT_CLAIM_MS, createDeliverer } from '../../lambda/alert/deliver';
import {
  DeliveryInProgressError,
  StoreUnavailableError,
  deliveryRecordKey,
  type Claim,
  type DeliveryStore,
} from '../../lambda/alert/idempotency';

/** A store that keeps deliveries in memory, as the DynamoDB one does, and can be told to fail one step. */
class FlakyStore implements DeliveryStore {
  readonly records = new Map<string, { status: 'INPROGRESS' | 'COMPLETED'; until: number; id?: string }>();
  failOn?: 'claim' | 'complete' | 'release';
  private fail(step: NonNullable<FlakyStore['failOn']>) {
    if (this.failOn === step) throw new StoreUnavailableError(`${step}: store down`);
  }
  async claim(key: string, nowMs: number, untilMs: number): Promise<Claim> {
    this.fail('claim');
    const old = this.records.get(key);
    if (old?.status === 'COMPLETED') return { state: 'done', id: old.id ?? '' };
    if (old && old.until >= nowMs) return { state: 'in-progress' };
    this.records.set(key, { status: 'INPROGRESS', until: untilMs });
    return { state: 'claimed' };
  }
  async complete(key: string, id: string): Promise<void> {
    this.fail('complete');
    this.records.set(key, { status: 'COMPLETED', until: 0, id });
  }
  async release(key: string): Promise<void> {
    this.fail('release');
    this.records.delete(key);
  }
}

const KEY = { eventKey: 'e-1', destination: 'securityHub' as const };

describe('delivery, once per event and destination', () => {
  test('a repeat sends nothing and returns the first delivery id', async () => {
    const store = new FlakyStore();
    const sent: string[] = [];
    const { deliver } = createDeliverer(store);
    const send = async () => {
      sent.push('x');
      return `id-${sent.length}`;
    };
    await expect(deliver(KEY, send)).resolves.toEqual({ id: 'id-1' });
    await expect(deliver(KEY, send)).resolves.toEqual({ id: 'id-1' });
    await expect(deliver({ ...KEY, destination: 'sns' }, send)).resolves.toEqual({ id: 'id-2' });
    expect(sent).toHaveLength(2);
  });

  test('a claim held by a running invocation fails the delivery (Lambda retries it); one that expired is taken over', async () => {
    const store = new FlakyStore();
    let now = 1_000_000;
    // The first invocation claimed the key and died before it finished.
    await store.claim(deliveryRecordKey(KEY.eventKey, KEY.destination), now, now + DEFAULT_CLAIM_MS);
    const second = createDeliverer(store, () => now);
    await expect(second.deliver(KEY, async () => 'id-2')).rejects.toThrow(DeliveryInProgressError);
    now += DEFAULT_CLAIM_MS + 1;
    await expect(second.deliver(KEY, async () => 'id-2')).resolves.toEqual({ id: 'id-2' });
  });
});

describe('delivery with the idempotency store failing at each step', () => {
  test('a send that fails is a failure even when the store cannot undo its claim', async () => {
    const store = new FlakyStore();
    store.failOn = 'release';
    const { deliver } = createDeliverer(store);
    await expect(
      deliver(KEY, async () => {
        throw new Error('Security Hub 503');
      }),
    ).rejects.toThrow('Security Hub 503');
  });

  test('a send that fails releases the claim, so the retry sends', async () => {
    const store = new FlakyStore();
    const { deliver } = createDeliverer(store);
    await expect(
      deliver(KEY, async () => {
        throw new Error('Security Hub 503');
      }),
    ).rejects.toThrow();
    expect(store.records.size).toBe(0);
    await expect(deliver(KEY, async () => 'id-3')).resolves.toEqual({ id: 'id-3' });
  });

  test('store down before the send: the live path sends anyway and says so; a sweep does not send', async () => {
    const store = new FlakyStore();
    store.failOn = 'claim';
    const sent: string[] = [];
    const send = async () => {
      sent.push('x');
      return 'id-1';
    };
    await expect(createDeliverer(store).deliver(KEY, send)).resolves.toEqual({
      id: 'id-1',
      storeProblem: expect.stringMatching(/^idempotency store unavailable: /),
    });
    await expect(createDeliverer(store).deliver(KEY, send, false)).rejects.toThrow(StoreUnavailableError);
    expect(sent).toHaveLength(1);
  });

  test('sent but not recorded: reported as delivered, with the problem', async () => {
    const store = new FlakyStore();
    store.failOn = 'complete';
    await expect(createDeliverer(store).deliver(KEY, async () => 'id-2')).resolves.toEqual({
      id: 'id-2',
      storeProblem: expect.stringMatching(/^sent, but not recorded as sent: /),
    });
  });
  // The healthy case, repeats included, is tested over the wire against DynamoDB in pipeline.test.ts.
});
