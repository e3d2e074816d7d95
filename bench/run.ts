/**
 * `npm run bench`: every figure is a ratio against a baseline measured in the same run.
 *
 * 1. Handler work per event (classify, verdict, checks and enrichment when on, build and render
 *    the alert, Powertools logs and metrics, the Publish request; every AWS round trip excluded)
 *    against `JSON.parse` of the same EventBridge event, with enrichment off and on.
 * 2. Bundle size of the alerting Lambda (minified, SDK external, Powertools bundled) against a 256 KB budget.
 * 3. Module init: loading the bundle in a fresh Node process against loading the SNS client alone
 *    (target 1.5×), and a cold alert end to end against requiring the SNS client and publishing once.
 * 4. `cdk synth` of the example app against an empty-stack app.
 * 5. The `hunt` command over 200 MB of gzipped CloudTrail logs against `zcat | jq` and plain
 *    decompression of the same files (bench/hunt.ts; `--no-hunt` skips it).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { buildSync } from 'esbuild';

import { DEFAULT_ALERT_FUNCTION_CONFIG } from '../lib/detection';
import { ALERT_FUNCTION_SOURCE, alertFunctionBuildOptions } from '../lib/detector/function-code';
import { faultRun } from '../tools/local-aws/fault-run';
import { startLocalAws } from '../tools/local-aws/server';

import { huntBench } from './hunt';

const ROOT = path.join(__dirname, '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cloudtrail');
const quick = process.argv.includes('--quick');

interface Row {
  readonly figure: string;
  readonly value: string;
  readonly baseline: string;
  readonly ratio: number;
  readonly target?: number;
}
const rows: Row[] = [];

function envelopeString(detail: unknown): string {
  return JSON.stringify({
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${String((detail as { eventSource?: string }).eventSource ?? 'bedrock.amazonaws.com').split('.')[0]}`,
    account: '111122223333',
    time: '2026-03-11T09:14:27Z',
    region: 'us-east-1',
    resources: [],
    detail,
  });
}

/** Median nanoseconds per call of `fn` over several timed batches. */
async function nsPerOp(fn: () => unknown, batch: number, batches: number): Promise<number> {
  for (let i = 0; i < batch; i++) await fn();
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) await fn();
    samples.push(Number(process.hrtime.bigint() - start) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;

async function handlerWork(): Promise<void> {
  // The handler module as the Lambda runs it: bundled and minified with the production settings.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-handler-'));
  const outfile = path.join(dir, 'handler.js');
  buildSync({
    ...alertFunctionBuildOptions(path.join(ROOT, 'lambda', 'alert', 'handler.ts'), outfile),
    logLevel: 'silent',
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHandler } = require(outfile) as typeof import('../lambda/alert/handler');
  // The clients are replaced by ones that answer at once: this measures our work, not the network.
  // Powertools writes its JSON logs and metrics to stdout as in Lambda; here they go nowhere.
  const answer = (out: unknown) => ({ send: async () => out }) as never;
  const imported = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pos-import-01.json'), 'utf8'));
  // Enrichment reads a page of the principal's history: 50 events of realistic size.
  const page = {
    Events: Array.from({ length: 50 }, (_, i) => ({
      EventId: `prior-${i}`,
      EventName: i % 3 ? 'ListFoundationModels' : 'InvokeModel',
      CloudTrailEvent: JSON.stringify({ ...imported, eventID: `prior-${i}`, eventName: 'ListFoundationModels' }),
    })),
  };
  const common = {
    sns: answer({ MessageId: 'bench' }),
    topicArn: 'arn:aws:sns:us-east-1:111122223333:alerts',
    environment: { account: '111122223333', region: 'us-east-1', partition: 'aws' },
  };
  const handlers = {
    'enrichment off': createHandler({
      ...common,
      config: { ...DEFAULT_ALERT_FUNCTION_CONFIG, provenanceCheck: false, enrichment: null },
    }),
    'enrichment on': createHandler({
      ...common,
      config: DEFAULT_ALERT_FUNCTION_CONFIG,
      s3: answer({ LocationConstraint: 'us-east-1' }),
      cloudTrail: answer(page),
      // No idempotency table: Powertools would replace a stand-in DynamoDB client with a real one.
      // The DynamoDB round trips (idempotency, first seen) are network time, not work.
      // LookupEvents' 2-per-second spacing is a wait, not work: it caps enriched alerts at 2 per
      // second per account and region, and is left out of this figure.
      lookupLimiter: { wait: async () => undefined } as never,
    }),
  };

  const positives = ['pos-import-01.json', 'pos-deploy-01.json', 'pos-mkt-create-01.json', 'pos-mkt-register-01.json'];
  const read = (f: string) => envelopeString(JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')));
  const cases: [keyof typeof handlers, string, string][] = [
    ...positives.map((f): [keyof typeof handlers, string, string] => ['enrichment off', f, read(f)]),
    ['enrichment off', 'neg-invokemodel-01.json', read('neg-invokemodel-01.json')],
  ];
  // A record near CloudTrail's 100 KB field cap: the work must not grow with the record.
  const big = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pos-deploy-01.json'), 'utf8'));
  big.requestParameters.description = 'x'.repeat(100_000);
  big.requestParameters.tags = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(200) }));
  cases.push(['enrichment off', 'pos-deploy + 140 KB request', envelopeString(big)]);
  // A tamper alert goes through the generic pattern matcher and the generic JSON writer.
  const tamper = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'tamper', 'lambda-delete-function.json'), 'utf8');
  cases.push(['enrichment off', 'tamper: lambda DeleteFunction', envelopeString(JSON.parse(tamper))]);
  for (const f of positives) cases.push(['enrichment on', f, read(f)]);

  const write = process.stdout.write;
  const quiet = () => (process.stdout.write = (() => true) as typeof process.stdout.write);
  const loud = () => (process.stdout.write = write);
  const batch = quick ? 200 : 1000;
  const batches = quick ? 5 : 11;
  quiet();
  try {
    // Warm every path up first, so the first case measured is not the one that pays for the JIT.
    for (let i = 0; i < batch; i++) for (const [mode, , raw] of cases) await handlers[mode](JSON.parse(raw));
    for (const [mode, name, raw] of cases) {
      const event = JSON.parse(raw);
      const handler = handlers[mode];
      // Say what the handler did with the case, so a figure is never for the wrong path.
      const outcome = (await handler(event)).status;
      // Baseline and work alternate batch by batch, and the ratio is the median of the per-pair
      // ratios, so drift in machine speed during the run cancels out.
      const parse: number[] = [];
      const work: number[] = [];
      const ratios: number[] = [];
      for (let b = 0; b < batches; b++) {
        const p = await nsPerOp(() => JSON.parse(raw), batch, 1);
        const w = await nsPerOp(() => handler(event), batch, 1);
        parse.push(p);
        work.push(w);
        ratios.push(w / p);
      }
      rows.push({
        figure: `handler work, ${mode}: ${name} (${(raw.length / 1024).toFixed(1)} KB, ${outcome})`,
        value: us(median(work)),
        baseline: `JSON.parse ${us(median(parse))}`,
        ratio: median(ratios),
      });
    }
  } finally {
    loud();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

function bundle(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
  const outfile = path.join(dir, 'index.js');
  buildSync({ ...alertFunctionBuildOptions(ALERT_FUNCTION_SOURCE, outfile), logLevel: 'silent' });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const size = fs.statSync(outfile).size;
  rows.push({
    figure: 'bundle size (whitespace and syntax minified, SDK external)',
    value: `${(size / 1024).toFixed(1)} KB`,
    baseline: 'budget 256 KB',
    ratio: size / (256 * 1024),
    target: 1,
  });
  return outfile;
}

function initTime(bundlePath: string): void {
  const probe = (mod: string) => {
    const script = `const t=process.hrtime.bigint();require(${JSON.stringify(mod)});process.stdout.write(String(process.hrtime.bigint()-t))`;
    const out = execFileSync(process.execPath, ['-e', script], {
      cwd: path.dirname(bundlePath),
      env: { ...process.env, ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:alerts', AWS_REGION: 'us-east-1' },
    });
    return Number(out.toString());
  };
  const runs = quick ? 3 : 9;
  const sdk: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < runs; i++) {
    sdk.push(probe('@aws-sdk/client-sns'));
    ours.push(probe(bundlePath));
  }
  rows.push({
    figure: 'module init (fresh process, require the bundle; target 1.5×)',
    value: `${(median(ours) / 1e6).toFixed(1)} ms`,
    baseline: `require SNS client alone ${(median(sdk) / 1e6).toFixed(1)} ms`,
    ratio: median(ours) / median(sdk),
    target: 1.5,
  });
}

/**
 * A cold alert, end to end in a fresh process: require the bundle (module init) and handle one
 * watched call with the default configuration (provenance check, enrichment, first seen, idempotency:
 * every client the alert needs is loaded on the way), against a local endpoint. Baseline: a fresh
 * process that requires the SNS client and publishes once to the same endpoint. This is the figure a
 * rare alert actually pays; `module init` above is the part before the first event.
 */
async function coldAlert(bundlePath: string): Promise<void> {
  const aws = await startLocalAws();
  try {
    const record = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pos-import-01.json'), 'utf8'));
    const env = {
      ...process.env,
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:alerts',
      IDEMPOTENCY_TABLE: 'bedrock-supply-chain-idempotency',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    };
    // Asynchronous: the local endpoint answers from this process's event loop.
    const run = async (script: string) =>
      (await promisify(execFile)(process.execPath, ['-e', script], { cwd: path.dirname(bundlePath), env })).stdout;
    const runs = quick ? 3 : 9;
    const ours: number[] = [];
    const sdk: number[] = [];
    for (let i = 0; i < runs; i++) {
      // A new event id each time, so idempotency never short-cuts the delivery.
      const event = JSON.parse(envelopeString({ ...record, eventID: `cold-alert-${i}-${Date.now()}` }));
      const out = await run(
        `const t=process.hrtime.bigint();require(${JSON.stringify(bundlePath)}).handler(${JSON.stringify(event)})` +
          `.then((r)=>process.stdout.write('\\ncold-alert '+String(process.hrtime.bigint()-t)+' '+r.status+'\\n'))`,
      );
      // The function's own log lines go to stdout too; the figure is on its marked line.
      const [, ns, status] = /^cold-alert (\d+) (\w+)$/m.exec(out) ?? [];
      if (status !== 'alerted') throw new Error(`the cold alert was ${status}`);
      ours.push(Number(ns));
      sdk.push(
        Number(
          await run(
            `const t=process.hrtime.bigint();const {SNSClient,PublishCommand}=require('@aws-sdk/client-sns');` +
              `new SNSClient({}).send(new PublishCommand({TopicArn:process.env.ALERT_TOPIC_ARN,Message:'x'}))` +
              `.then(()=>process.stdout.write(String(process.hrtime.bigint()-t)))`,
          ),
        ),
      );
    }
    rows.push({
      figure:
        'cold alert (fresh process: require the bundle, handle one watched call, default features, local endpoint)',
      value: `${(median(ours) / 1e6).toFixed(1)} ms`,
      baseline: `require SNS client and publish once ${(median(sdk) / 1e6).toFixed(1)} ms`,
      ratio: median(ours) / median(sdk),
    });
  } finally {
    await aws.close();
  }
}

function synthTime(): void {
  const cdk = path.join(ROOT, 'node_modules', '.bin', 'cdk');
  const synth = (app: string) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
    const start = process.hrtime.bigint();
    const r = spawnSync(cdk, ['synth', '--quiet', '--no-notices', '--app', app, '--output', out], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const ns = Number(process.hrtime.bigint() - start);
    fs.rmSync(out, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`cdk synth --app '${app}' failed: ${r.stderr}`);
    return ns;
  };
  // Rounds alternate the three apps, and each ratio is the median of the per-round ratios, so a
  // machine that slows down during the run does not skew it.
  const runs = quick ? 1 : 5;
  const skeleton: number[] = [];
  const bare: number[] = [];
  const example: number[] = [];
  for (let i = 0; i < runs; i++) {
    skeleton.push(synth('npx tsx bench/empty-app.ts'));
    bare.push(synth('npx tsx bench/empty-app.ts bare'));
    example.push(synth('npx tsx bin/app.ts'));
  }
  for (const topology of ['organization', 'landing-zone']) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(synth(`npx tsx bin/${topology}.ts`));
    rows.push({
      figure: `cdk synth: bin/${topology}.ts vs an empty stack without cdk-nag`,
      value: `${(median(times) / 1e9).toFixed(2)} s`,
      baseline: `empty stack, no cdk-nag ${(median(bare) / 1e9).toFixed(2)} s`,
      ratio: median(times) / median(bare),
    });
  }
  const perRound = (base: number[]) => median(example.map((e, i) => e / base[i]));
  rows.push({
    figure: 'cdk synth: example app vs the same app skeleton (cdk-nag on) with an empty stack',
    value: `${(median(example) / 1e9).toFixed(2)} s`,
    baseline: `empty stack, same skeleton ${(median(skeleton) / 1e9).toFixed(2)} s`,
    ratio: perRound(skeleton),
    target: 1.3,
  });
  rows.push({
    figure: 'cdk synth: example app vs an empty stack without cdk-nag',
    value: `${(median(example) / 1e9).toFixed(2)} s`,
    baseline: `empty stack, no cdk-nag ${(median(bare) / 1e9).toFixed(2)} s`,
    ratio: perRound(bare),
  });
}

