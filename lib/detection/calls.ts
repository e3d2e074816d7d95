/**
 * The data of the catalogue: every API call that brings a model (or what decides which model runs)
 * into an account from outside the approved pipeline, by profile. Sources:
 * `shared/reference/coverage-facts.md` (the Bedrock, RAM, SageMaker and AgentCore API models and the
 * Service Authorization Reference). Pure data; `catalogue.ts` selects from it.
 */
import type { CreatedResource, WatchedCall } from './catalogue';

/** CloudTrail `eventSource`s of the watched services, and the EventBridge `source` CloudTrail events of each carry. */
export const EVENT_SOURCES = {
  bedrock: { eventSource: 'bedrock.amazonaws.com', source: 'aws.bedrock' },
  ram: { eventSource: 'ram.amazonaws.com', source: 'aws.ram' },
  sagemaker: { eventSource: 'sagemaker.amazonaws.com', source: 'aws.sagemaker' },
  // UNVERIFIED: no record of either service has been published; the EventBridge source is matched as
  // any `aws.` source (the eventSource still has to be exactly this), so a different one is not missed.
  agentcore: { eventSource: 'bedrock-agentcore.amazonaws.com', source: undefined },
  mantle: { eventSource: 'bedrock-mantle.amazonaws.com', source: undefined },
} as const;

const bedrock = EVENT_SOURCES.bedrock.eventSource;

/** The reference rule's four calls, and the three with the same impact it leaves out. */
export const DEFAULT_WATCHED_CALLS: readonly WatchedCall[] = [
  {
    eventSource: bedrock,
    eventName: 'CreateModelImportJob',
    profile: 'default',
    summary: 'A custom model import job was started: Bedrock will copy model weights from S3 into the account.',
    modelSourceFields: [
      { path: 'modelDataSource.s3DataSource.s3Uri', kind: 's3Uri', required: 'always' },
      { path: 'roleArn', kind: 'roleArn' },
    ],
    newResourceFields: ['jobArn'],
    creates: 'imported-model',
  },
  {
    eventSource: bedrock,
    eventName: 'CreateCustomModelDeployment',
    profile: 'default',
    summary: 'A custom model was deployed for on-demand inference: applications can now invoke it.',
    modelSourceFields: [{ path: 'modelArn', kind: 'modelArn', required: 'always' }],
    newResourceFields: ['customModelDeploymentArn'],
    creates: 'custom-model-deployment',
  },
  {
    eventSource: bedrock,
    eventName: 'CreateMarketplaceModelEndpoint',
    profile: 'default',
    summary: 'A Bedrock Marketplace model endpoint was created on SageMaker infrastructure.',
    modelSourceFields: [
      { path: 'modelSourceIdentifier', kind: 'modelSourceIdentifier', required: 'always' },
      { path: 'endpointConfig.sageMaker.executionRole', kind: 'executionRoleArn' },
    ],
    newResourceFields: ['marketplaceModelEndpoint.endpointArn'],
    creates: 'marketplace-endpoint',
  },
  {
    eventSource: bedrock,
    eventName: 'RegisterMarketplaceModelEndpoint',
    profile: 'default',
    summary:
      'An existing SageMaker endpoint was registered with Bedrock: a self-built endpoint is now a Bedrock model.',
    modelSourceFields: [
      { path: 'endpointIdentifier', kind: 'sageMakerEndpointArn', required: 'always' },
      { path: 'modelSourceIdentifier', kind: 'modelSourceIdentifier', required: 'always' },
    ],
    newResourceFields: ['marketplaceModelEndpoint.endpointArn'],
    creates: 'marketplace-endpoint',
  },
  {
    eventSource: bedrock,
    eventName: 'UpdateCustomModelDeployment',
    profile: 'default',
    summary:
      'The model behind a custom model deployment was swapped: applications that call the deployment now run another model.',
    modelSourceFields: [{ path: 'modelArn', kind: 'modelArn', required: 'always' }],
    targetFields: [{ path: 'customModelDeploymentIdentifier', label: 'Deployment' }],
    newResourceFields: ['customModelDeploymentArn'],
  },
  {
    eventSource: bedrock,
    eventName: 'CreateCustomModel',
    profile: 'default',
    summary: 'A custom model was created from S3 artifacts or a SageMaker model package.',
    modelSourceFields: [
      { path: 'modelSourceConfig.s3DataSource.s3Uri', kind: 's3Uri', required: 'one-of' },
      {
        path: 'customModelDataSource.modelPackageArnDataSource.modelPackageArn',
        kind: 'modelPackageArn',
        required: 'one-of',
      },
      { path: 'roleArn', kind: 'roleArn' },
    ],
    newResourceFields: ['modelArn'],
    creates: 'custom-model',
  },
  {
    eventSource: bedrock,
    eventName: 'CreateModelCopyJob',
    profile: 'default',
    summary:
      'A custom model was copied into this account or region from another one (after a RAM share, or from a region the detector may not watch).',
    modelSourceFields: [{ path: 'sourceModelArn', kind: 'copiedModelArn', required: 'always' }],
    newResourceFields: ['jobArn'],
    creates: 'custom-model',
  },
];

