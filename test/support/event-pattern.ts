/**
 * An independent interpreter of EventBridge event patterns, for tests: it decides whether an event
 * matches a pattern the way aws/event-ruler does, for the operators this library uses (exact
 * values and `exists`). Any other operator throws, so a test can never pass by ignoring it.
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
    if (ops.length === 1 && ops[0] === 'exists') {
      const exists = (rule as { exists: unknown }).exists;
      if (typeof exists !== 'boolean') throw new Error('exists takes a boolean');
      return exists ? leaves.length > 0 : leaves.length === 0;
    }
    throw new Error(`operator ${JSON.stringify(rule)} is not supported by this test interpreter`);
  });
}
