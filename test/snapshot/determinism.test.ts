// Users snapshot-test landing-zone stacks with this library inside, so a synth must not depend on
// where the code lives, on when it runs or on chance: the example app is synthesized from three
// copies of the sources at different paths, and every file of the cloud assembly must be the same,
// byte for byte (templates, asset manifests, the bundled function and its hash).
//
// - `checkout-a` and `nested/checkout-b`: checkouts, where the function is bundled at synth by the
//   local esbuild from lambda/alert;
// - `installed`: the npm package's layout, with the pre-built bundle (assets/alert-handler) and no
//   lambda/ sources, as a consumer's node_modules holds it.
//
// Left out: `<stack>.metadata.json`, where aws-cdk-lib records the call stack of each acknowledgment
// (absolute paths of the caller's files); CloudFormation never sees it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { App } from 'aws-cdk-lib';

import { bundleAlertFunction } from '../../lib/detector/function-code';
import { CDK_JSON_CONTEXT } from '../support/app';

const ROOT = path.join(__dirname, '..', '..');

function copy(to: string, parts: string[]): string {
  fs.mkdirSync(to, { recursive: true });
  for (const part of parts) fs.cpSync(path.join(ROOT, part), path.join(to, part), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'));
  return to;
}

/** Synthesizes `<dir>/bin/app.ts` as `npx cdk synth -c scpTargetIds=…` does, and returns its files. */
function synthesize(dir: string): Map<string, string> {
  process.env.CDK_CONTEXT_JSON = JSON.stringify({ ...CDK_JSON_CONTEXT, scpTargetIds: 'ou-ab12-abcdefgh' });
  let app: App | undefined;
  try {
    // Each copy's lib and bin load as modules of their own (their paths differ); aws-cdk-lib is shared.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the copy's own example app
    app = (require(path.join(dir, 'bin', 'app.ts')) as { app: App }).app;
  } finally {
    delete process.env.CDK_CONTEXT_JSON;
  }
  const out = app!.synth().directory;
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(out, rel), { withFileTypes: true })) {
      const name = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(name);
      else if (!name.endsWith('.metadata.json')) files.set(name, fs.readFileSync(path.join(out, name), 'utf8'));
    }
  };
  walk('');
  return files;
}

describe('deterministic synthesis', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bmsc-determinism-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the example app gives the same cloud assembly from two checkouts and an installed package', () => {
    const sources = ['lib', 'lambda', 'bin', 'cdk.json', 'package.json', 'tsconfig.json'];
    const a = copy(path.join(tmp, 'checkout-a'), sources);
    const b = copy(path.join(tmp, 'nested', 'deeper', 'checkout-b'), sources);
    const installed = copy(
      path.join(tmp, 'installed'),
      sources.filter((s) => s !== 'lambda'),
    );
    bundleAlertFunction(path.join(installed, 'assets', 'alert-handler', 'index.js'));

    const [first, ...others] = [a, b, installed].map(synthesize);
    const names = [...first.keys()].sort();
    // The template, its asset manifest, the bundled function (one asset), and no path of the copies.
    expect(names.filter((n) => n.endsWith('.template.json'))).toEqual(['BedrockModelSupplyChain.template.json']);
    // Two assets: the bundled function (with the licences of what it bundles) and the backfill's
    // AwsCustomResource provider.
    const assets = names.filter((n) => n.startsWith('asset.'));
    expect(assets).toHaveLength(3);
    expect(assets.filter((n) => /^asset\.[0-9a-f]{64}\/index\.js$/.test(n))).toHaveLength(2);
    expect(assets.filter((n) => /^asset\.[0-9a-f]{64}\/THIRD-PARTY-LICENSES\.txt$/.test(n))).toHaveLength(1);
    for (const [name, text] of first) expect([name, text.includes(tmp)]).toEqual([name, false]);
    for (const other of others) {
      expect([...other.keys()].sort()).toEqual(names);
      for (const name of names) expect([name, other.get(name) === first.get(name)]).toEqual([name, true]);
    }

    // And the check can fail: a change to the function's code changes the asset hash, and nothing else.
    const changed = copy(path.join(tmp, 'changed'), sources);
    const handler = path.join(changed, 'lambda', 'alert', 'alerting.ts');
    const source = fs.readFileSync(handler, 'utf8');
    const changedSource = source.replace('`not notified: ${', '`not notified, ${');
    expect(changedSource).not.toBe(source);
    fs.writeFileSync(handler, changedSource);
    const edited = synthesize(changed);
    const template = 'BedrockModelSupplyChain.template.json';
    // The alert function's asset (the backfill provider's does not depend on our code).
    const hash = (files: Map<string, string>) => {
      const resources = Object.values(JSON.parse(files.get(template)!).Resources) as {
        Properties?: { FunctionName?: string; Code?: { S3Key?: string } };
      }[];
      const fn = resources.find((r) => r.Properties?.FunctionName === 'bedrock-supply-chain-alert')!;
      return fn.Properties!.Code!.S3Key!.replace(/\.zip$/, '');
    };
    expect(hash(edited)).not.toBe(hash(first));
    expect(edited.get(template)!.replaceAll(hash(edited), hash(first))).toBe(first.get(template));
  });
});
