// The delivery store over the wire: the real DynamoDB client against the local endpoint, which keeps
// items and evaluates condition expressions as DynamoDB does.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

import { StoreUnavailableError, deliveryRecordKey, dynamoDbDeliveryStore } from '../../lambda/alert/idempotency';
import { startLocalAws, type LocalAws } from '../../tools/local-aws/server';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());
beforeEach(() => {
  aws.reset();
  aws.items.clear();
});

const TABLE = 'bedrock-supply-chain-idempotency';
const client = () =>
  new DynamoDBClient({
    region: 'us-east-1',
    endpoint: aws.endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
const NOW = Date.UTC(2026, 10, 29);

test('claim, complete, and a repeat finds the delivery; the record carries its TTL', async () => {
  const store = dynamoDbDeliveryStore(client(), TABLE, 100);
  const key = deliveryRecordKey('286400f3-b1ae-5e3b-af87-4f8e84209750', 'sns');
  await expect(store.claim(key, NOW, NOW + 60_000)).resolves.toEqual({ state: 'claimed' });
  await expect(store.claim(key, NOW + 1, NOW + 60_000)).resolves.toEqual({ state: 'in-progress' });
  await store.complete(key, 'message-1', NOW + 2);
  await expect(store.claim(key, NOW + 3, NOW + 60_000)).resolves.toEqual({ state: 'done', id: 'message-1' });
  const item = aws.items.get(key)!;
  expect(item.status).toEqual({ S: 'COMPLETED' });
  expect(Number(item.expiration.N)).toBe(Math.floor((NOW + 2) / 1000) + 100 * 86_400);
  const puts = aws.requests.filter((r) => r.operation === 'PutItem');
  expect(puts[0].params.ConditionExpression).toBe(
    'attribute_not_exists(#id) OR #expiration < :now OR (#status = :inProgress AND #inProgressExpiration < :nowMs)',
  );
});

test('a claim whose invocation ended is taken over; an expired record is claimed again', async () => {
  const store = dynamoDbDeliveryStore(client(), TABLE, 1);
  const key = deliveryRecordKey('e-2', 'securityHub');
  await store.claim(key, NOW, NOW + 1_000);
  await expect(store.claim(key, NOW + 500, NOW + 60_000)).resolves.toEqual({ state: 'in-progress' });
  await expect(store.claim(key, NOW + 1_001, NOW + 60_000)).resolves.toEqual({ state: 'claimed' });
  await store.complete(key, 'finding-1', NOW + 2_000);
  // A day later (the table keeps it 1 day here) the delivery is forgotten and may be sent again.
  await expect(store.claim(key, NOW + 2 * 86_400_000, NOW + 2 * 86_400_000 + 60_000)).resolves.toEqual({
    state: 'claimed',
  });
});

test('release frees the key; keys are bounded whatever the event id holds', async () => {
  const store = dynamoDbDeliveryStore(client(), TABLE, 100);
  const key = deliveryRecordKey('x'.repeat(100_000), 'soar');
  expect(key).toMatch(/^delivery#soar#[0-9a-f]{64}$/);
  await store.claim(key, NOW, NOW + 60_000);
  await store.release(key);
  expect(aws.items.has(key)).toBe(false);
});

test('a store that fails says so, naming the step', async () => {
  const store = dynamoDbDeliveryStore(client(), TABLE, 100);
  aws.failNext('dynamodb', 3, 'error');
  const key = deliveryRecordKey('e-3', 'sns');
  await expect(store.claim(key, NOW, NOW + 60_000)).rejects.toThrow(StoreUnavailableError);
  await expect(store.claim(key, NOW, NOW + 60_000)).rejects.toThrow(/^claiming the delivery: /);
  await expect(store.complete(key, 'm', NOW)).rejects.toThrow(/^recording the delivery: /);
});
