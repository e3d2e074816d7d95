/**
 * Verdicts: is a watched call part of the approved pipeline? Decided from the record and the
 * approvals the construct was given, with the reasons listed. Pure; unit-tested on its own.
 */
import type { ModelSourceKind, WatchedCall } from './catalogue';
import { ACCOUNT_ID } from './ids';
import { accountOfArn, eventAccountOf, getPath, parseS3Uri, principalArnOf } from './record';
import type { AlertSeverity } from './severity';
import { isObject, show, stringOf } from './values';
import { DEFAULT_VERDICT_SEVERITIES, worseVerdict, type VerdictKind, type VerdictSeverities } from './verdict-kinds';

/** What counts as the approved pipeline. Every list is optional; what is not given cannot be verified. */
export interface Approvals {
  /** IAM role or user ARN patterns (`*`, `?`) of the principals that may bring models in. */
  readonly principalArns?: readonly string[];
  /** S3 locations model artifacts may come from: `s3://bucket/prefix/` (or `s3://bucket/` for the whole bucket). */
  readonly s3Locations?: readonly string[];
  /** Accounts whose models, endpoints and model packages may be used (the event's own account always may). */
  readonly sourceAccounts?: readonly string[];
  /** Marketplace model source identifier patterns (hub-content ARNs, `*` allowed). */
  readonly modelSourceIdentifiers?: readonly string[];
}

export interface Verdict {
  readonly kind: VerdictKind;
  readonly severity: AlertSeverity;
  readonly riskScore: number;
  /** Why, one line per check, in the order the checks ran. */
  readonly reasons: readonly string[];
}

/** Glob match where `*` is any run of characters and `?` one character (IAM ARN-pattern style). */
export function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (star !== -1) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Whether `uri` lies inside one of the approved locations (prefixes end at a `/` boundary). */
export function inS3Locations(uri: string, locations: readonly string[]): boolean {
  const target = parseS3Uri(uri);
  if (!target) return false;
  return locations.some((loc) => {
    const l = parseS3Uri(loc);
    if (!l || l.bucket !== target.bucket) return false;
    if (l.key === '') return true;
    const prefix = l.key.endsWith('/') ? l.key : `${l.key}/`;
    // Strict: `s3://b/approved` is not inside `s3://b/approved/`, since a reader that takes the URI as
    // a plain prefix would also read `approved-evil/…`.
    return target.key.startsWith(prefix);
  });
}

/** The source kinds a verdict checks (roles are how the source is read, not where it comes from). */
const SOURCE_KINDS: ReadonlySet<ModelSourceKind> = new Set<ModelSourceKind>([
  's3Uri',
  'modelSourceIdentifier',
  'sageMakerEndpointArn',
  'modelArn',
  'modelPackageArn',
]);

/**
 * The verdict for a record that `classify` matched to `call`. Checks, in order: the principal,
 * then each model source field the call has. The worst finding wins: an untrusted source, then an
 * unapproved principal, then anything that could not be verified; only when every check passes is
 * the call approved.
 */
export function decideVerdict(
  record: Record<string, unknown>,
  call: WatchedCall,
  approvals: Approvals,
  severities: VerdictSeverities = DEFAULT_VERDICT_SEVERITIES,
): Verdict {
  const reasons: string[] = [];
  let untrusted = false;
  let unapproved = false;
  let unverified = false;

  const principal = principalArnOf(record);
  if (!approvals.principalArns?.length) {
    unverified = true;
    reasons.push('principal: no approved principals are configured');
  } else if (!principal) {
    unverified = true;
    reasons.push('principal: the record names no principal ARN');
  } else if (approvals.principalArns.some((p) => globMatch(p, principal))) {
    reasons.push(`principal: ${principal} is approved`);
  } else {
    unapproved = true;
    reasons.push(`principal: ${principal} matches no approved principal pattern`);
  }

  const request = record.requestParameters;
  const eventAccount = eventAccountOf(record);
  let sources = 0;
  const omitted = record.omitted === true || (isObject(request) && request.omitted === true);
  if (omitted) {
    unverified = true;
    reasons.push('source: CloudTrail left part of the request out (omitted: true), so a model source may be missing');
  }
  for (const field of call.modelSourceFields) {
    if (!SOURCE_KINDS.has(field.kind)) continue;
    const raw = getPath(request, field.path);
    if (raw === undefined || raw === null) continue;
    const value = stringOf(raw);
    if (value === undefined) {
      // Present but not a string: it cannot be checked, so the call cannot be approved.
      unverified = true;
      reasons.push(`source ${field.path}: not a string, so it cannot be checked`);
      continue;
    }
    sources++;
    const check = checkSource(field.kind, value, approvals, eventAccount);
    if (check.result === 'untrusted') untrusted = true;
    if (check.result === 'unverified') unverified = true;
    reasons.push(`source ${field.path}: ${check.reason}`);
  }
  if (sources === 0) {
    unverified = true;
    reasons.push('source: the record names no model source the detector can check');
  }

  let kind: VerdictKind = 'approved';
  if (unverified) kind = worseVerdict(kind, 'unverified');
  if (unapproved) kind = worseVerdict(kind, 'unapproved-principal');
  if (untrusted) kind = worseVerdict(kind, 'untrusted-source');
  return { kind, ...severities[kind], reasons };
}

