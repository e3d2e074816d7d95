/**
 * The verdicts a watched call can get, ranked from best to worst, and the severity each maps to.
 * The verdict and the provenance check both rank through {@link worseVerdict}. Pure.
 */
import { checkRiskScore, checkSeverity, type SeverityAndRisk } from './severity';
import { show } from './values';

/** What the detector concluded about one watched call, best first. */
export type VerdictKind = 'approved' | 'unverified' | 'unapproved-principal' | 'untrusted-source';
export const VERDICT_KINDS: readonly VerdictKind[] = [
  'approved',
  'unverified',
  'unapproved-principal',
  'untrusted-source',
];

/** The worse of two verdicts. */
export function worseVerdict(a: VerdictKind, b: VerdictKind): VerdictKind {
  return VERDICT_KINDS.indexOf(b) > VERDICT_KINDS.indexOf(a) ? b : a;
}

/** Severity and risk score per verdict. */
export type VerdictSeverities = Readonly<Record<VerdictKind, SeverityAndRisk>>;

/** The default mapping: the reference rule's MEDIUM/47 when nothing can be verified. */
export const DEFAULT_VERDICT_SEVERITIES: VerdictSeverities = {
  approved: { severity: 'INFORMATIONAL', riskScore: 21 },
  unverified: { severity: 'MEDIUM', riskScore: 47 },
  'unapproved-principal': { severity: 'HIGH', riskScore: 73 },
  'untrusted-source': { severity: 'CRITICAL', riskScore: 99 },
};

/** Checks a partial verdict-severity mapping (`unverified` is set by `severity` and `riskScore`). */
export function checkVerdictSeverities(value: unknown, prop = 'verdictSeverities'): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [`'${prop}' must be an object keyed by verdict, got ${show(value)}`];
  }
  const problems: string[] = [];
  for (const [kind, mapping] of Object.entries(value)) {
    if (!(VERDICT_KINDS as readonly string[]).includes(kind) || kind === 'unverified') {
      problems.push(
        `'${prop}' keys must be ${VERDICT_KINDS.filter((k) => k !== 'unverified')
          .map((k) => `'${k}'`)
          .join(', ')} ('unverified' is set by 'severity' and 'riskScore'), got ${show(kind)}`,
      );
      continue;
    }
    const m = (mapping ?? {}) as Record<string, unknown>;
    const a = checkSeverity(m.severity, `${prop}.${kind}.severity`);
    const b = checkRiskScore(m.riskScore, `${prop}.${kind}.riskScore`);
    if (a) problems.push(a);
    if (b) problems.push(b);
  }
  return problems;
}
