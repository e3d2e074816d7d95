/**
 * Updates of an alert already sent: the lifecycle follow-up found the model live, failed or gone,
 * or containment acted. An update is the same alert (same event, same Security Hub finding id) with
 * a new title, the update first in its summary, and `update` set; every destination renders it as it
 * renders the alert. Pure.
 */
import type { AlertDocument, AlertUpdate, AlertUpdateKind } from './alert';
import type { ContainmentStep } from './containment';
import { isJob, type FollowTarget, type LifecycleReading } from './lifecycle';
import { safeText } from './sanitize';
import { ALERT_SEVERITIES, type AlertSeverity } from './severity';
import type { VerdictKind } from './verdict-kinds';

/** How each update kind reads in a title or subject. */
export const UPDATE_LABELS: Readonly<Record<AlertUpdateKind, string>> = {
  live: 'model is live',
  failed: 'failed',
  gone: 'gone',
  'still-running': 'still running',
  contained: 'contained',
  'containment-dry-run': 'containment dry run',
  'containment-held': 'containment held',
};

/** One severity up (CRITICAL stays CRITICAL). */
export function raisedSeverity(severity: AlertSeverity): AlertSeverity {
  const i = ALERT_SEVERITIES.indexOf(severity);
  return ALERT_SEVERITIES[Math.min(ALERT_SEVERITIES.length - 1, i + 1)];
}

/** The alert as an update: same event and ids, the update first. Text in `update` is made safe here. */
export function updatedAlert(original: AlertDocument, update: AlertUpdate): AlertDocument {
  const safe: AlertUpdate = {
    ...update,
    text: safeText(update.text, 1024),
    resourceArn: update.resourceArn === null ? null : safeText(update.resourceArn, 2048),
    actions: update.actions.map((a) => safeText(a, 1024)),
  };
  const base = original.update === null ? original : stripUpdate(original);
  return {
    ...base,
    title: `UPDATE, ${UPDATE_LABELS[update.kind]}: ${base.title}`,
    summary: `${safe.text} ${base.summary}`,
    severity: update.escalated ? raisedSeverity(base.severity) : base.severity,
    riskScore: update.escalated ? Math.min(100, base.riskScore + 10) : base.riskScore,
    update: safe,
  };
}

/** An update's document back to the alert it updates (title and summary as first sent). */
function stripUpdate(alert: AlertDocument): AlertDocument {
  const u = alert.update!;
  const prefix = `UPDATE, ${UPDATE_LABELS[u.kind]}: `;
  return {
    ...alert,
    title: alert.title.startsWith(prefix) ? alert.title.slice(prefix.length) : alert.title,
    summary: alert.summary.startsWith(`${u.text} `) ? alert.summary.slice(u.text.length + 1) : alert.summary,
    update: null,
  };
}

/** The update a follow-up reading makes (undefined while pending and checks remain). */
export function lifecycleUpdate(
  target: FollowTarget,
  reading: LifecycleReading | { readonly state: 'gone' },
  verdict: VerdictKind | null,
  at: string,
  lastCheck: boolean,
): AlertUpdate | undefined {
  const what = isJob(target.kind) ? `The ${target.kind.replace(/-/g, ' ')} ${target.id}` : target.id;
  switch (reading.state) {
    case 'live': {
      const arn = reading.resourceArn ?? target.id;
      const escalated = verdict !== null && verdict !== 'approved';
      return {
        kind: 'live',
        text:
          `Model is live: ${arn}.` +
          (escalated ? ` Escalated: it went live under the verdict ${verdict}; applications can now use it.` : ''),
        at,
        resourceArn: arn,
        escalated,
        actions: [],
      };
    }
    case 'failed':
      return {
        kind: 'failed',
        text: `Failed: ${what} ended with status ${reading.status ?? 'unknown'}: ${reading.reason ?? 'no reason given'}.`,
        at,
        resourceArn: reading.resourceArn,
        escalated: false,
        actions: [],
      };
    case 'gone':
      return {
        kind: 'gone',
        text: `Gone: ${what} no longer exists (deleted before the follow-up ended).`,
        at,
        resourceArn: null,
        escalated: false,
        actions: [],
      };
    case 'pending':
      if (!lastCheck) return undefined;
      return {
        kind: 'still-running',
        text: `Still running at the last follow-up check: ${what} has status ${reading.status ?? 'unknown'}; check it by hand.`,
        at,
        resourceArn: reading.resourceArn,
        escalated: false,
        actions: [],
      };
  }
}

