/**
 * The check of every `SupplyChainDetector` prop that can be judged at synth, and the verdict
 * severities as the function takes them.
 */
import { Duration } from 'aws-cdk-lib';

import {
  DETECTION_PROFILES,
  DETECTOR_MODES,
  DetectorMode,
  SOURCE_PROFILES,
  checkFollowUpMinutes,
  checkAdditionalEvents,
  checkRegionList,
  ENRICHMENT_BOUNDS,
  LOOKUP_EVENTS_HORIZON_DAYS,
  RECONCILE_INTERVAL_BOUNDS,
  checkApprovals,
  checkEventName,
  checkNamePrefix,
  checkPolicyIds,
  checkRiskScore,
  checkSeverity,
  type VerdictSeverities as VerdictSeverityMap,
} from '../detection';
import {
  assertAllValid,
  assertValid,
  checkBoolean,
  checkDuration,
  checkEmail,
  checkInteger,
  checkManagementEvents,
  checkRetentionDays,
  checkTrailName,
  isToken,
  show,
} from '../private/validation';

import { checkContainmentOptions } from './containment-props';
import type { SeverityAndRisk, SupplyChainDetectorProps, VerdictSeverities } from './props';
import { DetectorTrailKind } from './trail';

/** The bounds of the props that have them. */
const BOUNDS = {
  reservedConcurrentExecutions: [1, 1000],
  ruleRetryAttempts: [0, 185],
  functionRetryAttempts: [0, 2],
  ruleMaxEventAge: [Duration.minutes(1), Duration.hours(24)],
  functionMaxEventAge: [Duration.minutes(1), Duration.hours(6)],
  deadLetterRetention: [Duration.minutes(1), Duration.days(14)],
  reconciliationInterval: [
    Duration.minutes(RECONCILE_INTERVAL_BOUNDS[0]),
    Duration.minutes(RECONCILE_INTERVAL_BOUNDS[1]),
  ],
  enrichmentWindow: [
    Duration.minutes(ENRICHMENT_BOUNDS.windowMinutes[0]),
    Duration.minutes(ENRICHMENT_BOUNDS.windowMinutes[1]),
  ],
  backfillPeriod: [Duration.days(1), Duration.days(LOOKUP_EVENTS_HORIZON_DAYS)],
} as const;

/** The verdict severities as the function takes them (by verdict name). */
export function verdictSeverityMap(value: VerdictSeverities | undefined): Partial<VerdictSeverityMap> {
  if (value === undefined) return {};
  return {
    ...(value.approved ? { approved: value.approved } : {}),
    ...(value.unapprovedPrincipal ? { 'unapproved-principal': value.unapprovedPrincipal } : {}),
    ...(value.untrustedSource ? { 'untrusted-source': value.untrustedSource } : {}),
  };
}

/** A duration that must be a whole number of `unit`s. */
function checkWholeDuration(value: Duration | undefined, prop: string, unit: 'minutes' | 'days'): string | undefined {
  if (value === undefined || value.isUnresolved()) return undefined;
  const amount = unit === 'minutes' ? value.toMinutes({ integral: false }) : value.toDays({ integral: false });
  return Number.isInteger(amount)
    ? undefined
    : `'${prop}' must be a whole number of ${unit}, got ${value.toHumanString()}`;
}

