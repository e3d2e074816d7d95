/**
 * A general EventBridge pattern matcher for the operators this library's patterns use: exact
 * values, `exists`, `prefix`, `wildcard` and `$or`, with aws/event-ruler's semantics for event
 * values (see `leaves.ts`). Pure. The tamper rules are matched in code with it; the watched-call rule
 * has its own classifier (`classify.ts`) that also gives reasons. Unknown operators throw.
 */
import { leavesAt, type Leaf } from './leaves';

export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return matchObject(pattern, [], event);
}

function matchObject(pattern: unknown, path: readonly string[], event: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) {
    throw new Error(`pattern node at '${path.join('.')}' must be an object`);
  }
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(value)) throw new Error('$or takes an array of patterns');
      if (!value.some((branch) => matchObject(branch, path, event))) return false;
    } else if (Array.isArray(value)) {
      if (!matchLeaves(value, leavesAt(event, [...path, key]))) return false;
    } else if (!matchObject(value, [...path, key], event)) {
      return false;
    }
  }
  return true;
}

function matchLeaves(rules: readonly unknown[], leaves: readonly Leaf[]): boolean {
  return rules.some((rule) => {
    if (rule === null || typeof rule !== 'object') return leaves.some((leaf) => leaf === rule);
    const [op, ...more] = Object.keys(rule);
    if (more.length > 0) throw new Error(`one operator per rule, got ${JSON.stringify(rule)}`);
    const arg = (rule as Record<string, unknown>)[op];
    switch (op) {
      case 'exists':
        return arg ? leaves.length > 0 : leaves.length === 0;
      case 'prefix':
        return leaves.some((leaf) => typeof leaf === 'string' && leaf.startsWith(String(arg)));
      case 'wildcard': {
        const re = wildcardRegExp(String(arg));
        return leaves.some((leaf) => typeof leaf === 'string' && re.test(leaf));
      }
      default:
        throw new Error(`unsupported pattern operator ${JSON.stringify(op)}`);
    }
  });
}

const WILDCARDS = new Map<string, RegExp>();

/** EventBridge wildcard: `*` is any run of characters (possibly empty), `\*` a literal star. */
export function wildcardRegExp(wildcard: string): RegExp {
  let re = WILDCARDS.get(wildcard);
  if (re === undefined) {
    let source = '';
    for (let i = 0; i < wildcard.length; i++) {
      const ch = wildcard[i];
      if (ch === '\\' && wildcard[i + 1] === '*') {
        source += '\\*';
        i++;
      } else if (ch === '*') {
        source += '[\\s\\S]*';
      } else {
        source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      }
    }
    re = new RegExp(`^${source}$`);
    if (WILDCARDS.size < 1000) WILDCARDS.set(wildcard, re);
  }
  return re;
}
