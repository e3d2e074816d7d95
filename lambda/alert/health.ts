// The hourly health check of the trail the detector relies on: logging on, write management events
// selected, every region. A change to "blind" is alerted (tamper category), and the recovery too, each
// once; the status is recorded only after its alert was delivered, so a failed delivery is retried.
// A reading that fails (an organisation trail read from a member account may be denied) makes the
// status "unknown": counted and logged, never taken for healthy or blind.
// The same run lists the alert topic's subscriptions: a confirmed one that is gone (an e-mail's
// unsubscribe link needs no credentials, so no SCP stops it) is alerted once.
import { createHash } from 'node:crypto';

import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ListSubscriptionsByTopicCommand, type Subscription } from '@aws-sdk/client-sns';

import {
  judgeSubscriptions,
  judgeTrailHealth,
  trailHealthSubject,
  unsubscribedSubject,
  type ReliedOnTrail,
  type TrailHealth,
  type TrailReadings,
} from '../../lib/detection';

import { alertAndDeliver, describeAlert, type PipelineDependencies } from './alerting';
import type { DeliveryTargets } from './deliver';
import { describeError } from './errors';
import { readHealth, readSubscriptions, writeHealth, writeSubscriptions } from './memory';
import { load } from './sdk';

export interface HealthResult {
  readonly status: 'health-checked';
  readonly trail: string | null;
  readonly health: TrailHealth['status'] | 'skipped';
  readonly problems: readonly string[];
  /** What was alerted: the trail went blind, or recovered. */
  readonly alerted: 'blind' | 'recovered' | null;
  /** The alert topic's subscriptions: confirmed now, and those found gone (alerted). */
  readonly subscriptions: SubscriptionResult;
}

export type SubscriptionResult =
  | { readonly status: 'checked'; readonly confirmed: number; readonly removed: readonly string[] }
  | { readonly status: 'unknown'; readonly reason: string };

/**
 * Reads the trail (DescribeTrails, GetTrailStatus, GetEventSelectors), judges it, alerts on a change;
 * then the alert topic's subscriptions.
 */
export async function runHealthCheck(targets: DeliveryTargets, deps: PipelineDependencies): Promise<HealthResult> {
  const trail = await checkTrail(targets, deps);
  const subscriptions = await checkSubscriptions(targets, deps);
  return { ...trail, subscriptions };
}

/** Lists the alert topic's subscriptions and alerts once about confirmed ones that are gone. */
async function checkSubscriptions(targets: DeliveryTargets, deps: PipelineDependencies): Promise<SubscriptionResult> {
  const topic = targets.topicArn;
  const listed: Subscription[] = [];
  try {
    let next: string | undefined;
    do {
      const out = await deps.clients.sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topic, NextToken: next }),
        {
          abortSignal: AbortSignal.timeout(deps.config.checkTimeoutMs),
        },
      );
      listed.push(...(out.Subscriptions ?? []));
      next = out.NextToken;
    } while (next);
  } catch (e) {
    const reason = `ListSubscriptionsByTopic failed: ${describeError(e)}`;
    deps.count('SubscriptionHealth_unknown');
    deps.logger.warn('alert topic subscriptions unreadable', { topic, reason });
    return { status: 'unknown', reason };
  }
  const dynamo = deps.clients.dynamoDb;
  const table = deps.idempotencyTable;
  const remembered =
    dynamo && table ? await readSubscriptions(dynamo, table, topic, deps.config.checkTimeoutMs) : undefined;
  const found = judgeSubscriptions(listed, remembered);
  deps.logger.info('alert topic subscriptions', { topic, confirmed: found.confirmed.length, removed: found.removed });
  if (found.removed.length > 0) {
    deps.count('SubscriptionsRemoved', found.removed.length);
    const removedArns = found.removed.map((s) => s.arn).sort();
    const record = checkRecord(
      { prefix: 'subscriptions', eventSource: 'sns.amazonaws.com', eventName: 'SubscriptionHealthCheck' },
      `${topic}#${removedArns.join(',')}`,
      { topicArn: topic, removed: found.removed, confirmed: found.confirmed.length },
      targets,
      new Date(deps.now()).toISOString(),
    );
    const eventID = record.eventID as string;
    const alert = describeAlert(
      record,
      unsubscribedSubject({ topic, removed: found.removed, remaining: found.confirmed.length }),
      { notes: [] },
      { account: targets.account, region: targets.region, id: eventID },
    );
    // One key per set of removed subscriptions, so a retry finds the same one.
    await alertAndDeliver(
      alert,
      undefined,
      record,
      {},
      targets,
      deps,
      'live',
      `subscriptions#${topic}#${removedArns.join(',')}`,
    );
  }
  // Remembered anew whenever the confirmed set changed (the first check included).
  const changed =
    remembered === undefined ||
    remembered.length !== found.confirmed.length ||
    found.confirmed.some((c) => !remembered.some((r) => r.arn === c.arn));
  if (dynamo && table && changed) {
    await writeSubscriptions(dynamo, table, topic, found.confirmed, deps.now(), deps.config.checkTimeoutMs);
  }
  return { status: 'checked', confirmed: found.confirmed.length, removed: found.removed.map((s) => s.arn) };
}

