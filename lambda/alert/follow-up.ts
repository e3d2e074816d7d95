// Lifecycle follow-up. After an alert about a watched create is delivered, the function records its
// plan and starts the follow-up state machine, which waits (Step Functions Wait states, no sleeping
// Lambda) and invokes the function with the event id for each check. A check reads the job or
// resource with its `Get*` call; when it has ended (live, failed, gone) or the checks run out, the
// alert is updated on every destination, and a model that goes live under a verdict that is not
// `approved` is escalated (and contained, when contain mode does that for its verdict without asking).
import { createHash } from 'node:crypto';

import {
  canContain,
  containsAutomatically,
  detectorNames,
  followTargetOf,
  followUpMinutes,
  lifecycleUpdate,
  nextCheckSeconds,
  type AlertDocument,
  type Verdict,
} from '../../lib/detection';

import type { EventOrigin, PipelineDependencies } from './alerting';
import { readFollowed } from './bedrock-ops';
import { runContainment } from './contain';
import type { DeliveryTargets } from './deliver';
import { describeError } from './errors';
import { readPlan, savePlan, updatePlan, type AlertPlan } from './plans';
import { load } from './sdk';
import { deliverUpdate } from './updates';

/** Thrown when the follow-up or containment after an alert could not be set up; the alert itself was delivered. */
export class FollowUpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FollowUpError';
  }
}

/** What a follow-up check returns to the state machine: wait `waitSeconds`, or stop. */
export interface FollowUpResult {
  readonly status: 'follow-up';
  readonly eventId: string;
  readonly done: boolean;
  readonly waitSeconds: number;
  readonly state: string;
}

/** A state machine execution name (at most 80 characters) that is the same for every retry of one event. */
export function executionName(eventId: string): string {
  return `fu-${createHash('sha256').update(eventId).digest('hex').slice(0, 40)}`;
}

/**
 * After an alert was delivered: records the plan and starts the follow-up, and contains at once
 * when contain mode does that for the verdict. Only calls made in the function's own account are
 * followed or contained (another account's resources are not the function's to read or change).
 * Throws `FollowUpError` when something could not be set up, so Lambda retries the event (the
 * delivered destinations are not sent again) and then dead-letters it with the reason.
 */
export async function afterAlert(
  alert: AlertDocument,
  verdict: Verdict | undefined,
  record: Record<string, unknown>,
  eventName: string,
  eventKey: string | undefined,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin = 'live',
): Promise<void> {
  const { config } = deps;
  const containment = config.mode === 'contain' ? config.containment : null;
  const followed = followTargetOf(eventName, record);
  const verdictKind = verdict?.kind ?? null;
  const follows = config.followUp !== null && followed !== undefined;
  const contains = containment !== null && canContain(containment, verdictKind);
  if ((!follows && !contains) || !eventKey) return;
  const account = typeof record.recipientAccountId === 'string' ? record.recipientAccountId : undefined;
  if (targets.accountKnown !== false && account !== undefined && account !== targets.account) {
    deps.logger.debug('not followed or contained: the call was made in another account', {
      eventId: eventKey,
      account,
    });
    return;
  }
  const table = deps.idempotencyTable;
  const dynamoDb = deps.clients.dynamoDb;
  if (!table || !dynamoDb) {
    // A function wired without its table (never the construct's) has nowhere to keep a plan.
    deps.logger.debug('not followed or contained: the function has no table', { eventId: eventKey });
    return;
  }
  if (follows && !deps.clients.sfn) return reportNotStarted(eventKey, 'the Step Functions client is missing', deps);
  const callTimeMs = Date.parse(typeof record.eventTime === 'string' ? record.eventTime : '') || deps.now();
  const plan: AlertPlan = {
    eventId: eventKey,
    eventName,
    verdict: verdictKind,
    alert,
    userIdentity: record.userIdentity ?? null,
    followed: followed ?? null,
    region: typeof record.awsRegion === 'string' ? record.awsRegion : targets.region,
    callTimeMs,
    liveResourceArn: null,
    finished: null,
  };
  try {
    await savePlan(dynamoDb, table, plan, config.idempotencyDays, deps.now(), config.checkTimeoutMs);
  } catch (e) {
    // The alert went out; a retry would send it again while the table is down (nothing de-duplicates
    // it). So the follow-up is reported lost instead: logged, counted (alarmed) and dead-lettered.
    return reportNotStarted(eventKey, `the plan could not be recorded: ${describeError(e)}`, deps);
  }
  if (follows) {
    const wait = nextCheckSeconds(callTimeMs, deps.now(), followUpMinutes(config));
    if (wait === null) {
      deps.logger.info('not followed: the call is older than the last follow-up check', { eventId: eventKey });
      deps.count('FollowUpsTooOld');
    } else {
      await startFollowUp(eventKey, wait, targets, deps);
    }
  }
  // Automatic containment is for what is happening now: a live event, or a swept call within the
  // follow-up window. An older call found by a sweep (the backfill's 90 days) waits to be asked for.
  if (
    containment &&
    containsAutomatically(containment, verdictKind) &&
    (origin === 'live' || isRecent(callTimeMs, deps))
  ) {
    await runContainment(plan, 'automatic', targets, deps);
  }
}

/**
 * A follow-up or containment that could not be set up after its alert was delivered: an ERROR log
 * line, the `FollowUpsNotStarted` count (alarmed), and a message in the dead-letter queue with the
 * event id and the reason.
 */
