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
  // Fast path for the shape CloudTrail sends: plain objects without dotted keys down the path.
  let start: unknown = doc;
  let from = 0;
  while (from < path.length && isPlainObject(start) && !hasDottedKey(start)) {
    if (!Object.prototype.hasOwnProperty.call(start, path[from])) return out;
    start = start[path[from]];
    from++;
  }
  if (!Array.isArray(start) && (from === path.length || start === null || typeof start !== 'object')) {
    if (from === path.length && isLeaf(start)) out.push(start);
    return out;
  }
  // Depth-first, in document order, with a stack of its own: an event can nest arrays thousands
  // deep (256 KB of '[' is 128k levels), which would overflow the call stack of a recursive walk.
  const nodes: unknown[] = [start];
  const depths: number[] = [from];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const at = depths.pop()!;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        nodes.push(node[i]);
        depths.push(at);
      }
      continue;
    }
    if (at === path.length) {
      if (isLeaf(node)) out.push(node);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const obj = node as Record<string, unknown>;
    // The common case: the next segment is a key of its own. Keys that contain dots stand for
    // several segments at once ("a.b" is "a" then "b"). Pushed last-first, so visited in this order.
    let end = at + 1 < path.length && hasDottedKey(obj) ? path.length - 1 : at;
    let joined = path.slice(at, end + 1).join('.');
    for (; end > at; end--) {
      if (Object.prototype.hasOwnProperty.call(obj, joined)) {
        nodes.push(obj[joined]);
        depths.push(end + 1);
      }
      joined = joined.slice(0, joined.length - path[end].length - 1);
    }
    if (Object.prototype.hasOwnProperty.call(obj, path[at])) {
      nodes.push(obj[path[at]]);
      depths.push(at + 1);
    }
  }
  return out;
}

function isLeaf(node: unknown): node is Leaf {
  return node === null || typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean';
}

function isPlainObject(node: unknown): node is Record<string, unknown> {
  return node !== null && typeof node === 'object' && !Array.isArray(node);
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
