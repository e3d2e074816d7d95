/* eslint-disable @typescript-eslint/no-explicit-any -- the definition is read as the JSON it is */
// The hunt's state machine as synthesized, run by a small interpreter of the Amazon States Language
// states it uses (Pass with Parameters, Result and ResultPath; the States.JsonMerge intrinsic; a
// Lambda Task with its Retry; Choice; Wait; Succeed with OutputPath), with the alert function's
// handler as the Task and the local Athena and AWS behind it: the definition's data flow, not only
// its shape, is what the tests check. (Step Functions itself does not run offline.)
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import * as s3 from 'aws-cdk-lib/aws-s3';

import { createHandler } from '../../lambda/alert/handler';
import { MinInterval } from '../../lambda/alert/lookup';
import { DetectorTrail, OrganizationDetector, OrganizationHunt } from '../../lib';
import { DEFAULT_ALERT_FUNCTION_CONFIG, type AlertFunctionConfig } from '../../lib/detection';
import { startLocalAthena, type LocalAthena } from '../../tools/local-aws/athena';
import { startLocalAws, type LocalAws } from '../../tools/local-aws/server';
import { testStack } from '../support/app';
import { record } from '../support/fixtures';
import { captureTelemetry } from '../support/telemetry';

import { HUNT_RESULT_COLUMNS, athenaRow as trinoRow } from './athena-row';

const ACCOUNT = '123456789012';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NOW = Date.parse('2026-11-29T12:00:00Z');

