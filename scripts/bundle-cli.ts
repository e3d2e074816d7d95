// Bundles the `bedrock-supply-chain` command (cli/hunt) for the npm package: one file, which is also
// its worker threads' script, with the S3 client inside (the package has no runtime dependencies),
// and the licences of what it bundles next to it.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { buildSync } from 'esbuild';

import { THIRD_PARTY_LICENSES_FILE, bundledPackages, type BundledPackage } from '../lib/detector/function-code';

const root = path.join(__dirname, '..');
export const CLI_OUTFILE = path.join(root, 'dist', 'cli', 'bedrock-supply-chain.js');

export function bundleCli(outfile = CLI_OUTFILE): void {
  const result = buildSync({
    entryPoints: [path.join(root, 'cli', 'hunt', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
    metafile: true,
    absWorkingDir: root,
    // Only under tsx (running the TypeScript source) does a worker start through tsx's loader.
    external: ['tsx/cjs'],
  });
  fs.chmodSync(outfile, 0o755);
  // Packages under the same licence text share one copy of it.
  const byText = new Map<string, string[]>();
  for (const p of packagesOf(Object.keys(result.metafile.inputs))) {
    const text = p.texts.join('\n\n');
    byText.set(text, [...(byText.get(text) ?? []), `${p.name}@${p.version} (${p.license})`]);
  }
  const sections = [...byText].map(
    ([text, names]) => `${'='.repeat(78)}\n${names.join('\n')}\n${'='.repeat(78)}\n\n${text}\n`,
  );
  const header =
    'The bedrock-supply-chain command of cdk-bedrock-model-supply-chain bundles the following third-party packages.\n';
  fs.writeFileSync(path.join(path.dirname(outfile), THIRD_PARTY_LICENSES_FILE), [header, ...sections].join('\n'));
}

/**
 * The bundled packages with their licence texts. Some AWS SDK packages (Apache-2.0) ship no licence
 * file: for those, the Apache License 2.0 text (this repository's LICENSE is that text).
 */
function packagesOf(inputs: readonly string[]): BundledPackage[] {
  const byRoot = new Map<string, string[]>();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/[^/]+|[^/]+))\//.exec(input.replace(/\\/g, '/'));
    if (match) byRoot.set(match[1], [...(byRoot.get(match[1]) ?? []), input]);
  }
  const apache = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8').trim();
  return [...byRoot]
    .map(([dir, files]) => {
      try {
        return bundledPackages(files, root)[0];
      } catch (e) {
        const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
        if (manifest.license !== 'Apache-2.0') throw e;
        return { name: manifest.name, version: manifest.version, license: manifest.license, texts: [apache] };
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

if (require.main === module) {
  bundleCli();
  console.log(`bundled ${path.relative(process.cwd(), CLI_OUTFILE)} (${fs.statSync(CLI_OUTFILE).size} bytes)`);
}