/** Further calls that change which model runs or what it learns; opt in with the `extended` profile. */
export const EXTENDED_WATCHED_CALLS: readonly WatchedCall[] = [
  {
    eventSource: bedrock,
    eventName: 'UpdateMarketplaceModelEndpoint',
    profile: 'extended',
    summary: 'A Bedrock Marketplace model endpoint was changed (for example its execution role).',
    modelSourceFields: [
      { path: 'endpointArn', kind: 'sageMakerEndpointArn' },
      { path: 'endpointConfig.sageMaker.executionRole', kind: 'executionRoleArn' },
    ],
    newResourceFields: ['marketplaceModelEndpoint.endpointArn'],
  },
  {
    eventSource: bedrock,
    eventName: 'CreateProvisionedModelThroughput',
    profile: 'extended',
    summary: 'Provisioned throughput was bought for a model: applications can invoke it at scale.',
    modelSourceFields: [{ path: 'modelId', kind: 'modelId', required: 'always' }],
    newResourceFields: ['provisionedModelArn'],
  },
  {
    eventSource: bedrock,
    eventName: 'UpdateProvisionedModelThroughput',
    profile: 'extended',
    summary:
      'The model behind provisioned throughput was swapped (desiredModelId): applications that call it now run another model.',
    modelSourceFields: [{ path: 'desiredModelId', kind: 'modelId', required: 'always' }],
    targetFields: [{ path: 'provisionedModelId', label: 'Provisioned throughput' }],
    newResourceFields: [],
    // Only a swap: an update that renames the throughput changes no model.
    requestFilter: { desiredModelId: [{ exists: true }] },
  },
  {
    eventSource: bedrock,
    eventName: 'CreateModelCustomizationJob',
    profile: 'extended',
    summary:
      'A model customization (fine-tuning) job was started: a model will be trained on this data (poisoning risk).',
    modelSourceFields: [
      { path: 'trainingDataConfig.s3Uri', kind: 's3Uri', required: 'always' },
      { path: 'baseModelIdentifier', kind: 'modelId' },
      { path: 'roleArn', kind: 'roleArn' },
    ],
    newResourceFields: ['jobArn'],
  },
  {
    eventSource: bedrock,
    eventName: 'PutResourcePolicy',
    profile: 'extended',
    summary: 'A resource policy was put on a Bedrock resource: other accounts or principals may now use it.',
    modelSourceFields: [],
    targetFields: [{ path: 'resourceArn', label: 'Resource' }],
    newResourceFields: [],
  },
];

