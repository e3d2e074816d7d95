/**
 * The invocations that are not CloudTrail events: a follow-up check (from the follow-up state
 * machine), a request to contain (by hand, `aws lambda invoke`), and the Security Hub custom action
 * "Contain this model". Each carries only the CloudTrail event id: what is done is read from the
 * plan the function itself recorded when it alerted, never from the request. Pure.
 */
import { isObject } from './values';

/** The key of a follow-up check's payload: `{ "bedrockSupplyChainFollowUp": { "eventId": "…" } }`. */
export const FOLLOW_UP_REQUEST_KEY = 'bedrockSupplyChainFollowUp';
/** The key of a containment request's payload: `{ "bedrockSupplyChainContain": { "eventId": "…" } }`. */
export const CONTAIN_REQUEST_KEY = 'bedrockSupplyChainContain';
/** The detail-type of a Security Hub custom action event. */
export const CUSTOM_ACTION_DETAIL_TYPE = 'Security Hub Findings - Custom Action';
/** The ProductFields key of the CloudTrail event id on the detector's findings. */
export const FINDING_EVENT_ID_FIELD = 'bedrock-supply-chain/eventId';

/** A CloudTrail event id as the detector keys its memory (what `eventKeyOf` gives). */
const EVENT_ID = /^[A-Za-z0-9:_.-]{1,128}$/;

/** The event id of a request under `key`: undefined when the payload is not one, else the id or what is wrong. */
function parseRequest(event: Record<string, unknown>, key: string): { eventId: string } | string | undefined {
  if (!(key in event)) return undefined;
  const r = event[key];
  if (!isObject(r)) return `${key} must be an object with an eventId`;
  if (typeof r.eventId !== 'string' || !EVENT_ID.test(r.eventId)) {
    return `${key}.eventId must be a CloudTrail event id (1-128 letters, digits, ':', '_', '.', '-'), got ${JSON.stringify(r.eventId ?? null)}`;
  }
  return { eventId: r.eventId };
}

export function parseFollowUpRequest(event: Record<string, unknown>): { eventId: string } | string | undefined {
  return parseRequest(event, FOLLOW_UP_REQUEST_KEY);
}

export function parseContainRequest(event: Record<string, unknown>): { eventId: string } | string | undefined {
  return parseRequest(event, CONTAIN_REQUEST_KEY);
}

/** A Security Hub custom action event (any action: the rule filters on the detector's own). */
export function isCustomActionEvent(event: Record<string, unknown>): boolean {
  return event.source === 'aws.securityhub' && event['detail-type'] === CUSTOM_ACTION_DETAIL_TYPE;
}

/**
 * The event ids of the detector's findings in a custom action event (a finding is the detector's
 * when its id starts with `<namePrefix>/` and it carries the event id), and the findings that are
 * not, with why.
 */
export function customActionEventIds(
  event: Record<string, unknown>,
  namePrefix: string,
): { readonly eventIds: readonly string[]; readonly others: readonly string[] } {
  const detail = isObject(event.detail) ? event.detail : {};
  const findings = Array.isArray(detail.findings) ? detail.findings : [];
  const eventIds: string[] = [];
  const others: string[] = [];
  for (const f of findings) {
    const id = isObject(f) && typeof f.Id === 'string' ? f.Id : '(no id)';
    const fields = isObject(f) && isObject(f.ProductFields) ? f.ProductFields : {};
    const eventId = fields[FINDING_EVENT_ID_FIELD];
    if (!id.startsWith(`${namePrefix}/`)) others.push(`${id.slice(0, 200)}: not a finding of this detector`);
    else if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) others.push(`${id.slice(0, 200)}: no event id`);
    else if (!eventIds.includes(eventId)) eventIds.push(eventId);
  }
  if (findings.length === 0) others.push('the event carries no findings');
  return { eventIds, others };
}

/** How to ask for containment by hand, for the alert's note. */
export function containByHandCommand(functionName: string, eventId: string): string {
  return `aws lambda invoke --function-name ${functionName} --cli-binary-format raw-in-base64-out --payload '${JSON.stringify({ [CONTAIN_REQUEST_KEY]: { eventId } })}' /dev/stdout`;
}

/** The custom action's name in the Security Hub console. */
export const CONTAIN_ACTION_NAME = 'Contain this model';

/** The note an alert carries in contain mode: what containment would do and how to trigger it. */
export function containmentNote(
  actions: readonly string[],
  automatic: boolean,
  dryRun: boolean,
  customAction: boolean,
  functionName: string,
  eventId: string,
): string {
  const what = `${dryRun ? 'dry run, nothing is changed: ' : ''}${actions.join(', ')}`;
  if (automatic)
    return `Contain mode: this alert is contained automatically (${what}); an update of this alert follows.`;
  return (
    `Contain mode, ask first (${what}): ` +
    (customAction
      ? `in Security Hub, choose the custom action "${CONTAIN_ACTION_NAME}" on this finding, or run `
      : 'run ') +
    containByHandCommand(functionName, eventId)
  );
}
