import {
  DEFAULT_WATCHED_CALLS,
  EXTENDED_WATCHED_CALLS,
  MODEL_SOURCE_LABELS,
  resolveWatchedCalls,
} from '../../lib/detection';

describe('watched-call catalogue', () => {
  test('the default profile is exactly the four calls of the reference rule', () => {
    expect(resolveWatchedCalls().map((c) => c.eventName)).toEqual([
      'CreateModelImportJob',
      'CreateCustomModelDeployment',
      'CreateMarketplaceModelEndpoint',
      'RegisterMarketplaceModelEndpoint',
    ]);
  });

  test('the extended profile adds the other ways an outside model comes in', () => {
    const names = resolveWatchedCalls({ profile: 'extended' }).map((c) => c.eventName);
    expect(names.slice(0, 4)).toEqual(DEFAULT_WATCHED_CALLS.map((c) => c.eventName));
    expect(names).toEqual(
      expect.arrayContaining(['CreateCustomModel', 'CreateModelCopyJob', 'UpdateMarketplaceModelEndpoint']),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  test('every call names where the model comes from and what it creates, with the fields the brief lists', () => {
    const byName = Object.fromEntries(
      [...DEFAULT_WATCHED_CALLS, ...EXTENDED_WATCHED_CALLS].map((c) => [c.eventName, c]),
    );
    expect(byName.CreateModelImportJob.modelSourceFields.map((f) => f.path)).toEqual([
      'modelDataSource.s3DataSource.s3Uri',
      'roleArn',
    ]);
    expect(byName.CreateCustomModelDeployment.modelSourceFields.map((f) => f.path)).toEqual(['modelArn']);
    expect(byName.CreateMarketplaceModelEndpoint.modelSourceFields.map((f) => f.path)).toEqual([
      'modelSourceIdentifier',
      'endpointConfig.sageMaker.executionRole',
    ]);
    expect(byName.RegisterMarketplaceModelEndpoint.modelSourceFields.map((f) => f.path)).toEqual([
      'endpointIdentifier',
      'modelSourceIdentifier',
    ]);
    for (const call of [...DEFAULT_WATCHED_CALLS, ...EXTENDED_WATCHED_CALLS]) {
      expect(call.newResourceFields.length).toBeGreaterThan(0);
      for (const f of call.modelSourceFields) expect(MODEL_SOURCE_LABELS[f.kind]).toBeTruthy();
    }
  });

  test('caller names are added once, after the profile, and catalogued names keep their fields', () => {
    const calls = resolveWatchedCalls({
      additionalEventNames: [
        'CreateModelCustomizationJob',
        'CreateModelImportJob',
        'CreateCustomModel',
        'CreateModelCustomizationJob',
      ],
    });
    expect(calls.map((c) => c.eventName)).toEqual([
      ...DEFAULT_WATCHED_CALLS.map((c) => c.eventName),
      'CreateModelCustomizationJob',
      'CreateCustomModel',
    ]);
    expect(calls[4]).toMatchObject({ profile: 'custom', modelSourceFields: [] });
    expect(calls[5]).toBe(EXTENDED_WATCHED_CALLS.find((c) => c.eventName === 'CreateCustomModel'));
  });

  test('fails for an unknown profile, naming the option, the value and what is allowed', () => {
    expect(() => resolveWatchedCalls({ profile: 'everything' as never })).toThrow(
      `'profile' must be one of 'default', 'extended', got "everything"`,
    );
  });

  test.each([['createModelImportJob'], ['Create Model'], [''], ['Ab'], ['X'.repeat(129)], ['CreateModel*']])(
    'fails for the malformed event name %j',
    (name) => {
      expect(() => resolveWatchedCalls({ additionalEventNames: [name] })).toThrow(
        `'additionalEventNames' entries must be Bedrock API operation names (PascalCase letters and digits, 3-128 characters, for example 'CreateModelCustomizationJob'), got ${JSON.stringify(name)}`,
      );
    },
  );
});
