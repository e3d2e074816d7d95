/**
 * The catalogue of Bedrock API calls that bring a model artifact into an account from outside the
 * organisation's approved pipeline (MITRE ATT&CK TA0003 / T1525).
 *
 * Pure data: no aws-cdk-lib, constructs or AWS SDK imports. The EventBridge rule, the alerting
 * Lambda, the guardrails and the tests all derive from this file.
 */

import { show } from './values';

/** The CloudTrail `eventSource` of every watched call. */
export const BEDROCK_EVENT_SOURCE = 'bedrock.amazonaws.com';

/** The EventBridge `source` of CloudTrail events whose `eventSource` is {@link BEDROCK_EVENT_SOURCE}. */
export const BEDROCK_EVENTBRIDGE_SOURCE = 'aws.bedrock';

/** The EventBridge `detail-type` of CloudTrail API-call events. */
export const CLOUDTRAIL_API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** What a request field that names the model's origin holds. */
export type ModelSourceKind =
  | 's3Uri'
  | 'roleArn'
  | 'modelSourceIdentifier'
  | 'sageMakerEndpointArn'
  | 'modelArn'
  | 'executionRoleArn'
  | 'modelPackageArn'
  /** The whole request, for caller-added calls whose source fields the catalogue does not know. */
  | 'requestParameters';

/** Human labels for each {@link ModelSourceKind}, used in the alert. */
export const MODEL_SOURCE_LABELS: Readonly<Record<ModelSourceKind, string>> = {
  s3Uri: 'S3 URI',
  roleArn: 'Service role',
  modelSourceIdentifier: 'Marketplace model',
  sageMakerEndpointArn: 'SageMaker endpoint',
  modelArn: 'Source model ARN',
  executionRoleArn: 'Execution role',
  modelPackageArn: 'Model package ARN',
  requestParameters: 'Request parameters',
};

/** A request field that names where the model comes from. */
export interface ModelSourceField {
  /** Dotted path inside CloudTrail `requestParameters`. */
  readonly path: string;
  readonly kind: ModelSourceKind;
}

/** Which set of calls a watched call belongs to. */
export type WatchedCallProfile = 'default' | 'extended' | 'custom';

/** One watched Bedrock API call. */
export interface WatchedCall {
  /** CloudTrail `eventName` (exact, case-sensitive). */
  readonly eventName: string;
  readonly profile: WatchedCallProfile;
  /** One line for the alert: what the call did. */
  readonly summary: string;
  /** Request fields that name the model source. */
  readonly modelSourceFields: readonly ModelSourceField[];
  /** Dotted paths inside CloudTrail `responseElements` that name the new resource. */
  readonly newResourceFields: readonly string[];
}

/** The four calls of the reference rule (Elastic "AWS Bedrock Untrusted Model Imported or Marketplace Endpoint Registered"). */
export const DEFAULT_WATCHED_CALLS: readonly WatchedCall[] = [
  {
    eventName: 'CreateModelImportJob',
    profile: 'default',
    summary: 'A custom model import job was started: Bedrock will copy model weights from S3 into the account.',
    modelSourceFields: [
      { path: 'modelDataSource.s3DataSource.s3Uri', kind: 's3Uri' },
      { path: 'roleArn', kind: 'roleArn' },
    ],
    newResourceFields: ['jobArn'],
  },
  {
    eventName: 'CreateCustomModelDeployment',
    profile: 'default',
    summary: 'A custom model was deployed for on-demand inference: applications can now invoke it.',
    modelSourceFields: [{ path: 'modelArn', kind: 'modelArn' }],
    newResourceFields: ['customModelDeploymentArn'],
  },
  {
    eventName: 'CreateMarketplaceModelEndpoint',
    profile: 'default',
    summary: 'A Bedrock Marketplace model endpoint was created on SageMaker infrastructure.',
    modelSourceFields: [
      { path: 'modelSourceIdentifier', kind: 'modelSourceIdentifier' },
      { path: 'endpointConfig.sageMaker.executionRole', kind: 'executionRoleArn' },
    ],
    newResourceFields: ['marketplaceModelEndpoint.endpointArn'],
  },
  {
    eventName: 'RegisterMarketplaceModelEndpoint',
    profile: 'default',
    summary:
      'An existing SageMaker endpoint was registered with Bedrock: a self-built endpoint is now a Bedrock model.',
    modelSourceFields: [
      { path: 'endpointIdentifier', kind: 'sageMakerEndpointArn' },
      { path: 'modelSourceIdentifier', kind: 'modelSourceIdentifier' },
    ],
    newResourceFields: ['marketplaceModelEndpoint.endpointArn'],
  },
];