/** The synthesized definition, with the function's ARN (a token) as a placeholder. */
function definition(): any {
  const { stack } = testStack({ env: true });
  const hub = new OrganizationDetector(stack, 'Detector', {
    organizationId: 'o-a1b2c3d4e5',
    regions: ['us-east-1'],
    trail: DetectorTrail.organizationTrail('arn:aws:cloudtrail:us-east-1:111111111111:trail/org'),
  });
  const hunt = new OrganizationHunt(stack, 'Hunt', {
    detector: hub.detector,
    trailBucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', 'org-trail-logs'),
    organizationId: 'o-a1b2c3d4e5',
    accounts: [ACCOUNT],
    regions: ['us-east-1'],
  });
  const resolved = stack.resolve((hunt.stateMachine.node.defaultChild as any).definitionString);
  const text =
    typeof resolved === 'string'
      ? resolved
      : resolved['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'FUNCTION')).join('');
  return JSON.parse(text);
}

/** `$`, `$.a.b` of a document. */
function at(doc: any, path: string): any {
  if (path === '$') return doc;
  return path
    .replace(/^\$\./, '')
    .split('.')
    .reduce((d, k) => (d === undefined || d === null ? undefined : d[k]), doc);
}

function evaluate(expr: string, doc: any): any {
  const merge = /^States\.JsonMerge\((\$[^,]*), (\$[^,]*), false\)$/.exec(expr);
  if (merge) return { ...at(doc, merge[1]), ...at(doc, merge[2]) };
  if (expr.startsWith('$')) return at(doc, expr);
  throw new Error(`the interpreter does not know ${expr}`);
}

function parameters(template: any, doc: any): any {
  return Object.fromEntries(
    Object.entries(template).map(([k, v]) =>
      k.endsWith('.$') ? [k.slice(0, -2), evaluate(v as string, doc)] : [k, v],
    ),
  );
}

function setAt(doc: any, path: string, value: any): any {
  if (path === '$') return value;
  const key = path.replace(/^\$\./, '');
  if (key.includes('.')) throw new Error(`the interpreter sets top-level paths only, got ${path}`);
  return { ...doc, [key]: value };
}

/** Runs the definition with `task` as every Task's Lambda; returns the output and the states visited. */
async function execute(def: any, input: any, task: (payload: any) => Promise<any>) {
  let name: string = def.StartAt;
  let doc = input;
  const visited: string[] = [];
  for (let i = 0; i < 500; i++) {
    const state = def.States[name];
    visited.push(name);
    switch (state.Type) {
      case 'Pass': {
        const value = state.Parameters ? parameters(state.Parameters, doc) : (state.Result ?? doc);
        doc = setAt(doc, state.ResultPath ?? '$', value);
        break;
      }
      case 'Task': {
        expect(state.Resource).toBe('FUNCTION');
        let attempts = 0;
        for (;;) {
          try {
            doc = await task(doc);
            break;
          } catch (e: any) {
            const retry = (state.Retry ?? []).find((r: any) => r.ErrorEquals.includes(e.name));
            if (!retry || ++attempts >= (retry.MaxAttempts ?? 3) + 1) throw e;
          }
        }
        break;
      }
      case 'Choice': {
        const rule = state.Choices.find((c: any) => at(doc, c.Variable) === c.StringEquals);
        name = rule ? rule.Next : state.Default;
        continue;
      }
      case 'Wait':
        break;
      case 'Succeed':
        return { output: state.OutputPath ? at(doc, state.OutputPath) : doc, visited };
      default:
        throw new Error(`the interpreter does not know state type ${state.Type}`);
    }
    name = state.Next;
  }
  throw new Error('no end in 500 states');
}

let aws: LocalAws;
let athena: LocalAthena;
beforeAll(async () => {
  [aws, athena] = await Promise.all([startLocalAws(), startLocalAthena()]);
});
afterAll(async () => {
  await Promise.all([aws.close(), athena.close()]);
});
beforeEach(() => {
  aws.reset();
  aws.items.clear();
  athena.reset();
  captureTelemetry();
});
afterEach(() => jest.restoreAllMocks());

function handler() {
  const common = { region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 };
  const config: AlertFunctionConfig = { ...DEFAULT_ALERT_FUNCTION_CONFIG, provenanceCheck: false, enrichment: null };
  return createHandler({
    sns: new SNSClient({ ...common, endpoint: aws.endpoint }),
    dynamoDb: new DynamoDBClient({ ...common, endpoint: aws.endpoint }),
    athena: new AthenaClient({ ...common, endpoint: athena.endpoint }),
    topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:bedrock-supply-chain-alerts`,
    config,
    idempotencyTable: 'bedrock-supply-chain-idempotency',
    environment: { account: ACCOUNT, region: 'us-east-1', partition: 'aws' },
    lookupLimiter: new MinInterval(0),
    now: () => NOW,
  });
}

const COLUMNS = HUNT_RESULT_COLUMNS;
const athenaRow = (r: Record<string, unknown>) =>
  trinoRow(r, { account: ACCOUNT, region: 'us-east-1', day: '2026/11/01' });

const DEF = definition();

test('an execution with {} hunts the last 90 days in the workgroup, pages, and ends with the tally', async () => {
  const rows = Array.from({ length: 5 }, (_, i) =>
    athenaRow({ ...record('pos-import-01.json'), eventID: `6d5f0a3e-0000-4000-8000-${String(i).padStart(12, '0')}` }),
  );
  athena.scripts.push({ states: ['RUNNING', 'SUCCEEDED'], columns: COLUMNS, rows, pageSize: 2 });
  const h = handler();
  const { output, visited } = await execute(DEF, {}, (p) => h(p));
  expect(output).toMatchObject({ rows: 5, alerted: 5, problems: 0, pages: 3 });
  expect(visited.slice(0, 4)).toEqual(['Input', 'Settings', 'Request', 'HuntStep']);
  expect(visited).toContain('WaitForQuery');
  const [start] = athena.requests.filter((r) => r.operation === 'StartQueryExecution');
  expect(start.params.WorkGroup).toBe('bedrock-supply-chain-hunt');
  expect(start.params.QueryString).toContain(`"day" BETWEEN '2026/08/31' AND '2026/11/29'`);
  expect(start.params.QueryString).toContain('FROM "bedrock_supply_chain_hunt"."organization_trail"');
  expect(start.params.QueryString).toContain('UNION ALL');
  expect(aws.requests.filter((r) => r.operation === 'Publish')).toHaveLength(5);
});

test("an execution's input chooses the range, never the workgroup or the tables", async () => {
  athena.defaultScript = { columns: COLUMNS, rows: [] };
  const h = handler();
  const input = { fromDay: '2026/01/01', toDay: '2026/01/02', workGroup: 'primary', tables: ['other.table'] };
  await execute(DEF, input, (p) => h(p));
  const [start] = athena.requests.filter((r) => r.operation === 'StartQueryExecution');
  expect(start.params.WorkGroup).toBe('bedrock-supply-chain-hunt');
  expect(start.params.QueryString).toContain(`"day" BETWEEN '2026/01/01' AND '2026/01/02'`);
  expect(start.params.QueryString).not.toContain('"other"');
});

test('throttling is retried by the state machine; a failed query fails the execution by name', async () => {
  athena.defaultScript = { columns: COLUMNS, rows: [] };
  athena.throttleNext(2, 'StartQueryExecution');
  const h = handler();
  await expect(execute(DEF, {}, (p) => h(p))).resolves.toMatchObject({ output: { rows: 0 } });
  expect(athena.requests.filter((r) => r.operation === 'StartQueryExecution')).toHaveLength(3);

  athena.scripts.push({ states: ['FAILED'], reason: 'Bytes scanned limit was exceeded' });
  await expect(execute(DEF, {}, (p) => h(p))).rejects.toMatchObject({
    name: 'HuntQueryFailedError',
    message: expect.stringContaining('Bytes scanned limit was exceeded'),
  });
});