/**
 * Alerts per second through the real handler and SDK clients to a local endpoint, every output and
 * idempotency on, against the same SDK client publishing bare SNS messages to the same endpoint.
 * Then the fault run: 10,000 events with 30% of requests to every destination failing.
 */
async function throughput(): Promise<void> {
  const aws = await startLocalAws({ slowMs: 20 });
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const events = quick ? 300 : 2000;
    const sns = new SNSClient({
      region: 'us-east-1',
      endpoint: aws.endpoint,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const publish = async () => {
      const start = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next++ < events) {
            await sns.send(
              new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:t', Message: 'x'.repeat(4096) }),
            );
          }
        }),
      );
      return events / ((Date.now() - start) / 1000);
    };
    await publish(); // warm up
    const bare = await publish();
    const clean = await faultRun(aws, { events, share: 0 });
    const alertsPerSecond = events / (clean.elapsedMs / 1000);
    rows.push({
      figure: `alerts per second through the handler, 4 outputs + idempotency, local endpoint (${events} events)`,
      value: `${alertsPerSecond.toFixed(0)} /s`,
      baseline: `bare SNS publishes ${bare.toFixed(0)} /s`,
      ratio: alertsPerSecond / bare,
    });
    const n = quick ? 1000 : 10_000;
    const faulty = await faultRun(aws, { events: n, share: 0.3 });
    rows.push({
      figure: `fault run: ${n} events, 30% of requests to each destination fail (5xx, throttling, slow, reset): ${faulty.delivered} delivered, ${faulty.deadLettered.length} dead-lettered with the reason, ${faulty.lost.length} lost, ${faulty.duplicates} duplicates; ${faulty.injected} faults injected in ${faulty.requests} requests`,
      value: `${(faulty.elapsedMs / 1000).toFixed(1)} s`,
      baseline: `same events, no faults ${(n / alertsPerSecond).toFixed(1)} s (from the rate above)`,
      ratio: faulty.elapsedMs / 1000 / (n / alertsPerSecond),
    });
    if (faulty.lost.length > 0 || faulty.duplicates > 0)
      throw new Error(`fault run lost ${faulty.lost.length}, duplicated ${faulty.duplicates}`);
  } finally {
    process.stdout.write = write;
    await aws.close();
  }
}

