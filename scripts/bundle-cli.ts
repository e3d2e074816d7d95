// Bundles the `bedrock-supply-chain` command (cli/hunt) for the npm package: one file, which is also
// its worker threads' script, and beside it the S3 client in a file of its own, loaded only for s3://
// inputs (the package has no runtime dependencies), and the licences of what they bundle.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { buildSync } from 'esbuild';

import { THIRD_PARTY_LICENSES_FILE, bundledPackages, type BundledPackage } from '../lib/detector/function-code';

const root = path.join(__dirname, '..');
export const CLI_OUTFILE = path.join(root, 'dist', 'cli', 'bedrock-supply-chain.js');

export function bundleCli(outfile = CLI_OUTFILE): void {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    absWorkingDir: root,
  } as const;
  const main = buildSync({
    ...common,
    entryPoints: [path.join(root, 'cli', 'hunt', 'main.ts')],
    outfile,
    banner: { js: '#!/usr/bin/env node' },
    // Only under tsx (running the TypeScript source) does a worker start through tsx's loader. The
    // S3 client is a file of its own beside the command (s3-sdk.js), loaded for s3:// inputs only.
    external: ['tsx/cjs', './s3-sdk'],
  });
  const sdk = buildSync({
    ...common,
    entryPoints: [path.join(root, 'cli', 'hunt', 's3-sdk.ts')],
    outfile: path.join(path.dirname(outfile), 's3-sdk.js'),
  });
  fs.chmodSync(outfile, 0o755);
  // Packages under the same licence text share one copy of it.
  const byText = new Map<string, string[]>();
  for (const p of packagesOf([...Object.keys(main.metafile.inputs), ...Object.keys(sdk.metafile.inputs)])) {
    const text = p.texts.join('\n\n');
    byText.set(text, [...(byText.get(text) ?? []), `${p.name}@${p.version} (${p.license})`]);
  }
  const sections = [...byText].map(
    ([text, names]) => `${'='.repeat(78)}\n${names.join('\n')}\n${'='.repeat(78)}\n\n${text}\n`,
  );
  const header =
    'The bedrock-supply-chain command of cdk-bedrock-model-supply-chain (bedrock-supply-chain.js and s3-sdk.js) bundles the following third-party packages.\n';
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
  // `tsx scripts/bundle-cli.ts [outfile]`: the package's bundle, or one elsewhere (the tests').
  const outfile = process.argv[2] ? path.resolve(process.argv[2]) : CLI_OUTFILE;
  bundleCli(outfile);
  console.log(`bundled ${path.relative(process.cwd(), outfile)} (${fs.statSync(outfile).size} bytes)`);
}
