// The house rules of the layout, checked on the sources themselves (ESLint checks the same import
// graph with import-x/no-cycle; this test does not depend on its configuration).
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** Relative imports (and re-exports) of a file, resolved to files of the repository. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'/g)) {
    const base = path.join(path.dirname(file), m[1]);
    const candidates = [`${base}.ts`, path.join(base, 'index.ts')];
    const found = candidates.find((c) => fs.existsSync(path.join(ROOT, c)));
    if (found) out.push(path.normalize(found));
  }
  return out;
}

/** The first import cycle in a graph, or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('layout', () => {
  const files = [...sources('lib'), ...sources('lambda')];

  test('at most three files at the top of lib/, and lib/index.ts exports by name, not export *', () => {
    const top = fs.readdirSync(path.join(ROOT, 'lib')).filter((f) => f.endsWith('.ts'));
    expect(top.length).toBeLessThanOrEqual(3);
    expect(fs.readFileSync(path.join(ROOT, 'lib', 'index.ts'), 'utf8')).not.toMatch(/export \*/);
  });

  test('no source file in lib/ or lambda/ is over 500 lines', () => {
    const long = files
      .map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 500);
    expect(long).toEqual([]);
  });

  test('no import circle in lib/ or lambda/', () => {
    const graph = new Map(files.map((f) => [path.normalize(f), importsOf(f)]));
    expect(graph.size).toBeGreaterThan(40);
    expect(findCycle(graph)).toBeUndefined();
  });

  test('the check can fail: a circle is found', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', []],
    ]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']]]))).toBeUndefined();
  });

  test('lib/contracts.ts (the TypeScript-only contracts) reaches neither aws-cdk-lib nor constructs', () => {
    const reached = new Set<string>();
    const visit = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      importsOf(file).forEach(visit);
    };
    visit(path.join('lib', 'contracts.ts'));
    const packages = [...reached].flatMap((file) =>
      [
        ...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/(?:import|export)\s[^'";]*?from\s+'([^.][^']*)'/g),
      ].map((m) => `${file}: ${m[1]}`),
    );
    expect(reached.size).toBeGreaterThan(10);
    expect(packages.filter((p) => /: (aws-cdk-lib|constructs)(\/|$)/.test(p))).toEqual([]);
  });

  test('the detector is a short composition of its parts', () => {
    const detector = fs.readFileSync(path.join(ROOT, 'lib', 'detector', 'detector.ts'), 'utf8').split('\n').length;
    expect(detector).toBeLessThanOrEqual(320);
  });
});
