/**
 * The `hunt` command's throughput (issue 15) on a generated corpus of gzipped CloudTrail log files
 * (at least 200 MB compressed; generated once and cached under the OS temp dir by generator version),
 * against two baselines over the same files in the same run:
 * - `zcat files | jq -c '.Records[] | select(...)'`, the usual shell hunt (the same watched calls);
 * - plain decompression to nowhere on the same number of cores: N Node worker threads running
 *   zlib's gunzip and dropping the output, and `xargs -P N zcat > /dev/null`; the faster is the floor.
 * The command runs as its users run it: the esbuild bundle the package ships, in a fresh process,
 * with one worker thread a core. Its findings must be exactly the watched calls the generator planted.
 *
 * `npx tsx bench/hunt.ts [--quick]` runs this part alone; `bench/run.ts` includes it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { resolveWatchedCalls } from '../lib/detection';
import { bundleCli } from '../scripts/bundle-cli';
import { PLANTED_NAMES, cachedCorpus, type Corpus } from '../tools/hunt/corpus';

export interface HuntRow {
  readonly figure: string;
  readonly value: string;
  readonly baseline: string;
  readonly ratio: number;
  readonly target?: number;
}

/** At least 200 MB compressed (the floor), or a tenth of it for `--quick`. */
const FULL_BYTES = 210_000_000;
const QUICK_BYTES = 21_000_000;

const mbs = (bytes: number, seconds: number) => `${(bytes / 1e6 / seconds).toFixed(0)} MB/s`;

/** `/usr/bin/time`, where there is one: the CPU seconds of a child and its children, beside the wall time. */
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Wall seconds of a child process (and its CPU seconds, user and system, where `/usr/bin/time` is
 * there: on a shared machine they are less disturbed by other work than the wall time); throws with
 * its standard error when it fails (unless allowed).
 */
