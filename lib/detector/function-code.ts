import * as fs from 'node:fs';
import * as path from 'node:path';

import { AssetHashType } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * esbuild settings shared by synth-time bundling and the package's pre-built bundle. Whitespace and
 * syntax are minified but identifiers are kept: stack traces stay readable without source maps, and
 * there is no `keepNames` helper call on every closure in the hot path.
 */
export const ALERT_FUNCTION_ESBUILD = {
  target: 'node24',
  format: 'cjs',
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['@aws-sdk/*'],
  legalComments: 'none',
} as const;

/** The options for esbuild's `build` API that produce the alerting function's bundle. */
export function alertFunctionBuildOptions(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    ...ALERT_FUNCTION_ESBUILD,
    external: [...ALERT_FUNCTION_ESBUILD.external],
  };
}

/** The handler source, present in a checkout of this repository. */
export const ALERT_FUNCTION_SOURCE = path.join(__dirname, '..', '..', 'lambda', 'alert', 'index.ts');
/** The pre-built bundle, present in the npm package (`npm run build` writes it). */
export const ALERT_FUNCTION_PREBUILT = path.join(__dirname, '..', '..', 'assets', 'alert-handler');

/**
 * How the alerting function gets its code: bundled at synth by the local esbuild (its JavaScript
 * API, no Docker) from the TypeScript source in a checkout of this repository, or the bundle
 * pre-built into the npm package, so a consumer needs neither esbuild nor Docker. Both come from the
 * same source with the same esbuild settings, and both are content-hashed on the bundle.
 *
 * (NodejsFunction's own `entry` bundling would do the same, but it starts esbuild through
 * `npx --no-install`, which costs ~0.6 s per synth; the in-process API takes ~20 ms.)
 */
export function alertFunctionCode(): Pick<nodejs.NodejsFunctionProps, 'handler' | 'code'> {
  if (fs.existsSync(ALERT_FUNCTION_SOURCE)) {
    return {
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.dirname(ALERT_FUNCTION_SOURCE), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Required by the API; never used, because local bundling either succeeds or throws.
          image: lambda.Runtime.NODEJS_24_X.bundlingImage,
          local: {
            tryBundle(outputDir: string): boolean {
              bundleAlertFunction(path.join(outputDir, 'index.js'));
              return true;
            },
          },
        },
      }),
    };
  }
  if (fs.existsSync(path.join(ALERT_FUNCTION_PREBUILT, 'index.js'))) {
    return { code: lambda.Code.fromAsset(ALERT_FUNCTION_PREBUILT), handler: 'index.handler' };
  }
  throw new Error(
    `The alerting function's code is missing: neither ${ALERT_FUNCTION_SOURCE} nor ${ALERT_FUNCTION_PREBUILT}/index.js exists. ` +
      'Install the published package, or run `npm run build` in a checkout.',
  );
}

/** The file, next to the bundle, with the licence of every third-party package bundled into it. */
export const THIRD_PARTY_LICENSES_FILE = 'THIRD-PARTY-LICENSES.txt';

/** MIT No Attribution: the licence of AWS Lambda Powertools, whose packages ship no licence file. */
const MIT_0 = `MIT No Attribution

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify,
merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A
PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT
HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION
OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

/** A bundled package's name, version, licence and the texts that must travel with it. */
export interface BundledPackage {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly texts: string[];
}

/** The packages under `node_modules` that esbuild read into the bundle (from its metafile's inputs). */
export function bundledPackages(inputs: readonly string[], cwd: string): BundledPackage[] {
  const roots = new Set<string>();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/[^/]+|[^/]+))\//.exec(input.replace(/\\/g, '/'));
    if (match) roots.add(match[1]);
  }
  return [...roots]
    .map((root) => {
      const dir = path.resolve(cwd, root);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      const name = String(manifest.name);
      const license = typeof manifest.license === 'string' ? manifest.license : 'UNKNOWN';
      const files = fs
        .readdirSync(dir)
        .filter((f) => /^(licen[cs]e|notice)(\.(md|txt))?$/i.test(f))
        .sort();
      const texts = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim());
      if (texts.length === 0 && license === 'MIT-0') texts.push(MIT_0);
      if (texts.length === 0) {
        throw new Error(
          `The bundled package ${name} (licence ${license}) ships no licence file: add its licence text to lib/detector/function-code.ts before bundling it.`,
        );
      }
      return { name, version: String(manifest.version), license, texts };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The notice file's text: each bundled package with its licence. */
export function thirdPartyLicenses(packages: readonly BundledPackage[]): string {
  const header =
    'The alerting function of cdk-bedrock-model-supply-chain bundles the following third-party packages.\n' +
    'The AWS SDK for JavaScript is not bundled: the Lambda runtime provides it.\n';
  const sections = packages.map(
    (p) => `${'='.repeat(78)}\n${p.name}@${p.version} (${p.license})\n${'='.repeat(78)}\n\n${p.texts.join('\n\n')}\n`,
  );
  return [header, ...sections].join('\n');
}

/**
 * Bundles the handler source to `outfile` with the local esbuild (a development dependency), and
 * writes the licences of the bundled packages next to it (`THIRD-PARTY-LICENSES.txt`).
 */
export function bundleAlertFunction(outfile: string): void {
  let esbuild: typeof import('esbuild');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only in a checkout, never by consumers
    esbuild = require('esbuild');
  } catch (e) {
    throw new Error(
      `Bundling the alerting function from source needs esbuild (run \`npm ci\` in this repository): ${(e as Error).message}`,
      { cause: e },
    );
  }
  const root = path.join(__dirname, '..', '..');
  const result = esbuild.buildSync({
    ...alertFunctionBuildOptions(ALERT_FUNCTION_SOURCE, outfile),
    logLevel: 'warning',
    metafile: true,
    absWorkingDir: root,
  });
  const packages = bundledPackages(Object.keys(result.metafile.inputs), root);
  fs.writeFileSync(path.join(path.dirname(outfile), THIRD_PARTY_LICENSES_FILE), thirdPartyLicenses(packages));
}
