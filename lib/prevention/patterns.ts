/**
 * Whether two IAM ARN patterns (with `*` and `?` wildcards) can match the same ARN: the check that
 * keeps deploy rights apart from import rights. Pure.
 */

/**
 * True when some string matches both glob patterns (`*` any run of characters, `?` one character).
 * A breadth-first walk over the pairs of positions of the two patterns (their product automaton).
 */
export function globsIntersect(a: string, b: string): boolean {
  const seen = new Set<string>();
  const queue: [number, number][] = [[0, 0]];
  const visit = (i: number, j: number) => {
    const key = `${i},${j}`;
    if (!seen.has(key)) {
      seen.add(key);
      queue.push([i, j]);
    }
  };
  seen.add('0,0');
  while (queue.length > 0) {
    const [i, j] = queue.shift()!;
    if (i === a.length && j === b.length) return true;
    // A `*` may match nothing.
    if (a[i] === '*') visit(i + 1, j);
    if (b[j] === '*') visit(i, j + 1);
    if (i === a.length || j === b.length) continue;
    const ca = a[i];
    const cb = b[j];
    const wa = ca === '*' || ca === '?';
    const wb = cb === '*' || cb === '?';
    // Both consume one character of a common string: they must agree on it.
    if (!wa && !wb && ca !== cb) continue;
    visit(ca === '*' ? i : i + 1, cb === '*' ? j : j + 1);
  }
  return false;
}

/**
 * True when some ARN matches both ARN patterns, as IAM matches them (`ArnLike`, `Resource`): segment
 * by segment, a wildcard never spanning the colons between the first five segments.
 */
export function arnPatternsIntersect(a: string, b: string): boolean {
  const split = (arn: string) => {
    const parts = arn.split(':');
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const pa = split(a);
  const pb = split(b);
  if (!pa || !pb) return globsIntersect(a, b);
  return pa.every((segment, i) => globsIntersect(segment, pb[i]));
}
