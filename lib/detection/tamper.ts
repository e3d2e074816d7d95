/**
 * The tamper rules: their EventBridge patterns, packed into as few rules as fit, and the classifier
 * that decides in code what they decide. Pure; built from the catalogue in `tamper-catalogue.ts`.
 */
import { CLOUDTRAIL_API_CALL_DETAIL_TYPE } from './catalogue';
import { leavesAt } from './leaves';
import { matchesEventPattern, wildcardRegExp } from './match';
import type { DetectorNames } from './names';
import { EVENT_PATTERN_MAX_CHARS, patternSize } from './pattern';
import { WATCHED_TAMPER_SERVICES, type TamperCall, type TamperService } from './tamper-catalogue';

type PatternValue = string | { readonly wildcard: string } | { readonly exists: boolean };

/** An EventBridge pattern in its JSON form, for the tamper rules. */
export interface TamperEventPattern {
  readonly source: readonly string[];
  readonly 'detail-type': readonly string[];
  /** `errorCode` absent, and the branch fields, or `$or` of the branches when there are several. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * The tamper rules' patterns for one delivery scope: a successful call of a tamper action whose
 * request names one of the detector's resources. `policyIds` adds the guardrail SCPs (us-east-1
 * only). The branches are packed into as few patterns as fit `maxChars` each (EventBridge's
 * pattern-size quota), one rule per pattern. Returns [] when the scope has nothing to match.
 */
export function buildTamperPatterns(
  names: DetectorNames,
  delivery: TamperService['delivery'],
  policyIds: readonly string[] = [],
  maxChars = EVENT_PATTERN_MAX_CHARS,
  trails: readonly string[] = [],
): TamperEventPattern[] {
  const branches: {
    source: string;
    sources: Set<string>;
    mergeField?: string;
    branch: Record<string, unknown>;
  }[] = [];
  for (const svc of WATCHED_TAMPER_SERVICES) {
    if (svc.delivery !== delivery) continue;
    const guardrailPolicies = svc.service === 'organizations' && svc.kind !== 'escape';
    let wildcards: Readonly<Record<string, readonly string[]>> | undefined = svc.fieldWildcard?.(names, trails);
    if (guardrailPolicies && policyIds.length > 0) wildcards = { policyId: [] };
    if (!wildcards) continue;
    const byField = new Map<string, PatternValue[]>();
    for (const c of svc.calls) {
      if (c.dataPlane) continue;
      const key = `${c.field}${c.values ? `=${c.values.join(',')}` : ''}`;
      const list = byField.get(key) ?? [];
      if (!list.some((e) => JSON.stringify(e) === JSON.stringify(c.eventName))) list.push(c.eventName);
      byField.set(key, list);
    }
    for (const [key, eventNames] of byField) {
      const [field, valueList] = key.split('=');
      let request: Record<string, PatternValue[]> | undefined;
      if (guardrailPolicies) request = { [field]: [...policyIds] };
      else if (valueList !== undefined) request = { [field]: valueList.split(',') };
      else if (field !== '') request = { [field]: (wildcards[field] ?? []).map((w) => ({ wildcard: w })) };
      // Branches that name the resource in the same request field are merged across services (one
      // branch, the union of sources, names and wildcards): the patterns stay within fewer rules, and
      // a cross match (a DynamoDB call on a name ending like the SNS topic's) names the detector too.
      const byWildcard = !guardrailPolicies && valueList === undefined && field !== '';
      const merge = byWildcard ? branches.find((b) => b.mergeField === field) : undefined;
      if (merge) {
        const branch = merge.branch as {
          eventSource: string[];
          eventName: PatternValue[];
          requestParameters: Record<string, PatternValue[]>;
        };
        if (!branch.eventSource.includes(svc.eventSource)) branch.eventSource.push(svc.eventSource);
        for (const n of eventNames)
          if (!branch.eventName.some((e) => JSON.stringify(e) === JSON.stringify(n))) branch.eventName.push(n);
        for (const w of request![field]) {
          if (!branch.requestParameters[field].some((e) => JSON.stringify(e) === JSON.stringify(w)))
            branch.requestParameters[field].push(w);
        }
        merge.sources.add(`aws.${svc.service}`);
        continue;
      }
      branches.push({
        source: `aws.${svc.service}`,
        sources: new Set([`aws.${svc.service}`]),
        mergeField: byWildcard ? field : undefined,
        branch: {
          eventSource: [svc.eventSource],
          eventName: [...eventNames],
          ...(request ? { requestParameters: request } : {}),
        },
      });
    }
  }
  const patterns: TamperEventPattern[] = [];
  let group: typeof branches = [];
  for (const b of branches) {
    if (group.length > 0 && patternSize(tamperPattern([...group, b])) > maxChars) {
      patterns.push(tamperPattern(group));
      group = [];
    }
    group.push(b);
  }
  if (group.length > 0) patterns.push(tamperPattern(group));
  for (const p of patterns) {
    if (patternSize(p) > maxChars) {
      throw new Error(
        `a tamper pattern needs ${patternSize(p)} characters, more than the ${maxChars} EventBridge allows: shorten 'namePrefix'`,
      );
    }
  }
  return patterns;
}

function tamperPattern(
  group: readonly { source: string; sources?: ReadonlySet<string>; branch: Record<string, unknown> }[],
): TamperEventPattern {
  return {
    source: [...new Set(group.flatMap((g) => [...(g.sources ?? [g.source])]))],
    'detail-type': [CLOUDTRAIL_API_CALL_DETAIL_TYPE],
    // EventBridge wants at least two branches in an `$or`.
    detail:
      group.length === 1
        ? { errorCode: [{ exists: false }], ...group[0].branch }
        : { errorCode: [{ exists: false }], $or: group.map((g) => g.branch) },
  };
}

/** The result of classifying an event as tampering with the detector. */
export type TamperClassification =
  { readonly matched: true; readonly service: TamperService; readonly call: TamperCall } | { readonly matched: false };

/**
 * Decides in code what the tamper rules' patterns decide (with `matchesEventPattern`), then names
 * the call. Events from both the regional and the us-east-1 rule go through it.
 */
export class TamperClassifier {
  readonly patterns: readonly TamperEventPattern[];

