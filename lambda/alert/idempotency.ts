// At most one delivery per CloudTrail event and destination, remembered in the detector's DynamoDB
// table with conditional writes: claim the key (in progress), send, mark it completed with the
// destination's id; a failed send releases the key. A repeat finds the completed record and sends
// nothing; a claim left by a crashed invocation expires with that invocation.
import { createHash } from 'node:crypto';

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

import { describeError } from './errors';
import { load } from './sdk';

/** What claiming a key found. */
export type Claim =
  | { readonly state: 'claimed' }
  /** Delivered before: the destination's id for it. */
  | { readonly state: 'done'; readonly id: string }
  /** Another invocation is delivering it now. */
  | { readonly state: 'in-progress' };

/** Where deliveries are remembered. Every method throws {@link StoreUnavailableError} when the store fails. */
export interface DeliveryStore {
  claim(key: string, nowMs: number, inProgressUntilMs: number): Promise<Claim>;
  complete(key: string, id: string, nowMs: number): Promise<void>;
  release(key: string): Promise<void>;
}

/** The store could not be read or written. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Another invocation holds the key: this one fails, so Lambda retries it after that one is done. */
export class DeliveryInProgressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryInProgressError';
  }
}

/** The table's key for a delivery: bounded in length whatever the record carries. */
export function deliveryRecordKey(eventKey: string, destination: string): string {
  return `delivery#${destination}#${createHash('sha256').update(eventKey).digest('hex')}`;
}

/** The deliveries in the detector's table, kept `days` (its TTL attribute is `expiration`). */
export function dynamoDbDeliveryStore(client: DynamoDBClient, tableName: string, days: number): DeliveryStore {
  const wrap = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      throw new StoreUnavailableError(`${what}: ${describeError(e)}`, { cause: e });
    }
  };
  const expiry = (nowMs: number) => String(Math.floor(nowMs / 1000) + days * 86_400);
  return {
    async claim(key, nowMs, inProgressUntilMs) {
      const { PutItemCommand } = load.dynamoDb();
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              id: { S: key },
              status: { S: 'INPROGRESS' },
              expiration: { N: expiry(nowMs) },
              in_progress_expiration: { N: String(inProgressUntilMs) },
            },
            // Free, expired, or claimed by an invocation that has ended.
            ConditionExpression:
              'attribute_not_exists(#id) OR #expiration < :now OR (#status = :inProgress AND #inProgressExpiration < :nowMs)',
            ExpressionAttributeNames: {
              '#id': 'id',
              '#expiration': 'expiration',
              '#status': 'status',
              '#inProgressExpiration': 'in_progress_expiration',
            },
            ExpressionAttributeValues: {
              ':now': { N: String(Math.floor(nowMs / 1000)) },
              ':nowMs': { N: String(nowMs) },
              ':inProgress': { S: 'INPROGRESS' },
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { state: 'claimed' };
      } catch (e) {
        if ((e as Error)?.name !== 'ConditionalCheckFailedException') {
          throw new StoreUnavailableError(`claiming the delivery: ${describeError(e)}`, { cause: e });
        }
        const old = (e as { Item?: Record<string, { S?: string }> }).Item;
        return old?.status?.S === 'COMPLETED' ? { state: 'done', id: old.data?.S ?? '' } : { state: 'in-progress' };
      }
    },
    complete: (key, id, nowMs) =>
      wrap('recording the delivery', async () => {
        const { UpdateItemCommand } = load.dynamoDb();
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { id: { S: key } },
            UpdateExpression: 'SET #status = :completed, #data = :data, #expiration = :expiration',
            ExpressionAttributeNames: { '#status': 'status', '#data': 'data', '#expiration': 'expiration' },
            ExpressionAttributeValues: {
              ':completed': { S: 'COMPLETED' },
              ':data': { S: id },
              ':expiration': { N: expiry(nowMs) },
            },
          }),
        );
      }),
    release: (key) =>
      wrap('releasing the delivery', async () => {
        const { DeleteItemCommand } = load.dynamoDb();
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: { id: { S: key } } }));
      }),
  };
}
