import { BasePersistenceLayer, type IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';

import { createDeliverer } from '../../lambda/alert/deliver';

/** A store that records in memory and can be told to fail one operation. */
class FlakyStore extends BasePersistenceLayer {
  readonly records = new Map<string, IdempotencyRecord>();
  failOn?: 'put' | 'delete' | 'update';
  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    if (this.failOn === 'put') throw new Error('store down');
    this.records.set(record.idempotencyKey, record);
  }
  protected async _getRecord(key: string): Promise<IdempotencyRecord> {
    return this.records.get(key)!;
  }
  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    if (this.failOn === 'update') throw new Error('store down');
    this.records.set(record.idempotencyKey, record);
  }
  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    if (this.failOn === 'delete') throw new Error('store down');
    this.records.delete(record.idempotencyKey);
  }
}

const KEY = { eventKey: 'e-1', destination: 'securityHub' as const };

describe('delivery with the idempotency store failing at each step', () => {
  test('a send that fails is a failure even when the store cannot undo its in-progress record', async () => {
    const store = new FlakyStore();
    store.failOn = 'delete';
    const { deliver } = createDeliverer(store, 100);
    await expect(
      deliver(KEY, async () => {
        throw new Error('Security Hub 503');
      }),
    ).rejects.toThrow();
  });

  test('store down before the send: the live path sends anyway and says so; a sweep does not send', async () => {
    const store = new FlakyStore();
    store.failOn = 'put';
    const sent: string[] = [];
    const send = async () => {
      sent.push('x');
      return 'id-1';
    };
    await expect(createDeliverer(store, 100).deliver(KEY, send)).resolves.toEqual({
      id: 'id-1',
      storeProblem: expect.stringMatching(/^idempotency store unavailable: /),
    });
    await expect(createDeliverer(store, 100).deliver(KEY, send, false)).rejects.toThrow();
    expect(sent).toHaveLength(1);
  });

  test('sent but not recorded: reported as delivered, with the problem', async () => {
    const store = new FlakyStore();
    store.failOn = 'update';
    await expect(createDeliverer(store, 100).deliver(KEY, async () => 'id-2')).resolves.toEqual({
      id: '',
      storeProblem: expect.stringMatching(/^sent, but not recorded as sent: /),
    });
  });
  // The healthy case, repeats included, is tested over the wire against DynamoDB in pipeline.test.ts.
});