async function checkTrail(
  targets: DeliveryTargets,
  deps: PipelineDependencies,
): Promise<Omit<HealthResult, 'subscriptions'>> {
  const trail = deps.config.trail;
  const cloudTrail = deps.clients.cloudTrail;
  const id = trail?.arn ?? trail?.name;
  if (!trail || !id || !cloudTrail) {
    return { status: 'health-checked', trail: null, health: 'skipped', problems: [], alerted: null };
  }
  const readings = await readTrail(cloudTrail, trail, deps.config.checkTimeoutMs);
  const health = judgeTrailHealth(readings);
  deps.count(`TrailHealth_${health.status}`);
  deps.logger.info('trail health check', { trail: id, health: health.status, problems: health.problems });
  if (health.status === 'unknown') {
    return { status: 'health-checked', trail: id, health: 'unknown', problems: health.problems, alerted: null };
  }
  const dynamo = deps.clients.dynamoDb;
  const table = deps.idempotencyTable;
  const now = deps.now();
  // Without the table there is no memory: a blind trail is then alerted every hour.
  const previous = dynamo && table ? await readHealth(dynamo, table, id, deps.config.checkTimeoutMs) : {};
  const change =
    health.status === 'blind' && previous.status !== 'blind'
      ? 'blind'
      : health.status === 'healthy' && previous.status === 'blind'
        ? 'recovered'
        : null;
  if (change) {
    const since = new Date(now).toISOString();
    const record = checkRecord(
      { prefix: 'health', eventSource: 'cloudtrail.amazonaws.com', eventName: 'TrailHealthCheck' },
      `${id}#${change}#${since}`,
      { trail: id, status: change, problems: health.problems },
      targets,
      since,
    );
    const alert = describeAlert(
      record,
      trailHealthSubject({ status: change, trail: trail.name ?? id, problems: health.problems }),
      { notes: health.problems.length ? [`What the check found: ${health.problems.join('; ')}.`] : [] },
      { account: targets.account, region: targets.region, id: record.eventID },
    );
    // One key per change (the previous status's time), so a retry finds the same one.
    const key = `health#${id}#${change}#${previous.since ?? 'first'}`;
    await alertAndDeliver(alert, undefined, record, {}, targets, deps, 'live', key);
  }
  if (dynamo && table && previous.status !== health.status) {
    await writeHealth(dynamo, table, id, health.status, new Date(now).toISOString(), now, deps.config.checkTimeoutMs);
  }
  return { status: 'health-checked', trail: id, health: health.status, problems: health.problems, alerted: change };
}

async function readTrail(
  cloudTrail: CloudTrailClient,
  relied: ReliedOnTrail,
  timeoutMs: number,
): Promise<TrailReadings> {
  const { DescribeTrailsCommand, GetTrailStatusCommand, GetEventSelectorsCommand } = load.cloudTrail();
  const unreadable: string[] = [];
  const signal = () => ({ abortSignal: AbortSignal.timeout(timeoutMs) });
  const id = relied.arn ?? relied.name ?? '';
  // First the trail itself, from every trail this account sees in this region: an organisation trail
  // (or a trail of another region) shows only as a shadow trail, and DescribeTrails finds one of those
  // by its ARN, never by its name alone. The status calls then name it by the ARN listed.
  let described: { IsMultiRegionTrail?: boolean; Name?: string; TrailARN?: string }[] | undefined;
  try {
    const out = await cloudTrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }), signal());
    described = out.trailList ?? [];
  } catch (e) {
    unreadable.push(`DescribeTrails failed: ${describeError(e)}`);
  }
  const trail = described?.find((t) =>
    relied.arn !== undefined ? t.TrailARN === relied.arn : t.Name === relied.name || t.TrailARN === relied.name,
  );
  if (described !== undefined && !trail) {
    // A trail the detector created, or one known by its ARN, that is not listed is gone. An
    // organisation trail known by its name only may just not be visible from here: unknown, not blind.
    if (relied.kind === 'organization' && relied.arn === undefined) {
      unreadable.push(
        `the organisation trail ${id} is not among the ${described.length} trails this account sees in this region; give the detector its ARN to tell a deleted trail from one it cannot see`,
      );
    }
    return { trail: undefined, unreadable };
  }
  const arn = trail?.TrailARN ?? id;
  const [status, selectors] = await Promise.all([
    cloudTrail
      .send(new GetTrailStatusCommand({ Name: arn }), signal())
      .then((o) => o.IsLogging)
      .catch((e: unknown) => {
        unreadable.push(`GetTrailStatus failed: ${describeError(e)}`);
        return undefined;
      }),
    cloudTrail
      .send(new GetEventSelectorsCommand({ TrailName: arn }), signal())
      .then((o) => ({ EventSelectors: o.EventSelectors, AdvancedEventSelectors: o.AdvancedEventSelectors }))
      .catch((e: unknown) => {
        unreadable.push(`GetEventSelectors failed: ${describeError(e)}`);
        return undefined;
      }),
  ]);
  if (status === undefined && !unreadable.some((u) => u.startsWith('GetTrailStatus'))) {
    unreadable.push('GetTrailStatus said nothing of logging');
  }
  return {
    trail: trail
      ? { IsMultiRegionTrail: trail.IsMultiRegionTrail, Name: trail.Name, TrailARN: trail.TrailARN }
      : undefined,
    isLogging: status,
    selectors,
    unreadable,
  };
}

/** A record-shaped description of a check, so its alert reads like every other one. */
function checkRecord(
  check: { readonly prefix: string; readonly eventSource: string; readonly eventName: string },
  idSeed: string,
  requestParameters: Record<string, unknown>,
  targets: DeliveryTargets,
  time: string,
): Record<string, unknown> {
  return {
    eventVersion: '1.11',
    eventSource: check.eventSource,
    eventName: check.eventName,
    eventTime: time,
    awsRegion: targets.region,
    recipientAccountId: targets.account,
    eventID: `${check.prefix}-${createHash('sha256').update(idSeed).digest('hex').slice(0, 32)}`,
    userIdentity: { type: 'AWSService', invokedBy: 'the Bedrock supply-chain detector (hourly health check)' },
    requestParameters,
  };
}
