import {
  DEFAULT_WATCHED_CALLS,
  EXTENDED_WATCHED_CALLS,
  MODEL_SOURCE_LABELS,
  SOURCE_PROFILES,
  SOURCE_PROFILE_CALLS,
  resolveWatchedCalls,
  type WatchedCall,
} from '../../lib/detection';

const names = (calls: readonly WatchedCall[]) => calls.map((c) => c.eventName);

describe('watched-call catalogue', () => {
  test("the default profile is the reference rule's four calls and the three with the same impact", () => {
    expect(names(resolveWatchedCalls())).toEqual([
      'CreateModelImportJob',
      'CreateCustomModelDeployment',
      'CreateMarketplaceModelEndpoint',
      'RegisterMarketplaceModelEndpoint',
      'UpdateCustomModelDeployment',
      'CreateCustomModel',
      'CreateModelCopyJob',
    ]);
    for (const c of resolveWatchedCalls())
      expect([c.eventName, c.eventSource]).toEqual([c.eventName, 'bedrock.amazonaws.com']);
  });

  test('the extended profile adds model swaps, provisioned throughput, fine-tuning and resource policies', () => {
    const extended = names(resolveWatchedCalls({ profile: 'extended' }));
    expect(extended.slice(0, 7)).toEqual(names(DEFAULT_WATCHED_CALLS));
    expect(extended.slice(7)).toEqual([
      'UpdateMarketplaceModelEndpoint',
      'CreateProvisionedModelThroughput',
      'UpdateProvisionedModelThroughput',
      'CreateModelCustomizationJob',
      'PutResourcePolicy',
    ]);
    expect(new Set(extended).size).toBe(extended.length);
  });

  test('each source profile is selectable on its own and adds only its calls, with their event source', () => {
    const expected: Record<string, [string, string[]]> = {
      'ram-model-sharing': ['ram.amazonaws.com', ['CreateResourceShare', 'AssociateResourceShare']],
      'sagemaker-endpoint-swaps': ['sagemaker.amazonaws.com', ['UpdateEndpoint']],
      'agentcore-outside-models': [
        'bedrock-agentcore.amazonaws.com',
        ['CreateHarness', 'UpdateHarness', 'CreateGatewayTarget', 'UpdateGatewayTarget'],
      ],
      'model-access': ['bedrock.amazonaws.com', ['CreateFoundationModelAgreement', 'PutUseCaseForModelAccess']],
      'bedrock-mantle': ['bedrock-mantle.amazonaws.com', ['CreateCustomizedModel', 'AssociateCustomizedModel']],
    };
    expect(Object.keys(expected).sort()).toEqual([...SOURCE_PROFILES].sort());
    for (const profile of SOURCE_PROFILES) {
      const added = resolveWatchedCalls({ sourceProfiles: [profile] }).slice(DEFAULT_WATCHED_CALLS.length);
      expect([profile, names(added)]).toEqual([profile, expected[profile][1]]);
      for (const c of added) expect([c.eventName, c.eventSource]).toEqual([c.eventName, expected[profile][0]]);
    }
    expect(resolveWatchedCalls({ sourceProfiles: [...SOURCE_PROFILES] })).toHaveLength(
      DEFAULT_WATCHED_CALLS.length + SOURCE_PROFILE_CALLS.length,
    );
  });

  test('every call names where the model comes from, what it changed or creates; required sources are marked', () => {
    const byName = Object.fromEntries(
      [...DEFAULT_WATCHED_CALLS, ...EXTENDED_WATCHED_CALLS].map((c) => [c.eventName, c]),
    );
    const sources = (name: string) => byName[name].modelSourceFields.map((f) => [f.path, f.required ?? 'optional']);
    expect(sources('CreateModelImportJob')).toEqual([
      ['modelDataSource.s3DataSource.s3Uri', 'always'],
      ['roleArn', 'optional'],
    ]);
    expect(sources('RegisterMarketplaceModelEndpoint')).toEqual([
      ['endpointIdentifier', 'always'],
      ['modelSourceIdentifier', 'always'],
    ]);
    expect(sources('CreateCustomModel')).toEqual([
      ['modelSourceConfig.s3DataSource.s3Uri', 'one-of'],
      ['customModelDataSource.modelPackageArnDataSource.modelPackageArn', 'one-of'],
      ['roleArn', 'optional'],
    ]);
    expect(sources('CreateModelCopyJob')).toEqual([['sourceModelArn', 'always']]);
    expect(sources('UpdateProvisionedModelThroughput')).toEqual([['desiredModelId', 'always']]);
    expect(byName.UpdateProvisionedModelThroughput.requestFilter).toEqual({ desiredModelId: [{ exists: true }] });
    expect(byName.UpdateCustomModelDeployment.targetFields).toEqual([
      { path: 'customModelDeploymentIdentifier', label: 'Deployment' },
    ]);
    for (const call of [...DEFAULT_WATCHED_CALLS, ...EXTENDED_WATCHED_CALLS, ...SOURCE_PROFILE_CALLS]) {
      for (const f of call.modelSourceFields) expect(MODEL_SOURCE_LABELS[f.kind]).toBeTruthy();
      // Something to show: a source, a changed resource, a new resource or the whole request.
      expect(
        call.modelSourceFields.length + (call.targetFields?.length ?? 0) + call.newResourceFields.length,
      ).toBeGreaterThanOrEqual(
        call.relevance || call.profile === 'bedrock-mantle' || call.profile === 'model-access' ? 0 : 1,
      );
    }
  });

  test('caller names are added once, after the profiles, and catalogued names keep their fields', () => {
    const calls = resolveWatchedCalls({
      additionalEventNames: [
        'CreateModelCustomizationJob',
        'CreateModelImportJob',
        'ListCustomModels',
        'ListCustomModels',
      ],
      additionalEvents: [
        { eventSource: 'bedrock-mantle.amazonaws.com', eventNames: ['CreateCustomizedModelVersion'] },
        { eventSource: 'ram.amazonaws.com', eventNames: ['CreateResourceShare'] },
      ],
    });
    expect(names(calls).slice(7)).toEqual([
      'CreateModelCustomizationJob',
      'ListCustomModels',
      'CreateCustomizedModelVersion',
      'CreateResourceShare',
    ]);
    expect(calls[7]).toBe(EXTENDED_WATCHED_CALLS.find((c) => c.eventName === 'CreateModelCustomizationJob'));
    expect(calls[8]).toMatchObject({ profile: 'custom', eventSource: 'bedrock.amazonaws.com', modelSourceFields: [] });
    expect(calls[9]).toMatchObject({ profile: 'custom', eventSource: 'bedrock-mantle.amazonaws.com' });
    // The RAM call keeps its filter: only shares of custom models.
    expect(calls[10].requestFilter).toEqual({ resourceArns: [{ wildcard: '*:custom-model/*' }] });
  });

  test('fails for an unknown profile or source profile, naming the option, the value and what is allowed', () => {
    expect(() => resolveWatchedCalls({ profile: 'everything' as never })).toThrow(
      `'profile' must be one of 'default', 'extended', got "everything"`,
    );
    expect(() => resolveWatchedCalls({ sourceProfiles: ['ram' as never] })).toThrow(
      `'sourceProfiles' entries must be one of 'ram-model-sharing', 'sagemaker-endpoint-swaps', 'agentcore-outside-models', 'model-access', 'bedrock-mantle', got "ram"`,
    );
    expect(() =>
      resolveWatchedCalls({ additionalEvents: [{ eventSource: 'mantle', eventNames: ['CreateX'] }] }),
    ).toThrow(
      `'additionalEvents[0].eventSource' must be a CloudTrail event source like 'bedrock-mantle.amazonaws.com', got "mantle"`,
    );
    expect(() =>
      resolveWatchedCalls({ additionalEvents: [{ eventSource: 'ram.amazonaws.com', eventNames: [] }] }),
    ).toThrow(`'additionalEvents[0].eventNames' must be a non-empty list of event names, got []`);
  });

  test.each([['createModelImportJob'], ['Create Model'], [''], ['Ab'], ['X'.repeat(129)], ['CreateModel*']])(
    'fails for the malformed event name %j',
    (name) => {
      expect(() => resolveWatchedCalls({ additionalEventNames: [name] })).toThrow(
        `'additionalEventNames' entries must be API operation names (PascalCase letters and digits, 3-128 characters, for example 'CreateModelCustomizationJob'), got ${JSON.stringify(name)}`,
      );
    },
  );
});
