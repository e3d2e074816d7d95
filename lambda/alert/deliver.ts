// Delivery to each destination, once per CloudTrail event and destination (Powertools idempotency,
// DynamoDB): a retry after a partial failure re-sends only to the destinations that failed.
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { BatchImportFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';

import {
  buildChatNotification,
  buildSecurityHubFinding,
  buildSoarEntry,
  type AlertDocument,
  type AlertOutputs,
  type SnsAlertMessage,
} from '../../lib/detection';

import { describeError } from './checks';

export type DestinationName = 'sns' | 'chat' | 'securityHub' | 'soar';

export interface DeliveryClients {
  readonly sns: SNSClient;
  readonly securityHub?: SecurityHubClient;
  readonly eventBridge?: EventBridgeClient;
}

export interface DeliveryTargets extends AlertOutputs {
  readonly topicArn: string;
  /** Where Security Hub runs (the function's account, region and partition). */
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly namePrefix: string;
}

export interface DeliveryOutcome {
  readonly destination: DestinationName;
  readonly ok: boolean;
  /** The destination's id for what it received (SNS message id, finding id, event id). */
  readonly id?: string;
  readonly error?: string;
}

/** Thrown when a destination refuses part of a batch with HTTP 200 (Security Hub, EventBridge). */
export class DestinationRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRejectedError';
  }
}

/** The destinations the configuration turns on, in delivery order. */
export function destinationsOf(targets: DeliveryTargets, clients: DeliveryClients): DestinationName[] {
  return [
    'sns',
    ...(targets.chatTopicArn ? (['chat'] as const) : []),
    ...(targets.securityHub && clients.securityHub ? (['securityHub'] as const) : []),
    ...(targets.soarEventBusArn && clients.eventBridge ? (['soar'] as const) : []),
  ];
}

/** Sends the alert to one destination; returns the destination's id for it. */
export async function sendTo(
  destination: DestinationName,
  alert: AlertDocument,
  sns: SnsAlertMessage,
  targets: DeliveryTargets,
  clients: DeliveryClients,
  now: Date,
): Promise<string> {
  switch (destination) {
    case 'sns': {
      const out = await clients.sns.send(
        new PublishCommand({
          TopicArn: targets.topicArn,
          Subject: sns.subject,
          Message: sns.message,
          MessageStructure: sns.messageStructure,
          MessageAttributes: messageAttributes(sns.attributes),
        }),
      );
      return out.MessageId ?? '';
    }
    case 'chat': {
      const out = await clients.sns.send(
        new PublishCommand({
          TopicArn: targets.chatTopicArn,
          Message: JSON.stringify(buildChatNotification(alert)),
          MessageAttributes: messageAttributes(sns.attributes),
        }),
      );
      return out.MessageId ?? '';
    }
    case 'securityHub': {
      const finding = buildSecurityHubFinding(alert, {
        account: targets.account,
        region: targets.region,
        partition: targets.partition,
        namePrefix: targets.namePrefix,
        now,
      });
      const out = await clients.securityHub!.send(new BatchImportFindingsCommand({ Findings: [finding as never] }));
      if ((out.FailedCount ?? 0) > 0) {
        const f = out.FailedFindings?.[0];
        throw new DestinationRejectedError(
          `Security Hub rejected the finding: ${f?.ErrorCode ?? 'unknown'}: ${f?.ErrorMessage ?? ''}`.slice(0, 300),
        );
      }
      return finding.Id;
    }
    case 'soar': {
      const out = await clients.eventBridge!.send(
        new PutEventsCommand({ Entries: [buildSoarEntry(alert, targets.soarEventBusArn!)] }),
      );
      const entry = out.Entries?.[0];
      if ((out.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
        throw new DestinationRejectedError(
          `EventBridge rejected the event: ${entry?.ErrorCode ?? 'unknown'}: ${entry?.ErrorMessage ?? ''}`.slice(
            0,
            300,
          ),
        );
      }
      return entry.EventId;
    }
  }
}

function messageAttributes(attributes: Readonly<Record<string, string>>): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const name in attributes) out[name] = { DataType: 'String', StringValue: attributes[name] };
  return out;
}

/** What the idempotency store keys a delivery by: the CloudTrail event and the destination. */
export interface DeliveryKey {
  readonly eventKey: string;
  readonly destination: DestinationName;
}

/**
 * Delivers to every destination, each at most once per event (when a store is given). A destination
 * that fails does not stop the others; the outcomes say which failed and why.
 *
 * If the store itself is unreachable before a send, the alert is sent anyway (a possible duplicate
 * is better than a late alert) and the outcome says so.
 */
export function createDeliverer(store: BasePersistenceLayer | undefined, days: number) {
  const config = new IdempotencyConfig({ expiresAfterSeconds: days * 86_400 });
  const once = store
    ? makeIdempotent(async (_key: DeliveryKey, send: () => Promise<string>) => ({ id: await send() }), {
        persistenceStore: store,
        config,
      })
    : undefined;
  return {
    config,
    async deliver(
      key: DeliveryKey | undefined,
      send: () => Promise<string>,
      failOpen = true,
    ): Promise<{ id: string; storeProblem?: string }> {
      if (!once || !key) return { id: await send() };
      let sent = false;
      const tracked = async () => {
        const id = await send();
        sent = true;
        return id;
      };
      try {
        return await once(key, tracked);
      } catch (e) {
        const name = (e as Error)?.name ?? '';
        if (name !== 'IdempotencyPersistenceLayerError') throw e;
        if (sent) {
          // Sent, but the success could not be recorded: a retry may send it again.
          return { id: '', storeProblem: `sent, but not recorded as sent: ${describeError(e)}` };
        }
        // The store failed before (or while undoing) a send. The live path sends anyway: a
        // duplicate is better than a late alert. A sweep, which re-reads what was already
        // delivered, does not: it reports the event instead.
        if (!failOpen) throw e;
        return { id: await send(), storeProblem: `idempotency store unavailable: ${describeError(e)}` };
      }
    },
  };
}
