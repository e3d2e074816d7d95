import { Token } from 'aws-cdk-lib';

import { DEFAULT_HOME_REGION, checkHomeRegion, checkRegionList, partitionOf } from '../detection';
import { assertAllValid, assertValid, show } from '../private/validation';

/** The regions a topology watches. */
export interface WatchedRegionsOptions {
  /**
   * Every region whose Bedrock calls are watched (EventBridge sees a CloudTrail event only in the
   * region of the call). Known commercial, GovCloud or China region names, all in one partition.
   */
  readonly regions: string[];
  /**
   * Where the alert function runs and every other region forwards to. IAM and Organizations
   * events reach EventBridge only in us-east-1, so only a home region of us-east-1 also alerts on
   * changes to the detector's role and the guardrail SCPs.
   * @default 'us-east-1'
   */
  readonly homeRegion?: string;
}

/** A checked region plan. */
export interface WatchedRegionPlan {
  /** Where the alert function runs. */
  readonly homeRegion: string;
  /** Every watched region, the home region included, in the order given. */
  readonly regions: string[];
  /** The watched regions other than the home region: each gets a forwarder in a single account. */
  readonly forwardedRegions: string[];
  /** The partition of the regions. */
  readonly partition: string;
}

/**
 * Checks a topology's regions and splits them into the home region and the forwarded ones. Synth
 * fails with the prop, the value and what is allowed for an unknown region, a repeated one, regions
 * of two partitions, or a home region that is not watched.
 */
export function planWatchedRegions(options: WatchedRegionsOptions): WatchedRegionPlan {
  const homeRegion = options.homeRegion ?? DEFAULT_HOME_REGION;
  assertAllValid(checkRegionList(options.regions, 'regions', Token.isUnresolved));
  assertValid(checkHomeRegion(homeRegion, options.regions, 'regions', Token.isUnresolved));
  if (Token.isUnresolved(options.regions) || options.regions.some((r) => Token.isUnresolved(r))) {
    assertValid(`'regions' must be known at synth to plan the forwarders, got ${show(options.regions)}`);
  }
  if (Token.isUnresolved(homeRegion)) {
    assertValid(`'homeRegion' must be known at synth to plan the forwarders, got ${show(homeRegion)}`);
  }
  return {
    homeRegion,
    regions: [...options.regions],
    forwardedRegions: options.regions.filter((r) => r !== homeRegion),
    partition: partitionOf(homeRegion) ?? 'aws',
  };
}

/** Planning the regions a topology watches. */
export class WatchedRegions {
  /**
   * Checks a topology's regions and splits them into the home region and the forwarded ones (see
   * `planWatchedRegions`).
   */
  public static plan(options: WatchedRegionsOptions): WatchedRegionPlan {
    return planWatchedRegions(options);
  }

  private constructor() {}
}
