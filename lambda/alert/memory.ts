// What the detector remembers between events, in its DynamoDB table (the idempotency table, with the
// same TTL attribute): failed watched calls per principal and hour (the probing signal), the latest
// watched creation per principal and kind (the create-then-delete signal), the last health of the
// trail it relies on and the alert topic's confirmed subscriptions (so a change is alerted once). Every read and write is bounded by a timeout;
// a failure is reported to the caller, which says so in the log and the alert, never drops the event.
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

import type { CreatedResource, RememberedSubscription } from '../../lib/detection';

import { load } from './sdk';

const HOUR_MS = 3_600_000;
const epochSeconds = (ms: number) => String(Math.floor(ms / 1000));

/**
 * Records one failed call in the principal's list for the current hour and returns its place in it
 * (1 for the first), or null once the list holds `cap` other calls. The event id is kept, not a
 * count: a redelivered or retried event finds its own place again, so it is neither counted twice
 * nor (when it was the one that reached the threshold and its alert failed) passed over.
 */
export async function countFailure(
  dynamo: DynamoDBClient,
  table: string,
  principal: string,
  eventId: string,
  cap: number,
  nowMs: number,
  timeoutMs: number,
): Promise<number | null> {
  return placeInHourList(dynamo, table, `probe#${principal}`, eventId, cap, nowMs, timeoutMs);
}

/**
 * Takes a place for `eventId` in the list kept under `<key>#<clock hour>` and returns it (1 for the
 * first), or null once the list holds `cap` other events. A retried or redelivered event finds its
 * own place again, so it is never counted twice.
 */
export async function placeInHourList(
  dynamo: DynamoDBClient,
  table: string,
  key: string,
  eventId: string,
  cap: number,
  nowMs: number,
  timeoutMs: number,
): Promise<number | null> {
  const { UpdateItemCommand } = load.dynamoDb();
  const hour = Math.floor(nowMs / HOUR_MS);
  try {
    const out = await dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: { S: `${key}#${hour}` } },
        UpdateExpression: 'SET #events = list_append(if_not_exists(#events, :none), :event), #expiration = :expiration',
        // Appended only when it is not there yet, and only while the list is short of the cap.
        ConditionExpression: 'attribute_not_exists(#events) OR (NOT contains(#events, :id) AND size(#events) < :cap)',
        ExpressionAttributeNames: { '#events': 'events', '#expiration': 'expiration' },
        ExpressionAttributeValues: {
          ':none': { L: [] },
          ':event': { L: [{ S: eventId }] },
          ':id': { S: eventId },
          ':cap': { N: String(cap) },
          ':expiration': { N: epochSeconds(nowMs + 2 * HOUR_MS) },
        },
        ReturnValues: 'UPDATED_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    return out.Attributes?.events?.L?.length ?? 1;
  } catch (e) {
    if ((e as Error)?.name !== 'ConditionalCheckFailedException') throw e;
    const listed = (e as { Item?: Record<string, { L?: { S?: string }[] }> }).Item?.events?.L ?? [];
    const place = listed.findIndex((v) => v.S === eventId);
    return place >= 0 ? place + 1 : null;
  }
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

export type Attributes = Record<string, AttributeValue>;

/** Reads one remembered item by its id (a consistent read), or undefined. */
export async function getMemory(dynamo: DynamoDBClient, table: string, id: string, timeoutMs: number) {
  const { GetItemCommand } = load.dynamoDb();
  const out = await dynamo.send(
    new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }),
    { abortSignal: AbortSignal.timeout(timeoutMs) },
  );
  return out.Item;
}

/**
 * Writes one remembered item, kept for `keepMs` (the table's TTL attribute). With `ifAbsent`, an item
 * already there is kept as it is (a retry or a redelivery keeps what was recorded first).
 */
export async function putMemory(
  dynamo: DynamoDBClient,
  table: string,
  id: string,
  attributes: Attributes,
  keepMs: number,
  nowMs: number,
  timeoutMs: number,
  ifAbsent = false,
): Promise<void> {
  const { PutItemCommand } = load.dynamoDb();
  try {
    await dynamo.send(
      new PutItemCommand({
        TableName: table,
        Item: { id: { S: id }, ...attributes, expiration: { N: epochSeconds(nowMs + keepMs) } },
        ...(ifAbsent
          ? { ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': 'id' } }
          : {}),
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
  } catch (e) {
    if (!ifAbsent || (e as Error)?.name !== 'ConditionalCheckFailedException') throw e;
  }
}

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
  const attributes = { creation: { S: JSON.stringify(creation) } };
  await putMemory(dynamo, table, createdKey(kind, principal), attributes, 25 * HOUR_MS, nowMs, timeoutMs);
}

/** The principal's latest remembered creation of `kind`, if any. */
export async function findCreation(
  dynamo: DynamoDBClient,
  table: string,
  kind: CreatedResource,
  principal: string,
  timeoutMs: number,
): Promise<Creation | undefined> {
  const text = (await getMemory(dynamo, table, createdKey(kind, principal), timeoutMs))?.creation?.S;
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
  const item = await getMemory(dynamo, table, `health#${trail}`, timeoutMs);
  return { status: item?.status?.S, since: item?.since?.S };
}

// Kept well past the hourly check: a lapse of the schedule must not forget a blind trail or a
// subscription.
const HEALTH_MEMORY_MS = 30 * 24 * HOUR_MS;

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
  const attributes = { status: { S: status }, since: { S: since } };
  await putMemory(dynamo, table, `health#${trail}`, attributes, HEALTH_MEMORY_MS, nowMs, timeoutMs);
}

/** The alert topic's confirmed subscriptions as the last health check saw them (undefined: never checked). */
export async function readSubscriptions(
  dynamo: DynamoDBClient,
  table: string,
  topic: string,
  timeoutMs: number,
): Promise<RememberedSubscription[] | undefined> {
  const list = (await getMemory(dynamo, table, `subscriptions#${topic}`, timeoutMs))?.subscriptions?.L;
  if (!list) return undefined;
  return list.flatMap((v) => {
    const m = v.M;
    return m?.arn?.S ? [{ arn: m.arn.S, protocol: m.protocol?.S ?? 'unknown' }] : [];
  });
}

/** Records the confirmed subscriptions, after the alert about any that are gone was delivered. */
export async function writeSubscriptions(
  dynamo: DynamoDBClient,
  table: string,
  topic: string,
  subscriptions: readonly RememberedSubscription[],
  nowMs: number,
  timeoutMs: number,
): Promise<void> {
  const attributes = {
    subscriptions: { L: subscriptions.map((x) => ({ M: { arn: { S: x.arn }, protocol: { S: x.protocol } } })) },
  };
  await putMemory(dynamo, table, `subscriptions#${topic}`, attributes, HEALTH_MEMORY_MS, nowMs, timeoutMs);
}
