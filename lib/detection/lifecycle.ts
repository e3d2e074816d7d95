/**
 * Lifecycle follow-up: none of the watched calls emits a state-change event, so after a watched
 * create the detector follows the job or resource with its `Get*` call until it ends (live, failed
 * or gone), then sends an update of the same alert. Here: what is followed and where its identifier
 * is, when to look next, and what a `Get*` answer means. Pure; the function makes the calls.
 */
import { getPath } from './record';
import { isObject, stringOf } from './values';

/** What a follow-up reads with its `Get*` call. */
export type FollowedKind =
  | 'model-import-job'
  | 'model-copy-job'
  | 'model-customization-job'
  | 'custom-model'
  | 'custom-model-deployment'
  | 'marketplace-endpoint'
  | 'provisioned-throughput';

/** The `Get*` call that reads each kind (the IAM action is `bedrock:<name>`). */
export const FOLLOW_CALLS: Readonly<Record<FollowedKind, string>> = {
  'model-import-job': 'GetModelImportJob',
  'model-copy-job': 'GetModelCopyJob',
  'model-customization-job': 'GetModelCustomizationJob',
  'custom-model': 'GetCustomModel',
  'custom-model-deployment': 'GetCustomModelDeployment',
  'marketplace-endpoint': 'GetMarketplaceModelEndpoint',
  'provisioned-throughput': 'GetProvisionedModelThroughput',
};

/** Where a watched call names what it started: response fields first (ARNs), then request fields. */
interface FollowedCall {
  readonly kind: FollowedKind;
  readonly response: readonly string[];
  readonly request: readonly string[];
}

/** The watched calls that are followed, by event name. */
export const FOLLOWED_CALLS: Readonly<Record<string, FollowedCall>> = {
  CreateModelImportJob: { kind: 'model-import-job', response: ['jobArn'], request: [] },
  CreateModelCopyJob: { kind: 'model-copy-job', response: ['jobArn'], request: [] },
  CreateModelCustomizationJob: { kind: 'model-customization-job', response: ['jobArn'], request: [] },
  CreateCustomModel: { kind: 'custom-model', response: ['modelArn'], request: [] },
  CreateCustomModelDeployment: {
    kind: 'custom-model-deployment',
    response: ['customModelDeploymentArn'],
    request: [],
  },
  UpdateCustomModelDeployment: {
    kind: 'custom-model-deployment',
    response: ['customModelDeploymentArn'],
    request: ['customModelDeploymentIdentifier'],
  },
  CreateMarketplaceModelEndpoint: {
    kind: 'marketplace-endpoint',
    response: ['marketplaceModelEndpoint.endpointArn'],
    request: [],
  },
  RegisterMarketplaceModelEndpoint: {
    kind: 'marketplace-endpoint',
    response: ['marketplaceModelEndpoint.endpointArn'],
    request: ['endpointIdentifier'],
  },
  UpdateMarketplaceModelEndpoint: {
    kind: 'marketplace-endpoint',
    response: ['marketplaceModelEndpoint.endpointArn'],
    request: ['endpointArn'],
  },
  CreateProvisionedModelThroughput: {
    kind: 'provisioned-throughput',
    response: ['provisionedModelArn'],
    request: [],
  },
  UpdateProvisionedModelThroughput: {
    kind: 'provisioned-throughput',
    response: ['provisionedModelArn'],
    request: ['provisionedModelId'],
  },
};

/** What a follow-up reads: the kind and its identifier (an ARN, or a name the `Get*` call accepts). */
export interface FollowTarget {
  readonly kind: FollowedKind;
  readonly id: string;
}

/** What a watched call started, or undefined when it is not followed or names nothing to follow. */
export function followTargetOf(eventName: string, record: Record<string, unknown>): FollowTarget | undefined {
  const followed = FOLLOWED_CALLS[eventName];
  if (!followed) return undefined;
  for (const [root, paths] of [
    ['responseElements', followed.response],
    ['requestParameters', followed.request],
  ] as const) {
    for (const path of paths) {
      const value = stringOf(getPath(record[root], path));
      if (value && value.length <= 2048) return { kind: followed.kind, id: value };
    }
  }
  return undefined;
}

/** Where a followed job or resource is. */
export type LifecycleState = 'pending' | 'live' | 'failed' | 'gone';

export interface LifecycleReading {
  readonly state: LifecycleState;
  /** The raw status the `Get*` call returned. */
  readonly status: string | null;
  /** The model or resource that is live (for a job: what it made). */
  readonly resourceArn: string | null;
  /** Why it failed, as the service says. */
  readonly reason: string | null;
}

/** `Get*` statuses that mean "ended well" and "ended badly", by kind (compared case-insensitively). */
const LIVE: Readonly<Record<FollowedKind, readonly string[]>> = {
  'model-import-job': ['completed'],
  'model-copy-job': ['completed'],
  'model-customization-job': ['completed'],
  'custom-model': ['active'],
  'custom-model-deployment': ['active'],
  'marketplace-endpoint': ['inservice'],
  'provisioned-throughput': ['inservice'],
};
const FAILED: Readonly<Record<FollowedKind, readonly string[]>> = {
  'model-import-job': ['failed'],
  'model-copy-job': ['failed'],
  'model-customization-job': ['failed', 'stopped'],
  'custom-model': ['failed'],
  'custom-model-deployment': ['failed', 'updatefailed'],
  'marketplace-endpoint': ['failed', 'outofservice', 'incompatibleendpoint'],
  'provisioned-throughput': ['failed'],
};

