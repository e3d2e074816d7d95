// The Python quick start synthesizes the TypeScript quick start's template: the same resources with
// the same properties, and the same function asset (the wheel's pre-built bundle has the hash of the
// bundle a checkout builds). Only CDK's analytics resource and the asset's is-bundled flag (built at
// synth in a checkout, shipped pre-built in the wheel) may differ.
//
//   npx tsx tools/compare-templates.ts <TypeScript template> <Python template> <Python cdk.out>
import * as fs from 'node:fs';
import * as path from 'node:path';

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };
type Template = { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };

const [tsFile, pyFile, pyOut] = process.argv.slice(2);
const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as Template;
const ts = read(tsFile);
const py = read(pyFile);
const problems: string[] = [];

const comparable = (r: Resource): Resource => {
  const metadata = { ...r.Metadata };
  delete metadata['aws:asset:is-bundled'];
  return { ...r, Metadata: metadata };
};
const ids = (t: Template) =>
  Object.keys(t.Resources)
    .filter((id) => t.Resources[id].Type !== 'AWS::CDK::Metadata')
    .sort();
const [tsIds, pyIds] = [ids(ts), ids(py)];
for (const id of tsIds.filter((i) => !pyIds.includes(i)))
  problems.push(`only in TypeScript: ${id} (${ts.Resources[id].Type})`);
for (const id of pyIds.filter((i) => !tsIds.includes(i)))
  problems.push(`only in Python: ${id} (${py.Resources[id].Type})`);
for (const id of tsIds.filter((i) => pyIds.includes(i))) {
  if (JSON.stringify(comparable(ts.Resources[id])) !== JSON.stringify(comparable(py.Resources[id])))
    problems.push(`differs: ${id} (${ts.Resources[id].Type})`);
}
if (JSON.stringify(ts.Outputs) !== JSON.stringify(py.Outputs)) problems.push('the outputs differ');

// What the quick start must hold: the detector, its rules, the function with its pre-built asset, the guardrail.
const of = (type: string) => Object.values(py.Resources).filter((r) => r.Type === type);
const fn = of('AWS::Lambda::Function').find((r) => r.Properties?.FunctionName === 'bedrock-supply-chain-alert');
const rules = of('AWS::Events::Rule').map((r) => r.Properties?.Name);
for (const rule of ['bedrock-supply-chain-rule', 'bedrock-supply-chain-tamper-rule', 'bedrock-supply-chain-reconcile'])
  if (!rules.includes(rule)) problems.push(`the Python template has no rule ${rule}`);
if (of('AWS::CloudTrail::Trail').length !== 1) problems.push('the Python template has no trail');
if (
  of('AWS::IAM::ManagedPolicy').filter((p) => JSON.stringify(p).includes('bedrock:CreateModelImportJob')).length !== 1
)
  problems.push('the Python template has no guardrail policy');
const asset = fn?.Metadata?.['aws:asset:path'];
if (!fn || typeof asset !== 'string') problems.push('the Python template has no alert function with an asset');
else {
  for (const file of ['index.js', 'THIRD-PARTY-LICENSES.txt'])
    if (!fs.existsSync(path.join(pyOut, asset, file))) problems.push(`the Python app's function asset has no ${file}`);
  if (fn.Metadata?.['aws:asset:is-bundled'] !== false)
    problems.push('the Python app bundled the function instead of using the pre-built asset');
}

if (problems.length > 0) {
  console.error(`the Python quick start differs from the TypeScript one:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `Python quick start = TypeScript quick start: ${pyIds.length} resources, same properties and outputs, function asset ${String(asset)} (pre-built)`,
);
