/**
 * Constructs that never create a trail (forwarders, the organisation detector and its StackSet) take
 * a declared one: an organisation trail or an existing trail.
 */
import { Annotations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

import { DetectorTrail, DetectorTrailKind } from '../detector';
import { assertValid } from '../private/validation';

/**
 * Constructs that never create a trail take a declared one (an organisation trail or an existing
 * trail); `DetectorTrail.create()` is refused, and no declaration at all is warned about.
 */
export function declaredTrail(scope: Construct, trail: DetectorTrail | undefined, what: string): void {
  if (trail === undefined) {
    Annotations.of(scope).addWarningV2(
      DetectorTrail.NO_TRAIL_DECLARED,
      `${what} creates no trail, and none is declared. EventBridge receives CloudTrail API events only while a trail logs the account's management events in the region: pass 'trail: DetectorTrail.organizationTrail(trailArn)' for the organisation trail (Control Tower, Landing Zone Accelerator) or 'DetectorTrail.existing(trailArn)'.`,
    );
    return;
  }
  if (trail.kind === DetectorTrailKind.CREATE) {
    assertValid(
      `'trail' must declare a trail that exists (DetectorTrail.organizationTrail(), .existing() or .fromTrail()), got DetectorTrail.create(): ${what} creates no trail; use the organisation trail, or a detector's trail`,
    );
  }
}
