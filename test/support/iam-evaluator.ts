/**
 * A small IAM policy evaluator for the guardrail tests: does a statement list allow or deny one
 * request? It implements what the guardrails use, with IAM's documented semantics:
 * - Action/NotAction: case-insensitive, `*` and `?` wildcards;
 * - Resource/NotResource: ARNs compared segment by segment (the 6 colon-separated parts), case-
 *   sensitive, `*` and `?` wildcards, and `*` in the last segment spanning further colons;
 * - Condition: every operator block and every key must hold (AND), the values of one key are
 *   alternatives (OR); negated operators hold when the key is absent; `…IfExists` holds when the key is
 *   absent; `ForAnyValue:` compares each request value; `ArnLike` works like Resource matching;
 *   `Null` tests presence; condition key names match case-insensitively (tag keys included).
 * Any other operator throws, so a test cannot pass by ignoring a condition.
 */
import type { PolicyStatementJson } from '../../lib/prevention';

export type ContextValue = string | readonly string[];

export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  /** Request context: `aws:PrincipalArn`, `iam:PassedToService`, `aws:ResourceOrgID`, ... */
  readonly context: Readonly<Record<string, ContextValue | undefined>>;
}

export interface Decision {
  readonly allowed: boolean;
  readonly deniedBy: string[];
}

const asList = <T>(v: T | readonly T[] | undefined): readonly T[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];

export function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
    .replace(/\*/g, '[\\s\\S]*')
    .replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/** ARN matching as in Resource and ArnLike: segment by segment. */
export function arnLike(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return glob(pattern, arn);
  return p.every((seg, i) => glob(seg, a[i]));
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function actionMatches(s: PolicyStatementJson, action: string): boolean {
  if (s.Action !== undefined) return asList(s.Action).some((p) => glob(p, action, true));
  if (s.NotAction !== undefined) return !asList(s.NotAction).some((p) => glob(p, action, true));
  throw new Error(`statement ${s.Sid} has neither Action nor NotAction`);
}

function resourceMatches(s: PolicyStatementJson, resource: string): boolean {
  if (s.Resource !== undefined) return asList(s.Resource).some((p) => arnLike(p, resource));
  if (s.NotResource !== undefined) return !asList(s.NotResource).some((p) => arnLike(p, resource));
  throw new Error(`statement ${s.Sid} has neither Resource nor NotResource`);
}

function conditionHolds(
  operator: string,
  key: string,
  policyValues: readonly string[],
  value: ContextValue | undefined,
): boolean {
  let op = operator;
  let ifExists = false;
  if (op.endsWith('IfExists')) {
    ifExists = true;
    op = op.slice(0, -'IfExists'.length);
  }
  let anyValue = false;
  if (op.startsWith('ForAnyValue:')) {
    anyValue = true;
    op = op.slice('ForAnyValue:'.length);
  }
  // ForAllValues: every request value matches (true when the key is absent or empty).
  let allValues = false;
  if (op.startsWith('ForAllValues:')) {
    allValues = true;
    op = op.slice('ForAllValues:'.length);
  }
  if (op === 'Null') {
    // Null: 'true' holds when the key is absent, 'false' when it is present.
    if (ifExists || anyValue || allValues)
      throw new Error(`condition operator ${operator} (key ${key}) is not supported by this evaluator`);
    return policyValues.some((p) => (p === 'true') === (value === undefined));
  }
  if (value === undefined) {
    if (ifExists || allValues) return true;
    if (anyValue) return false;
    return op.includes('Not');
  }
  const requestValues = asList(value);
  const compare: Record<string, (p: string, v: string) => boolean> = {
    StringEquals: (p, v) => p === v,
    StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
    StringLike: (p, v) => glob(p, v),
    ArnLike: (p, v) => arnLike(p, v),
    ArnEquals: (p, v) => p === v,
    Bool: (p, v) => p.toLowerCase() === v.toLowerCase(),
  };
  const negated = op.replace('Not', '');
  const fn = compare[negated];
  if (
    !fn ||
    (op !== negated &&
      !['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotLike', 'ArnNotEquals'].includes(op))
  ) {
    throw new Error(`condition operator ${operator} (key ${key}) is not supported by this evaluator`);
  }
  const matchesAny = (v: string) => policyValues.some((p) => fn(p, v));
  if (anyValue) return requestValues.some((v) => (op === negated ? matchesAny(v) : !matchesAny(v)));
  if (allValues) return requestValues.every((v) => (op === negated ? matchesAny(v) : !matchesAny(v)));
  if (requestValues.length !== 1) throw new Error(`key ${key} has several values: use a ForAnyValue operator`);
  return op === negated ? matchesAny(requestValues[0]) : !matchesAny(requestValues[0]);
}

/** Condition key names are not case-sensitive (`aws:ResourceTag/Key` and `aws:resourcetag/key` are one key). */
function contextValue(r: IamRequest, key: string): ContextValue | undefined {
  if (key in r.context) return r.context[key];
  const lower = key.toLowerCase();
  const found = Object.keys(r.context).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : r.context[found];
}

function statementApplies(s: PolicyStatementJson, r: IamRequest): boolean {
  if (!actionMatches(s, r.action) || !resourceMatches(s, r.resource)) return false;
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) {
      if (!conditionHolds(operator, key, asList(values as string | readonly string[]), contextValue(r, key)))
        return false;
    }
  }
  return true;
}

/**
 * Evaluates `statements` for one request. `assumeAllow` stands for the allow that comes from
 * elsewhere (an SCP's FullAWSAccess, the principal's identity policy); without it an Allow
 * statement in `statements` is needed (a permissions boundary).
 */
export function evaluate(
  statements: readonly PolicyStatementJson[],
  request: IamRequest,
  assumeAllow = true,
): Decision {
  const deniedBy = statements
    .filter((s) => s.Effect === 'Deny' && statementApplies(s, request))
    .map((s) => s.Sid ?? '(no Sid)');
  const allowed = assumeAllow || statements.some((s) => s.Effect === 'Allow' && statementApplies(s, request));
  return { allowed: allowed && deniedBy.length === 0, deniedBy };
}
