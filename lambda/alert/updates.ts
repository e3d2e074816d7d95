// Updates of an alert already sent (the follow-up's findings, containment's report): the same alert
// with the update first, to every destination, once per event, destination and stage (a retried
// follow-up or containment sends nothing twice). The Security Hub finding keeps its id, so it is
// updated in place; containment also leaves a note on it.
import { createHash } from 'node:crypto';

import {
  buildSecurityHubFinding,
  capAlertFields,
  updatedAlert,
  type AlertDocument,
  type AlertUpdate,
} from '../../lib/detection';

import { alertAndDeliver, type EventResult, type PipelineDependencies } from './alerting';
import type { DeliveryTargets } from './deliver';
import { DeliveryFailedError, describeError } from './errors';
import { load } from './sdk';

/** A stage key from what identifies it (the same inputs always give the same key). */
export function stageKey(kind: string, ...parts: readonly string[]): string {
  return `${kind}#${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16)}`;
}

/** Sends the update of `original` to every destination, once per stage. */
export async function deliverUpdate(
  original: AlertDocument,
  update: AlertUpdate,
  stage: string,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
): Promise<EventResult> {
  const document = updatedAlert(original, update);
  deps.count(`AlertUpdates_${update.kind}`);
  const eventId = original.event.id ?? 'unknown';
  return alertAndDeliver(
    { document, withFieldCap: (max) => capAlertFields(document, max) },
    undefined,
    {},
    {},
    targets,
    deps,
    'live',
    `${eventId}#update#${stage}`,
  );
}

/** Leaves a note on the alert's Security Hub finding (when Security Hub is a destination), once per stage. */
export async function noteOnFinding(
  original: AlertDocument,
  text: string,
  stage: string,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
): Promise<void> {
  const securityHub = deps.clients.securityHub;
  if (!targets.securityHub || !securityHub) return;
  const finding = buildSecurityHubFinding(original, { ...targets, now: new Date(deps.now()) });
  const { BatchUpdateFindingsCommand } = load.securityHub();
  try {
    await deps.deliverer.deliver(
      { eventKey: `${original.event.id ?? 'unknown'}#note#${stage}`, destination: 'securityHubNote' },
      async () => {
        const out = await securityHub.send(
          new BatchUpdateFindingsCommand({
            FindingIdentifiers: [{ Id: finding.Id, ProductArn: finding.ProductArn }],
            Note: { Text: text.slice(0, 512), UpdatedBy: `${targets.namePrefix}-containment`.slice(0, 512) },
          }),
        );
        const failed = out.UnprocessedFindings?.[0];
        if (failed) throw new Error(`${failed.ErrorCode ?? 'unprocessed'}: ${failed.ErrorMessage ?? ''}`);
        return finding.Id;
      },
    );
  } catch (e) {
    deps.count('DeliveryFailed_securityHubNote');
    throw new DeliveryFailedError(
      `event ${original.event.id ?? '(no id)'}: Security Hub note failed: ${describeError(e)}`,
    );
  }
}
