/**
 * Leaf values of a parsed JSON document at a field path, the way EventBridge's matching engine
 * (aws/event-ruler) sees them:
 * - arrays are flattened at every depth, so a field inside an array of objects is found under the
 *   same path, and an array of strings contributes each string;
 * - objects and arrays are never leaves themselves (so `{"exists": false}` matches a field that
 *   holds an object or an empty array);
 * - strings, numbers, booleans and null are leaves; a string never equals a number;
 * - keys are joined with ".", so a key literally named "a.b" is the same path as "a" then "b".
 *
 * Pure; no dependencies.
 */
export type Leaf = string | number | boolean | null;

export function leavesAt(doc: unknown, path: readonly string[]): Leaf[] {
  const out: Leaf[] = [];
  collect(doc, path, 0, out);
  return out;
}

function collect(node: unknown, path: readonly string[], at: number, out: Leaf[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, path, at, out);
    return;
  }
  if (at === path.length) {
    if (node === null || typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') {
      out.push(node);
    }
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  // The common case: the next segment is a key of its own.
  if (Object.prototype.hasOwnProperty.call(obj, path[at])) collect(obj[path[at]], path, at + 1, out);
  // Keys that contain dots stand for several segments at once ("a.b" is "a" then "b").
  let joined = path[at];
  for (let end = at + 1; end < path.length; end++) {
    joined += '.' + path[end];
    if (Object.prototype.hasOwnProperty.call(obj, joined)) collect(obj[joined], path, end + 1, out);
  }
}

/**
 * The first leaf at `path` that is exactly one of `values` (case-sensitive, no normalisation), or
 * undefined.
 */
export function hasStringLeaf(doc: unknown, path: readonly string[], values: ReadonlySet<string>): string | undefined {
  // Fast path for the shape CloudTrail always sends: plain objects down to a string, no dotted keys.
  let node: unknown = doc;
  let plain = true;
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      plain = false;
      break;
    }
    const obj = node as Record<string, unknown>;
    if (hasDottedKey(obj)) {
      plain = false;
      break;
    }
    node = obj[path[i]];
  }
  if (plain && typeof node === 'string') return values.has(node) ? node : undefined;
  for (const leaf of leavesAt(doc, path)) {
    if (typeof leaf === 'string' && values.has(leaf)) return leaf;
  }
  return undefined;
}

/** Whether an object has a key with a dot in it; remembered per object, as one event asks several times. */
const DOTTED = new WeakMap<object, boolean>();
function hasDottedKey(obj: Record<string, unknown>): boolean {
  let dotted = DOTTED.get(obj);
  if (dotted === undefined) {
    dotted = false;
    for (const key in obj) {
      if (key.includes('.')) {
        dotted = true;
        break;
      }
    }
    DOTTED.set(obj, dotted);
  }
  return dotted;
}
