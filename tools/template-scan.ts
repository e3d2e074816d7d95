// What platform pipelines run over synthesized templates: cfn-lint and checkov, over every template
// of the cloud assemblies given (and the StackSet member templates inside them), with zero findings
// allowed. Every suppression the library writes into the template metadata must still be needed:
// both tools run a second time over copies without the suppressions, and each suppressed rule must
// then be reported on the resource that carries it.
//
//   npx tsx tools/template-scan.ts <python venv bin dir> <cdk.out dir>...
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

type Template = {
  Resources?: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
  >;
};

interface Finding {
  readonly tool: 'cfn-lint' | 'checkov';
  readonly rule: string;
  readonly file: string;
  readonly resource: string;
  readonly message: string;
}

const [bin, ...assemblies] = process.argv.slice(2);
if (!bin || assemblies.length === 0) {
  console.error('usage: template-scan <python venv bin dir> <cdk.out dir>...');
  process.exit(2);
}

/** Every template of the assemblies, and each StackSet's inline member template as a file of its own. */
function templates(work: string): string[] {
  const files: string[] = [];
  for (const dir of assemblies) {
    for (const name of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.template.json'))
      .sort()) {
      const file = path.join(dir, name);
      files.push(file);
      const template = JSON.parse(fs.readFileSync(file, 'utf8')) as Template;
      for (const [id, r] of Object.entries(template.Resources ?? {})) {
        const body = r.Type === 'AWS::CloudFormation::StackSet' ? r.Properties?.TemplateBody : undefined;
        if (typeof body !== 'string') continue;
        const member = path.join(
          work,
          `${path.basename(dir)}-${name.replace('.template.json', '')}-${id}.member.template.json`,
        );
        fs.writeFileSync(member, JSON.stringify(JSON.parse(body), null, 1));
        files.push(member);
      }
    }
  }
  return files;
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(path.join(bin, command), args, {
      // Offline: no update check, no download of Prisma Cloud's check metadata.
      env: { ...process.env, CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true', BC_SKIP_MAPPING: 'TRUE' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    // Both tools exit non-zero when they find something; their report is still on stdout.
    const out = (e as { stdout?: string }).stdout;
    if (typeof out === 'string' && out.trim() !== '') return out;
    throw e;
  }
}

function cfnLint(files: string[]): Finding[] {
  const report = JSON.parse(run('cfn-lint', ['--format', 'json', '--', ...files]) || '[]') as {
    Rule: { Id: string };
    Filename: string;
    Message: string;
    Location: { Path?: (string | number)[] };
  }[];
  return report.map((f) => ({
    tool: 'cfn-lint',
    rule: f.Rule.Id,
    file: f.Filename,
    resource: f.Location.Path?.[0] === 'Resources' ? String(f.Location.Path[1]) : '',
    message: f.Message,
  }));
}

function checkov(files: string[]): { failed: Finding[]; skipped: Finding[]; passed: number } {
  const args = ['--framework', 'cloudformation', '--skip-download', '--compact', '--output', 'json'];
  const raw = JSON.parse(run('checkov', [...args, ...files.flatMap((f) => ['-f', f])])) as unknown;
  const reports = (Array.isArray(raw) ? raw : [raw]) as {
    results?: {
      failed_checks?: CheckovResult[];
      skipped_checks?: CheckovResult[];
      passed_checks?: unknown[];
    };
  }[];
  type CheckovResult = {
    check_id: string;
    file_abs_path?: string;
    file_path: string;
    resource: string;
    check_name: string;
  };
  const toFinding = (c: CheckovResult): Finding => ({
    tool: 'checkov',
    rule: c.check_id,
    file: c.file_abs_path ?? c.file_path,
    resource: c.resource.split('.').slice(1).join('.'),
    message: c.check_name,
  });
  return {
    failed: reports.flatMap((r) => r.results?.failed_checks ?? []).map(toFinding),
    skipped: reports.flatMap((r) => r.results?.skipped_checks ?? []).map(toFinding),
    passed: reports.reduce((n, r) => n + (r.results?.passed_checks?.length ?? 0), 0),
  };
}

/** The suppressions in a template's metadata, as `tool rule resource`. */
function suppressions(file: string): string[] {
  const template = JSON.parse(fs.readFileSync(file, 'utf8')) as Template;
  const out: string[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const lint = (r.Metadata?.['cfn-lint'] as { config?: { ignore_checks?: string[] } } | undefined)?.config
      ?.ignore_checks;
    for (const rule of lint ?? []) out.push(`cfn-lint ${rule} ${id}`);
    const skip = (r.Metadata?.checkov as { skip?: { id: string; comment?: string }[] } | undefined)?.skip;
    for (const s of skip ?? []) {
      if (!s.comment || s.comment.length < 40) throw new Error(`${file}: ${id} skips ${s.id} without a reason`);
      out.push(`checkov ${s.id} ${id}`);
    }
  }
  return out;
}

/** A copy of a template without the scanners' suppressions. */
function stripped(file: string, dir: string): string {
  const template = JSON.parse(fs.readFileSync(file, 'utf8')) as Template;
  for (const r of Object.values(template.Resources ?? {})) {
    if (!r.Metadata) continue;
    delete r.Metadata['cfn-lint'];
    delete r.Metadata.checkov;
  }
  const copy = path.join(dir, path.basename(path.dirname(file)) + '-' + path.basename(file));
  fs.writeFileSync(copy, JSON.stringify(template));
  return copy;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'template-scan-'));
try {
  const files = templates(work);
  const show = (f: Finding) => `  ${f.tool} ${f.rule} ${path.basename(f.file)} ${f.resource}: ${f.message}`;

  const lint = cfnLint(files);
  const scan = checkov(files);
  console.log(`cfn-lint and checkov over ${files.length} templates (${files.map((f) => path.basename(f)).join(', ')})`);
  console.log(
    `  checkov: ${scan.passed} passed, ${scan.failed.length} failed, ${scan.skipped.length} skipped with a reason`,
  );
  console.log(`  cfn-lint: ${lint.length} findings`);
  const findings = [...lint, ...scan.failed];
  if (findings.length > 0) {
    console.error(`unexplained findings:\n${findings.map(show).join('\n')}`);
    process.exit(1);
  }

  // Every suppression must still suppress something: run both without them.
  const bare = fs.mkdtempSync(path.join(work, 'bare-'));
  const copies = files.map((f) => stripped(f, bare));
  const unsuppressed = new Set(
    [...cfnLint(copies), ...checkov(copies).failed].map(
      (f) => `${f.tool} ${f.rule} ${path.basename(f.file)} ${f.resource}`,
    ),
  );
  const unused: string[] = [];
  let count = 0;
  for (const [i, file] of files.entries()) {
    for (const s of suppressions(file)) {
      count++;
      const [tool, rule, resource] = s.split(' ');
      if (!unsuppressed.has(`${tool} ${rule} ${path.basename(copies[i])} ${resource}`))
        unused.push(`${s} in ${path.basename(file)}`);
    }
  }
  if (unused.length > 0) {
    console.error(
      `suppressions that suppress nothing (remove them from lib/detector/compliance.ts):\n  ${unused.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(
    `  ${count} suppressions in the templates, each still needed (${unsuppressed.size} findings without them)`,
  );
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
