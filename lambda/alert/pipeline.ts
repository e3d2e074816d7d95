// One event, start to finish: decide what it is, judge a watched call (verdict, provenance,
// enrichment), build the alert, decide whether to notify, deliver to each destination once, and
// report. Each step is a named function with its inputs spelled out; `handleEvent` reads top to
// bottom as the path an event takes.
import {
  applyProvenance,
  canContain,
  containmentNote,
  containsAutomatically,
  decideVerdict,
  detectorNames,
  provenanceChecks,
  subjectOf,
  type AlertContext,
  type EventDecision,
  type PriorActivity,
  type Unavailable,
  type Verdict,
} from '../../lib/detection';

import {
  alertAndDeliver,
  describeAlert,
  eventKeyOf,
  ignore,
  type EventOrigin,
  type EventResult,
  type PipelineDependencies,
} from './alerting';
import { checkBucketOwner, endpointRegistration, firstSeen, priorActivity } from './checks';
import type { DeliveryTargets } from './deliver';
import { UnprocessableEventError } from './errors';
import { afterAlert, isRecent } from './follow-up';
import { handleDelete, handleFailedAttempt, rememberIfCreated } from './signals';

export type { EventOrigin, EventResult, PipelineClients, PipelineDependencies } from './alerting';

/** Decides, judges, alerts and delivers one EventBridge event (or a swept record in its envelope). */
export async function handleEvent(
  envelope: Record<string, unknown>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin = 'live',
): Promise<EventResult> {
  const decision = deps.decider.decide(envelope);
  switch (decision.kind) {
    case 'ignored':
      return ignore(envelope, decision, deps);
    case 'unreadable':
      throw new UnprocessableEventError(decision.reason);
    case 'probe':
    case 'deleted':
      // The optional signals count live events only: a sweep re-reads history the live path saw.
      if (origin === 'sweep') {
        return ignore(
          envelope,
          { kind: 'ignored', code: 'not-relevant', reason: 'signals are counted live only' },
          deps,
        );
      }
      return decision.kind === 'probe'
        ? handleFailedAttempt(decision, envelope, targets, deps)
        : handleDelete(decision, envelope, targets, deps);
    case 'tamper':
      return alertAndDeliver(
        describeAlert(decision.record, subjectOf(decision), {}, envelope),
        undefined,
        decision.record,
        envelope,
        targets,
        deps,
        origin,
      );
    case 'watched': {
      const registration = await checkRelevance(decision, deps);
      if (registration.ignore) return ignore(envelope, registration.ignore, deps);
      const judged = await judgeWatchedCall(decision, targets, deps, origin);
      await rememberIfCreated(decision, deps);
      const subject = subjectOf(decision, deps.config.severity, deps.config.riskScore);
      const alert = describeAlert(
        decision.record,
        subject,
        {
          verdict: judged.verdict,
          context: judged.context,
          outsideEndpoints: decision.outsideEndpoints,
          notes: [
            ...(registration.notes ?? []),
            ...containNotes(judged.verdict, decision.record, envelope, targets, deps, origin),
          ],
        },
        envelope,
      );
      const result = await alertAndDeliver(alert, judged.verdict, decision.record, envelope, targets, deps, origin);
      if (result.status === 'alerted') {
        const key = eventKeyOf(decision.record, envelope);
        await afterAlert(
          alert.document,
          judged.verdict,
          decision.record,
          decision.call.eventName,
          key,
          targets,
          deps,
          origin,
        );
      }
      return result;
    }
  }
}

/**
 * The check a rule could not make. For a SageMaker endpoint update: is the endpoint registered with
 * Bedrock? Not registered: ignored (logged). Cannot tell: alerted, saying so.
 */
async function checkRelevance(
  decision: Extract<EventDecision, { kind: 'watched' }>,
  deps: PipelineDependencies,
): Promise<{ ignore?: Extract<EventDecision, { kind: 'ignored' }>; notes?: string[] }> {
  if (decision.call.relevance !== 'registered-marketplace-endpoint') return {};
  const endpoint = decision.record.requestParameters;
  const name =
    typeof endpoint === 'object' && endpoint !== null ? (endpoint as Record<string, unknown>).endpointName : undefined;
  const bedrock = deps.clients.bedrock;
  if (typeof name !== 'string' || !bedrock) {
    return { notes: ['Whether this SageMaker endpoint is registered with Bedrock could not be checked.'] };
  }
  const registered = await endpointRegistration(bedrock, name, deps.config.checkTimeoutMs);
  deps.count(`EndpointRegistration_${registered.status}`);
  if (registered.status === 'not-registered') {
    return {
      ignore: {
        kind: 'ignored',
        code: 'not-relevant',
        reason: `the SageMaker endpoint ${name} is not registered with Bedrock`,
      },
    };
  }
  if (registered.status === 'unknown') {
    return {
      notes: [`Whether the SageMaker endpoint is registered with Bedrock could not be checked: ${registered.reason}`],
    };
  }
  return { notes: [`The SageMaker endpoint is registered with Bedrock as ${registered.endpointArn}.`] };
}

