/**
 * The shape of the catalogue of API calls that bring a model artifact into an account from outside
 * the organisation's approved pipeline (MITRE ATT&CK TA0003 / T1525): what each watched call carries.
 * The calls themselves are in `calls.ts`; `select.ts` picks them for a detector's options.
 *
 * Pure: no aws-cdk-lib, constructs or AWS SDK imports. The EventBridge rules, the alerting Lambda,
 * the guardrails and the tests all derive from these files.
 */

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
  /** A model copied in: its ARN says the account and region it came from. */
  | 'copiedModelArn'
  /** A model id or ARN: a custom model's ARN, or an AWS foundation model. */
  | 'modelId'
  | 'executionRoleArn'
  | 'modelPackageArn'
  /** An endpoint outside Bedrock that an agent was wired to (found by the function in the request). */
  | 'outsideEndpoint'
  /** The whole request, for calls whose source fields the catalogue does not know. */
  | 'requestParameters';

/** Human labels for each {@link ModelSourceKind}, used in the alert. */
export const MODEL_SOURCE_LABELS: Readonly<Record<ModelSourceKind, string>> = {
  s3Uri: 'S3 URI',
  roleArn: 'Service role',
  modelSourceIdentifier: 'Marketplace model',
  sageMakerEndpointArn: 'SageMaker endpoint',
  modelArn: 'Source model ARN',
  copiedModelArn: 'Copied from',
  modelId: 'Model',
  executionRoleArn: 'Execution role',
  modelPackageArn: 'Model package ARN',
  outsideEndpoint: 'Outside model endpoint',
  requestParameters: 'Request parameters',
};

/** A request field that names where the model comes from. */
export interface ModelSourceField {
  /** Dotted path inside CloudTrail `requestParameters`. */
  readonly path: string;
  readonly kind: ModelSourceKind;
  /**
   * `always`: a record without it (missing, null or empty) is never approved. `one-of`: at least
   * one of the call's `one-of` fields must be there.
   */
  readonly required?: 'always' | 'one-of';
}

/** A request field that names what the call changed (shown in the alert, not judged). */
export interface TargetField {
  readonly path: string;
  readonly label: string;
}

/** The opt-in source profiles, each selectable on its own. */
export enum SourceProfile {
  /** AWS RAM shares whose resources include Bedrock custom models (`CreateResourceShare`, `AssociateResourceShare`). */
  RAM_MODEL_SHARING = 'ram-model-sharing',
  /** A new endpoint configuration behind a SageMaker endpoint registered with Bedrock (`sagemaker:UpdateEndpoint`). */
  SAGEMAKER_ENDPOINT_SWAPS = 'sagemaker-endpoint-swaps',
  /** AgentCore harnesses and gateway targets pointed at model endpoints outside Bedrock. */
  AGENTCORE_OUTSIDE_MODELS = 'agentcore-outside-models',
  /** Third-party model access (`CreateFoundationModelAgreement`, `PutUseCaseForModelAccess`). */
  MODEL_ACCESS = 'model-access',
  /** Customised models on bedrock-mantle (event names UNVERIFIED; add more with `additionalEvents`). */
  BEDROCK_MANTLE = 'bedrock-mantle',
}

/** A source profile's name, as the function's configuration carries it. */
export type SourceProfileName = `${SourceProfile}`;
export const SOURCE_PROFILES: readonly SourceProfileName[] = Object.values(SourceProfile);

/** Which set of calls a watched call belongs to. */
export type WatchedCallProfile = 'default' | 'extended' | SourceProfileName | 'custom';

/**
 * A check the function makes after the rule matched, because the pattern cannot: whether an agent's
 * model configuration points outside Bedrock (from the request), whether a SageMaker endpoint is
 * registered with Bedrock (asked of Bedrock).
 */
export type RelevanceCheck = 'outside-model-configuration' | 'registered-marketplace-endpoint';

/** What a watched call creates, for the create-then-delete signal. */
export type CreatedResource = 'imported-model' | 'custom-model' | 'custom-model-deployment' | 'marketplace-endpoint';

/** One watched API call. */
export interface WatchedCall {
  /** CloudTrail `eventSource`, e.g. `bedrock.amazonaws.com`. */
  readonly eventSource: string;
  /** CloudTrail `eventName` (exact, case-sensitive). */
  readonly eventName: string;
  readonly profile: WatchedCallProfile;
  /** One line for the alert: what the call did. */
  readonly summary: string;
  /** Request fields that name the model source. */
  readonly modelSourceFields: readonly ModelSourceField[];
  /** Request fields that name what the call changed (a deployment whose model was swapped, a share's principals). */
  readonly targetFields?: readonly TargetField[];
  /** Dotted paths inside CloudTrail `responseElements` that name the new resource. */
  readonly newResourceFields: readonly string[];
  /** Further conditions on `requestParameters`, as EventBridge pattern values by field. */
  readonly requestFilter?: Readonly<Record<string, readonly unknown[]>>;
  /** A check the function makes after the rule matched. */
  readonly relevance?: RelevanceCheck;
  /** What the call creates (for the create-then-delete signal). */
  readonly creates?: CreatedResource;
}