function checkSource(
  kind: ModelSourceKind,
  value: string,
  approvals: Approvals,
  eventAccount: string | undefined,
): { result: 'ok' | 'untrusted' | 'unverified'; reason: string } {
  if (kind === 's3Uri') {
    if (!approvals.s3Locations?.length)
      return { result: 'unverified', reason: `${value}: no approved S3 locations are configured` };
    return inS3Locations(value, approvals.s3Locations)
      ? { result: 'ok', reason: `${value} is inside an approved location` }
      : { result: 'untrusted', reason: `${value} is outside the approved S3 locations` };
  }
  if (kind === 'modelSourceIdentifier') {
    if (!approvals.modelSourceIdentifiers?.length) {
      return { result: 'unverified', reason: `${value}: no approved marketplace models are configured` };
    }
    return approvals.modelSourceIdentifiers.some((p) => globMatch(p, value))
      ? { result: 'ok', reason: `${value} is an approved marketplace model` }
      : { result: 'untrusted', reason: `${value} is not an approved marketplace model` };
  }
  // ARNs of models, endpoints and model packages: trusted when they belong to this account or an approved one.
  const account = accountOfArn(value);
  if (account === undefined) return { result: 'unverified', reason: `${value} is not an ARN with an account` };
  if (account === eventAccount) return { result: 'ok', reason: `${value} belongs to this account` };
  if (approvals.sourceAccounts?.includes(account))
    return { result: 'ok', reason: `${value} belongs to approved account ${account}` };
  return {
    result: 'untrusted',
    reason: `${value} belongs to account ${account}, which is neither this account nor an approved one`,
  };
}

/** Every problem with the approvals, each naming the option, the value and what is allowed. */
export function checkApprovals(
  a: Approvals,
  prefix = 'approvals',
  isUnresolved: (v: unknown) => boolean = () => false,
): string[] {
  const problems: string[] = [];
  const each = (list: readonly string[] | undefined, name: string, ok: (v: string) => boolean, what: string) => {
    if (list === undefined || isUnresolved(list)) return;
    if (!Array.isArray(list)) {
      problems.push(`'${prefix}.${name}' must be a list, got ${show(list)}`);
      return;
    }
    for (const v of list) {
      if (isUnresolved(v)) continue;
      if (typeof v !== 'string' || !ok(v)) problems.push(`'${prefix}.${name}' entries must be ${what}, got ${show(v)}`);
    }
  };
  each(
    a.principalArns,
    'principalArns',
    (v) => /^arn:[a-z*-]+:iam::(\d{12}|\*):(role|user)\/.+$/.test(v) && !/:(role|user)\/[*?/]*$/.test(v),
    "IAM role or user ARN patterns that name specific principals, like 'arn:aws:iam::*:role/mlops-pipeline-*'",
  );
  each(
    a.s3Locations,
    's3Locations',
    (v) => /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v),
    "S3 locations like 's3://acme-models/approved/' (a bucket name with an optional key prefix)",
  );
  each(a.sourceAccounts, 'sourceAccounts', (v) => ACCOUNT_ID.test(v), '12-digit AWS account ids');
  each(
    a.modelSourceIdentifiers,
    'modelSourceIdentifiers',
    (v) => /^arn:[a-z*-]+:sagemaker:[^:]*:[^:]*:hub-content\/.+$/.test(v),
    "SageMaker hub-content ARN patterns like 'arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/meta-textgeneration-llama-3-8b/*'",
  );
  return problems;
}