function timed(
  command: string,
  args: readonly string[],
  allow: readonly number[] = [0],
): { seconds: number; cpu?: number; stdout: string; stderr: string } {
  const start = process.hrtime.bigint();
  const r = TIME
    ? spawnSync(TIME, ['-f', 'cpu-seconds %U %S', command, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error) throw r.error;
  if (!allow.includes(r.status ?? -1)) {
    throw new Error(`${command} ${args.slice(0, 3).join(' ')}… exited ${r.status}: ${r.stderr.slice(-2000)}`);
  }
  const [, user, system] = /cpu-seconds ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr) ?? [];
  return {
    seconds,
    cpu: user === undefined ? undefined : Number(user) + Number(system),
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

/** N worker threads gunzipping the files (read from disk, as the command does) and dropping the output. */
const GUNZIP_WORKERS = `
const { Worker, isMainThread, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const zlib = require('node:zlib');
if (isMainThread) {
  const [list, n] = [JSON.parse(fs.readFileSync(process.argv[2], 'utf8')), Number(process.argv[3])];
  let next = 0, done = 0, out = 0;
  for (let i = 0; i < n; i++) {
    const w = new Worker(__filename);
    const feed = () => (next < list.length ? w.postMessage(list[next++]) : w.terminate());
    w.on('message', (bytes) => { out += bytes; if (++done === list.length) process.stdout.write(String(out)); feed(); });
    feed();
  }
} else {
  parentPort.on('message', (f) => fs.readFile(f, (e, b) => parentPort.postMessage(zlib.gunzipSync(b).length)));
}
`;

/** The jq filter for the watched calls of the default profile: successful calls only, as the detector. */
function jqFilter(): string {
  const calls = resolveWatchedCalls();
  const names = calls.map((c) => JSON.stringify(c.eventName)).join(', ');
  const sources = [...new Set(calls.map((c) => JSON.stringify(c.eventSource)))].join(', ');
  return `.Records[] | select((.eventSource | IN(${sources})) and (.eventName | IN(${names})) and (has("errorCode") | not))`;
}

export async function huntBench(quick: boolean): Promise<HuntRow[]> {
  const cacheRoot = path.join(os.tmpdir(), 'bedrock-supply-chain-bench');
  fs.mkdirSync(cacheRoot, { recursive: true });
  const generating = Date.now();
  const corpus: Corpus = await cachedCorpus(cacheRoot, { targetBytes: quick ? QUICK_BYTES : FULL_BYTES });
  const generated = (Date.now() - generating) / 1000;
  if (generated > 2)
    console.error(`hunt bench: generated the corpus in ${generated.toFixed(0)} s (cached in ${corpus.dir})`);
  // The generator's own list of what it planted must be the detector's default profile.
  const defaults = resolveWatchedCalls().map((c) => c.eventName);
  if (JSON.stringify([...defaults].sort()) !== JSON.stringify([...PLANTED_NAMES].sort())) {
    throw new Error(`the corpus plants ${PLANTED_NAMES.join(', ')} but the default profile is ${defaults.join(', ')}`);
  }

  const n = os.availableParallelism();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hunt-'));
  try {
    const bundle = path.join(work, 'cli', 'bedrock-supply-chain.js');
    bundleCli(bundle);
    const list = path.join(work, 'files.json');
    fs.writeFileSync(list, JSON.stringify(corpus.files));
    const gunzipScript = path.join(work, 'gunzip-workers.js');
    fs.writeFileSync(gunzipScript, GUNZIP_WORKERS);

    const floorNode = () => timed(process.execPath, [gunzipScript, list, String(n)]);
    const floorZcat = () =>
      timed('sh', ['-c', `xargs -0 -P ${n} -n 64 zcat > /dev/null < "$0"`, writeNulList(work, corpus.files)]);
    const hunt = (...extra: string[]) =>
      timed(process.execPath, [bundle, 'hunt', corpus.dir, '--format', 'jsonl', '--workers', String(n), ...extra], [1]);

    floorNode(); // warm the page cache and the JIT-free paths alike
    // Best of several rounds, baselines and the command alternating: the least disturbed run of each.
    const rounds = quick ? 1 : 3;
    const nodeFloor: number[] = [];
    const zcatFloor: number[] = [];
    const ours: number[] = [];
    const cpu = { floor: [] as number[], ours: [] as number[] };
    let last = hunt();
    for (let i = 0; i < rounds; i++) {
      const floor = floorNode();
      nodeFloor.push(floor.seconds);
      zcatFloor.push(floorZcat().seconds);
      last = hunt();
      ours.push(last.seconds);
      if (floor.cpu !== undefined && last.cpu !== undefined) {
        cpu.floor.push(floor.cpu);
        cpu.ours.push(last.cpu);
      }
    }
    const found = last.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { eventID: string }).eventID)
      .sort();
    const planted = [...corpus.planted].sort();
    if (JSON.stringify(found) !== JSON.stringify(planted)) {
      throw new Error(`hunt found ${found.length} watched calls, the generator planted ${planted.length}`);
    }
    const full = hunt('--full-parse');
    const fullFound = full.stdout.trim().split('\n').filter(Boolean).length;
    if (fullFound !== planted.length)
      throw new Error(`hunt --full-parse found ${fullFound}, planted ${planted.length}`);

    const jq = timed('sh', ['-c', `xargs -0 zcat < "$0" | jq -c '${jqFilter()}'`, writeNulList(work, corpus.files)]);
    const jqFound = jq.stdout.trim().split('\n').filter(Boolean).length;
    if (jqFound !== planted.length)
      throw new Error(`zcat | jq found ${jqFound}, the generator planted ${planted.length}`);

    const best = (xs: number[]) => Math.min(...xs);
    const huntS = best(ours);
    const floorS = Math.min(best(nodeFloor), best(zcatFloor));
    const floorName = best(nodeFloor) <= best(zcatFloor) ? `${n} Node workers gunzipping` : `xargs -P ${n} zcat`;
    const bytes = corpus.compressedBytes;
    const logs = last.stderr.match(/([\d.]+ [MG]B) of logs/)?.[1] ?? '?';
    const what = `${corpus.files.length} files, ${(bytes / 1e6).toFixed(0)} MB gzipped (${logs} of logs, ${corpus.records.toLocaleString('en-US')} records), ${planted.length} watched calls found of ${planted.length} planted`;
    return [
      {
        figure: `hunt vs zcat \\| jq (same files: ${what}; ${n} workers; target ≥ 10× faster, so ratio ≤ 0.1)`,
        value: `${huntS.toFixed(2)} s, ${mbs(bytes, huntS)}`,
        baseline: `zcat \\| jq ${jq.seconds.toFixed(1)} s, ${mbs(bytes, jq.seconds)}`,
        ratio: huntS / jq.seconds,
        // The targets are for the full corpus: the quick one is a tenth, with few files and many planted calls.
        target: quick ? undefined : 0.1,
      },
      {
        figure: `hunt vs plain decompression to nowhere on ${n} cores (the floor: the faster of ${n} Node gunzip workers ${best(nodeFloor).toFixed(2)} s and xargs -P ${n} zcat ${best(zcatFloor).toFixed(2)} s; target 1.5×)`,
        value: `${huntS.toFixed(2)} s, ${mbs(bytes, huntS)}`,
        baseline: `${floorName} ${floorS.toFixed(2)} s, ${mbs(bytes, floorS)}`,
        ratio: huntS / floorS,
        target: quick ? undefined : 1.5,
      },
      ...(cpu.ours.length > 0
        ? [
            {
              figure: `hunt vs ${n} Node gunzip workers in CPU seconds (user + system, best of ${rounds}; less disturbed than wall time by other work on a shared machine)`,
              value: `${best(cpu.ours).toFixed(2)} CPU s`,
              baseline: `${best(cpu.floor).toFixed(2)} CPU s`,
              ratio: best(cpu.ours) / best(cpu.floor),
            },
          ]
        : []),
      {
        figure: `hunt --full-parse (every file parsed, no pre-filter) vs the same floor`,
        value: `${full.seconds.toFixed(2)} s, ${mbs(bytes, full.seconds)}`,
        baseline: `${floorName} ${floorS.toFixed(2)} s`,
        ratio: full.seconds / floorS,
      },
    ];
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The file list, NUL-separated, for xargs -0 (names never need quoting). */
function writeNulList(dir: string, files: readonly string[]): string {
  const file = path.join(dir, 'files.nul');
  if (!fs.existsSync(file)) fs.writeFileSync(file, files.join('\0'));
  return file;
}

if (require.main === module) {
  huntBench(process.argv.includes('--quick')).then(
    (rows) => {
      console.log('| figure | value | baseline (same run) | ratio | target |');
      console.log('|---|---|---|---|---|');
      for (const r of rows) {
        const verdict =
          r.target === undefined ? '' : r.ratio <= r.target ? `≤ ${r.target}× ok` : `≤ ${r.target}× MISSED`;
        console.log(`| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio.toFixed(2)}× | ${verdict} |`);
      }
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
