// Delivery to each destination, once per CloudTrail event and destination (idempotency.ts, over the
// detector's DynamoDB table): a retry after a partial failure re-sends only to the destinations that
// failed. Each
// destination renders its own format here, in one place, from the alert document.
//
// Only SNS is loaded at cold start; the other destinations' clients and commands are loaded the
// first time they are used (watched calls are rare, so nearly
// every alert is a cold start, and an option that is off costs nothing).
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';

import {
  buildChatNotification,
  buildSecurityHubFinding,
  buildSoarEntry,
  renderSnsMessage,
  snsAttributes,
  type AlertDocument,
  type AlertOutputs,
} from '../../lib/detection';

import { DestinationRejectedError, describeError } from './errors';
import {
  DeliveryInProgressError,
  StoreUnavailableError,
  deliveryRecordKey,
  type Claim,
  type DeliveryStore,
} from './idempotency';
import { load } from './sdk';

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
  /**
   * Whether `account` is the function's own (from its invocation ARN or the dependencies), so a call
   * in another account can be told apart (follow-up and containment act only in their own account).
   */
  readonly accountKnown?: boolean;
}

export interface DeliveryOutcome {
  readonly destination: DestinationName;
  readonly ok: boolean;
  /** The destination's id for what it received (SNS message id, finding id, event id). */
  readonly id?: string;
  readonly error?: string;
}

/** An alert ready to send: the document, and how to build it again with shorter values (for SNS). */
export interface AlertToSend {
  readonly document: AlertDocument;
  readonly withFieldCap?: (maxFieldLength: number) => AlertDocument;
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

/** Renders the alert in the destination's format and sends it; returns the destination's id for it. */
export async function sendTo(
  destination: DestinationName,
  alert: AlertToSend,
  targets: DeliveryTargets,
  clients: DeliveryClients,
  now: Date,
): Promise<string> {
  switch (destination) {
    case 'sns': {
      const { sns } = renderSnsMessage(alert.document, alert.withFieldCap);
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
          Message: JSON.stringify(buildChatNotification(alert.document)),
          MessageAttributes: messageAttributes(snsAttributes(alert.document)),
        }),
      );
      return out.MessageId ?? '';
    }
    case 'securityHub': {
      const finding = buildSecurityHubFinding(alert.document, {
        account: targets.account,
        region: targets.region,
        partition: targets.partition,
        namePrefix: targets.namePrefix,
        now,
      });
      const { BatchImportFindingsCommand } = load.securityHub();
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
      const { PutEventsCommand } = load.eventBridge();
      const out = await clients.eventBridge!.send(
        new PutEventsCommand({ Entries: [buildSoarEntry(alert.document, targets.soarEventBusArn!)] }),
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

/** What a delivery is remembered by: the CloudTrail event and the destination. */
export interface DeliveryKey {
  readonly eventKey: string;
  /** A destination, or the Security Hub note on a finding (containment's report). */
  readonly destination: DestinationName | 'securityHubNote';
}

/** The delivery store, or how to make it the first time it is needed (undefined: nothing is de-duplicated). */
export type DeliveryStoreSource = DeliveryStore | (() => DeliveryStore | undefined);

export interface Deliverer {
  /**
   * Sends once per key (when a store is given). If the store is unreachable before a send, the live
   * path (`failOpen`) sends anyway, since a possible duplicate is better than a late alert, and the
   * result says so; a sweep (`failOpen: false`) fails instead.
   */
  deliver(
    key: DeliveryKey | undefined,
    send: () => Promise<string>,
    failOpen?: boolean,
  ): Promise<{ id: string; storeProblem?: string }>;
  /** A claim lasts as long as the invocation that holds it (the function's timeout without one). */
  registerLambdaContext(context: Context): void;
}

/** How long a claim lasts when no invocation context says how long the invocation has: the function's timeout. */
export const DEFAULT_CLAIM_MS = 10 * 60_000;

/**
 * Delivers to every destination, each at most once per event (when a store is given). A destination
 * that fails does not stop the others; the outcomes say which failed and why.
 */
export function createDeliverer(source: DeliveryStoreSource | undefined, now: () => number = Date.now): Deliverer {
  let store: DeliveryStore | undefined | null = typeof source === 'function' ? null : source;
  const storeOf = () => (store === null ? (store = (source as () => DeliveryStore | undefined)()) : store);
  let context: Context | undefined;
  return {
    registerLambdaContext(lambdaContext) {
      context = lambdaContext;
    },
    async deliver(key, send, failOpen = true) {
      const deliveries = key ? storeOf() : undefined;
      if (!deliveries || !key) return { id: await send() };
      const recordKey = deliveryRecordKey(key.eventKey, key.destination);
      const at = now();
      let claim: Claim;
      try {
        claim = await deliveries.claim(recordKey, at, at + (context?.getRemainingTimeInMillis() ?? DEFAULT_CLAIM_MS));
      } catch (e) {
        if (!(e instanceof StoreUnavailableError)) throw e;
        // The live path sends anyway: a duplicate is better than a late alert. A sweep, which
        // re-reads what was already delivered, does not: it reports the event instead.
        if (!failOpen) throw e;
        return { id: await send(), storeProblem: `idempotency store unavailable: ${e.message}` };
      }
      if (claim.state === 'done') return { id: claim.id };
      if (claim.state === 'in-progress') {
        throw new DeliveryInProgressError(`another invocation is delivering this event to ${key.destination}`);
      }
      let id: string;
      try {
        id = await send();
      } catch (e) {
        // Free the key for the retry; if that fails too, the claim expires with this invocation.
        await deliveries.release(recordKey).catch(() => undefined);
        throw e;
      }
      try {
        await deliveries.complete(recordKey, id, now());
      } catch (e) {
        // Sent, but the success could not be recorded: a retry may send it again.
        return { id, storeProblem: `sent, but not recorded as sent: ${describeError(e)}` };
      }
      return { id };
    },
  };
}
