/**
 * Which calls a detector watches: the profile (default or extended), the opt-in source profiles,
 * and the caller's own additions, resolved into one list in catalogue order. Pure.
 */
import { DEFAULT_WATCHED_CALLS, EVENT_SOURCES, EXTENDED_WATCHED_CALLS, SOURCE_PROFILE_CALLS } from './calls';
import { SOURCE_PROFILES, type SourceProfileName, type WatchedCall } from './catalogue';
import { show } from './values';

/** Which catalogue of calls a detector watches. */
export enum DetectionProfile {
  /**
   * The four calls of the reference rule, and the three with the same impact it leaves out:
   * UpdateCustomModelDeployment, CreateCustomModel, CreateModelCopyJob.
   */
  DEFAULT = 'default',
  /**
   * The default calls, and UpdateMarketplaceModelEndpoint, CreateProvisionedModelThroughput,
   * UpdateProvisionedModelThroughput (a model swap), CreateModelCustomizationJob (training-data
   * poisoning) and PutResourcePolicy.
   */
  EXTENDED = 'extended',
}

/** A profile's name, as the function's configuration carries it. */
export type DetectionProfileName = `${DetectionProfile}`;

/** The allowed values of {@link DetectionProfile}. */
export const DETECTION_PROFILES: readonly DetectionProfileName[] = Object.values(DetectionProfile);

/** Further event names to watch from one event source. */
export interface AdditionalEvents {
  /** The CloudTrail `eventSource`, like `bedrock-mantle.amazonaws.com`. */
  readonly eventSource: string;
  /** Its event names, exact and case-sensitive. */
  readonly eventNames: readonly string[];
}

/** Options that select the watched calls. */
export interface WatchedCallOptions {
  /** @default 'default' */
  readonly profile?: DetectionProfileName;
  /** Opt-in source profiles, each on its own. @default - none */
  readonly sourceProfiles?: readonly SourceProfileName[];
  /** Further `bedrock.amazonaws.com` event names to watch, exact and case-sensitive. @default - none */
  readonly additionalEventNames?: readonly string[];
  /** Further event names of other event sources. @default - none */
  readonly additionalEvents?: readonly AdditionalEvents[];
}

/** An API operation name: PascalCase letters and digits. */
const EVENT_NAME = /^[A-Z][A-Za-z0-9]{2,127}$/;
/** A CloudTrail event source: `<service>.amazonaws.com`. */
const EVENT_SOURCE = /^[a-z][a-z0-9-]{1,62}\.amazonaws\.com$/;

/** Thrown for an invalid detection option; the message names the option, the value and what is allowed. */
export class DetectionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DetectionConfigError';
  }
}

/** Checks one event name; returns an error message or undefined. */
export function checkEventName(name: unknown, prop = 'additionalEventNames'): string | undefined {
  if (typeof name !== 'string' || !EVENT_NAME.test(name)) {
    return `'${prop}' entries must be API operation names (PascalCase letters and digits, 3-128 characters, for example 'CreateModelCustomizationJob'), got ${show(name)}`;
  }
  return undefined;
}

/** Checks one source profile name. */
export function checkSourceProfile(value: unknown, prop = 'sourceProfiles'): string | undefined {
  if (typeof value === 'string' && (SOURCE_PROFILES as readonly string[]).includes(value)) return undefined;
  return `'${prop}' entries must be one of ${SOURCE_PROFILES.map((p) => `'${p}'`).join(', ')}, got ${show(value)}`;
}