/** One step's result, as the update and the Security Hub note list it. */
export interface StepResult {
  readonly step: ContainmentStep;
  /** `done`: acted; `already`: nothing to do (already gone, already tagged); `dry-run`: not done. */
  readonly result: 'done' | 'already' | 'dry-run';
  readonly detail?: string;
}

/** A step as one line. */
export function stepLine(r: StepResult): string {
  const what = `${r.step.action} (${r.step.call}) on ${r.step.target}`;
  const detail = r.detail ? `: ${r.detail}` : '';
  return r.result === 'dry-run'
    ? `would ${what}${detail}`
    : r.result === 'already'
      ? `${what}: already done${detail}`
      : `${what}: done${detail}`;
}

/** The update a containment run makes. */
export function containmentUpdate(
  results: readonly StepResult[],
  skipped: readonly string[],
  how: 'automatic' | 'asked',
  dryRun: boolean,
  at: string,
): AlertUpdate {
  const lines = [...results.map(stepLine), ...skipped.map((s) => `skipped: ${s}`)];
  if (dryRun) {
    return {
      kind: 'containment-dry-run',
      text: `Containment dry run (${how}): ${results.length} action(s) would have been taken; nothing was changed.`,
      at,
      resourceArn: results[0]?.step.target ?? null,
      escalated: false,
      actions: lines,
    };
  }
  if (results.length === 0) {
    return {
      kind: 'containment-held',
      text: `Containment (${how}) did nothing: ${skipped[0] ?? 'nothing to contain'}.`,
      at,
      resourceArn: null,
      escalated: false,
      actions: lines,
    };
  }
  return {
    kind: 'contained',
    text: `Contained (${how}): ${results.length} action(s). Undo steps are in the runbook (README, "Contain mode").`,
    at,
    resourceArn: results[0].step.target,
    escalated: false,
    actions: lines,
  };
}

/** The update when the hourly limit holds containment back. */
export function rateLimitedUpdate(maxPerHour: number, how: 'automatic' | 'asked', at: string): AlertUpdate {
  return {
    kind: 'containment-held',
    text: `Containment (${how}) held back: the limit of ${maxPerHour} containments per hour is reached. Contain by hand (README, "Contain mode").`,
    at,
    resourceArn: null,
    escalated: false,
    actions: [],
  };
}

/** The alert with every record value cut to `max` characters (for an update that must fit SNS). */
export function capAlertFields(alert: AlertDocument, max: number): AlertDocument {
  const cut = (v: string) => (v.length > max ? `${v.slice(0, max)}...` : v);
  const cutNullable = (v: string | null) => (v === null ? null : cut(v));
  return {
    ...alert,
    modelSource: alert.modelSource.map((f) => ({ ...f, value: cut(f.value) })),
    newResources: alert.newResources.map((f) => ({ ...f, value: cut(f.value) })),
    target: alert.target.map((f) => ({ ...f, value: cut(f.value) })),
    notes: alert.notes.map(cut),
    verdict: alert.verdict ? { ...alert.verdict, reasons: alert.verdict.reasons.map(cut) } : null,
    actor: { ...alert.actor, userAgent: cutNullable(alert.actor.userAgent), human: cutNullable(alert.actor.human) },
    update: alert.update ? { ...alert.update, actions: alert.update.actions.map(cut) } : null,
  };
}
