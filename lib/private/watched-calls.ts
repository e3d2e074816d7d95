/**
 * The watched calls and their EventBridge pattern, resolved and checked once the same way for the
 * detector, the forwarders and the organisation constructs (from `lib/detection`).
 */
import { Token } from 'aws-cdk-lib';

import {
  DetectionConfigError,
  EVENT_PATTERN_MAX_CHARS,
  buildEventPattern,
  checkNamePrefix,
  checkPolicyIds,
  patternSize,
  resolveWatchedCalls,
  type DetectionEventPattern,
  type DetectionProfile,
  type WatchedCall,
} from '../detection';

import { assertAllValid, assertValid, show } from './validation';

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
  assertAllValid(checkPolicyIds(props.guardrailPolicyIds, 'guardrailPolicyIds', Token.isUnresolved));
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
