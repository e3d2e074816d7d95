// Every TypeScript example in README.md compiles against the library as it is: each ```ts block
// becomes a module of its own (its imports of `cdk-bedrock-model-supply-chain` resolve to lib/),
// with the values in fixture.d.ts available, and the TypeScript compiler type-checks them all with
// the repository's strict settings. Every ```python block must parse. Run by .ci/run.
//
//   npx tsx tools/readme/check.ts [README.md]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const readmePath = path.resolve(process.argv[2] ?? path.join(ROOT, 'README.md'));

/** The fenced blocks of a language, with the line each starts on. */
export function blocks(markdown: string, language: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```' + language) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    out.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

const markdown = fs.readFileSync(readmePath, 'utf8');
const examples = blocks(markdown, 'ts');
fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'readme-'));
try {
  const files = examples.map(({ line, code }) => {
    const file = path.join(work, `line-${line}.ts`);
    // `export {}` makes every example a module, so its own declarations shadow the fixture's.
    fs.writeFileSync(file, `${code}\nexport {};\n`);
    return file;
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    baseUrl: ROOT,
    paths: {
      'cdk-bedrock-model-supply-chain': ['lib/index.ts'],
      'cdk-bedrock-model-supply-chain/contracts': ['lib/contracts.ts'],
    },
  };
  const program = ts.createProgram([...files, path.join(__dirname, 'fixture.d.ts')], options);
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => !d.file || files.includes(d.file.fileName));
  const errors = diagnostics.map((d) => {
    const where = d.file ? path.basename(d.file.fileName, '.ts') : '';
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
    const readmeLine = where ? Number(where.replace('line-', '')) + line : 0;
    return `README.md:${readmeLine}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });

  // The README is the assembly's readme: jsii-pacmak puts it in Java's package-info.java, where a
  // backslash followed by `u` is a unicode escape even in a comment, and the Java build fails on it.
  markdown.split('\n').forEach((text, i) => {
    if (/(^|[^\\])\\u/.test(text))
      errors.push(`README.md:${i + 1}: a backslash before 'u' breaks the Java package (javadoc)`);
  });

  const pythons = blocks(markdown, 'python');
  for (const { line, code } of pythons) {
    const file = path.join(os.tmpdir(), `readme-${process.pid}-${line}.py`);
    fs.writeFileSync(file, code);
    try {
      execFileSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', file], { stdio: 'pipe' });
    } catch (e) {
      errors.push(`README.md:${line}: the Python example does not parse: ${(e as { stderr?: Buffer }).stderr}`);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  if (errors.length > 0) {
    console.error(errors.join('\n'));
    process.exit(1);
  }
  console.log(`README examples: ${examples.length} TypeScript blocks compile, ${pythons.length} Python blocks parse`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