  constructor(names: DetectorNames, policyIds: readonly string[] = [], trails: readonly string[] = []) {
    this.patterns = [
      ...buildTamperPatterns(names, 'regional', [], EVENT_PATTERN_MAX_CHARS, trails),
      ...buildTamperPatterns(names, 'us-east-1', policyIds, EVENT_PATTERN_MAX_CHARS, trails),
    ];
  }

  classifyEvent(event: unknown): TamperClassification {
    if (!this.patterns.some((p) => matchesEventPattern(p, event))) return { matched: false };
    const detail = (event as Record<string, unknown>).detail as Record<string, unknown> | undefined;
    for (const service of WATCHED_TAMPER_SERVICES) {
      if (!leavesAt(detail, ['eventSource']).includes(service.eventSource)) continue;
      const names = leavesAt(detail, ['eventName']).filter((n): n is string => typeof n === 'string');
      const c = service.calls.find((x) => {
        const eventName = x.eventName;
        if (typeof eventName === 'string') return names.includes(eventName);
        const re = wildcardRegExp(eventName.wildcard);
        return names.some((n) => re.test(n));
      });
      if (c) return { matched: true, service, call: c };
    }
    // A merged branch matched a name this service does not have (another service's call on a
    // resource named like the detector's): what the rule matched is tampering, named as it came.
    for (const service of WATCHED_TAMPER_SERVICES) {
      if (!leavesAt(detail, ['eventSource']).includes(service.eventSource)) continue;
      const name = leavesAt(detail, ['eventName']).find((n): n is string => typeof n === 'string') ?? 'unknown';
      const field =
        service.calls
          .map((x) => x.field)
          .find((f) => f !== '' && leavesAt(detail, ['requestParameters', f]).length > 0) ?? '';
      return { matched: true, service, call: { action: `${service.service}:${name}`, field, eventName: name } };
    }
    return { matched: false };
  }
}
