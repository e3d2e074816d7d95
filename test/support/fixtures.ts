import * as fs from 'node:fs';
import * as path from 'node:path';

export const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'cloudtrail');

export interface FixtureEntry {
  readonly file: string;
  readonly default: boolean;
  readonly extended: boolean;
  /** With the extended profile and every source profile (absent: as `extended`). */
  readonly all?: boolean;
  /** After the rule matched, what the function's relevance check decides (AgentCore). */
  readonly relevant?: boolean;
  readonly reason: string;
}

export const MANIFEST: readonly FixtureEntry[] = JSON.parse(
  fs.readFileSync(path.join(FIXTURE_DIR, 'manifest.json'), 'utf8'),
).files;

/** One CloudTrail record, parsed fresh each time (tests may change it). */
export function record(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8'));
}

export const TAMPER_FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'tamper');

/** The tamper fixtures' files (test/fixtures/tamper/manifest.json says what each is). */
export const TAMPER_FILES: readonly string[] = JSON.parse(
  fs.readFileSync(path.join(TAMPER_FIXTURE_DIR, 'manifest.json'), 'utf8'),
).files.map((f: { file: string }) => f.file);

/** One tamper fixture's CloudTrail record, parsed fresh each time. */
export function tamperRecord(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(TAMPER_FIXTURE_DIR, file), 'utf8'));
}

/**
 * The EventBridge event that carries `detail` the way CloudTrail delivers it: `source` is `aws.`
 * plus the service part of `eventSource` (CloudWatch's `monitoring.amazonaws.com` is `aws.cloudwatch`),
 * `detail-type` says API call or Insight.
 */
/** Where EventBridge's `source` differs from the service part of the CloudTrail event source. */
const SOURCE_NAMES: Readonly<Record<string, string>> = { monitoring: 'cloudwatch' };

export function envelope(detail: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const d = (detail ?? {}) as Record<string, unknown>;
  const eventSource = typeof d.eventSource === 'string' ? d.eventSource : 'bedrock.amazonaws.com';
  const isInsight = d.eventCategory === 'Insight';
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': isInsight ? 'AWS Insight via CloudTrail' : 'AWS API Call via CloudTrail',
    source: `aws.${SOURCE_NAMES[eventSource.split('.')[0]] ?? eventSource.split('.')[0]}`,
    account: typeof d.recipientAccountId === 'string' ? d.recipientAccountId : '111122223333',
    time: typeof d.eventTime === 'string' ? d.eventTime : '2026-03-11T09:14:27Z',
    region: typeof d.awsRegion === 'string' ? d.awsRegion : 'us-east-1',
    resources: [],
    detail,
    ...overrides,
  };
}