/** Calls that only an opt-in source profile watches, each profile on its own. */
export const SOURCE_PROFILE_CALLS: readonly WatchedCall[] = [
  // Model sharing: a custom model shared through AWS RAM (same organisation only); the receiving
  // account then copies it in (CreateModelCopyJob, default profile).
  ...['CreateResourceShare', 'AssociateResourceShare'].map((eventName): WatchedCall => ({
    eventSource: EVENT_SOURCES.ram.eventSource,
    eventName,
    profile: 'ram-model-sharing',
    summary: 'A Bedrock custom model was shared through AWS RAM: the accounts it is shared with can copy it in.',
    modelSourceFields: [{ path: 'resourceArns', kind: 'modelArn', required: 'always' }],
    targetFields: [
      { path: 'principals', label: 'Shared with' },
      { path: 'resourceShareArn', label: 'Resource share' },
    ],
    newResourceFields: ['resourceShare.resourceShareArn'],
    requestFilter: { resourceArns: [{ wildcard: '*:custom-model/*' }] },
  })),
  // SageMaker endpoint swaps: a new endpoint configuration (another container) behind an endpoint
  // registered with Bedrock. The function asks Bedrock whether the endpoint is registered.
  {
    eventSource: EVENT_SOURCES.sagemaker.eventSource,
    eventName: 'UpdateEndpoint',
    profile: 'sagemaker-endpoint-swaps',
    summary:
      'A SageMaker endpoint registered with Bedrock was given a new endpoint configuration: the model behind the Bedrock marketplace endpoint changed.',
    modelSourceFields: [],
    targetFields: [
      { path: 'endpointName', label: 'SageMaker endpoint' },
      { path: 'endpointConfigName', label: 'New endpoint configuration' },
    ],
    newResourceFields: [],
    relevance: 'registered-marketplace-endpoint',
  },
  // AgentCore agents wired to a model outside Bedrock (a harness's model configuration, a gateway's
  // inference target). The function reads the request: a Bedrock model stays quiet.
  ...['CreateHarness', 'UpdateHarness', 'CreateGatewayTarget', 'UpdateGatewayTarget'].map((eventName): WatchedCall => ({
    eventSource: EVENT_SOURCES.agentcore.eventSource,
    eventName,
    profile: 'agentcore-outside-models',
    summary: 'An AgentCore agent harness or gateway target was pointed at a model endpoint outside Bedrock.',
    modelSourceFields: [],
    newResourceFields: [],
    relevance: 'outside-model-configuration',
  })),
  // Model access: a third-party foundation model's agreement or use-case form.
  ...['CreateFoundationModelAgreement', 'PutUseCaseForModelAccess'].map((eventName): WatchedCall => ({
    eventSource: bedrock,
    eventName,
    profile: 'model-access',
    summary: 'Access to a third-party foundation model was requested or agreed to.',
    modelSourceFields: eventName === 'CreateFoundationModelAgreement' ? [{ path: 'modelId', kind: 'modelId' }] : [],
    newResourceFields: [],
  })),
  // bedrock-mantle (the OpenAI-compatible surface): customised models with custom weights. The
  // CloudTrail event names are UNVERIFIED (these are the IAM action names): add others with
  // `additionalEvents` for the `bedrock-mantle.amazonaws.com` source.
  ...['CreateCustomizedModel', 'AssociateCustomizedModel'].map((eventName): WatchedCall => ({
    eventSource: EVENT_SOURCES.mantle.eventSource,
    eventName,
    profile: 'bedrock-mantle',
    summary: 'A customised model with custom weights was created or associated on Bedrock (bedrock-mantle).',
    modelSourceFields: [],
    newResourceFields: [],
  })),
];

/** A call that deletes what a watched call created, for the create-then-delete signal. */
export interface DeleteCall {
  readonly eventSource: string;
  readonly eventName: string;
  readonly deletes: CreatedResource;
  /** The request field that names the deleted resource (its name or ARN). */
  readonly identifierField: string;
}

/** The deletes the create-then-delete signal watches. */
export const DELETE_CALLS: readonly DeleteCall[] = [
  {
    eventSource: bedrock,
    eventName: 'DeleteImportedModel',
    deletes: 'imported-model',
    identifierField: 'modelIdentifier',
  },
  { eventSource: bedrock, eventName: 'DeleteCustomModel', deletes: 'custom-model', identifierField: 'modelIdentifier' },
  {
    eventSource: bedrock,
    eventName: 'DeleteCustomModelDeployment',
    deletes: 'custom-model-deployment',
    identifierField: 'customModelDeploymentIdentifier',
  },
  {
    eventSource: bedrock,
    eventName: 'DeleteMarketplaceModelEndpoint',
    deletes: 'marketplace-endpoint',
    identifierField: 'endpointArn',
  },
  {
    eventSource: bedrock,
    eventName: 'DeregisterMarketplaceModelEndpoint',
    deletes: 'marketplace-endpoint',
    identifierField: 'endpointArn',
  },
];

/**
 * Where a watched call that creates something names it, for matching a later delete: request
 * fields with its name, response fields with its ARN.
 */
export const CREATED_IDENTIFIERS: Readonly<
  Record<string, { readonly request: readonly string[]; readonly response: readonly string[] }>
> = {
  CreateModelImportJob: { request: ['importedModelName'], response: [] },
  CreateCustomModel: { request: ['modelName'], response: ['modelArn'] },
  CreateModelCopyJob: { request: ['targetModelName'], response: [] },
  CreateCustomModelDeployment: { request: ['modelDeploymentName'], response: ['customModelDeploymentArn'] },
  CreateMarketplaceModelEndpoint: { request: ['endpointName'], response: ['marketplaceModelEndpoint.endpointArn'] },
  RegisterMarketplaceModelEndpoint: {
    request: ['endpointIdentifier'],
    response: ['marketplaceModelEndpoint.endpointArn'],
  },
};

/** The delete calls in the shape the classifier and the pattern builder take. */
export const DELETE_CALLS_AS_WATCHED: readonly WatchedCall[] = DELETE_CALLS.map((d) => ({
  eventSource: d.eventSource,
  eventName: d.eventName,
  profile: 'custom',
  summary: `A ${d.deletes} was deleted.`,
  modelSourceFields: [],
  newResourceFields: [],
}));