/** Where each kind's `Get*` answer carries its status, the resource it made or is, and why it failed. */
const ANSWER_FIELDS: Readonly<
  Record<
    FollowedKind,
    { readonly root?: string; readonly status: string; readonly resource: string; readonly reason: readonly string[] }
  >
> = {
  'model-import-job': { status: 'status', resource: 'importedModelArn', reason: ['failureMessage'] },
  'model-copy-job': { status: 'status', resource: 'targetModelArn', reason: ['failureMessage'] },
  'model-customization-job': { status: 'status', resource: 'outputModelArn', reason: ['failureMessage'] },
  'custom-model': { status: 'modelStatus', resource: 'modelArn', reason: ['failureMessage'] },
  'custom-model-deployment': { status: 'status', resource: 'customModelDeploymentArn', reason: ['failureMessage'] },
  'marketplace-endpoint': {
    root: 'marketplaceModelEndpoint',
    status: 'endpointStatus',
    resource: 'endpointArn',
    reason: ['endpointStatusMessage', 'statusMessage'],
  },
  'provisioned-throughput': { status: 'status', resource: 'provisionedModelArn', reason: ['failureMessage'] },
};

/**
 * What a `Get*` answer says. A response without a status the kind knows is `pending` (followed
 * again, and reported as still running when the checks run out), never `live`.
 */
export function readLifecycle(target: FollowTarget, response: unknown): LifecycleReading {
  const fields = ANSWER_FIELDS[target.kind];
  const top = isObject(response) ? response : {};
  const body = fields.root ? (isObject(top[fields.root]) ? (top[fields.root] as Record<string, unknown>) : {}) : top;
  let status = stringOf(body[fields.status]);
  const resourceArn = stringOf(body[fields.resource]);
  let reason = fields.reason.map((f) => stringOf(body[f])).find((r) => r);
  // Custom models made before modelStatus existed carry none: an answer with the ARN is Active.
  if (target.kind === 'custom-model' && status === undefined && resourceArn) status = 'Active';
  if (target.kind === 'marketplace-endpoint' && stringOf(body.status) === 'INCOMPATIBLE_ENDPOINT')
    status = 'INCOMPATIBLE_ENDPOINT';
  // A deployment being updated stays Active: its update's own status says where the update is.
  const update =
    target.kind === 'custom-model-deployment' && isObject(body.updateDetails) ? body.updateDetails : undefined;
  const updateStatus = stringOf(update?.updateStatus);
  if (updateStatus === 'Updating') status = 'Updating';
  if (updateStatus === 'UpdateFailed') {
    status = 'UpdateFailed';
    reason = stringOf(update?.failureMessage) ?? reason;
  }
  const s = (status ?? '').toLowerCase().replace(/[^a-z]/g, '');
  const state: LifecycleState = LIVE[target.kind].includes(s)
    ? 'live'
    : FAILED[target.kind].includes(s)
      ? 'failed'
      : 'pending';
  return {
    state,
    status: status ?? null,
    resourceArn:
      resourceArn ?? (state === 'live' && target.id.startsWith('arn:') && !isJob(target.kind) ? target.id : null),
    reason: state === 'failed' ? reason || `status ${status}` : null,
  };
}

/** A job makes the model; the other kinds are the resource themselves. */
export function isJob(kind: FollowedKind): boolean {
  return kind === 'model-import-job' || kind === 'model-copy-job' || kind === 'model-customization-job';
}

/** Default: 5 and 15 minutes after the call, then every hour until 24 hours after it. */
export const DEFAULT_FOLLOW_UP_MINUTES: readonly number[] = [
  5,
  15,
  ...Array.from({ length: 24 }, (_, i) => (i + 1) * 60),
];
/** Bounds: a check at least a minute after the call, the last within a week; at most 100 checks. */
export const FOLLOW_UP_BOUNDS = { minMinutes: 1, maxMinutes: 7 * 24 * 60, maxChecks: 100 } as const;

/**
 * Seconds to wait before the next check: until the first offset (minutes after the call) that is
 * still ahead, or 0 when the call is so recent that none has passed, or null when every offset has
 * passed (no more checks).
 */
export function nextCheckSeconds(callTimeMs: number, nowMs: number, offsets: readonly number[]): number | null {
  for (const minutes of offsets) {
    const at = callTimeMs + minutes * 60_000;
    if (at > nowMs) return Math.ceil((at - nowMs) / 1000);
  }
  return null;
}

/** The problem with a follow-up schedule, or undefined. */
export function checkFollowUpMinutes(value: unknown, prop = 'followUpMinutes'): string | undefined {
  const { minMinutes, maxMinutes, maxChecks } = FOLLOW_UP_BOUNDS;
  if (!Array.isArray(value) || value.length === 0 || value.length > maxChecks) {
    return `'${prop}' must list 1 to ${maxChecks} check times, in minutes after the call, got ${JSON.stringify(value)}`;
  }
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < minMinutes || v > maxMinutes) {
      return `'${prop}' must hold whole numbers of minutes from ${minMinutes} to ${maxMinutes}, got ${JSON.stringify(v)} at index ${i}`;
    }
    if (i > 0 && v <= (value[i - 1] as number)) {
      return `'${prop}' must be in increasing order, got ${JSON.stringify(v)} after ${JSON.stringify(value[i - 1])}`;
    }
  }
  return undefined;
}
