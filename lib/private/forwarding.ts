/**
 * What the forwarders and the organisation constructs share: the watched calls and their pattern
 * (from `lib/detection`, exactly as the detector builds them), and the declared trail.
 */
import { Annotations, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

import {
  DetectionConfigError,
  EVENT_PATTERN_MAX_CHARS,
  buildEventPattern,
  checkNamePrefix,
  patternSize,
  resolveWatchedCalls,
  type DetectionEventPattern,
  type DetectionProfile,
  type WatchedCall,
} from '../detection';
import type { DetectorTrail } from '../detector-trail';

import { assertValid, show } from './validation';

/** The options that decide which calls are watched, as the detector takes them. */
export interface WatchedCallProps {
  readonly profile?: DetectionProfile;
  readonly additionalEventNames?: string[];
  readonly namePrefix?: string;
  readonly guardrailPolicyIds?: string[];
}

/** The watched calls and their pattern, checked the way the detector checks them. */
export function watchedCallsAndPattern(props: WatchedCallProps): {
  calls: WatchedCall[];
  pattern: DetectionEventPattern;
} {
  if (props.namePrefix !== undefined && !Token.isUnresolved(props.namePrefix)) {
    assertValid(checkNamePrefix(props.namePrefix));
  }
  for (const id of props.guardrailPolicyIds ?? []) {
    if (!Token.isUnresolved(id) && !/^p-[0-9a-z]{8,128}$/.test(id)) {
      assertValid(`'guardrailPolicyIds' entries must be SCP ids like 'p-abcd1234', got ${show(id)}`);
    }
  }
  for (const name of props.additionalEventNames ?? []) {
    if (Token.isUnresolved(name)) {
      assertValid(
        `'additionalEventNames' must be known at synth (the rule's pattern is built from them), got the unresolved token ${show(name)}`,
      );
    }
  }
  let calls: WatchedCall[];
  try {
    calls = resolveWatchedCalls({ profile: props.profile, additionalEventNames: props.additionalEventNames });
  } catch (e) {
    if (e instanceof DetectionConfigError) assertValid(e.message);
    throw e;
  }
  const pattern = buildEventPattern(calls);
  if (patternSize(pattern) > EVENT_PATTERN_MAX_CHARS) {
    assertValid(
      `'additionalEventNames' make the rule's pattern ${patternSize(pattern)} characters long, more than the ${EVENT_PATTERN_MAX_CHARS} EventBridge allows by default: watch fewer names`,
    );
  }
  return { calls, pattern };
}

/** The warning's id, for `Annotations.acknowledgeWarning`. */
export const NO_TRAIL_DECLARED = 'cdk-bedrock-model-supply-chain:noTrailDeclared';

/**
 * Constructs that never create a trail take a declared one (an organisation trail or an existing
 * trail); `DetectorTrail.create()` is refused, and no declaration at all is warned about.
 */
export function declaredTrail(scope: Construct, trail: DetectorTrail | undefined, what: string): void {
  if (trail === undefined) {
    Annotations.of(scope).addWarningV2(
      NO_TRAIL_DECLARED,
      `${what} creates no trail, and none is declared. EventBridge receives CloudTrail API events only while a trail logs the account's management events in the region: pass 'trail: DetectorTrail.organizationTrail(trailArn)' for the organisation trail (Control Tower, Landing Zone Accelerator) or 'DetectorTrail.existing(trailArn)'.`,
    );
    return;
  }
  if (trail.kind === 'create') {
    assertValid(
      `'trail' must declare a trail that exists (DetectorTrail.organizationTrail(), .existing() or .fromTrail()), got DetectorTrail.create(): ${what} creates no trail; use the organisation trail, or a detector's trail`,
    );
  }
}