/** `npm test` wall time against the 60-second budget (issue 6). */
function testSuiteTime(): void {
  const start = process.hrtime.bigint();
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'jest'), ['--ci', '--silent'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`npm test failed during the benchmark: ${r.stderr.slice(-2000)}`);
  const tests = /Tests:\s+(\d+) passed/.exec(r.stderr)?.[1] ?? '?';
  rows.push({
    figure: `npm test (${tests} tests)`,
    value: `${s.toFixed(1)} s`,
    baseline: 'budget 60 s',
    ratio: s / 60,
    target: 1,
  });
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-handler')) await handlerWork();
  if (!process.argv.includes('--no-throughput')) await throughput();
  const bundlePath = bundle();
  initTime(bundlePath);
  if (!process.argv.includes('--no-cold')) await coldAlert(bundlePath);
  if (!process.argv.includes('--no-synth')) synthTime();
  if (!process.argv.includes('--no-tests')) testSuiteTime();
  if (!process.argv.includes('--no-hunt')) rows.push(...(await huntBench(quick)));
  fs.rmSync(path.dirname(bundlePath), { recursive: true, force: true });

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nbench: Node ${process.version}, ${os.cpus().length} × ${cpu}, ${os.platform()} ${os.arch()}${quick ? ' (quick)' : ''}\n`,
  );
  console.log('| figure | value | baseline (same run) | ratio | target |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const verdict = r.target === undefined ? '' : r.ratio <= r.target ? `≤ ${r.target}× ok` : `≤ ${r.target}× MISSED`;
    console.log(`| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio.toFixed(2)}× | ${verdict} |`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
