// The optional signals, each off unless turned on: repeated failed watched calls by one principal
// within an hour (probing), and a delete of a model, deployment or endpoint within a day of the same
// principal's watched creation (covering tracks). Both keep a little state in the detector's table.
// Counting a failure or looking up a creation that fails throws: Lambda retries the event, then
// dead-letters it with the reason, so no event is lost. Remembering a creation that fails is logged
// and counted (SignalStoreErrors), and the creation's own alert goes out regardless. A failure is
// kept by its event id, so a retried or redelivered event is neither counted twice nor passed over.
import {
  CREATED_IDENTIFIERS,
  createThenDeleteSubject,
  getPath,
  principalArnOf,
  probingSubject,
  type EventDecision,
} from '../../lib/detection';

import { alertAndDeliver, describeAlert, ignore, type EventResult, type PipelineDependencies } from './alerting';
import type { DeliveryTargets } from './deliver';
import { describeError } from './errors';
import { countFailure, findCreation, rememberCreation } from './memory';

const DAY_MS = 24 * 3_600_000;

/** The principal a signal is kept for, and where: undefined when either is missing. */
function memoryFor(record: Record<string, unknown>, deps: PipelineDependencies) {
  const principal = principalArnOf(record);
  const dynamo = deps.clients.dynamoDb;
  const table = deps.idempotencyTable;
  return principal && dynamo && table ? { principal, dynamo, table } : undefined;
}

const notRelevant = (envelope: Record<string, unknown>, reason: string, deps: PipelineDependencies) =>
  ignore(envelope, { kind: 'ignored', code: 'not-relevant', reason }, deps);

/** A failed watched call: counted per principal and hour; the count reaching the threshold is alerted, once. */
export async function handleFailedAttempt(
  decision: Extract<EventDecision, { kind: 'probe' }>,
  envelope: Record<string, unknown>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
): Promise<EventResult> {
  const memory = memoryFor(decision.record, deps);
  if (!memory) return notRelevant(envelope, 'a failed call with no principal to count it for', deps);
  const { principal, dynamo, table } = memory;
  // A failure here throws: Lambda retries the event, then dead-letters it with the reason.
  const threshold = deps.config.signals.probeThreshold;
  const eventId = typeof decision.record.eventID === 'string' ? decision.record.eventID : String(envelope.id);
  const place = await countFailure(
    dynamo,
    table,
    principal,
    eventId,
    threshold,
    deps.now(),
    deps.config.checkTimeoutMs,
  );
  deps.count('FailedAttempts');
  if (place !== threshold) {
    deps.logger.info('failed watched call counted', {
      principal,
      eventName: decision.call.eventName,
      place: place ?? `beyond ${threshold}`,
      threshold,
    });
    return {
      status: 'quiet',
      eventId: null,
      reason:
        place === null
          ? `failed attempt beyond the threshold of ${threshold} within the hour (already alerted)`
          : `failed attempt ${place} of ${threshold} within the hour`,
    };
  }
  const count = place;
  const alert = describeAlert(
    decision.record,
    probingSubject(decision.call, count),
    {
      notes: [
        `${count} failed watched calls by ${principal} within the hour (threshold ${threshold}); this is the latest. Later failures this hour are not alerted again.`,
      ],
    },
    envelope,
  );
  return alertAndDeliver(alert, undefined, decision.record, envelope, targets, deps, 'live');
}

/** A delete: alerted when the same principal created one of that kind in the day before. */
export async function handleDelete(
  decision: Extract<EventDecision, { kind: 'deleted' }>,
  envelope: Record<string, unknown>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
): Promise<EventResult> {
  const memory = memoryFor(decision.record, deps);
  if (!memory) return notRelevant(envelope, 'a delete with no principal to match', deps);
  const { principal, dynamo, table } = memory;
  const creation = await findCreation(dynamo, table, decision.call.deletes, principal, deps.config.checkTimeoutMs);
  const deletedAt = Date.parse(typeof decision.record.eventTime === 'string' ? decision.record.eventTime : '');
  const createdAt = Date.parse(creation?.time ?? '');
  if (!creation || !Number.isFinite(createdAt) || (Number.isFinite(deletedAt) && deletedAt - createdAt > DAY_MS)) {
    return notRelevant(
      envelope,
      `${decision.call.eventName}: no watched creation of a ${decision.call.deletes} by this principal in the day before`,
      deps,
    );
  }
  const deleted = getPath(decision.record.requestParameters, decision.call.identifierField);
  const same =
    typeof deleted === 'string' &&
    creation.identifiers.some((id) => id === deleted || id.endsWith(`/${deleted}`) || deleted.endsWith(`/${id}`));
  const alert = describeAlert(
    decision.record,
    createThenDeleteSubject(decision.call),
    {
      notes: [
        `${creation.eventName} by the same principal at ${creation.time} (event ${creation.eventId}) created ${
          same
            ? 'this same resource'
            : `a ${decision.call.deletes} (this delete names ${String(deleted)}; it named ${creation.identifiers.join(', ') || 'no identifier'})`
        }.`,
      ],
    },
    envelope,
  );
  deps.count('CreateThenDelete');
  return alertAndDeliver(alert, undefined, decision.record, envelope, targets, deps, 'live');
}

/** With the create-then-delete signal: remembers a watched creation for a day. Never fails the event. */
export async function rememberIfCreated(
  decision: Extract<EventDecision, { kind: 'watched' }>,
  deps: PipelineDependencies,
): Promise<void> {
  const kind = decision.call.creates;
  const dynamo = deps.clients.dynamoDb;
  if (!deps.config.signals.createThenDelete || !kind || !dynamo || !deps.idempotencyTable) return;
  const principal = principalArnOf(decision.record);
  if (!principal) return;
  const fields = CREATED_IDENTIFIERS[decision.call.eventName] ?? { request: [], response: [] };
  const identifiers = [
    ...fields.request.map((f) => getPath(decision.record.requestParameters, f)),
    ...fields.response.map((f) => getPath(decision.record.responseElements, f)),
  ].filter((v): v is string => typeof v === 'string' && v !== '');
  try {
    await rememberCreation(
      dynamo,
      deps.idempotencyTable,
      kind,
      principal,
      {
        eventId: typeof decision.record.eventID === 'string' ? decision.record.eventID : 'unknown',
        eventName: decision.call.eventName,
        time:
          typeof decision.record.eventTime === 'string'
            ? decision.record.eventTime
            : new Date(deps.now()).toISOString(),
        identifiers: identifiers.map((i) => i.slice(0, 512)).slice(0, 4),
      },
      deps.now(),
      deps.config.checkTimeoutMs,
    );
  } catch (e) {
    deps.logger.error('could not remember the creation (create-then-delete signal)', { error: describeError(e) });
    deps.count('SignalStoreErrors');
  }
}
