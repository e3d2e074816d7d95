/** Checks on AWS Organizations ids and account ids. Values that are tokens are not judged. */
import { isToken, show } from './validation';

/** `o-` and 10-32 lower-case letters or digits. */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** `ou-`, 4-32 lower-case letters or digits (the root's id part), `-`, 8-32 lower-case letters or digits. */
export const ORGANIZATIONAL_UNIT_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
/** `r-` and 4-32 lower-case letters or digits. */
export const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
/** Twelve digits. */
export const ACCOUNT_ID = /^\d{12}$/;

export function checkOrganizationId(value: unknown, prop: string): string | undefined {
  if (isToken(value)) return undefined;
  return typeof value === 'string' && ORGANIZATION_ID.test(value)
    ? undefined
    : `'${prop}' must be an AWS Organizations id ('o-' and 10-32 lower-case letters or digits, like 'o-a1b2c3d4e5'), got ${show(value)}`;
}

/** An OU id or the root id: what a service-managed StackSet deploys to. */
export function checkDeploymentTargetId(value: unknown, prop: string): string | undefined {
  if (isToken(value)) return undefined;
  return typeof value === 'string' && (ORGANIZATIONAL_UNIT_ID.test(value) || ROOT_ID.test(value))
    ? undefined
    : `'${prop}' entries must be organizational unit ids ('ou-' + 4-32 + '-' + 8-32 lower-case letters or digits, like 'ou-ab12-abcdefgh') or the root id ('r-' + 4-32, like 'r-ab12'), got ${show(value)}`;
}

export function checkAccountId(value: unknown, prop: string): string | undefined {
  if (isToken(value)) return undefined;
  return typeof value === 'string' && ACCOUNT_ID.test(value)
    ? undefined
    : `'${prop}' must be a 12-digit AWS account id, got ${show(value)}`;
}
