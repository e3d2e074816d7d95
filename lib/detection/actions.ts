/**
 * What the detector does with a decided event: the mode, and whether to notify. Decided before
 * anything is rendered, so a quiet event costs no rendering. The seam where containment goes.
 */
import type { VerdictKind } from './verdict-kinds';

/** How the detector responds. */
export enum DetectorMode {
  /** Log and count every alert, notify no one (to tune the approvals first). */
  OBSERVE = 'observe',
  /** Notify. */
  ALERT = 'alert',
  /**
   * Notify, and contain what the containment settings say: ask first by default (a Security Hub
   * custom action and a note in each alert), automatically only for the verdicts listed.
   */
  CONTAIN = 'contain',
}

/** A mode's name, as the function's configuration carries it. */
export type DetectorModeName = `${DetectorMode}`;
export const DETECTOR_MODES: readonly DetectorModeName[] = Object.values(DetectorMode);

/** What the handler does for one event. */
export interface PlannedActions {
  readonly notify: boolean;
  /** Why nothing is sent, when nothing is. */
  readonly quietReason?: string;
}

/** `verdict` is undefined for alerts without one (tampering), which are always notified outside observe mode. */
export function plannedActions(
  verdict: { readonly kind: VerdictKind } | undefined,
  mode: DetectorModeName,
  notifyApproved: boolean,
): PlannedActions {
  if (mode === 'observe') return { notify: false, quietReason: 'observe mode: logged and counted, not notified' };
  if (verdict?.kind === 'approved' && !notifyApproved) {
    return { notify: false, quietReason: 'approved: the principal and every model source are approved' };
  }
  return { notify: true };
}
