// What the detector remembers between events, in its DynamoDB table (the idempotency table, with the
// same TTL attribute): failed watched calls per principal and hour (the probing signal), the latest
// watched creation per principal and kind (the create-then-delete signal), and the last health of
// the trail it relies on (so a change is alerted once). Every read and write is bounded by a timeout;
// a failure is reported to the caller, which says so in the log and the alert, never drops the event.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

import type { CreatedResource } from '../../lib/detection';

import { load } from './sdk';

const HOUR_MS = 3_600_000;
const epochSeconds = (ms: number) => String(Math.floor(ms / 1000));

/** Adds one failed call to the principal's count for the current hour; returns the count. */
export async function countFailure(
  dynamo: DynamoDBClient,
  table: string,
  principal: string,
  nowMs: number,
  timeoutMs: number,
): Promise<number> {
  const { UpdateItemCommand } = load.dynamoDb();
  const hour = Math.floor(nowMs / HOUR_MS);
  const out = await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { id: { S: `probe#${principal}#${hour}` } },
      UpdateExpression: 'ADD #count :one SET #expiration = :expiration',
      ExpressionAttributeNames: { '#count': 'count', '#expiration': 'expiration' },
      ExpressionAttributeValues: { ':one': { N: '1' }, ':expiration': { N: epochSeconds(nowMs + 2 * HOUR_MS) } },
      ReturnValues: 'UPDATED_NEW',
    }),
    { abortSignal: AbortSignal.timeout(timeoutMs) },
  );
  return Number(out.Attributes?.count?.N ?? 1);
}

/** A watched creation, as remembered for a later delete. */
export interface Creation {
  readonly eventId: string;
  readonly eventName: string;
  readonly time: string;
  /** Names and ARNs the creation gave the resource. */
  readonly identifiers: readonly string[];
}

const createdKey = (kind: CreatedResource, principal: string) => `created#${kind}#${principal}`;

/** Remembers the principal's latest creation of `kind` for a day. */
export async function rememberCreation(
  dynamo: DynamoDBClient,
  table: string,
  kind: CreatedResource,
  principal: string,
  creation: Creation,
  nowMs: number,
  timeoutMs: number,
): Promise<void> {
  const { PutItemCommand } = load.dynamoDb();
  await dynamo.send(
    new PutItemCommand({
      TableName: table,
      Item: {
        id: { S: createdKey(kind, principal) },
        creation: { S: JSON.stringify(creation) },
        expiration: { N: epochSeconds(nowMs + 25 * HOUR_MS) },
      },
    }),
    { abortSignal: AbortSignal.timeout(timeoutMs) },
  );
}

/** The principal's latest remembered creation of `kind`, if any. */
export async function findCreation(
  dynamo: DynamoDBClient,
  table: string,
  kind: CreatedResource,
  principal: string,
  timeoutMs: number,
): Promise<Creation | undefined> {
  const { GetItemCommand } = load.dynamoDb();
  const out = await dynamo.send(
    new GetItemCommand({ TableName: table, Key: { id: { S: createdKey(kind, principal) } }, ConsistentRead: true }),
    { abortSignal: AbortSignal.timeout(timeoutMs) },
  );
  const text = out.Item?.creation?.S;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Creation;
  } catch {
    return undefined;
  }
}

/** The trail's health as last recorded (nothing the first time). */
export async function readHealth(
  dynamo: DynamoDBClient,
  table: string,
  trail: string,
  timeoutMs: number,
): Promise<{ status?: string; since?: string }> {
  const { GetItemCommand } = load.dynamoDb();
  const out = await dynamo.send(
    new GetItemCommand({ TableName: table, Key: { id: { S: `health#${trail}` } }, ConsistentRead: true }),
    { abortSignal: AbortSignal.timeout(timeoutMs) },
  );
  return { status: out.Item?.status?.S, since: out.Item?.since?.S };
}

/**
 * Records the trail's health, after its alert (if any) was delivered: a retry of a failed delivery
 * still finds the old status and alerts again (idempotency keeps the delivered destinations from a
 * second copy).
 */
export async function writeHealth(
  dynamo: DynamoDBClient,
  table: string,
  trail: string,
  status: 'healthy' | 'blind',
  since: string,
  nowMs: number,
  timeoutMs: number,
): Promise<void> {
  const { PutItemCommand } = load.dynamoDb();
  await dynamo.send(
    new PutItemCommand({
      TableName: table,
      Item: {
        id: { S: `health#${trail}` },
        status: { S: status },
        since: { S: since },
        // Kept well past the hourly check: a lapse of the schedule must not forget a blind trail.
        expiration: { N: epochSeconds(nowMs + 30 * 24 * HOUR_MS) },
      },
    }),
    { abortSignal: AbortSignal.timeout(timeoutMs) },
  );
}
