/**
 * An independent interpreter of EventBridge event patterns, for tests: it decides whether an event
 * matches a pattern the way aws/event-ruler does, for the operators this library uses (exact
 * values, `exists`, `prefix`, `wildcard` and `$or`). Any other operator throws, so a test can never
 * pass by ignoring it.
 *
 * It shares no code with lib/detection: it flattens the whole event into path → leaf values first
 * (arrays flattened at every depth, keys joined with '.'), then checks every pattern field.
 */
type Leaf = string | number | boolean | null;

export function flatten(event: unknown): Map<string, Leaf[]> {
  const fields = new Map<string, Leaf[]>();
  const walk = (node: unknown, name: string) => {
    if (Array.isArray(node)) {
      node.forEach((item) => walk(item, name));
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, name === '' ? k : `${name}.${k}`);
    } else if (name !== '') {
      const list = fields.get(name) ?? [];
      list.push(node as Leaf);
      fields.set(name, list);
    }
  };
  walk(event, '');
  return fields;
}

export function matchesPattern(pattern: unknown, event: unknown): boolean {
  const fields = flatten(event);
  return matchObject(pattern, '', fields);
}

function matchObject(pattern: unknown, prefix: string, fields: Map<string, Leaf[]>): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) {
    throw new Error(`pattern node at '${prefix}' must be an object`);
  }
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new Error('$or takes two or more patterns');
      if (!value.some((branch) => matchObject(branch, prefix, fields))) return false;
      continue;
    }
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (Array.isArray(value)) {
      if (!matchField(value, fields.get(name) ?? [])) return false;
    } else if (!matchObject(value, name, fields)) {
      return false;
    }
  }
  return true;
}

function matchField(allowed: unknown[], leaves: Leaf[]): boolean {
  return allowed.some((rule) => {
    if (rule === null || typeof rule !== 'object') return leaves.some((leaf) => leaf === rule);
    const ops = Object.keys(rule);
    if (ops.length === 1 && ops[0] === 'prefix') {
      const p = String((rule as { prefix: unknown }).prefix);
      return leaves.some((leaf) => typeof leaf === 'string' && leaf.slice(0, p.length) === p);
    }
    if (ops.length === 1 && ops[0] === 'wildcard') {
      const w = String((rule as { wildcard: unknown }).wildcard);
      return leaves.some((leaf) => typeof leaf === 'string' && wildcardMatch(w, leaf));
    }
    if (ops.length === 1 && ops[0] === 'exists') {
      const exists = (rule as { exists: unknown }).exists;
      if (typeof exists !== 'boolean') throw new Error('exists takes a boolean');
      return exists ? leaves.length > 0 : leaves.length === 0;
    }
    throw new Error(`operator ${JSON.stringify(rule)} is not supported by this test interpreter`);
  });
}

/** `*` matches any run of characters; the pieces between stars must appear in order (no regex). */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (pattern.includes('\\')) throw new Error('escaped wildcards are not supported by this test interpreter');
  const pieces = pattern.split('*');
  if (pieces.length === 1) return pattern === value;
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (!value.startsWith(first) || !value.endsWith(last) || value.length < first.length + last.length) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = value.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
