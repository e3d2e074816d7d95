/**
 * Provenance of a model source: who owns the S3 bucket a model is imported from. The runtime check
 * (S3 GetBucketLocation with `ExpectedBucketOwner`) lives in the Lambda; what to check and what the
 * answers mean are decided here, purely.
 */
import type { WatchedCall } from './catalogue';
import { S3_BUCKET_NAME, eventAccountOf, getPath, isAccountId, parseS3Uri } from './record';
import { safeText } from './sanitize';
import type { Approvals, Verdict } from './verdict';
import { worseVerdict, type VerdictKind, type VerdictSeverities } from './verdict-kinds';

/**
 * - `verified`: the bucket belongs to the event's account or an approved source account.
 * - `not-owned`: the bucket exists and is readable, but none of those accounts owns it.
 * - `unverifiable`: the check could not tell (no access, no such bucket, timeout, error): the reason says why.
 */
export type ProvenanceStatus = 'verified' | 'not-owned' | 'unverifiable';

export interface ProvenanceResult {
  readonly uri: string;
  readonly bucket: string;
  readonly status: ProvenanceStatus;
  /** The owning account, when verified. */
  readonly owner?: string;
  readonly reason: string;
}

/** One bucket to check and the accounts that may own it, in the order they are tried. */
export interface ProvenanceCheck {
  readonly uri: string;
  readonly bucket: string;
  readonly candidateAccounts: readonly string[];
  /** More accounts were approved than are probed: "none of them owns it" is then not conclusive. */
  readonly truncated?: boolean;
}

/** At most this many owner probes per bucket (each is one S3 request). */
export const MAX_OWNER_CANDIDATES = 10;

/**
 * The S3 model sources of a record and, for each, the accounts that may own it: the event's account
 * first, then the approved source accounts (each at most once, capped at {@link MAX_OWNER_CANDIDATES}).
 */
export function provenanceChecks(
  record: Record<string, unknown>,
  call: WatchedCall,
  approvals: Approvals,
): ProvenanceCheck[] {
  const request = record.requestParameters;
  const eventAccount = eventAccountOf(record);
  const all = [...new Set([...(isAccountId(eventAccount) ? [eventAccount] : []), ...(approvals.sourceAccounts ?? [])])];
  const accounts = all.slice(0, MAX_OWNER_CANDIDATES);
  const truncated = all.length > accounts.length;
  const checks: ProvenanceCheck[] = [];
  for (const field of call.modelSourceFields) {
    if (field.kind !== 's3Uri') continue;
    const value = getPath(request, field.path);
    if (typeof value !== 'string') continue;
    const parsed = parseS3Uri(value);
    // Only real bucket names go to S3; anything else is reported, not requested.
    if (!parsed || !S3_BUCKET_NAME.test(parsed.bucket)) continue;
    if (checks.some((c) => c.bucket === parsed.bucket)) continue;
    checks.push({
      uri: safeText(value, 1024),
      bucket: parsed.bucket,
      candidateAccounts: accounts,
      ...(truncated ? { truncated } : {}),
    });
  }
  return checks;
}

/**
 * The verdict once the provenance results are known. Only conclusive evidence changes it: a bucket
 * no approved account owns makes the source untrusted. A verified owner, or a check that could not
 * tell (no access, timeout), leaves the verdict as the props and the record decided it, so a slow or
 * failing S3 never changes who gets notified; each result adds its reason either way.
 */
export function applyProvenance(
  verdict: Verdict,
  results: readonly ProvenanceResult[],
  severities: VerdictSeverities,
): Verdict {
  if (results.length === 0) return verdict;
  let kind = verdict.kind;
  const reasons = [...verdict.reasons];
  for (const r of results) {
    reasons.push(`provenance ${safeText(r.uri, 256)}: ${r.status}, ${safeText(r.reason, 512)}`);
    const implied: VerdictKind = r.status === 'not-owned' ? 'untrusted-source' : 'approved';
    kind = worseVerdict(kind, implied);
  }
  return { kind, ...severities[kind], reasons };
}