async function reportNotStarted(eventId: string, reason: string, deps: PipelineDependencies): Promise<void> {
  deps.logger.error('follow-up and containment not started', { eventId, reason });
  deps.count('FollowUpsNotStarted');
  const { sqs, deadLetterQueueUrl } = deps.clients;
  if (!sqs || !deadLetterQueueUrl) return;
  const { SendMessageCommand } = load.sqs();
  try {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MessageBody: JSON.stringify({
          source: 'lifecycle-follow-up',
          eventId,
          error: 'FollowUpNotStarted',
          cause: reason,
        }),
      }),
      { abortSignal: AbortSignal.timeout(deps.config.checkTimeoutMs) },
    );
  } catch (e) {
    deps.logger.error('the lost follow-up could not be dead-lettered either', { eventId, error: describeError(e) });
  }
}

/** Whether a call is within the follow-up window (younger than its last check). */
export function isRecent(callTimeMs: number, deps: PipelineDependencies): boolean {
  return nextCheckSeconds(callTimeMs, deps.now(), followUpMinutes(deps.config)) !== null;
}

/** Starts the follow-up state machine for an event (once: the execution name is the event's). */
async function startFollowUp(
  eventId: string,
  waitSeconds: number,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
): Promise<void> {
  const sfn = deps.clients.sfn;
  if (!sfn) throw new FollowUpError(`event ${eventId}: no Step Functions client to start the follow-up`);
  const { StartExecutionCommand } = load.sfn();
  const stateMachineArn = `arn:${targets.partition}:states:${targets.region}:${targets.account}:stateMachine:${detectorNames(targets.namePrefix).followUp}`;
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: executionName(eventId),
        input: JSON.stringify({ eventId, waitSeconds }),
      }),
      { abortSignal: AbortSignal.timeout(deps.config.checkTimeoutMs * 2) },
    );
    deps.count('FollowUpsStarted');
  } catch (e) {
    // Started before (a retry or a redelivery): the one execution follows it.
    if ((e as Error)?.name === 'ExecutionAlreadyExists') return;
    throw new FollowUpError(`event ${eventId}: the follow-up could not be started: ${describeError(e)}`);
  }
}

/**
 * One follow-up check: reads the job or resource, sends the update when it has ended (or the
 * checks ran out), and says how long to wait for the next. What fails is thrown: the state machine
 * retries it, then sends it to the dead-letter queue with the reason.
 */
export async function runFollowUp(
  eventId: string,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
): Promise<FollowUpResult> {
  const { config } = deps;
  const table = deps.idempotencyTable;
  const dynamoDb = deps.clients.dynamoDb;
  if (!table || !dynamoDb) throw new FollowUpError(`follow-up of ${eventId}: no table to read the plan from`);
  let plan: AlertPlan | undefined;
  try {
    plan = await readPlan(dynamoDb, table, eventId, config.checkTimeoutMs);
  } catch (e) {
    throw new FollowUpError(`follow-up of ${eventId}: the plan could not be read: ${describeError(e)}`);
  }
  if (!plan?.followed) throw new FollowUpError(`follow-up of ${eventId}: no follow-up plan is recorded for it`);
  const done = (state: string): FollowUpResult => ({ status: 'follow-up', eventId, done: true, waitSeconds: 0, state });
  if (plan.finished) {
    // Ended before: only a containment that was due and failed is left (this is the state
    // machine's retry of the check). Steps carried out before are not redone.
    await containWhenLive(plan, targets, deps);
    return done(plan.finished);
  }
  const bedrock = deps.clients.bedrockIn?.(plan.region);
  if (!bedrock) throw new FollowUpError(`follow-up of ${eventId}: no Bedrock client`);
  const reading = await readFollowed(bedrock, plan.followed, config.checkTimeoutMs * 5);
  deps.count(`FollowUpChecks_${reading.state}`);
  const wait = nextCheckSeconds(plan.callTimeMs, deps.now(), followUpMinutes(config));
  const at = new Date(deps.now()).toISOString();
  const update = lifecycleUpdate(plan.followed, reading, plan.verdict, at, wait === null);
  if (!update) {
    deps.logger.info('follow-up: still running', { eventId, status: 'status' in reading ? reading.status : null });
    return { status: 'follow-up', eventId, done: false, waitSeconds: wait ?? 0, state: reading.state };
  }
  await deliverUpdate(plan.alert, update, update.kind, targets, deps);
  const finished: AlertPlan = {
    ...plan,
    liveResourceArn: update.kind === 'live' ? update.resourceArn : plan.liveResourceArn,
    finished: update.kind,
  };
  await updatePlan(dynamoDb, table, finished, config.idempotencyDays, deps.now(), config.checkTimeoutMs);
  await containWhenLive(finished, targets, deps);
  deps.logger.info('follow-up: ended', { eventId, state: update.kind, resourceArn: update.resourceArn });
  return done(update.kind);
}

/**
 * When the model is live: contain it if contain mode does that for the verdict without asking, or
 * if someone asked while the job had not made it yet. A failure is thrown (the check is retried,
 * then dead-lettered), and a retry finds what was done recorded in the plan.
 */
async function containWhenLive(plan: AlertPlan, targets: DeliveryTargets, deps: PipelineDependencies): Promise<void> {
  const containment = deps.config.mode === 'contain' ? deps.config.containment : null;
  if (plan.finished !== 'live' || !containment) return;
  if (!containsAutomatically(containment, plan.verdict) && !plan.containRequested) return;
  await runContainment(plan, 'automatic', targets, deps);
}