/** What judging a watched call found: the verdict, and what the checks added to the alert. */
interface Judgement {
  readonly verdict?: Verdict;
  readonly context?: AlertContext;
}

/**
 * The verdict of a watched call from the record and the approvals, then the provenance check and
 * enrichment (bounded, never blocking: a check that cannot tell says so), and the verdict again with
 * what provenance found.
 */
async function judgeWatchedCall(
  decision: Extract<EventDecision, { kind: 'watched' }>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin,
): Promise<Judgement> {
  const { config, severities } = deps;
  const verdict = decideVerdict(
    decision.record,
    decision.call,
    config.approvals,
    severities,
    decision.outsideEndpoints,
  );
  const { provenance, context } = await gatherContext(decision, targets, deps, origin);
  return { verdict: applyProvenance(verdict, provenance, severities), context };
}

/** The provenance check, the principal's earlier activity and first-seen, in parallel. */
async function gatherContext(
  decision: Extract<EventDecision, { kind: 'watched' }>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin,
): Promise<{ provenance: AlertContext['provenance']; context?: AlertContext }> {
  const { config, clients } = deps;
  const record = decision.record;
  const s3 = config.provenanceCheck ? clients.s3 : undefined;
  const checks = s3 ? provenanceChecks(record, decision.call, config.approvals) : [];
  const enrichment = config.enrichment;
  const dynamoDb = enrichment?.firstSeen && deps.idempotencyTable ? clients.dynamoDb : undefined;
  const [provenance, prior, seen] = await Promise.all([
    Promise.all(checks.map((c) => checkBucketOwner(s3!, c, config.checkTimeoutMs))),
    earlierActivity(record, targets, deps, origin),
    dynamoDb
      ? firstSeen(dynamoDb, deps.idempotencyTable!, record, config.idempotencyDays, config.checkTimeoutMs, deps.now())
      : Promise.resolve(null),
  ]);
  for (const p of provenance) deps.count(`Provenance_${p.status}`);
  if (prior?.status === 'unavailable') deps.count('EnrichmentUnavailable');
  const context =
    provenance.length || prior || seen ? { provenance, priorActivity: prior, firstSeen: seen } : undefined;
  return { provenance, context };
}

/**
 * The principal's Bedrock calls before this one. LookupEvents sees only this account and region,
 * so a forwarded event's history is elsewhere; a sweep leaves the lookup out too, since it shares
 * the 2-per-second limit with its own paging.
 */
function earlierActivity(
  record: Record<string, unknown>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin,
): Promise<PriorActivity | Unavailable | null> {
  const enrichment = deps.config.enrichment;
  if (!enrichment) return Promise.resolve(null);
  const cloudTrail = deps.clients.cloudTrail;
  if (!cloudTrail) return Promise.resolve(null);
  if (origin === 'sweep') return Promise.resolve({ status: 'unavailable', reason: 'not looked up during a sweep' });
  const elsewhere =
    (typeof record.recipientAccountId === 'string' && record.recipientAccountId !== targets.account) ||
    (typeof record.awsRegion === 'string' && record.awsRegion !== targets.region);
  if (elsewhere) {
    return Promise.resolve({
      status: 'unavailable',
      reason: `the call was made in ${String(record.recipientAccountId)}/${String(record.awsRegion)}; LookupEvents here sees only ${targets.account}/${targets.region}`,
    });
  }
  return priorActivity(cloudTrail, record, enrichment, deps.config.checkTimeoutMs, deps.lookupLimiter);
}

/** In contain mode, for a verdict containment acts on: what it does and how to trigger it. */
function containNotes(
  verdict: Verdict | undefined,
  record: Record<string, unknown>,
  envelope: Record<string, unknown>,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  origin: EventOrigin,
): string[] {
  const settings = deps.config.mode === 'contain' ? deps.config.containment : null;
  const kind = verdict?.kind ?? null;
  if (!settings || !canContain(settings, kind)) return [];
  // Only the function's own account is contained (another account's resources are not its to change).
  const account = record.recipientAccountId;
  if (targets.accountKnown !== false && typeof account === 'string' && account !== targets.account) return [];
  const eventId = eventKeyOf(record, envelope);
  if (!eventId) return [];
  return [
    containmentNote(
      settings.actions[kind!] ?? [],
      containsAutomatically(settings, kind) &&
        (origin === 'live' ||
          isRecent(Date.parse(typeof record.eventTime === 'string' ? record.eventTime : '') || deps.now(), deps)),
      settings.dryRun,
      settings.customAction && deps.config.outputs.securityHub,
      detectorNames(deps.config.namePrefix).function,
      eventId,
    ),
  ];
}
