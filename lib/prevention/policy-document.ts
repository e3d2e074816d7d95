/**
 * Policy documents: the JSON form of a statement, the minified document that SCP quotas count, the
 * quotas, and packing statements into as few documents as fit a budget. Pure.
 */
import { show, utf8Bytes, type IsUnresolved } from '../detection';

/** An IAM policy statement in its JSON form. */
export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** The SCP size quota since May 2026 (it was 5,120 before). */
export const SCP_MAX_BYTES = 10_240;
/**
 * The default budget: the current quota. (5,120, the quota before May 2026 that older tooling still
 * assumes, remains a valid budget: the statements then split across more policies.)
 */
export const DEFAULT_SCP_BUDGET_BYTES = SCP_MAX_BYTES;
/** SCPs attached directly to one root, OU or account: 10 since May 2026 (5 before). */
export const SCP_MAX_ATTACHMENTS = 10;
/** The default most SCPs the guardrails may take on each target: half the quota, as before May 2026. */
export const DEFAULT_MAX_POLICIES_PER_TARGET = 5;
/** The IAM managed policy size quota, in characters without whitespace. */
export const IAM_MANAGED_POLICY_MAX_CHARS = 6_144;

/** The most SCPs per target: a whole number from 1 to the attachment quota. */
export function checkMaxPoliciesPerTarget(
  value: unknown,
  prop: string,
  isUnresolved: IsUnresolved = () => false,
): string | undefined {
  if (value === undefined || isUnresolved(value)) return undefined;
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= SCP_MAX_ATTACHMENTS
    ? undefined
    : `'${prop}' must be a whole number from 1 to ${SCP_MAX_ATTACHMENTS} (SCPs attached directly to one root, OU or account), got ${show(value)}`;
}

/** The split's size against the most policies per target, as a message naming both props. */
export function checkPolicyCount(
  count: number,
  documentBytes: readonly number[],
  budget: number,
  max: number,
  props: { readonly sizeBudgetBytes: string; readonly maxPoliciesPerTarget: string },
): string | undefined {
  if (count <= max) return undefined;
  return `the guardrail statements need ${count} SCPs of at most ${budget} bytes (${documentBytes.join(' + ')} bytes), more than '${props.maxPoliciesPerTarget}' = ${max} attachment slots per target: raise '${props.sizeBudgetBytes}' (up to ${SCP_MAX_BYTES}) or '${props.maxPoliciesPerTarget}' (up to ${SCP_MAX_ATTACHMENTS}, FullAWSAccess and other SCPs on the same targets count too), or turn optional guardrails off`;
}

/** An SCP size budget: a whole number of bytes up to the quota. */
export function checkScpBudget(
  value: unknown,
  prop: string,
  isUnresolved: IsUnresolved = () => false,
): string | undefined {
  if (value === undefined || isUnresolved(value)) return undefined;
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= SCP_MAX_BYTES
    ? undefined
    : `'${prop}' must be a whole number from 1 to ${SCP_MAX_BYTES} (the SCP quota), got ${show(value)}`;
}

/** A policy document as minified JSON, the form SCP size quotas count. */
export function policyDocumentJson(statements: readonly PolicyStatementJson[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * Packs statements into as few policy documents as fit `budgetBytes` each (first-fit decreasing,
 * keeping each document's statements in their original order). `sizeOf` measures a statement (its
 * UTF-8 JSON by default).
 * @throws Error naming the statement, its size and the budget when one statement alone does not fit
 */
export function packStatements(
  statements: readonly PolicyStatementJson[],
  budgetBytes: number,
  sizeOf: (statement: PolicyStatementJson) => number = (st) => utf8Bytes(JSON.stringify(st)),
): PolicyStatementJson[][] {
  const empty = utf8Bytes(policyDocumentJson([]));
  const sized = statements.map((s, index) => ({ s, index, bytes: sizeOf(s) }));
  for (const x of sized) {
    if (empty + x.bytes > budgetBytes) {
      throw new Error(
        `statement ${x.s.Sid ?? `#${x.index + 1}`} alone needs ${empty + x.bytes} bytes in a policy document, more than the ${budgetBytes}-byte budget: raise the budget (SCPs allow up to 10,240 characters) or shorten the principal and role patterns`,
      );
    }
  }
  const bins: { items: typeof sized; bytes: number }[] = [];
  for (const x of [...sized].sort((a, b) => b.bytes - a.bytes || a.index - b.index)) {
    const bin = bins.find((b) => b.bytes + 1 + x.bytes <= budgetBytes);
    if (bin) {
      bin.items.push(x);
      bin.bytes += 1 + x.bytes; // the comma between statements
    } else {
      bins.push({ items: [x], bytes: empty + x.bytes });
    }
  }
  return bins
    .map((b) => b.items.sort((a, c) => a.index - c.index))
    .sort((a, b) => a[0].index - b[0].index)
    .map((items) => items.map((x) => x.s));
}