/** Every problem with `additionalEvents`. */
export function checkAdditionalEvents(value: unknown, prop = 'additionalEvents'): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [`'${prop}' must be a list of { eventSource, eventNames }, got ${show(value)}`];
  const problems: string[] = [];
  value.forEach((entry: unknown, i) => {
    const e = entry as Partial<AdditionalEvents> | null;
    if (e === null || typeof e !== 'object') {
      problems.push(`'${prop}[${i}]' must be an object with eventSource and eventNames, got ${show(entry)}`);
      return;
    }
    if (typeof e.eventSource !== 'string' || !EVENT_SOURCE.test(e.eventSource)) {
      problems.push(
        `'${prop}[${i}].eventSource' must be a CloudTrail event source like 'bedrock-mantle.amazonaws.com', got ${show(e.eventSource)}`,
      );
    }
    if (!Array.isArray(e.eventNames) || e.eventNames.length === 0) {
      problems.push(`'${prop}[${i}].eventNames' must be a non-empty list of event names, got ${show(e.eventNames)}`);
    } else {
      for (const n of e.eventNames) {
        const problem = checkEventName(n, `${prop}[${i}].eventNames`);
        if (problem) problems.push(problem);
      }
    }
  });
  return problems;
}

/** Every catalogued call, for looking up a caller-added name. */
const CATALOGUED: readonly WatchedCall[] = [
  ...DEFAULT_WATCHED_CALLS,
  ...EXTENDED_WATCHED_CALLS,
  ...SOURCE_PROFILE_CALLS,
];

/**
 * The calls a detector watches for the given options, in catalogue order (default, extended, the
 * source profiles, then the caller's additions), without duplicates.
 * @throws DetectionConfigError for an unknown profile or source profile, or a malformed name or source
 */
export function resolveWatchedCalls(options: WatchedCallOptions = {}): WatchedCall[] {
  const profile = options.profile ?? 'default';
  if (!DETECTION_PROFILES.includes(profile)) {
    throw new DetectionConfigError(
      `'profile' must be one of ${DETECTION_PROFILES.map((p) => `'${p}'`).join(', ')}, got ${show(profile)}`,
    );
  }
  for (const p of options.sourceProfiles ?? []) {
    const problem = checkSourceProfile(p);
    if (problem) throw new DetectionConfigError(problem);
  }
  const problems = checkAdditionalEvents(options.additionalEvents);
  if (problems.length > 0) throw new DetectionConfigError(problems.join('; '));

  const calls: WatchedCall[] = [...DEFAULT_WATCHED_CALLS];
  if (profile === 'extended') calls.push(...EXTENDED_WATCHED_CALLS);
  const sources = new Set(options.sourceProfiles ?? []);
  calls.push(...SOURCE_PROFILE_CALLS.filter((c) => sources.has(c.profile as SourceProfileName)));
  const key = (c: { eventSource: string; eventName: string }) => `${c.eventSource} ${c.eventName}`;
  const known = new Set(calls.map(key));
  const add = (eventSource: string, eventName: string, prop: string) => {
    const problem = checkEventName(eventName, prop);
    if (problem) throw new DetectionConfigError(problem);
    if (known.has(key({ eventSource, eventName }))) return;
    known.add(key({ eventSource, eventName }));
    // A catalogued call keeps what the catalogue knows of it (its source fields, its filter).
    const catalogued = CATALOGUED.find((c) => c.eventSource === eventSource && c.eventName === eventName);
    calls.push(
      catalogued ?? {
        eventSource,
        eventName,
        profile: 'custom',
        summary: `A watched call (${eventName}, ${eventSource}) succeeded.`,
        modelSourceFields: [],
        newResourceFields: [],
      },
    );
  };
  for (const name of options.additionalEventNames ?? [])
    add(EVENT_SOURCES.bedrock.eventSource, name, 'additionalEventNames');
  for (const extra of options.additionalEvents ?? [])
    for (const name of extra.eventNames) add(extra.eventSource, name, 'additionalEvents');
  return calls;
}

/** The EventBridge `source` of a CloudTrail event source's events, when verified; undefined otherwise. */
export function eventBridgeSourceOf(eventSource: string): string | undefined {
  return Object.values(EVENT_SOURCES).find((s) => s.eventSource === eventSource)?.source;
}
