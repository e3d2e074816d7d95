/**
 * The AWS regions the landing-zone constructs accept, by partition, and the checks on region
 * props. Pure data: a test compares the list with aws-cdk-lib's region-info, so a CDK upgrade that
 * knows a new region says so.
 */
import { show } from './values';

/** Partitions the landing-zone constructs support. */
export type SupportedPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

export const REGIONS_BY_PARTITION: Readonly<Record<SupportedPartition, readonly string[]>> = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'me-west-1',
    'mx-central-1',
    'sa-east-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

const PARTITION_OF = new Map<string, SupportedPartition>(
  Object.entries(REGIONS_BY_PARTITION).flatMap(([partition, regions]) =>
    regions.map((r) => [r, partition as SupportedPartition] as const),
  ),
);

/**
 * The one region where EventBridge receives the events of the global services (IAM, Organizations,
 * account management): rules and forwarders for them are deployed only there.
 */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

/** The default home region: IAM and Organizations events reach EventBridge only there. */
export const DEFAULT_HOME_REGION = GLOBAL_EVENTS_REGION;

/**
 * Whether a stack in `region` receives the global services' events: true in us-east-1, false in any
 * other known region, and true when the region is unknown at synth (an environment-agnostic stack
 * gets the rule everywhere, where it simply never matches outside us-east-1).
 */
export function receivesGlobalEvents(region: string, isUnresolved: (v: unknown) => boolean): boolean {
  return isUnresolved(region) || region === GLOBAL_EVENTS_REGION;
}

/** The partition of a known region, or undefined. */
export function partitionOf(region: string): SupportedPartition | undefined {
  return PARTITION_OF.get(region);
}

/** A known commercial, GovCloud or China region name. */
export function checkRegion(value: unknown, prop: string): string | undefined {
  if (typeof value === 'string' && PARTITION_OF.has(value)) return undefined;
  const hint =
    typeof value === 'string' && PARTITION_OF.has(value.trim().toLowerCase())
      ? ` (did you mean '${value.trim().toLowerCase()}'?)`
      : '';
  return `'${prop}' must be an AWS region name of the aws, aws-cn or aws-us-gov partition like 'us-east-1' or 'eu-west-1', got ${show(value)}${hint}`;
}

/**
 * A list of watched regions: at least one, each known, no repeats, all in one partition (events
 * cannot be forwarded across partitions). `isUnresolved` values are not judged.
 */
export function checkRegionList(
  values: readonly string[],
  prop: string,
  isUnresolved: (v: unknown) => boolean,
): string[] {
  if (isUnresolved(values)) return [];
  if (!Array.isArray(values) || values.length === 0) {
    return [`'${prop}' must list at least one region, got ${show(values)}`];
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const region of values) {
    if (isUnresolved(region)) continue;
    const problem = checkRegion(region, prop);
    if (problem) {
      problems.push(problem);
      continue;
    }
    if (seen.has(region)) problems.push(`'${prop}' must not repeat a region, got ${show(region)} twice`);
    seen.add(region);
  }
  const partitions = [...new Set([...seen].map((r) => partitionOf(r)))];
  if (partitions.length > 1) {
    problems.push(
      `'${prop}' must all be in one partition (events cannot be forwarded between partitions), got ${show(values)} in ${partitions.join(', ')}`,
    );
  }
  return problems;
}

/** The home region is a known region and one of the watched regions. */
export function checkHomeRegion(
  homeRegion: string,
  regions: readonly string[],
  regionsProp: string,
  isUnresolved: (v: unknown) => boolean,
): string | undefined {
  if (isUnresolved(homeRegion)) return undefined;
  const problem = checkRegion(homeRegion, 'homeRegion');
  if (problem) return problem;
  if (isUnresolved(regions) || regions.some((r) => isUnresolved(r))) return undefined;
  if (!regions.includes(homeRegion)) {
    return `'homeRegion' must be one of the watched '${regionsProp}' ${show(regions)}, got ${show(homeRegion)}: the alert function runs there, and events of the home region must be watched too`;
  }
  return undefined;
}
