/**
 * Contain mode's props (used with `mode: DetectorMode.CONTAIN`) and their translation into the
 * function's containment settings. Off by default; when on, it asks first by default.
 */
import {
  CONTAINMENT_ACTIONS,
  CONTAINMENT_RATE_BOUNDS,
  ContainVerdict,
  DEFAULT_CONTAINMENT,
  DEFAULT_CONTAINMENT_ACTIONS,
  checkContainment,
  show,
  type ContainmentAction,
  type ContainmentSettings,
  type VerdictKind,
} from '../detection';

/** What contain mode does, per verdict, and its safety settings. */
export interface ContainmentOptions {
  /**
   * Actions for a call whose model source is outside the approvals (`untrusted-source`).
   * @default - QUARANTINE_MODEL, DELETE_DEPLOYMENT, DELETE_ENDPOINT, STOP_JOB
   */
  readonly untrustedSourceActions?: ContainmentAction[];
  /**
   * Actions for a call by a principal outside the approvals (`unapproved-principal`).
   * @default - none: never contained
   */
  readonly unapprovedPrincipalActions?: ContainmentAction[];
  /**
   * Actions for a call that could not be verified (`unverified`).
   * @default - none: never contained
   */
  readonly unverifiedActions?: ContainmentAction[];
  /**
   * The verdicts contained without asking. Every other verdict with actions waits for the Security
   * Hub custom action "Contain this model" (or a request by hand, which each alert's note spells out).
   * @default - none: ask first
   */
  readonly automaticFor?: ContainVerdict[];
  /**
   * Record and report what would be done, and change nothing.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Containments (one per alert) at most per clock hour; past it, the alert says to contain by hand.
   * @default 10
   */
  readonly maxPerHour?: number;
  /**
   * Resource and principal ARN patterns (`*`, `?`) that containment never touches.
   * @default - none
   */
  readonly neverTouch?: string[];
  /**
   * The tag key the use-side guardrail requires (`true`) on an invocable model; quarantine removes it.
   * Keep it the guardrail's `approvalTagKey`.
   * @default 'bedrock-supply-chain:approved'
   */
  readonly approvalTagKey?: string;
  /**
   * The tag key quarantine puts on a model (value: the CloudTrail event id).
   * @default 'bedrock-supply-chain:quarantined'
   */
  readonly quarantineTagKey?: string;
  /**
   * Create the Security Hub custom action "Contain this model" (with `securityHub: true` only;
   * Security Hub must be enabled in the account and region).
   * @default true
   */
  readonly customAction?: boolean;
}

/** The function's containment settings from the props. */
export function containmentSettings(options: ContainmentOptions = {}, securityHub: boolean): ContainmentSettings {
  const d = DEFAULT_CONTAINMENT;
  const actions: Partial<Record<VerdictKind, readonly string[]>> = {
    'untrusted-source': options.untrustedSourceActions ?? DEFAULT_CONTAINMENT_ACTIONS,
    ...(options.unapprovedPrincipalActions?.length
      ? { 'unapproved-principal': options.unapprovedPrincipalActions }
      : {}),
    ...(options.unverifiedActions?.length ? { unverified: options.unverifiedActions } : {}),
  };
  return {
    actions: actions as ContainmentSettings['actions'],
    automatic: (options.automaticFor ?? []) as readonly VerdictKind[],
    dryRun: options.dryRun ?? d.dryRun,
    maxPerHour: options.maxPerHour ?? d.maxPerHour,
    neverTouch: options.neverTouch ?? d.neverTouch,
    approvalTagKey: options.approvalTagKey ?? d.approvalTagKey,
    quarantineTagKey: options.quarantineTagKey ?? d.quarantineTagKey,
    customAction: securityHub && (options.customAction ?? d.customAction),
  };
}

/** The problems with contain mode's props, each naming the prop, the value and what is allowed. */
export function checkContainmentOptions(options: ContainmentOptions, isToken: (v: unknown) => boolean): string[] {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    return [`'containment' must be an object, got ${show(options)}`];
  }
  const problems: string[] = [];
  for (const prop of ['untrustedSourceActions', 'unapprovedPrincipalActions', 'unverifiedActions'] as const) {
    const list: unknown = options[prop];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((a) => !(CONTAINMENT_ACTIONS as readonly unknown[]).includes(a))) {
      problems.push(
        `'containment.${prop}' must list ContainmentAction values (${CONTAINMENT_ACTIONS.map((a) => `'${a}'`).join(', ')}), got ${show(list)}`,
      );
    }
  }
  const automatic: unknown = options.automaticFor;
  const verdicts = Object.values(ContainVerdict) as string[];
  if (automatic !== undefined && (!Array.isArray(automatic) || automatic.some((v) => !verdicts.includes(v)))) {
    problems.push(
      `'containment.automaticFor' must list ContainVerdict values (${verdicts.map((v) => `'${v}'`).join(', ')}; 'approved' is never contained), got ${show(automatic)}`,
    );
  }
  const max = options.maxPerHour;
  if (max !== undefined && !isToken(max)) {
    const [lo, hi] = CONTAINMENT_RATE_BOUNDS;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < lo || max > hi) {
      problems.push(`'containment.maxPerHour' must be a whole number from ${lo} to ${hi}, got ${show(max)}`);
    }
  }
  const neverTouch: unknown = options.neverTouch;
  if (
    neverTouch !== undefined &&
    (!Array.isArray(neverTouch) ||
      neverTouch.some((p) => typeof p !== 'string' || p.length === 0 || p.length > 2048 || !/^(arn:|\*)/.test(p)))
  ) {
    problems.push(
      `'containment.neverTouch' must list ARN patterns (starting with 'arn:' or '*'), got ${show(neverTouch)}`,
    );
  }
  for (const prop of ['dryRun', 'customAction'] as const) {
    const v: unknown = options[prop];
    if (v !== undefined && typeof v !== 'boolean')
      problems.push(`'containment.${prop}' must be true or false, got ${show(v)}`);
  }
  if (problems.length > 0) return problems;
  // Tag keys, and anything else the function would refuse at cold start.
  return checkContainment(containmentSettings(options, true), 'containment').filter((p) => /TagKey/.test(p));
}