/** Further paths that bring an outside model in; opt in with the `extended` profile. */
export const EXTENDED_WATCHED_CALLS: readonly WatchedCall[] = [
  {
    eventName: 'CreateCustomModel',
    profile: 'extended',
    summary: 'A custom model was created from S3 artifacts or a SageMaker model package.',
    modelSourceFields: [
      { path: 'modelSourceConfig.s3DataSource.s3Uri', kind: 's3Uri' },
      { path: 'customModelDataSource.modelPackageArnDataSource.modelPackageArn', kind: 'modelPackageArn' },
      { path: 'roleArn', kind: 'roleArn' },
    ],
    newResourceFields: ['modelArn'],
  },
  {
    eventName: 'CreateModelCopyJob',
    profile: 'extended',
    summary: 'A custom model was copied into this account or region from another one.',
    modelSourceFields: [{ path: 'sourceModelArn', kind: 'modelArn' }],
    newResourceFields: ['jobArn'],
  },
  {
    eventName: 'UpdateMarketplaceModelEndpoint',
    profile: 'extended',
    summary: 'A Bedrock Marketplace model endpoint was changed (for example its execution role).',
    modelSourceFields: [
      { path: 'endpointArn', kind: 'sageMakerEndpointArn' },
      { path: 'endpointConfig.sageMaker.executionRole', kind: 'executionRoleArn' },
    ],
    newResourceFields: ['marketplaceModelEndpoint.endpointArn'],
  },
];

/** Which catalogue of calls a detector watches. */
export enum DetectionProfile {
  /** The four calls of the reference rule. */
  DEFAULT = 'default',
  /** The default calls, and the calls in `EXTENDED_WATCHED_CALLS`. */
  EXTENDED = 'extended',
}

/** A profile's name, as the function's configuration carries it. */
export type DetectionProfileName = `${DetectionProfile}`;

/** The allowed values of {@link DetectionProfile}. */
export const DETECTION_PROFILES: readonly DetectionProfileName[] = Object.values(DetectionProfile);

/** Options that select the watched calls. */
export interface WatchedCallOptions {
  /**
   * `default`: the four calls of the reference rule. `extended`: those plus
   * {@link EXTENDED_WATCHED_CALLS}.
   * @default 'default'
   */
  readonly profile?: DetectionProfileName;
  /**
   * Further `bedrock.amazonaws.com` event names to watch, exact and case-sensitive.
   * @default - none
   */
  readonly additionalEventNames?: readonly string[];
}

/** A Bedrock API operation name: PascalCase letters and digits. */
const EVENT_NAME = /^[A-Z][A-Za-z0-9]{2,127}$/;

/** Thrown for an invalid detection option; the message names the option, the value and what is allowed. */
export class DetectionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DetectionConfigError';
  }
}

/** Checks one event name; returns an error message or undefined. */
export function checkEventName(name: unknown, prop = 'additionalEventNames'): string | undefined {
  if (typeof name !== 'string' || !EVENT_NAME.test(name)) {
    return `'${prop}' entries must be Bedrock API operation names (PascalCase letters and digits, 3-128 characters, for example 'CreateModelCustomizationJob'), got ${show(name)}`;
  }
  return undefined;
}

/**
 * The calls a detector watches for the given options, in catalogue order, without duplicates.
 * @throws DetectionConfigError for an unknown profile or a malformed event name
 */
export function resolveWatchedCalls(options: WatchedCallOptions = {}): WatchedCall[] {
  const profile = options.profile ?? 'default';
  if (!DETECTION_PROFILES.includes(profile)) {
    throw new DetectionConfigError(
      `'profile' must be one of ${DETECTION_PROFILES.map((p) => `'${p}'`).join(', ')}, got ${show(profile)}`,
    );
  }
  const calls: WatchedCall[] = [...DEFAULT_WATCHED_CALLS];
  if (profile === 'extended') calls.push(...EXTENDED_WATCHED_CALLS);
  const known = new Set(calls.map((c) => c.eventName));
  for (const name of options.additionalEventNames ?? []) {
    const problem = checkEventName(name);
    if (problem) throw new DetectionConfigError(problem);
    if (known.has(name)) continue;
    known.add(name);
    const catalogued = EXTENDED_WATCHED_CALLS.find((c) => c.eventName === name);
    if (catalogued) {
      calls.push(catalogued);
      continue;
    }
    calls.push({
      eventName: name,
      profile: 'custom',
      summary: `A watched Bedrock call (${name}) succeeded.`,
      modelSourceFields: [],
      newResourceFields: [],
    });
  }
  return calls;
}
