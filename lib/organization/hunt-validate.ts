import { Token } from 'aws-cdk-lib';

import { MAX_HUNT_DAYS, checkAccountIds, checkOrganizationId, checkRegionList } from '../detection';
import { assertAllValid, assertValid, checkInteger, isToken, show } from '../private/validation';

import type { OrganizationHuntProps } from './hunt-props';
import { TrailLogLayout } from './hunt-table';

/** Athena's smallest `BytesScannedCutoffPerQuery`: 10 MB. */
const MIN_CUTOFF = 10_000_000;
/**
 * The most projected partitions (account × region × day × layout) this construct lets the first hunt
 * span: Athena lists every projected partition's S3 prefix, so a query over more takes long and may
 * time out (this is the construct's own bound, not a documented Athena quota).
 */
const MAX_PARTITIONS = 1_000_000;

/** Checks the props at synth; returns the layouts. */
export function validateHuntProps(props: OrganizationHuntProps, defaultDays: number): TrailLogLayout[] {
  assertValid(checkOrganizationId(props.organizationId, 'organizationId', isToken));
  if (!Array.isArray(props.accounts) || props.accounts.length === 0) {
    assertValid(`'accounts' must list the accounts to hunt in (12-digit account ids), got ${show(props.accounts)}`);
  }
  assertAllValid(checkAccountIds(props.accounts, 'accounts', isToken));
  const duplicates = props.accounts.filter((a, i) => props.accounts.indexOf(a) !== i);
  if (duplicates.length > 0) assertValid(`'accounts' lists ${show(duplicates[0])} more than once`);
  assertAllValid(checkRegionList(props.regions, 'regions', isToken));
  const layouts = props.layouts ?? [TrailLogLayout.ORGANIZATION, TrailLogLayout.ACCOUNT];
  const allowed = Object.values(TrailLogLayout) as string[];
  if (layouts.length === 0 || layouts.some((l) => !allowed.includes(l)) || new Set(layouts).size !== layouts.length) {
    assertValid(
      `'layouts' must be one or both of ${allowed.map((a) => `'${a}'`).join(', ')}, each once, got ${show(layouts)}`,
    );
  }
  const prefix = props.s3KeyPrefix;
  if (prefix !== undefined && !isToken(prefix) && !/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(prefix)) {
    assertValid(
      `'s3KeyPrefix' must be the trail's key prefix without slashes at either end (letters, digits, !_.*'()- and single slashes), got ${show(prefix)}`,
    );
  }
  const cutoff = props.bytesScannedCutoffPerQuery;
  if (cutoff !== undefined && !Token.isUnresolved(cutoff) && (!Number.isInteger(cutoff) || cutoff < MIN_CUTOFF)) {
    assertValid(
      `'bytesScannedCutoffPerQuery' must be a whole number of bytes, at least ${MIN_CUTOFF} (10 MB), got ${show(cutoff)}`,
    );
  }
  assertValid(checkInteger(props.initialHuntDays, 'initialHuntDays', 1, MAX_HUNT_DAYS));
  const expiration = props.resultsExpiration;
  if (
    expiration !== undefined &&
    (expiration.isUnresolved() ||
      expiration.toDays({ integral: false }) < 1 ||
      !Number.isInteger(expiration.toDays({ integral: false })))
  ) {
    assertValid(`'resultsExpiration' must be a whole number of days, at least 1, got ${expiration.toHumanString()}`);
  }
  // Athena projects every account × region × day of the range: keep the first hunt under the bound.
  const days = (props.initialHuntDays ?? defaultDays) + 1;
  const partitions = props.accounts.length * props.regions.length * days * layouts.length;
  if (!isToken(props.accounts) && !isToken(props.regions) && partitions > MAX_PARTITIONS) {
    assertValid(
      `'accounts' (${props.accounts.length}) × 'regions' (${props.regions.length}) × ${days} days × ${layouts.length} layouts is ${partitions} partitions, more than the ${MAX_PARTITIONS} one hunt query may span (Athena lists each partition's prefix): hunt fewer days ('initialHuntDays'), fewer layouts ('layouts') or fewer accounts`,
    );
  }
  return layouts;
}
