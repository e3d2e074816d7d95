/**
 * The watched calls and their EventBridge patterns, resolved and checked once the same way for the
 * detector, the forwarders and the organisation constructs (from `lib/detection`): the detection
 * patterns, and those of the optional signals (failed calls for probing, deletes for
 * create-then-delete).
 */
import { Token } from 'aws-cdk-lib';

import {
  DELETE_CALLS_AS_WATCHED,
  DetectionConfigError,
  EVENT_PATTERN_MAX_CHARS,
  buildEventPatterns,
  checkNamePrefix,
  checkPolicyIds,
  resolveWatchedCalls,
  type DetectionEventPattern,
  type DetectionProfile,
  type SourceProfile,
  type WatchedCall,
} from '../detection';

import { assertAllValid, assertValid, show } from './validation';

/** The options that decide which calls are watched, as the detector takes them. */
export interface WatchedCallProps {
  readonly profile?: DetectionProfile;
  readonly sourceProfiles?: SourceProfile[];
  readonly additionalEventNames?: string[];
  readonly additionalEvents?: { readonly eventSource: string; readonly eventNames: string[] }[];
  readonly namePrefix?: string;
  readonly guardrailPolicyIds?: string[];
  readonly probingAlerts?: boolean;
  readonly createThenDeleteAlerts?: boolean;
}

/** What a detector or forwarder watches, and the patterns of its rules. */
export interface WatchSet {
  readonly calls: WatchedCall[];
  /** The successful watched calls: one rule each. */
  readonly patterns: DetectionEventPattern[];
  /** The failed watched calls (probing signal); empty when off. */
  readonly failurePatterns: DetectionEventPattern[];
  /** The deletes of watched resources (create-then-delete signal); empty when off. */
  readonly deletePatterns: DetectionEventPattern[];
}

/** The watched calls and their patterns, checked the way the detector checks them. */
export function watchSet(props: WatchedCallProps): WatchSet {
  if (props.namePrefix !== undefined && !Token.isUnresolved(props.namePrefix)) {
    assertValid(checkNamePrefix(props.namePrefix));
  }
  assertAllValid(checkPolicyIds(props.guardrailPolicyIds, 'guardrailPolicyIds', Token.isUnresolved));
  const names = [
    ...(props.additionalEventNames ?? []).map((n) => ['additionalEventNames', n] as const),
    ...(props.additionalEvents ?? []).flatMap((e) => [
      ['additionalEvents', e?.eventSource] as const,
      ...(Array.isArray(e?.eventNames) ? e.eventNames : []).map((n) => ['additionalEvents', n] as const),
    ]),
  ];
  for (const [prop, name] of names) {
    if (Token.isUnresolved(name)) {
      assertValid(
        `'${prop}' must be known at synth (the rules' patterns are built from them), got the unresolved token ${show(name)}`,
      );
    }
  }
  let calls: WatchedCall[];
  let patterns: DetectionEventPattern[];
  try {
    calls = resolveWatchedCalls({
      profile: props.profile,
      sourceProfiles: props.sourceProfiles,
      additionalEventNames: props.additionalEventNames,
      additionalEvents: props.additionalEvents,
    });
    patterns = buildEventPatterns(calls, EVENT_PATTERN_MAX_CHARS);
  } catch (e) {
    if (e instanceof DetectionConfigError) assertValid(e.message);
    if (e instanceof Error && /characters, more than/.test(e.message)) {
      assertValid(`'additionalEventNames' and 'additionalEvents': ${e.message}`);
    }
    throw e;
  }
  return {
    calls,
    patterns,
    failurePatterns: props.probingAlerts ? buildEventPatterns(calls, EVENT_PATTERN_MAX_CHARS, 'failure') : [],
    deletePatterns: props.createThenDeleteAlerts ? buildEventPatterns(DELETE_CALLS_AS_WATCHED) : [],
  };
}
