// Delivery to each destination, once per CloudTrail event and destination (Powertools idempotency,
// DynamoDB): a retry after a partial failure re-sends only to the destinations that failed. Each
// destination renders its own format here, in one place, from the alert document.
//
// Only SNS is loaded at cold start; the other destinations' clients and commands, and the
// idempotency library, are loaded the first time they are used (watched calls are rare, so nearly
// every alert is a cold start, and an option that is off costs nothing).
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
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

/** What the idempotency store keys a delivery by: the CloudTrail event and the destination. */
export interface DeliveryKey {
  readonly eventKey: string;
  readonly destination: DestinationName;
}

/**
 * The idempotency store, or how to make it the first time it is needed (undefined: there is none,
 * and nothing is de-duplicated).
 */
export type IdempotencyStore =
  BasePersistenceLayer | (() => BasePersistenceLayer | undefined | Promise<BasePersistenceLayer | undefined>);

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
  /** Lets in-progress records expire with the invocation (Powertools' Lambda-context timeout). */
  registerLambdaContext(context: Context): void;
}

/**
 * Delivers to every destination, each at most once per event (when a store is given). A destination
 * that fails does not stop the others; the outcomes say which failed and why.
 */
export function createDeliverer(store: IdempotencyStore | undefined, days: number): Deliverer {
  type Once = (key: DeliveryKey, send: () => Promise<string>) => Promise<{ id: string }>;
  let once: Promise<Once | undefined> | undefined;
  let lambdaContext: Context | undefined;
  let registerContext: ((context: Context) => void) | undefined;
  const idempotent = (): Promise<Once | undefined> =>
    (once ??= (async () => {
      const persistenceStore = typeof store === 'function' ? await store() : store;
      if (!persistenceStore) return undefined;
      const { IdempotencyConfig, makeIdempotent } = await load.idempotency();
      const config = new IdempotencyConfig({ expiresAfterSeconds: days * 86_400 });
      registerContext = (context) => config.registerLambdaContext(context);
      if (lambdaContext) registerContext(lambdaContext);
      return makeIdempotent(async (_key: DeliveryKey, send: () => Promise<string>) => ({ id: await send() }), {
        persistenceStore,
        config,
      });
    })().catch((e: unknown) => {
      once = undefined;
      throw e;
    }));
  return {
    registerLambdaContext(context) {
      lambdaContext = context;
      registerContext?.(context);
    },
    async deliver(key, send, failOpen = true) {
      if (!store || !key) return { id: await send() };
      let sent = false;
      const tracked = async () => {
        const id = await send();
        sent = true;
        return id;
      };
      try {
        const sendOnce = await idempotent();
        if (!sendOnce) return { id: await send() };
        return await sendOnce(key, tracked);
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