/** Checks every prop that can be judged at synth; throws for the first problem, naming the prop. */
export function validateDetectorProps(props: SupplyChainDetectorProps): void {
  if (props.profile !== undefined && !(DETECTION_PROFILES as readonly string[]).includes(props.profile)) {
    assertValid(
      `'profile' must be one of ${DETECTION_PROFILES.map((p) => `DetectionProfile.${p.toUpperCase()} ('${p}')`).join(', ')}, got ${show(props.profile)}`,
    );
  }
  for (const p of props.sourceProfiles ?? []) {
    if (!(SOURCE_PROFILES as readonly string[]).includes(p)) {
      assertValid(
        `'sourceProfiles' entries must be one of ${SOURCE_PROFILES.map((x) => `SourceProfile.${x.toUpperCase().replace(/-/g, '_')} ('${x}')`).join(', ')}, got ${show(p)}`,
      );
    }
  }
  assertAllValid(checkAdditionalEvents(props.additionalEvents));
  if (props.watchedRegions !== undefined && !isToken(props.watchedRegions)) {
    assertAllValid(checkRegionList(props.watchedRegions, 'watchedRegions', isToken));
  }
  assertValid(checkInteger(props.probingThreshold, 'probingThreshold', 2, 100));
  for (const name of props.additionalEventNames ?? []) {
    if (isToken(name)) {
      assertValid(
        `'additionalEventNames' must be known at synth (the rule's pattern is built from them), got the unresolved token ${show(name)}`,
      );
    }
    assertValid(checkEventName(name));
  }
  if (props.namePrefix !== undefined && !isToken(props.namePrefix)) assertValid(checkNamePrefix(props.namePrefix));
  for (const email of props.alertEmails ?? []) assertValid(checkEmail(email, 'alertEmails'));
  if (props.severity !== undefined) assertValid(checkSeverity(props.severity));
  if (props.riskScore !== undefined && !isToken(props.riskScore)) assertValid(checkRiskScore(props.riskScore));
  if (props.verdictSeverities !== undefined) {
    assertAllValid(checkVerdictSeveritiesProp(props.verdictSeverities));
  }
  assertValid(checkRetentionDays(props.logRetention, 'logRetention'));
  assertValid(
    checkInteger(
      props.reservedConcurrentExecutions,
      'reservedConcurrentExecutions',
      ...BOUNDS.reservedConcurrentExecutions,
    ),
  );
  assertValid(checkInteger(props.ruleRetryAttempts, 'ruleRetryAttempts', ...BOUNDS.ruleRetryAttempts));
  assertValid(checkInteger(props.functionRetryAttempts, 'functionRetryAttempts', ...BOUNDS.functionRetryAttempts));
  assertValid(checkDuration(props.ruleMaxEventAge, 'ruleMaxEventAge', ...BOUNDS.ruleMaxEventAge));
  assertValid(checkDuration(props.functionMaxEventAge, 'functionMaxEventAge', ...BOUNDS.functionMaxEventAge));
  assertValid(checkDuration(props.deadLetterRetention, 'deadLetterRetention', ...BOUNDS.deadLetterRetention));
  assertAllValid(checkPolicyIds(props.guardrailPolicyIds, 'guardrailPolicyIds', isToken));
  if (props.approvals !== undefined) assertAllValid(checkApprovals(props.approvals, 'approvals', isToken));
  if (props.mode !== undefined && !(DETECTOR_MODES as readonly string[]).includes(props.mode)) {
    assertValid(
      `'mode' must be one of ${DETECTOR_MODES.map((m) => `DetectorMode.${m.toUpperCase()} ('${m}')`).join(', ')}, got ${show(props.mode)}`,
    );
  }
  if (props.containment !== undefined) {
    if (props.mode !== DetectorMode.CONTAIN) {
      assertValid(
        `'containment' is used only with 'mode: DetectorMode.CONTAIN', got mode ${show(props.mode ?? DetectorMode.ALERT)}`,
      );
    }
    assertAllValid(checkContainmentOptions(props.containment, isToken));
  }
  if (props.followUpMinutes !== undefined) assertValid(checkFollowUpMinutes(props.followUpMinutes));
  assertValid(checkDuration(props.enrichmentWindow, 'enrichmentWindow', ...BOUNDS.enrichmentWindow));
  assertValid(checkWholeDuration(props.enrichmentWindow, 'enrichmentWindow', 'minutes'));
  assertValid(checkInteger(props.enrichmentMaxPages, 'enrichmentMaxPages', ...ENRICHMENT_BOUNDS.maxPages));
  assertValid(checkDuration(props.backfillPeriod, 'backfillPeriod', ...BOUNDS.backfillPeriod));
  assertValid(checkWholeDuration(props.backfillPeriod, 'backfillPeriod', 'days'));
  assertValid(checkDuration(props.reconciliationInterval, 'reconciliationInterval', ...BOUNDS.reconciliationInterval));
  assertValid(checkWholeDuration(props.reconciliationInterval, 'reconciliationInterval', 'minutes'));
  for (const prop of [
    'reserveConcurrency',
    'tamperAlerts',
    'lifecycleFollowUp',
    'notifyApproved',
    'provenanceCheck',
    'enrichment',
    'firstSeen',
    'chatNotifications',
    'securityHub',
    'backfill',
    'reconciliation',
    'monitoring',
    'healthCheck',
    'sweepUnwatchedRegions',
    'probingAlerts',
    'createThenDeleteAlerts',
  ] as const) {
    assertValid(checkBoolean(props[prop], prop));
  }
  const trail = props.trail;
  if (trail?.kind === DetectorTrailKind.CREATE) {
    const options = trail.options;
    assertValid(checkManagementEvents(options.managementEvents, 'trail.managementEvents'));
    assertValid(checkBoolean(options.cloudWatchLogs, 'trail.cloudWatchLogs'));
    assertValid(checkRetentionDays(options.cloudWatchLogsRetention, 'trail.cloudWatchLogsRetention'));
    if (options.trailName !== undefined) assertValid(checkTrailName(options.trailName, 'trail.trailName'));
    const retention = options.logRetention;
    if (
      retention !== undefined &&
      !retention.isUnresolved() &&
      (retention.toDays({ integral: false }) < 1 || !Number.isInteger(retention.toDays({ integral: false })))
    ) {
      assertValid(`'trail.logRetention' must be a whole number of days, at least 1, got ${retention.toHumanString()}`);
    }
  }
}

/** The verdict severities struct, checked by its own keys. */
function checkVerdictSeveritiesProp(value: VerdictSeverities): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [
      `'verdictSeverities' must be an object with approved, unapprovedPrincipal or untrustedSource, got ${show(value)}`,
    ];
  }
  const known = ['approved', 'unapprovedPrincipal', 'untrustedSource'];
  const problems: (string | undefined)[] = [];
  for (const [key, mapping] of Object.entries(value) as [string, SeverityAndRisk | undefined][]) {
    if (!known.includes(key)) {
      problems.push(
        `'verdictSeverities' keys must be ${known.map((k) => `'${k}'`).join(', ')} ('unverified' is set by 'severity' and 'riskScore'), got ${show(key)}`,
      );
      continue;
    }
    if (mapping === undefined) continue;
    problems.push(checkSeverity(mapping?.severity, `verdictSeverities.${key}.severity`));
    if (!isToken(mapping?.riskScore))
      problems.push(checkRiskScore(mapping?.riskScore, `verdictSeverities.${key}.riskScore`));
  }
  return problems.filter((p): p is string => p !== undefined);
}
