// What the function remembers about an alert it may follow up or contain, in its DynamoDB table:
// the alert as sent, its verdict, what the call started, where, and how far the follow-up and any
// containment have come. A follow-up or a request to contain carries only the event id; everything
// it acts on is read from here, written by this function alone (the guardrails deny item writes to
// anyone else), so a forged request cannot make the detector act on something it never alerted.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

import type { AlertDocument, FollowTarget, VerdictKind } from '../../lib/detection';

import { getMemory, placeInHourList, putMemory } from './memory';

const DAY_MS = 86_400_000;
const planKey = (eventId: string) => `plan#${eventId}`;

export interface AlertPlan {
  readonly eventId: string;
  readonly eventName: string;
  readonly verdict: VerdictKind | null;
  /** The alert as first sent (its full form). */
  readonly alert: AlertDocument;
  /** The caller's identity, for quarantining the principal. */
  readonly userIdentity: unknown;
  /** What the call started, when it is followed. */
  readonly followed: FollowTarget | null;
  /** Where the call was made (the follow-up reads and containment acts there). */
  readonly region: string;
  readonly callTimeMs: number;
  /** Set by the follow-up: the model or resource that is live. */
  readonly liveResourceArn: string | null;
  /** Set when the follow-up ended: live, failed, gone, still-running. */
  readonly finished: string | null;
  /** Containment was asked for while the job had not made its model yet: contain it when it is live. */
  readonly containRequested?: boolean;
  /** Containment steps carried out (`<call> <target>`): never redone automatically (an undo stays undone). */
  readonly done?: readonly string[];
}

/** Records the plan unless it is there already (a retry or a redelivery keeps what was recorded). */
export async function savePlan(
  dynamo: DynamoDBClient,
  table: string,
  plan: AlertPlan,
  keepDays: number,
  nowMs: number,
  timeoutMs: number,
): Promise<void> {
  const attributes = { plan: { S: JSON.stringify(plan) } };
  await putMemory(dynamo, table, planKey(plan.eventId), attributes, keepDays * DAY_MS, nowMs, timeoutMs, true);
}

/** The recorded plan of an event, or undefined when none was recorded (or it expired). */
export async function readPlan(
  dynamo: DynamoDBClient,
  table: string,
  eventId: string,
  timeoutMs: number,
): Promise<AlertPlan | undefined> {
  const item = await getMemory(dynamo, table, planKey(eventId), timeoutMs);
  const text = item?.plan?.S;
  if (!text) return undefined;
  return JSON.parse(text) as AlertPlan;
}

/** Writes the plan back with what changed (the follow-up's findings). */
export async function updatePlan(
  dynamo: DynamoDBClient,
  table: string,
  plan: AlertPlan,
  keepDays: number,
  nowMs: number,
  timeoutMs: number,
): Promise<void> {
  await putMemory(
    dynamo,
    table,
    planKey(plan.eventId),
    { plan: { S: JSON.stringify(plan) } },
    keepDays * DAY_MS,
    nowMs,
    timeoutMs,
  );
}

/**
 * Takes a place among the hour's containments: true when this event has one (a retry finds its own
 * place again), false once the hour holds `max` others.
 */
export async function claimContainment(
  dynamo: DynamoDBClient,
  table: string,
  eventId: string,
  max: number,
  nowMs: number,
  timeoutMs: number,
): Promise<boolean> {
  return (await placeInHourList(dynamo, table, 'contain', eventId, max, nowMs, timeoutMs)) !== null;
}
