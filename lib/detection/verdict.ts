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
  'copiedModelArn',
  'modelId',
  'modelPackageArn',
]);

/** An AWS foundation model: its ARN (no account) or a bare provider.model id. */
const FOUNDATION_MODEL =
  /^(arn:aws[a-z-]*:bedrock:[a-z0-9-]*::foundation-model\/.+|[a-z][a-z0-9-]*\.[A-Za-z0-9._:-]+)$/;

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
  outsideEndpoints: readonly string[] = [],
): Verdict {
  const findings: { result: 'ok' | 'untrusted' | 'unapproved' | 'unverified'; reason: string }[] = [];

  const principal = principalArnOf(record);
  if (!approvals.principalArns?.length) {
    findings.push({ result: 'unverified', reason: 'principal: no approved principals are configured' });
  } else if (!principal) {
    findings.push({ result: 'unverified', reason: 'principal: the record names no principal ARN' });
  } else if (approvals.principalArns.some((p) => globMatch(p, principal))) {
    findings.push({ result: 'ok', reason: `principal: ${principal} is approved` });
  } else {
    findings.push({ result: 'unapproved', reason: `principal: ${principal} matches no approved principal pattern` });
  }

  const request = record.requestParameters;
  const where = { account: eventAccountOf(record), region: stringOf(record.awsRegion) };
  let sources = 0;
  const omitted = record.omitted === true || (isObject(request) && request.omitted === true);
  if (omitted) {
    findings.push({
      result: 'unverified',
      reason: 'source: CloudTrail left part of the request out (omitted: true), so a model source may be missing',
    });
  }
  let oneOfPresent = false;
  const oneOf = call.modelSourceFields.filter((f) => f.required === 'one-of');
  for (const field of call.modelSourceFields) {
    const raw = getPath(request, field.path);
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => v !== undefined && v !== null && v !== '');
    if (values.length === 0) {
      if (field.required === 'always') {
        findings.push({
          result: 'unverified',
          reason: `source ${field.path}: missing or null in the record, so this call is never approved`,
        });
      }
      continue;
    }
    if (field.required === 'one-of') oneOfPresent = true;
    if (!SOURCE_KINDS.has(field.kind)) continue;
    for (const raw1 of values) {
      const value = stringOf(raw1);
      if (value === undefined) {
        // Present but not a string: it cannot be checked, so the call cannot be approved.
        findings.push({ result: 'unverified', reason: `source ${field.path}: not a string, so it cannot be checked` });
        continue;
      }
      sources++;
      const check = checkSource(field.kind, value, approvals, where);
      findings.push({ result: check.result, reason: `source ${field.path}: ${check.reason}` });
    }
  }
  if (oneOf.length > 0 && !oneOfPresent) {
    findings.push({
      result: 'unverified',
      reason: `source: none of ${oneOf.map((f) => f.path).join(', ')} is in the record, so this call is never approved`,
    });
  }
  for (const endpoint of outsideEndpoints) {
    sources++;
    findings.push({
      result: 'untrusted',
      reason: `source: the request points at ${endpoint}, a model outside Bedrock`,
    });
  }
  if (sources === 0) {
    findings.push({ result: 'unverified', reason: 'source: the record names no model source the detector can check' });
  }

  let kind: VerdictKind = 'approved';
  for (const f of findings) {
    if (f.result === 'unverified') kind = worseVerdict(kind, 'unverified');
    if (f.result === 'unapproved') kind = worseVerdict(kind, 'unapproved-principal');
    if (f.result === 'untrusted') kind = worseVerdict(kind, 'untrusted-source');
  }
  // The deciding reasons first (those that made the verdict what it is), then the rest in order.
  const deciding = (f: (typeof findings)[number]) =>
    (kind === 'untrusted-source' && f.result === 'untrusted') ||
    (kind === 'unapproved-principal' && f.result === 'unapproved') ||
    (kind === 'unverified' && f.result === 'unverified');
  const reasons = [...findings.filter(deciding), ...findings.filter((f) => !deciding(f))].map((f) => f.reason);
  return { kind, ...severities[kind], reasons };
}

function checkSource(
  kind: ModelSourceKind,
  value: string,
  approvals: Approvals,
  where: { readonly account?: string; readonly region?: string },
): { result: 'ok' | 'untrusted' | 'unverified'; reason: string } {
  const eventAccount = where.account;
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
  if (kind === 'modelId' && FOUNDATION_MODEL.test(value) && !value.includes(':custom-model/')) {
    return { result: 'ok', reason: `${value} is an AWS foundation model` };
  }
  // ARNs of models, endpoints and model packages: trusted when they belong to this account or an approved one.
  const account = accountOfArn(value);
  if (kind === 'copiedModelArn') {
    const region = /^arn:[^:]+:[^:]+:([^:]*):/.exec(value)?.[1];
    const from = `account ${account ?? '(unknown)'}, region ${region || '(unknown)'}`;
    if (account === undefined) return { result: 'unverified', reason: `${value} is not an ARN with an account` };
    if (account !== eventAccount && !approvals.sourceAccounts?.includes(account)) {
      return { result: 'untrusted', reason: `copied from ${from}: neither this account nor an approved one` };
    }
    if (account === eventAccount && region && where.region && region !== where.region) {
      // Its import there was never judged here: an approved principal is not enough.
      return {
        result: 'unverified',
        reason: `copied from ${from}: another region of this account, where its import was not judged by this detector`,
      };
    }
    if (account !== eventAccount) return { result: 'ok', reason: `copied from ${from}, an approved account` };
    return { result: 'ok', reason: `copied within ${from}` };
  }
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
