/**
 * The shapes of AWS ids the library takes: account ids, AWS Organizations ids (organisation,
 * organizational unit, root, policy) and SCP targets. One regular expression per shape, and one
 * check per shape that names the prop, the value and what is allowed. Pure.
 *
 * `isUnresolved` lets the constructs pass values that are only known at deploy (CDK tokens): such
 * values are not judged.
 */
import { show } from './values';

/** Twelve digits. */
export const ACCOUNT_ID = /^\d{12}$/;
/** `o-` and 10-32 lower-case letters or digits. */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** `ou-`, 4-32 lower-case letters or digits (the root's id part), `-`, 8-32 lower-case letters or digits. */
export const ORGANIZATIONAL_UNIT_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
/** `r-` and 4-32 lower-case letters or digits. */
export const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
/** `p-` and 8-128 lower-case letters or digits: a policy id (SCP). */
export const POLICY_ID = /^p-[0-9a-z]{8,128}$/;

/** Values known only at deploy time are not judged. */
export type IsUnresolved = (value: unknown) => boolean;
const known: IsUnresolved = () => false;

export function checkAccountId(value: unknown, prop: string, isUnresolved: IsUnresolved = known): string | undefined {
  if (isUnresolved(value)) return undefined;
  return typeof value === 'string' && ACCOUNT_ID.test(value)
    ? undefined
    : `'${prop}' must be a 12-digit AWS account id, got ${show(value)}`;
}

/** Each entry of a list of account ids. */
export function checkAccountIds(values: unknown, prop: string, isUnresolved: IsUnresolved = known): string[] {
  if (values === undefined || isUnresolved(values)) return [];
  if (!Array.isArray(values)) return [`'${prop}' must be a list of 12-digit AWS account ids, got ${show(values)}`];
  return values
    .filter((v) => !isUnresolved(v) && !(typeof v === 'string' && ACCOUNT_ID.test(v)))
    .map((v) => `'${prop}' entries must be 12-digit AWS account ids, got ${show(v)}`);
}

export function checkOrganizationId(
  value: unknown,
  prop: string,
  isUnresolved: IsUnresolved = known,
): string | undefined {
  if (isUnresolved(value)) return undefined;
  return typeof value === 'string' && ORGANIZATION_ID.test(value)
    ? undefined
    : `'${prop}' must be an AWS Organizations id ('o-' and 10-32 lower-case letters or digits, like 'o-a1b2c3d4e5'), got ${show(value)}`;
}

/** An OU id or the root id: what a service-managed StackSet deploys to. */
export function checkDeploymentTargetId(
  value: unknown,
  prop: string,
  isUnresolved: IsUnresolved = known,
): string | undefined {
  if (isUnresolved(value)) return undefined;
  return typeof value === 'string' && (ORGANIZATIONAL_UNIT_ID.test(value) || ROOT_ID.test(value))
    ? undefined
    : `'${prop}' entries must be organizational unit ids ('ou-' + 4-32 + '-' + 8-32 lower-case letters or digits, like 'ou-ab12-abcdefgh') or the root id ('r-' + 4-32, like 'r-ab12'), got ${show(value)}`;
}

/** SCP targets: at least one root, OU or account id. */
export function checkPolicyTargetIds(
  values: unknown,
  prop: string,
  isUnresolved: IsUnresolved = known,
): string | undefined {
  if (isUnresolved(values)) return undefined;
  if (!Array.isArray(values) || values.length === 0) {
    return `'${prop}' must contain at least one root, OU or account id, got ${show(values)}`;
  }
  for (const id of values) {
    if (isUnresolved(id)) continue;
    if (typeof id !== 'string' || !(ROOT_ID.test(id) || ORGANIZATIONAL_UNIT_ID.test(id) || ACCOUNT_ID.test(id))) {
      return `'${prop}' entries must be a root id ('r-' and 4-32 lower-case letters or digits), an OU id ('ou-xxxx-xxxxxxxx') or a 12-digit account id, got ${show(id)}`;
    }
  }
  return undefined;
}

/** Each entry of a list of SCP ids. */
export function checkPolicyIds(values: unknown, prop: string, isUnresolved: IsUnresolved = known): string[] {
  if (values === undefined || isUnresolved(values)) return [];
  if (!Array.isArray(values)) return [`'${prop}' must be a list of SCP ids like 'p-abcd1234', got ${show(values)}`];
  return values
    .filter((v) => !isUnresolved(v) && !(typeof v === 'string' && POLICY_ID.test(v)))
    .map((v) => `'${prop}' entries must be SCP ids like 'p-abcd1234', got ${show(v)}`);
}
